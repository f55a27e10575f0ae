"""reidrisk for Python: re-identification risk without cgo.

This package runs the ``reidrisk`` program, which ``pip install ./python``
builds from the Go sources into the package itself (``reidrisk/bin/``), and
exchanges data with it as files, CSV or Arrow IPC on standard input, and
JSON on standard output. It needs only the Python standard library; pandas
and pyarrow are used when they are installed.

    >>> import reidrisk
    >>> r = reidrisk.analyze("adult.csv", qi=["age", "sex", "race"], k=5, delimiter=";")
    >>> r["k"], r["prosecutor"]["average"]

Reports are dicts typed as :class:`AnalyzeReport`, :class:`SuggestReport`,
:class:`TemporalReport` and :class:`DemoReport`, with the JSON report's
field names. Figures that are infinite come back as ``float("inf")``.

Null is a value: ``None`` and NaN in a DataFrame or a list of dicts reach
the program as null, a value distinct from the empty string, whether the
data travels as Arrow IPC (pyarrow installed) or as CSV (then with a null
marker passed as ``--null``).

The environment variable ``REIDRISK_BIN`` names another reidrisk program to
run instead of the one inside the package; either way the program's version
must equal the package's :data:`__version__`.
"""

import csv
import io
import json
import math
import os
import re
import subprocess
import tempfile
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._types import (AnalyzeReport, DemoReport, HabitAnonymity, Policy, QIAnalysis, Risk, Suggestion,
                     SuggestReport, TemporalKey, TemporalReport, TraceUnicity)

_HERE = os.path.dirname(os.path.abspath(__file__))


def _checkout_version() -> str:
    """Return the version in internal/version/version.go when the package runs from a checkout."""
    path = os.path.join(os.path.dirname(os.path.dirname(_HERE)), "internal", "version", "version.go")
    try:
        with open(path, encoding="utf-8") as f:
            m = re.search(r'^const Version = "([^"]+)"$', f.read(), re.M)
    except OSError:
        m = None
    return m.group(1) if m else "unknown"


try:
    from ._version import __version__  # written by the build backend
except ImportError:  # run from a checkout (PYTHONPATH=python), not installed
    __version__ = _checkout_version()

__all__ = ["analyze", "suggest", "temporal", "demo", "run", "binary", "to_frame", "ReidriskError",
           "AnalyzeReport", "SuggestReport", "TemporalReport", "DemoReport", "Policy", "Risk", "QIAnalysis",
           "Suggestion", "TemporalKey", "HabitAnonymity", "TraceUnicity", "__version__"]

Data = Any  # a path, CSV text or bytes, a list of dicts, a pandas DataFrame or a pyarrow Table

# Flags that may be given more than once: a list (or a dict COLUMN -> FILE) repeats the flag.
_REPEATED = frozenset({"hierarchy"})

_EXE = "reidrisk.exe" if os.name == "nt" else "reidrisk"


class ReidriskError(ValueError):
    """The reidrisk program failed, or cannot be run.

    ``exit_code`` is the program's exit status: 2 for bad usage, 1 for bad
    input, 3 when a requested policy cannot be met; it is None when the
    program did not run (missing, or of another version). With exit status
    3 and JSON output, ``report`` holds the parsed report (else None).
    """

    def __init__(self, message: str, exit_code: Optional[int], report: Any = None):
        """Make the error with the program's message, exit status and report."""
        super().__init__(message)
        self.exit_code = exit_code
        self.report = report


_checked: Dict[Tuple[str, int, int], str] = {}  # (path, mtime_ns, size) -> version, of programs that match


def binary() -> str:
    """Return the path of the reidrisk program, checked to be of the package's version.

    ``REIDRISK_BIN``, when set, names the program; otherwise it is the one
    the build put inside the package. Raises :class:`ReidriskError` if there
    is none or its version (``reidrisk version``) differs from
    :data:`__version__`.
    """
    path = os.environ.get("REIDRISK_BIN")
    if not path:
        path = os.path.join(_HERE, "bin", _EXE)
        if not os.path.isfile(path):
            raise ReidriskError(
                "reidrisk: no reidrisk program at %s: this package was not installed with its program. "
                "Install it with `pip install ./python` from a clone of the repository (Go on PATH), "
                "or set REIDRISK_BIN to a reidrisk program of version %s" % (path, __version__), None)
    _check_version(path)
    return path


