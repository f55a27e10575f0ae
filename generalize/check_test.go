package generalize

import (
	"context"
	"testing"
)

// Issue 12, case 6: a node that suppresses every record meets no policy,
// whatever the suppression limit. Three rows a, b, c (one class each) with
// k = 2 and MaxSuppression 1: the bottom suppresses all 3 and used to be
// the optimum (DM* 3, DM 9); now it is infeasible and the top (one class of
// 3: DM = DM* = 9, nothing suppressed) is. With k = 4 even the top keeps
// nothing: no optimum. Check agrees on the generalised tables.
func TestKeepsNoneIsInfeasible(t *testing.T) {
	h, err := NewHierarchy("q", "q.csv", [][]string{{"a", "*"}, {"b", "*"}, {"c", "*"}})
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"a"}, {"b"}, {"c"}}
	c := classesOf([]string{"q"}, rows, []string{"q"}, nil, "")
	for _, m := range []Metric{DM, DMStar, Loss, Precision, AECS, Entropy} {
		res, err := Search(context.Background(), c, []*Hierarchy{h}, Policy{K: 2, MaxSuppression: 1}, Options{Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		if o := res.Optimum; o == nil || o.Levels[0] != 1 || o.Suppressed != 0 || o.DM != 9 || o.DMStar != 9 {
			t.Errorf("%s: optimum %+v, want the top, nothing suppressed, DM = DM* = 9", m, o)
		}
		res, err = Search(context.Background(), c, []*Hierarchy{h}, Policy{K: 4, MaxSuppression: 1}, Options{Metric: m})
		if err != nil {
			t.Fatal(err)
		}
		if res.Optimum != nil {
			t.Errorf("%s, k = 4: optimum %+v, want none (every node suppresses all 3 records)", m, res.Optimum)
		}
	}
	fail, n, err := Check(c, Policy{K: 2, MaxSuppression: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n.Feasible || n.Suppressed != 3 || n.SuppressedClasses != 3 || len(fail) != 3 || !fail[0] || !fail[1] || !fail[2] {
		t.Errorf("Check on the raw rows: feasible %v, %d suppressed in %d classes, fail %v; want infeasible, 3 in 3, all failing",
			n.Feasible, n.Suppressed, n.SuppressedClasses, fail)
	}
	top := classesOf([]string{"q"}, [][]string{{"*"}, {"*"}, {"*"}}, []string{"q"}, nil, "")
	fail, n, err = Check(top, Policy{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !n.Feasible || n.Suppressed != 0 || n.DM != 9 || n.Classes != 1 || fail[0] {
		t.Errorf("Check on the top: %+v, fail %v; want feasible, one class of 3, DM 9", n, fail)
	}
	// A table-level criterion is part of Check: 3 kept records in one
	// class have average risk 1/3 > 0.2.
	if _, n, _ = Check(top, Policy{MaxAverageRisk: Share(0.2)}); n.Feasible {
		t.Errorf("Check: average risk 1/3 meets MaxAverageRisk 0.2")
	}
}
