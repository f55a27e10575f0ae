package generalize

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// alphaTable is a hand-made table: zip 1 holds flu, flu, cold (α = 2/3),
// zip 2 holds flu, cold, cold, hiv (α = 1/2); both zips generalise to *,
// where flu 3, cold 3, hiv 1 of 7 give α = 3/7.
func alphaTable(t *testing.T) ([]*Hierarchy, [][]string) {
	t.Helper()
	h, err := NewHierarchy("zip", "zip", [][]string{{"1", "*"}, {"2", "*"}})
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"1", "flu"}, {"1", "flu"}, {"1", "cold"}, {"2", "flu"}, {"2", "cold"}, {"2", "cold"}, {"2", "hiv"}}
	return []*Hierarchy{h}, rows
}

// TestSearchAlpha checks (α,k)-anonymity on the hand-made table: at α =
// 0.7 the bottom holds (2/3 and 1/2); at α = 0.6 zip 1 fails and the
// search generalises to * (3/7), unless 3 of the 7 records may be
// suppressed; at α = 0.4 nothing holds (3/7 > 0.4).
func TestSearchAlpha(t *testing.T) {
	hs, rows := alphaTable(t)
	c := classesOf([]string{"zip", "disease"}, rows, []string{"zip"}, []string{"disease"}, "")
	for _, tc := range []struct {
		p          Policy
		levels     []int // nil: no feasible node
		suppressed int64
	}{
		{Policy{K: 3, Alpha: 0.7}, []int{0}, 0},
		{Policy{K: 3, Alpha: 0.6}, []int{1}, 0},
		{Policy{K: 3, Alpha: 0.6, MaxSuppression: 3.0 / 7}, []int{0}, 3},
		{Policy{K: 3, Alpha: 0.4}, nil, 0},
		{Policy{K: 4, Alpha: 0.7}, []int{1}, 0},
	} {
		res, err := Search(context.Background(), c, hs, tc.p, Options{Metric: DMStar})
		if err != nil {
			t.Fatal(err)
		}
		o := res.Optimum
		switch {
		case tc.levels == nil && o != nil:
			t.Errorf("%+v: optimum %v, want none", tc.p, o.Levels)
		case tc.levels != nil && (o == nil || !slices.Equal(o.Levels, tc.levels) || o.Suppressed != tc.suppressed):
			t.Errorf("%+v: optimum %+v, want levels %v with %d suppressed", tc.p, o, tc.levels, tc.suppressed)
		}
	}
	// Failing on the bottom table: zip 1 (α 2/3) fails at 0.6.
	fail, err := Failing(c, Policy{Alpha: 0.6})
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{true, false}; !slices.Equal(fail, want) {
		t.Errorf("Failing α 0.6: %v, want %v (zip 1, zip 2)", fail, want)
	}
}

// TestCriteriaMonotone: every per-class criterion of a policy is monotone,
// so the search prunes with each of them.
func TestCriteriaMonotone(t *testing.T) {
	p := Policy{K: 2, SubjectK: true, MaxRisk: Share(0.5), L: 2, LVariant: RecursiveCL, C: 3, T: 0.2, Alpha: 0.5}
	crit := p.criteria(nil)
	if len(crit) != 5 || !monotone(crit) {
		t.Errorf("%d criteria, monotone %v; want 5, true", len(crit), monotone(crit))
	}
}

// TestTransformSensitiveHierarchies saves and reads back the transform of
// ARX's benchmark policy: the occupation hierarchy travels with it and
// Failing on the optimum's classes suppresses nothing, as the search found.
func TestTransformSensitiveHierarchies(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	c := classesOf(header, rows, adultQI, []string{"occupation"}, "")
	hs := append(adultHierarchies(t, adultQI), adultHierarchies(t, []string{"occupation"})...)
	p := Policy{K: 5, L: 3, LVariant: RecursiveCL, C: 4, T: 0.2, TDistance: HierarchicalDistance}
	res, err := Search(context.Background(), c, hs, p, Options{Metric: DMStar})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := NewTransform(res, res.Optimum).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	tr, err := ReadTransform("t.json", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Policy != p || len(tr.SensitiveHierarchies) != 1 || tr.SensitiveHierarchies[0].Column != "occupation" {
		t.Fatalf("read back policy %+v, sensitive hierarchies %d", tr.Policy, len(tr.SensitiveHierarchies))
	}
	ev, err := NewNodeEvaluator(marginalsOf(t, c), hs, p)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ev.RollUp(c, res.Optimum.Levels)
	if err != nil {
		t.Fatal(err)
	}
	fail, err := tr.Failing(g)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(fail, true) {
		t.Error("a class of the optimum fails the transform's policy")
	}
	tr.SensitiveHierarchies = nil
	if _, err := tr.Failing(g); err == nil {
		t.Error("hierarchical t without the sensitive hierarchy was accepted")
	}
}
