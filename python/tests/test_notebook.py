"""Runs the code cells of python/media_server.ipynb, as a reader would, in a scratch directory.

Like test_reidrisk.py it uses the installed reidrisk package (see .ci/python.sh).
"""

import contextlib
import io
import json
import os
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOK = os.path.join(HERE, "..", "media_server.ipynb")


class NotebookTest(unittest.TestCase):
    def test_cells_run(self):
        with open(NOTEBOOK) as f:
            nb = json.load(f)
        cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        self.assertGreaterEqual(len(cells), 6)
        cwd = os.getcwd()
        out = io.StringIO()
        ns = {}
        with tempfile.TemporaryDirectory() as d:
            os.chdir(d)
            try:
                with contextlib.redirect_stdout(out):
                    for i, src in enumerate(cells):
                        exec(compile(src, "%s cell %d" % (NOTEBOOK, i + 1), "exec"), ns)
            finally:
                os.chdir(cwd)
        text = out.getvalue()
        for want in ("sessions of 1500 accounts", "accounts are alone in some class", "suggested levels",
                     "Monday-20:00"):
            self.assertIn(want, text)
        self.assertTrue(ns["page"].startswith("<!DOCTYPE html>"))
        self.assertIn("<svg", ns["page"])
        self.assertNotRegex(text, r"acct-\d+")


if __name__ == "__main__":
    unittest.main()