def _check_version(path: str) -> None:
    """Raise ReidriskError unless the program at path prints the package's version."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise ReidriskError("reidrisk: cannot run %s: %s" % (path, e.strerror), None) from None
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_size)
    if key in _checked:
        return
    try:
        p = subprocess.run([path, "version"], capture_output=True, timeout=60)
    except OSError as e:
        raise ReidriskError("reidrisk: cannot run %s: %s" % (path, e), None) from None
    out = p.stdout.decode("utf-8", "replace").split()
    got = out[1] if p.returncode == 0 and len(out) == 2 and out[0] == "reidrisk" else None
    if got != __version__:
        what = "is version %s" % got if got else "does not print its version (it predates version 0.1.0)"
        raise ReidriskError(
            "reidrisk: the program %s %s, but this Python package is version %s. Reinstall the package "
            "(pip install ./python) or point REIDRISK_BIN at a reidrisk program of version %s"
            % (path, what, __version__, __version__), None)
    _checked[key] = got


def _text(v: Any) -> str:
    """Return a flag value as text: paths by os.fspath, others by str."""
    return os.fspath(v) if isinstance(v, os.PathLike) else str(v)


def _flag(name: str, value: Any) -> List[str]:
    """Turn one keyword argument into command-line arguments.

    ``risk_threshold=0.1`` gives ``--risk-threshold 0.1``; True a bare flag;
    None and False nothing. A list is joined with commas, except for flags
    that may repeat (``hierarchy``), which are given once per item; for
    those a dict ``{COLUMN: FILE}`` gives ``--hierarchy COLUMN=FILE`` each.
    """
    flag = "--" + name.replace("_", "-")
    if value is None or value is False:
        return []
    if value is True:
        return [flag]
    if isinstance(value, Mapping):
        if name not in _REPEATED:
            raise TypeError("reidrisk: %s takes a value or a list, not a dict" % flag)
        value = ["%s=%s" % (k, _text(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        items = [_text(v) for v in value]
        if name in _REPEATED:
            return [a for v in items for a in (flag, v)]
        for v in items:
            if "," in v:
                raise ValueError("reidrisk: %s takes a comma-separated list, and the item %r has a comma"
                                 % (flag, v))
        return [flag, ",".join(items)]
    return [flag, _text(value)]


def _null_marker(cells: Any) -> str:
    """Return a text none of the given cell strings equals, to stand for null in CSV."""
    seen = set(cells)
    marker, n = "<reidrisk:null>", 0
    while marker in seen:
        n += 1
        marker = "<reidrisk:null:%d>" % n
    return marker


def _is_null(v: Any) -> bool:
    """Report whether a Python cell value is null: None or a float NaN."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def _rows_csv(rows: Sequence[Mapping[str, Any]]) -> Tuple[bytes, str]:
    """Write a list of dicts as CSV; return it and the marker written for null cells.

    Columns are the keys in order of first appearance; a missing key is null.
    Every field is quoted, so a row of empty strings is not a blank line.
    """
    cols: Dict[str, None] = {}
    for r in rows:
        for k in r:
            cols.setdefault(k, None)
    marker = _null_marker(v for r in rows for v in r.values() if isinstance(v, str))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(list(cols))
    for r in rows:
        w.writerow([marker if _is_null(r.get(c)) else _text(r.get(c)) for c in cols])
    return buf.getvalue().encode("utf-8"), marker


def _frame_csv(df: Any) -> Tuple[bytes, str]:
    """Write a pandas DataFrame as CSV; return it and the marker written for None, NaN, NA and NaT."""
    strings = (v for c in df.columns if str(df[c].dtype) in ("object", "string")
               for v in df[c].tolist() if isinstance(v, str))
    marker = _null_marker(strings)
    text = df.to_csv(index=False, na_rep=marker, quoting=csv.QUOTE_ALL)
    return text.encode("utf-8"), marker


