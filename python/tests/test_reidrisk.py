"""Tests of the reidrisk Python package.

Run against the installed package (``pip install ./python``, see
.ci/python.sh): ``python3 -m unittest discover -s python/tests``. From a
checkout without installing, set PYTHONPATH=python and REIDRISK_BIN.
"""

import math
import os
import stat
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

import reidrisk

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADULT = os.path.join(REPO, "testdata", "adult", "adult.csv")
QI = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]

SMALL = "id,q1,q2,s\nu1,a,x,s1\nu1,a,x,s2\nu2,a,x,s1\nu3,a,y,s1\nu4,b,x,s2\nu4,b,x,s2\n"

try:
    import pandas as pd
except ImportError:
    pd = None
try:
    import pyarrow  # noqa: F401
    HAVE_ARROW = True
except ImportError:
    HAVE_ARROW = False


def without_pyarrow():
    """Make `import pyarrow` fail inside the block, as if it were not installed."""
    return mock.patch.dict(sys.modules, {"pyarrow": None})


class AnalyzeTest(unittest.TestCase):
    def test_adult_figures(self):
        # ARX and sdcMicro give the same figures for Adult's 8 QIs (docs/metrics_risk.md).
        r = reidrisk.analyze(ADULT, qi=QI, sensitive="occupation", delimiter=";")
        self.assertEqual(r["rows"], 30162)
        self.assertEqual(r["classes"], 12458)
        self.assertEqual(r["sample_uniques"], 8841)
        self.assertEqual(r["records_in_classes_below_k"]["5"], 15353)
        self.assertAlmostEqual(r["prosecutor"]["average"], 0.4130363, places=7)
        self.assertEqual(r["l_diversity"]["recursive_c"], math.inf)

    def test_csv_text_on_stdin(self):
        r = reidrisk.analyze(SMALL, qi=["q1", "q2"], subject="id", k=2)
        self.assertEqual((r["rows"], r["classes"], r["k"], r["k_subjects"]), (6, 3, 1, 1))
        self.assertEqual(r["class_size_histogram"], {"1": 1, "2": 1, "3": 1})
        self.assertNotIn("u1", str(r))

    def test_rows_of_dicts(self):
        rows = [{"a": "x", "b": "1"}, {"a": "x", "b": "1"}, {"a": "y", "b": "2"}]
        r = reidrisk.analyze(rows, qi=["a", "b"])
        self.assertEqual((r["rows"], r["classes"], r["sample_uniques"]), (3, 2, 1))

    def test_records(self):
        r = reidrisk.analyze(SMALL, qi=["q1", "q2"], subject="id", records=True)
        rec = r["records"]
        self.assertEqual(list(rec["class_size"]), [3, 3, 3, 1, 2, 2])
        self.assertEqual(list(rec["subjects_in_class"]), [2, 2, 2, 1, 1, 1])
        self.assertEqual(list(rec["at_risk"]), [True] * 6)

    def test_errors(self):
        with self.assertRaises(reidrisk.ReidriskError) as e:
            reidrisk.analyze(SMALL, qi=["nope"])
        self.assertEqual(e.exception.exit_code, 1)
        self.assertIn('"nope"', str(e.exception))
        with self.assertRaises(reidrisk.ReidriskError) as e:
            reidrisk.analyze(SMALL, qi=["q1"], k=0)
        self.assertEqual(e.exception.exit_code, 2)
        with self.assertRaises(TypeError):
            reidrisk.analyze(42, qi=["q1"])
        # A policy that cannot be met: exit 3, the report still parsed.
        with self.assertRaises(reidrisk.ReidriskError) as e:
            reidrisk.suggest(SMALL, qi=["q1"], k=1000000000, auto_hierarchies=True)
        self.assertEqual(e.exception.exit_code, 3)
        self.assertIsNone(e.exception.report["optimum"])


