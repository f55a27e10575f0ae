"""Tests of the in-tree PEP 517 backend (python/_build/backend.py), without running go."""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile
from unittest import mock

PYTHON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPO = os.path.dirname(PYTHON)
sys.path.insert(0, os.path.join(PYTHON, "_build"))
import backend  # noqa: E402

with open(os.path.join(REPO, "internal", "version", "version.go")) as f:
    VERSION = re.search(r'const Version = "([^"]+)"', f.read()).group(1)


def fake_program(out_dir):
    """Stand in for go build: a small executable file."""
    path = os.path.join(out_dir, backend._EXE)
    with open(path, "wb") as f:
        f.write(b"#!/bin/sh\necho reidrisk %s\n" % VERSION.encode())
    return path


class WheelTest(unittest.TestCase):
    def test_wheel_contents(self):
        self.assertEqual(backend.get_requires_for_build_wheel(), [])
        with tempfile.TemporaryDirectory() as d, mock.patch.object(backend, "_build_program", fake_program):
            name = backend.build_wheel(d)
            self.assertRegex(name, r"^reidrisk-%s-py3-none-[a-z0-9_]+\.whl$" % re.escape(VERSION))
            with zipfile.ZipFile(os.path.join(d, name)) as zf:
                names = zf.namelist()
                dist = "reidrisk-%s.dist-info/" % VERSION
                for want in ("reidrisk/__init__.py", "reidrisk/_types.py", "reidrisk/py.typed",
                             "reidrisk/_version.py", "reidrisk/bin/" + backend._EXE,
                             dist + "METADATA", dist + "WHEEL", dist + "RECORD"):
                    self.assertIn(want, names)
                self.assertFalse(any("__pycache__" in n for n in names))
                # RECORD lists every other file with its sha256 (urlsafe base64, no padding) and size.
                rows = [r.split(",") for r in zf.read(dist + "RECORD").decode().splitlines()]
                self.assertEqual(sorted(r[0] for r in rows), sorted(names))
                for path, digest, size in rows:
                    if path == dist + "RECORD":
                        self.assertEqual((digest, size), ("", ""))
                        continue
                    data = zf.read(path)
                    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    self.assertEqual((digest, size), ("sha256=" + h, str(len(data))), path)
                # The program is executable once unpacked; the Python files are not.
                mode = zf.getinfo("reidrisk/bin/" + backend._EXE).external_attr >> 16
                self.assertEqual(mode & 0o777, 0o755)
                self.assertEqual((zf.getinfo("reidrisk/__init__.py").external_attr >> 16) & 0o777, 0o644)
                meta = zf.read(dist + "METADATA").decode()
                self.assertIn("Name: reidrisk\nVersion: %s\n" % VERSION, meta)
                self.assertIn('Requires-Dist: pyarrow; extra == "arrow"', meta)
                self.assertIn('__version__ = "%s"' % VERSION, zf.read("reidrisk/_version.py").decode())
                self.assertIn("Root-Is-Purelib: false", zf.read(dist + "WHEEL").decode())

    def test_metadata_hook_matches_wheel(self):
        with tempfile.TemporaryDirectory() as d:
            name = backend.prepare_metadata_for_build_wheel(d)
            self.assertEqual(name, "reidrisk-%s.dist-info" % VERSION)
            with open(os.path.join(d, name, "METADATA")) as f:
                self.assertEqual(f.read(), backend._metadata(VERSION))

    def test_toml_fallback_reads_the_same(self):
        try:
            import tomllib
        except ImportError:
            self.skipTest("tomllib needs Python 3.11")
        with open(os.path.join(PYTHON, "pyproject.toml"), "rb") as f:
            raw = f.read()
        proj = tomllib.loads(raw.decode())["project"]
        got, extras = backend._parse_simple_toml(raw.decode())
        for key in ("name", "description", "requires-python", "classifiers", "dependencies"):
            self.assertEqual(got[key], proj[key], key)
        self.assertEqual(extras, proj["optional-dependencies"])


class NoSourcesTest(unittest.TestCase):
    def test_copy_of_python_dir_fails_clearly(self):
        # python/ alone (as in an sdist or a copied tree) has no Go sources to build.
        with tempfile.TemporaryDirectory() as d:
            shutil.copytree(PYTHON, os.path.join(d, "python"),
                            ignore=shutil.ignore_patterns("__pycache__", "tests", "*.ipynb"))
            code = "import backend, sys\ntry:\n    backend.build_wheel(sys.argv[1])\nexcept backend.BuildError as e:\n" \
                   "    print(e)\n    sys.exit(3)\n"
            p = subprocess.run([sys.executable, "-c", code, d], cwd=os.path.join(d, "python", "_build"),
                               capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=os.path.join(d, "python", "_build")))
            self.assertEqual(p.returncode, 3, p.stderr)
            self.assertIn("is not inside a checkout of the reidrisk repository", p.stdout)
            self.assertIn("pip install ./python", p.stdout)
            self.assertEqual(os.listdir(d), ["python"])  # no wheel written

    def test_no_go_fails_clearly(self):
        with mock.patch.dict(os.environ, {"PATH": "/nonexistent", "GO": "", "GOROOT": ""}):
            with self.assertRaises(backend.BuildError) as e:
                backend._go()
        self.assertIn("the Go toolchain", str(e.exception))
        self.assertIn("put `go` on PATH", str(e.exception))


if __name__ == "__main__":
    unittest.main()