def _arrow_stream(data: Any) -> Optional[bytes]:
    """Return a DataFrame or pyarrow Table as an Arrow IPC stream, or None without pyarrow."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    elif not isinstance(data, pa.Table):
        try:
            data = pa.Table.from_pandas(data, preserve_index=False)  # NaN and None become null
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            return None  # a column of mixed types: CSV carries it as text
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, data.schema) as w:
        w.write_table(data)
    return sink.getvalue()


def _input(data: Data) -> Tuple[str, Optional[bytes], Optional[str]]:
    """Return (FILE argument, standard input, null marker) for the data of a command.

    A path or a one-line str is a file; CSV text or bytes go on standard
    input as they are; a DataFrame or pyarrow Table goes as Arrow IPC when
    pyarrow is installed, else (like a list of dicts) as CSV whose null
    cells hold the returned marker.
    """
    if isinstance(data, os.PathLike) or (isinstance(data, str) and "\n" not in data):
        return os.fspath(data), None, None
    if isinstance(data, bytes):
        return "-", data, None
    if isinstance(data, str):
        return "-", data.encode("utf-8"), None
    kind = type(data).__module__.split(".")[0]
    if kind in ("pandas", "pyarrow"):
        stream = _arrow_stream(data)
        if stream is not None:
            return "-", stream, None
        if kind == "pyarrow":
            raise TypeError("reidrisk: a pyarrow Table could not be written as Arrow IPC")
        body, marker = _frame_csv(data)
        return "-", body, marker
    if isinstance(data, (list, tuple)) and data and all(isinstance(r, Mapping) for r in data):
        body, marker = _rows_csv(data)
        return "-", body, marker
    raise TypeError("reidrisk: data must be a path, CSV text, a list of dicts, a pandas DataFrame or a "
                    "pyarrow Table, not %s" % type(data).__name__)


def _floats(x: Any) -> Any:
    """Turn the JSON strings "Infinity"/"-Infinity" into floats, recursively."""
    if isinstance(x, dict):
        return {k: _floats(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_floats(v) for v in x]
    if x == "Infinity":
        return math.inf
    if x == "-Infinity":
        return -math.inf
    return x


def run(command: str, data: Data = None, fmt: str = "json", **flags: Any) -> Any:
    """Run ``reidrisk COMMAND [FILE] --flag value ...`` and return its output.

    ``data`` is as for :func:`analyze`. Keyword arguments become flags:
    ``risk_threshold=0.1`` is ``--risk-threshold 0.1``, True is a bare flag,
    a list is joined with commas (``hierarchy=[...]`` repeats the flag
    instead). With ``fmt="json"`` the parsed JSON is returned, else the
    text. Raises :class:`ReidriskError` with the program's message and exit
    status when it fails.
    """
    args = [binary(), command]
    stdin, marker = None, None
    if data is not None:
        arg, stdin, marker = _input(data)
        args.append(arg)
    if marker is not None:
        # The CSV was written here: its delimiter is ",", and the marker is null
        # (with the caller's own null texts, if any).
        own = flags.get("null")
        own = [] if own in (None, False) else [_text(v) for v in own] if isinstance(own, (list, tuple)) \
            else _text(own).split(",")
        flags["null"] = own + [marker]
        flags["delimiter"] = ","
    for k, v in flags.items():
        args += _flag(k, v)
    args += ["--format", fmt, "--quiet"]
    p = subprocess.run(args, input=stdin, capture_output=True)
    if p.returncode != 0:
        report = None
        if p.returncode == 3 and fmt == "json":
            report = _floats(json.loads(p.stdout.decode("utf-8")))
        raise ReidriskError(p.stderr.decode("utf-8", "replace").strip(), p.returncode, report)
    out = p.stdout.decode("utf-8")
    return _floats(json.loads(out)) if fmt == "json" else out


def _read_table(path: str) -> Any:
    """Read a table the program wrote: a DataFrame with pandas, else a dict of column lists."""
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        if path.endswith(".csv"):
            return pd.read_csv(path, keep_default_na=False)
        import pyarrow as pa
        with pa.memory_map(path) as src:
            return pa.ipc.open_file(src).read_all().to_pandas()
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        cols: Dict[str, List[Any]] = {k: [] for k in header}
        for row in reader:
            for k, v in zip(header, row):
                cols[k].append(_parse(v))
    return cols


def _parse(v: str) -> Any:
    """Return a CSV cell as bool, int or float when it reads as one, else as the string."""
    if v in ("true", "false"):
        return v == "true"
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def analyze(data: Data, qi: Sequence[str], sensitive: Union[str, Sequence[str], None] = None,
            subject: Optional[str] = None, k: Optional[int] = None, records: bool = False,
            **flags: Any) -> AnalyzeReport:
    """Measure re-identification risk over the quasi-identifiers ``qi``.

    ``data`` is a file path (CSV, Parquet or Arrow), CSV text, a list of
    dicts, a pandas DataFrame or a pyarrow Table. Returns the report with the
    fields of schema/analyze-report.schema.json (rows, classes, k,
    sample_uniques, prosecutor, qi_analysis, ...). With ``records=True`` it
    also has "records": the per-record risk table (a DataFrame when pandas
    is installed, else a dict of column lists), one row per input row.
    Other keyword arguments are flags of ``reidrisk analyze`` (delimiter,
    null, l, c, t, risk_threshold, sampling_fraction, weights, suda,
    hierarchy, ...).
    """
    flags.update(qi=qi, sensitive=sensitive, subject=subject, k=k)
    if not records:
        return run("analyze", data, **flags)
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
        ext = ".arrow"
    except ImportError:
        ext = ".csv"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "records" + ext)
        report = run("analyze", data, records=path, **flags)
        report["records"] = _read_table(path)
    return report


def suggest(data: Data, qi: Sequence[str], **flags: Any) -> SuggestReport:
    """Search the least generalisation meeting a policy; return the suggest report.

    ``data`` is as for :func:`analyze`. Keyword arguments are flags of
    ``reidrisk suggest`` (k, l, c, t, max_suppression, auto_hierarchies,
    hierarchy=[...] or {COLUMN: FILE}, ...).
    """
    flags.update(qi=qi)
    return run("suggest", data, **flags)


def temporal(data: Data, subject: str, time: str, **flags: Any) -> TemporalReport:
    """Measure weekly-habit and trace uniqueness in an event log; return the temporal report.

    ``data`` is as for :func:`analyze`, one row per event. Keyword arguments
    are flags of ``reidrisk temporal`` (attrs, slot, min_weeks, max_p, tz, time_unit,
    policy, ...).
    """
    flags.update(subject=subject, time=time)
    return run("temporal", data, **flags)


def demo(**flags: Any) -> DemoReport:
    """Run the embedded media-server demo; return its steps and reports.

    Keyword arguments are flags of ``reidrisk demo`` (accounts, seed,
    show_values, ...). To write the demo's table or event log, call
    ``run("demo", fmt="text", write_csv=PATH)`` (or ``write_events=PATH``):
    the command then writes the file and says so, without the story.
    """
    return run("demo", None, **flags)


def to_frame(report: Mapping[str, Any], field: str = "qi_analysis") -> Any:
    """Return a field of a report as a pandas DataFrame (pandas required).

    A list of dicts (qi_analysis, riskiest_classes, alternatives) gives one
    row per item; a dict (class_size_histogram) gives columns key and value,
    in numeric key order when every key is a number.
    """
    import pandas as pd
    value = report[field]
    if isinstance(value, Mapping):
        keys = list(value)
        if all(re.fullmatch(r"-?\d+", str(k)) for k in keys):
            keys.sort(key=int)
        return pd.DataFrame({"key": keys, "value": [value[k] for k in keys]})
    return pd.DataFrame(value)