class FlagTest(unittest.TestCase):
    def test_flags(self):
        self.assertEqual(reidrisk._flag("risk_threshold", 0.1), ["--risk-threshold", "0.1"])
        self.assertEqual(reidrisk._flag("qi", ["a", "b"]), ["--qi", "a,b"])
        self.assertEqual(reidrisk._flag("suda", True), ["--suda"])
        self.assertEqual(reidrisk._flag("suda", False), [])
        self.assertEqual(reidrisk._flag("k", None), [])

    def test_repeated_flag(self):
        self.assertEqual(reidrisk._flag("hierarchy", ["age=a.csv", "sex=s.csv"]),
                         ["--hierarchy", "age=a.csv", "--hierarchy", "sex=s.csv"])
        self.assertEqual(reidrisk._flag("hierarchy", {"age": "a.csv", "sex": "s,x.csv"}),
                         ["--hierarchy", "age=a.csv", "--hierarchy", "sex=s,x.csv"])
        self.assertEqual(reidrisk._flag("hierarchy", "age=a.csv"), ["--hierarchy", "age=a.csv"])
        with self.assertRaises(ValueError):  # a comma inside an item of a comma-separated list
            reidrisk._flag("qi", ["a,b", "c"])
        with self.assertRaises(TypeError):
            reidrisk._flag("qi", {"a": 1})

    def test_hierarchies_reach_suggest(self):
        # Eight --hierarchy flags, one per QI, as a list and as a dict: the figures of
        # TestSuggestApplyCommands (cmd/reidrisk), which ARX's Flash search agrees with.
        files = {q: os.path.join(REPO, "testdata", "adult", "adult_hierarchy_%s.csv" % q) for q in QI}
        for hier in (["%s=%s" % kv for kv in files.items()], files):
            s = reidrisk.suggest(ADULT, qi=QI, k=5, max_suppression=0.05, metric="dm_star", delimiter=";",
                                 hierarchy=hier)
            self.assertEqual(s["lattice_size"], 4320)
            self.assertEqual([h["auto"] for h in s["hierarchies"]], [False] * 8)
            o = s["optimum"]
            self.assertEqual((o["dm_star"], o["suppressed"], o["classes"]), (2689984, 813, 695))


class NullTest(unittest.TestCase):
    """Null is a value of its own, distinct from "", whichever way the data travels."""

    # a: null, "", null, NaN, "x"  ->  classes {null: 3, "": 1, "x": 1}
    ROWS = [{"a": None}, {"a": ""}, {"a": None}, {"a": float("nan")}, {"a": "x"}]

    def check(self, r):
        self.assertEqual((r["rows"], r["classes"], r["sample_uniques"]), (5, 3, 2))
        self.assertEqual(r["class_size_histogram"], {"1": 2, "3": 1})

    def test_rows_without_pyarrow(self):
        with without_pyarrow():
            self.check(reidrisk.analyze(self.ROWS, qi=["a"]))

    def test_missing_key_is_null(self):
        rows = [{"a": "x", "b": "1"}, {"a": "x"}, {"a": "x", "b": None}, {"a": "x", "b": ""}]
        r = reidrisk.analyze(rows, qi=["a", "b"])
        self.assertEqual((r["rows"], r["classes"]), (4, 3))  # "1"; null x2; ""

    def test_marker_text_is_a_string(self):
        # A cell that happens to equal the null marker stays a string value.
        rows = [{"a": "<reidrisk:null>"}, {"a": None}, {"a": None}, {"a": "<reidrisk:null:1>"}]
        r = reidrisk.analyze(rows, qi=["a"])
        self.assertEqual((r["classes"], r["sample_uniques"]), (3, 2))

    def test_one_column_of_empty_strings(self):
        # Every field is quoted, so a row holding "" is not a blank line the reader skips.
        r = reidrisk.analyze([{"a": ""}, {"a": ""}, {"a": "x"}], qi=["a"])
        self.assertEqual((r["rows"], r["classes"], r["sample_uniques"]), (3, 2, 1))

    def test_own_null_texts_kept(self):
        rows = [{"a": "NA"}, {"a": None}, {"a": ""}]
        self.assertEqual(reidrisk.analyze(rows, qi=["a"])["classes"], 3)
        self.assertEqual(reidrisk.analyze(rows, qi=["a"], null="NA")["classes"], 2)
        self.assertEqual(reidrisk.analyze(rows, qi=["a"], null=["NA", ""])["classes"], 1)

    def test_csv_text_null_flag(self):
        text = "a\nNA\n\"\"\nNA\n"
        self.assertEqual(reidrisk.analyze(text, qi=["a"])["classes"], 2)
        self.assertEqual(reidrisk.analyze(text, qi=["a"], null="NA")["class_size_histogram"], {"1": 1, "2": 1})

    def test_temporal_null_times_skipped(self):
        # A null subject or time is an event skipped and counted, not an error and not "".
        rows = [{"account": "a", "time": "2024-03-04T20:00:00Z"}, {"account": "a", "time": None},
                {"account": None, "time": "2024-03-04T20:00:00Z"}, {"account": "b", "time": "2024-03-11T20:00:00Z"}]
        with without_pyarrow():
            r = reidrisk.temporal(rows, subject="account", time="time")
        self.assertEqual((r["events"], r["skipped_events"], r["subjects"]), (4, 2, 2))

    @unittest.skipIf(pd is None, "pandas is not installed")
    def test_dataframe_without_pyarrow(self):
        df = pd.DataFrame({"a": [None, "", None, math.nan, "x"], "n": [1.0, 1.0, math.nan, math.nan, 2.0]})
        with without_pyarrow():
            self.check(reidrisk.analyze(df, qi=["a"]))
            r = reidrisk.analyze(df, qi=["a", "n"])
        self.assertEqual((r["classes"], r["sample_uniques"]), (4, 3))  # (null,1) (,1) (null,null)x2 (x,2)

    @unittest.skipIf(pd is None or not HAVE_ARROW, "pandas or pyarrow is not installed")
    def test_dataframe_with_pyarrow_equals_csv(self):
        df = pd.DataFrame({"a": [None, "", None, math.nan, "x"], "n": [1.0, 1.0, math.nan, math.nan, 2.0]})
        self.check(reidrisk.analyze(df, qi=["a"]))
        with_arrow = reidrisk.analyze(df, qi=["a", "n"])
        with without_pyarrow():
            as_csv = reidrisk.analyze(df, qi=["a", "n"])
        for f in ("rows", "classes", "sample_uniques", "class_size_histogram", "prosecutor"):
            self.assertEqual(with_arrow[f], as_csv[f], f)


