"""reidrisk for Python: re-identification risk without cgo.

This module runs the ``reidrisk`` command-line program (built from this
repository with ``go build`` on first use) and exchanges data with it as
files, CSV or Arrow IPC on standard input, and JSON on standard output.
It needs only the Python standard library; pandas and pyarrow are used when
they are installed.

    >>> import reidrisk
    >>> r = reidrisk.analyze("testdata/adult/adult.csv",
    ...                      qi=["age", "sex", "race"], k=5)
    >>> r["k"], r["prosecutor"]["average"]

Figures that are infinite come back as ``float("inf")``.
"""

import io
import json
import math
import os
import shutil
import subprocess
import tempfile

__all__ = ["analyze", "suggest", "temporal", "demo", "run", "binary", "ReidriskError", "to_frame"]

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ReidriskError(ValueError):
    """The reidrisk program failed; ``exit_code`` is 1 for bad input, 2 for bad usage, 3 when a
    requested policy cannot be met (then ``report`` holds the parsed JSON report, else None)."""

    def __init__(self, message, exit_code, report=None):
        super().__init__(message)
        self.exit_code = exit_code
        self.report = report


def binary(rebuild=False):
    """Return the path of the reidrisk program, building it if needed.

    The environment variable REIDRISK_BIN names a program to use as is.
    Otherwise the program is built with ``go build`` from this repository
    into python/.bin/ (or the user's cache directory if that is not
    writable) the first time, or again when ``rebuild`` is true.
    """
    env = os.environ.get("REIDRISK_BIN")
    if env:
        return env
    exe = "reidrisk.exe" if os.name == "nt" else "reidrisk"
    candidates = [os.path.join(_REPO, "python", ".bin"),
                  os.path.join(os.path.expanduser("~"), ".cache", "reidrisk")]
    for d in candidates:
        path = os.path.join(d, exe)
        if os.path.exists(path) and not rebuild:
            return path
    go = shutil.which("go")
    if go is None:
        raise ReidriskError("reidrisk: the Go toolchain (go) is needed to build the reidrisk program; "
                            "install Go or set REIDRISK_BIN", 1)
    last = None
    for d in candidates:
        try:
            os.makedirs(d, exist_ok=True)
        except OSError as e:
            last = e
            continue
        path = os.path.join(d, exe)
        env = dict(os.environ, CGO_ENABLED="0")
        p = subprocess.run([go, "build", "-o", path, "./cmd/reidrisk"], cwd=_REPO, env=env,
                           capture_output=True, text=True)
        if p.returncode == 0:
            return path
        last = p.stderr
    raise ReidriskError("reidrisk: go build failed: %s" % last, 1)


def _flag(name, value):
    flag = "--" + name.replace("_", "-")
    if value is None or value is False:
        return []
    if value is True:
        return [flag]
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return [flag, str(value)]


def _input(data):
    """Return (argument, stdin bytes) for a path, DataFrame, CSV text or rows."""
    if isinstance(data, (str, os.PathLike)) and not (isinstance(data, str) and "\n" in data):
        return os.fspath(data), None
    if isinstance(data, bytes):
        return "-", data
    if isinstance(data, str):
        return "-", data.encode("utf-8")
    if hasattr(data, "to_csv"):  # a pandas DataFrame
        try:
            import pyarrow as pa
            table = pa.Table.from_pandas(data, preserve_index=False)
            sink = io.BytesIO()
            with pa.ipc.new_stream(sink, table.schema) as w:
                w.write_table(table)
            return "-", sink.getvalue()
        except ImportError:
            return "-", data.to_csv(index=False).encode("utf-8")
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], dict):
        import csv
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(data[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(data)
        return "-", buf.getvalue().encode("utf-8")
    raise TypeError("reidrisk: data must be a path, CSV text, a list of dicts or a pandas DataFrame, not %s"
                    % type(data).__name__)


def _floats(x):
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


def run(command, data=None, fmt="json", **flags):
    """Run ``reidrisk COMMAND [FILE] --flag value ...`` and return its output.

    Keyword arguments become flags: ``risk_threshold=0.1`` is
    ``--risk-threshold 0.1``, a list is joined with commas, True is a bare
    flag. With fmt="json" the parsed JSON is returned, else the text.
    """
    args = [binary(), command]
    stdin = None
    if data is not None:
        arg, stdin = _input(data)
        args.append(arg)
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


def _read_table(path):
    """Read a table written by reidrisk: a DataFrame when pandas is there, else a dict of lists."""
    try:
        import pandas as pd
        if path.endswith(".csv"):
            return pd.read_csv(path)
        import pyarrow as pa
        with pa.memory_map(path) as src:
            return pa.ipc.open_file(src).read_all().to_pandas()
    except ImportError:
        pass
    import csv
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    cols = {k: [] for k in (rows[0].keys() if rows else [])}
    for r in rows:
        for k, v in r.items():
            cols[k].append(_parse(v))
    return cols


def _parse(v):
    if v in ("true", "false"):
        return v == "true"
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def analyze(data, qi, sensitive=None, subject=None, k=None, records=False, **flags):
    """Measure re-identification risk over the quasi-identifiers ``qi``.

    ``data`` is a file path (CSV, Parquet or Arrow), CSV text, a list of dicts
    or a pandas DataFrame. Returns the report as a dict with the fields of
    schema/analyze-report.schema.json (rows, classes, k, sample_uniques,
    prosecutor, qi_analysis, ...). With ``records=True`` the dict also has
    "records": the per-record risk table (a DataFrame when pandas is
    installed, else a dict of column lists), one row per input row.
    Other keyword arguments are flags of ``reidrisk analyze`` (l, c, t,
    risk_threshold, sampling_fraction, weights, suda, suda_max_size, ...).
    """
    flags.update(qi=qi, sensitive=sensitive, subject=subject, k=k)
    if not records:
        return run("analyze", data, **flags)
    try:
        import pyarrow  # noqa: F401
        import pandas  # noqa: F401
        ext = ".arrow"
    except ImportError:
        ext = ".csv"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "records" + ext)
        report = run("analyze", data, records=path, **flags)
        report["records"] = _read_table(path)
    return report


def suggest(data, qi, **flags):
    """Search the least generalisation meeting a policy; returns the report dict.

    Keyword arguments are flags of ``reidrisk suggest`` (k, l, hierarchies, ...).
    """
    flags.update(qi=qi)
    return run("suggest", data, **flags)


def temporal(data, subject, time, **flags):
    """Measure weekly-habit and trace uniqueness in an event log; returns the report dict.

    Keyword arguments are flags of ``reidrisk temporal`` (attrs, slot, min_weeks, max_p, policy, ...).
    """
    flags.update(subject=subject, time=time)
    return run("temporal", data, **flags)


def demo(**flags):
    """Run the embedded media-server demo; returns its steps as a dict."""
    return run("demo", None, **flags)


def to_frame(report, field="qi_analysis"):
    """Return a list-of-dicts field of a report (e.g. qi_analysis) as a pandas DataFrame."""
    import pandas as pd
    return pd.DataFrame(report[field])
