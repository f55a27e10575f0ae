#!/usr/bin/env bash
# CI: the Python package as a user gets it. `pip install ./python` (offline, no build isolation: the
# in-tree backend needs only the standard library and Go) into a fresh virtual environment, then, from
# outside the repository with PATH=/usr/bin:/bin (no Go) and no REIDRISK_BIN, the Adult check of
# issue 16, the package's tests and the notebook (python/tests/test_notebook.py). One go build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv --system-site-packages "$tmp/venv"
py="$tmp/venv/bin/python"
"$py" -m pip install --no-index --no-build-isolation --disable-pip-version-check --quiet ./python
export PATH=/usr/bin:/bin
unset REIDRISK_BIN
cd /
"$py" - "$repo" <<'PY'
import os, sys
import reidrisk
repo = sys.argv[1]
if os.path.abspath(reidrisk.__file__).startswith(repo + os.sep):
    sys.exit("reidrisk imported from the checkout, not the installed package: %s" % reidrisk.__file__)
qi = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]
r = reidrisk.analyze(os.path.join(repo, "testdata", "adult", "adult.csv"), qi=qi, delimiter=";")
print("reidrisk %s from %s: Adult, 8 QIs: %d classes, %d sample uniques"
      % (reidrisk.__version__, os.path.dirname(reidrisk.__file__), r["classes"], r["sample_uniques"]))
if (r["classes"], r["sample_uniques"]) != (12458, 8841):
    sys.exit("want 12458 classes and 8841 sample uniques")
PY
cd "$tmp"
"$py" -m unittest discover -s "$repo/python/tests" -v
