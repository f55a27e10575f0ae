"""The PEP 517 build backend of the reidrisk Python package: standard library only.

``pip install ./python`` (from a clone of the repository) calls
:func:`build_wheel`, which runs ``CGO_ENABLED=0 go build ./cmd/reidrisk`` in
the repository (the directory above ``python/``) and writes a wheel holding
the ``reidrisk`` package with the program inside it, at
``reidrisk/bin/reidrisk``. The installed package then needs neither Go nor
the checkout.

The version is written once, in ``internal/version/version.go``; the wheel
carries it as ``reidrisk/_version.py`` and the package checks that the
program it runs prints the same one.

It needs nothing outside the standard library (no setuptools, no ``wheel``
package), so it builds offline with ``--no-build-isolation``. There is no
sdist: the program is built from the Go sources of the checkout, which an
sdist of ``python/`` would not hold; building without them fails with a
message saying so.
"""

import base64
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

_PYTHON = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_REPO = os.path.dirname(_PYTHON)
_PACKAGE = "reidrisk"
_EXE = "reidrisk.exe" if os.name == "nt" else "reidrisk"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so that two builds of one tree are equal


class BuildError(RuntimeError):
    """The wheel cannot be built; the message says why and what to do."""


def _version():
    """Return the version written in internal/version/version.go of the checkout."""
    path = os.path.join(_REPO, "internal", "version", "version.go")
    _need_sources()
    with open(path, encoding="utf-8") as f:
        m = re.search(r'^const Version = "([^"]+)"$', f.read(), re.M)
    if m is None:
        raise BuildError("reidrisk build: no 'const Version = \"…\"' line in %s" % path)
    return m.group(1)


def _need_sources():
    """Fail with a clear message unless python/.. is a checkout with the Go sources."""
    gomod = os.path.join(_REPO, "go.mod")
    main = os.path.join(_REPO, "cmd", "reidrisk", "main.go")
    ok = os.path.isfile(main) and os.path.isfile(gomod)
    if ok:
        with open(gomod, encoding="utf-8") as f:
            ok = re.search(r"^module github\.com/reidrisk/reidrisk$", f.read(), re.M) is not None
    if not ok:
        raise BuildError(
            "reidrisk build: %s is not inside a checkout of the reidrisk repository (no go.mod of "
            "github.com/reidrisk/reidrisk and cmd/reidrisk/ in %s). The package holds a Go program "
            "built from those sources: run `pip install ./python` in a clone of the repository; an sdist "
            "or a copy of python/ alone cannot be built." % (_PYTHON, _REPO))


def _go():
    """Return the path of the go command: $GO, else go on PATH, else $GOROOT/bin/go."""
    for cand in (os.environ.get("GO"), shutil.which("go"),
                 os.path.join(os.environ.get("GOROOT", ""), "bin", "go") if os.environ.get("GOROOT") else None):
        if cand and os.path.isfile(cand):
            return cand
    want = ""
    with open(os.path.join(_REPO, "go.mod"), encoding="utf-8") as f:
        m = re.search(r"^go (\S+)$", f.read(), re.M)
        if m:
            want = " %s or later" % m.group(1)
    raise BuildError("reidrisk build: the Go toolchain%s is needed to build the reidrisk program; put `go` "
                     "on PATH (or set GO to its path) and install again" % want)