class FrameTest(unittest.TestCase):
    @unittest.skipIf(pd is None, "pandas is not installed")
    def test_frames_in_and_out(self):
        df = pd.read_csv(ADULT, sep=";", dtype=str, keep_default_na=False)
        with without_pyarrow():
            r = reidrisk.analyze(df, qi=QI, records=True)
        self.assertEqual((r["classes"], r["sample_uniques"]), (12458, 8841))
        self.assertIsInstance(r["records"], pd.DataFrame)
        self.assertEqual(len(r["records"]), 30162)
        h = reidrisk.to_frame(r, "class_size_histogram")
        self.assertEqual(list(h["key"][:3]), ["1", "2", "3"])
        self.assertEqual(int(h["value"][0]), 8841)
        self.assertEqual(list(reidrisk.to_frame(r).columns), ["columns", "distinction", "separation"])


class VersionTest(unittest.TestCase):
    def test_program_matches_package(self):
        path = reidrisk.binary()
        if not os.environ.get("REIDRISK_BIN"):
            self.assertEqual(os.path.dirname(path), os.path.join(os.path.dirname(reidrisk.__file__), "bin"))
        out = subprocess.run([path, "version"], capture_output=True, text=True).stdout
        self.assertEqual(out, "reidrisk %s\n" % reidrisk.__version__)
        with open(os.path.join(REPO, "internal", "version", "version.go")) as f:
            self.assertIn('const Version = "%s"\n' % reidrisk.__version__, f.read())

    @unittest.skipIf(os.name == "nt", "the stand-in programs are shell scripts")
    def test_mismatch_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            for name, body, want in (("old", "echo reidrisk 0.0.1", "is version 0.0.1"),
                                     ("ancient", "echo 'unknown command' >&2; exit 2", "does not print its version")):
                prog = os.path.join(d, name)
                with open(prog, "w") as f:
                    f.write("#!/bin/sh\n%s\n" % body)
                os.chmod(prog, os.stat(prog).st_mode | stat.S_IXUSR)
                with mock.patch.dict(os.environ, {"REIDRISK_BIN": prog}):
                    with self.assertRaises(reidrisk.ReidriskError) as e:
                        reidrisk.analyze(SMALL, qi=["q1"])
                msg = str(e.exception)
                self.assertIn(want, msg)
                self.assertIn(reidrisk.__version__, msg)
                self.assertIsNone(e.exception.exit_code)


class DemoTest(unittest.TestCase):
    def test_demo(self):
        d = reidrisk.demo(accounts=200)
        self.assertEqual(d["accounts"], 200)
        self.assertGreaterEqual(len(d["steps"]), 3)
        self.assertEqual(d["steps"][0]["report"]["subjects"], 200)


if __name__ == "__main__":
    unittest.main()
