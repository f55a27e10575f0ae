"""Tests of the Python wrapper; run with: python3 -m unittest discover -s python/tests"""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import reidrisk  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADULT = os.path.join(REPO, "testdata", "adult", "adult.csv")
QI = ["age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"]

SMALL = "id,q1,q2,s\nu1,a,x,s1\nu1,a,x,s2\nu2,a,x,s1\nu3,a,y,s1\nu4,b,x,s2\nu4,b,x,s2\n"


class AnalyzeTest(unittest.TestCase):
    def test_adult_figures(self):
        r = reidrisk.analyze(ADULT, qi=QI, sensitive="occupation")
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

    def test_flags(self):
        self.assertEqual(reidrisk._flag("risk_threshold", 0.1), ["--risk-threshold", "0.1"])
        self.assertEqual(reidrisk._flag("qi", ["a", "b"]), ["--qi", "a,b"])
        self.assertEqual(reidrisk._flag("suda", True), ["--suda"])
        self.assertEqual(reidrisk._flag("suda", False), [])


class DemoTest(unittest.TestCase):
    def test_demo(self):
        d = reidrisk.demo(accounts=200)
        self.assertEqual(d["accounts"], 200)
        self.assertGreaterEqual(len(d["steps"]), 3)
        self.assertEqual(d["steps"][0]["report"]["subjects"], 200)


if __name__ == "__main__":
    unittest.main()