def _build_program(out_dir):
    """Build ./cmd/reidrisk with CGO_ENABLED=0 into out_dir; return the program's path."""
    _need_sources()
    go = _go()
    exe = os.path.join(out_dir, _EXE)
    env = dict(os.environ, CGO_ENABLED="0")
    cmd = [go, "build", "-ldflags=-s -w", "-o", exe, "./cmd/reidrisk"]
    p = subprocess.run(cmd, cwd=_REPO, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise BuildError("reidrisk build: `CGO_ENABLED=0 %s` in %s failed:\n%s"
                         % (" ".join(cmd), _REPO, (p.stdout + p.stderr).strip()))
    return exe


# --- pyproject.toml: the few [project] keys this package uses ---------------------------------

def _project():
    """Return the [project] table of pyproject.toml (strings and lists of strings) and its extras."""
    with open(os.path.join(_PYTHON, "pyproject.toml"), "rb") as f:
        raw = f.read()
    try:
        import tomllib  # Python 3.11+
    except ImportError:
        tomllib = None
    if tomllib is not None:
        doc = tomllib.loads(raw.decode("utf-8"))
        proj = doc["project"]
        return proj, proj.get("optional-dependencies", {})
    return _parse_simple_toml(raw.decode("utf-8"))


def _parse_simple_toml(text):
    """Read [project] and [project.optional-dependencies] written as key = "s" or key = ["a", "b"]."""
    tables, cur = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            cur = tables.setdefault(line.strip("[] "), {})
            continue
        if cur is None or "=" not in line:
            continue
        key, val = (s.strip() for s in line.split("=", 1))
        if val.startswith("["):
            cur[key.strip('"')] = re.findall(r'"((?:[^"\\]|\\.)*)"', val)
        elif val.startswith('"'):
            cur[key.strip('"')] = val[1:val.rindex('"')]
    return tables.get("project", {}), tables.get("project.optional-dependencies", {})


def _metadata(version):
    """Return the METADATA file (core metadata 2.1) of the wheel."""
    proj, extras = _project()
    lines = ["Metadata-Version: 2.1", "Name: " + proj["name"], "Version: " + version]
    if proj.get("description"):
        lines.append("Summary: " + proj["description"])
    if proj.get("requires-python"):
        lines.append("Requires-Python: " + proj["requires-python"])
    if isinstance(proj.get("license"), str):
        lines.append("License: " + proj["license"])
    for c in proj.get("classifiers", []):
        lines.append("Classifier: " + c)
    for dep in proj.get("dependencies", []):
        lines.append("Requires-Dist: " + dep)
    for extra, deps in extras.items():
        lines.append("Provides-Extra: " + extra)
        for dep in deps:
            lines.append('Requires-Dist: %s; extra == "%s"' % (dep, extra))
    body = ""
    readme = os.path.join(_PYTHON, "README.md")
    if os.path.isfile(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def _tag():
    """Return the wheel's tag: any Python 3, no ABI, this platform (the program is native code)."""
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-" + plat


def _dist_info(version):
    """Return {name: bytes} of the .dist-info files other than RECORD."""
    wheel = ("Wheel-Version: 1.0\nGenerator: reidrisk-backend\nRoot-Is-Purelib: false\nTag: %s\n" % _tag())
    return {"METADATA": _metadata(version).encode("utf-8"), "WHEEL": wheel.encode("utf-8"),
            "top_level.txt": (_PACKAGE + "\n").encode("utf-8")}


def _package_files():
    """Yield (path in the wheel, path on disk) of the package's Python files and py.typed."""
    root = os.path.join(_PYTHON, _PACKAGE)
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in ("__pycache__", "bin"))
        for name in sorted(files):
            if name.endswith(".py") or name == "py.typed":
                disk = os.path.join(d, name)
                if name == "_version.py" and d == root:
                    continue  # written from version.go below
                yield os.path.relpath(disk, _PYTHON).replace(os.sep, "/"), disk


def _record_line(name, data):
    """Return the RECORD line of one file: name, sha256 in urlsafe base64 without padding, size."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def _add(zf, record, name, data, mode=0o644):
    """Write one file into the wheel with a fixed time and mode, and note it in record."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)
    record.append(_record_line(name, data))


# --- PEP 517 hooks ----------------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    """Return the build's Python requirements: none (Go is found on PATH)."""
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    """Write the .dist-info directory (without building the program) and return its name."""
    version = _version()
    name = "%s-%s.dist-info" % (_PACKAGE, version)
    path = os.path.join(metadata_directory, name)
    os.makedirs(path, exist_ok=True)
    for fname, data in _dist_info(version).items():
        with open(os.path.join(path, fname), "wb") as f:
            f.write(data)
    return name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    """Build the program with go, write the wheel into wheel_directory and return its file name."""
    version = _version()
    dist_info = "%s-%s.dist-info" % (_PACKAGE, version)
    wheel_name = "%s-%s-%s.whl" % (_PACKAGE, version, _tag())
    with tempfile.TemporaryDirectory() as tmp:
        exe = _build_program(tmp)
        with open(exe, "rb") as f:
            program = f.read()
        record = []
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, disk in _package_files():
                with open(disk, "rb") as f:
                    _add(zf, record, name, f.read())
            _add(zf, record, _PACKAGE + "/_version.py",
                 ('"""The package\'s version, written at build time from internal/version/version.go."""\n\n'
                  '__version__ = "%s"\n' % version).encode("utf-8"))
            _add(zf, record, "%s/bin/%s" % (_PACKAGE, _EXE), program, 0o755)
            for fname, data in _dist_info(version).items():
                _add(zf, record, "%s/%s" % (dist_info, fname), data)
            record.append("%s/RECORD,," % dist_info)
            rec = ("\n".join(record) + "\n").encode("utf-8")
            info = zipfile.ZipInfo("%s/RECORD" % dist_info, date_time=_ZIP_TIME)
            info.external_attr = 0o100644 << 16
            zf.writestr(info, rec)
        with open(os.path.join(wheel_directory, wheel_name), "wb") as f:
            f.write(buf.getvalue())
    return wheel_name


if __name__ == "__main__":  # python3 python/_build/backend.py DIR: build a wheel into DIR by hand
    print(build_wheel(sys.argv[1] if len(sys.argv) > 1 else "."))
