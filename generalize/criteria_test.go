package generalize

import (
	"bytes"
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
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

// checkOptimum fails t unless Search's DM* optimum under p is at levels
// (nil: no feasible node) with suppressed records suppressed.
func checkOptimum(t *testing.T, c *anonymity.Classes, hs []*Hierarchy, p Policy, levels []int, suppressed int64) {
	t.Helper()
	res, err := Search(context.Background(), c, hs, p, Options{Metric: DMStar})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Optimum
	switch {
	case levels == nil && o != nil:
		t.Errorf("%+v: optimum %v, want none", p, o.Levels)
	case levels != nil && (o == nil || !slices.Equal(o.Levels, levels) || o.Suppressed != suppressed):
		t.Errorf("%+v: optimum %+v, want levels %v with %d suppressed", p, o, levels, suppressed)
	}
}

// optimumCase is a policy with Search's DM* optimum on alphaClasses:
// its levels (nil: no feasible node), the records it suppresses and, if
// not nil, Failing at the bottom (zip 1, zip 2).
type optimumCase struct {
	p          Policy
	levels     []int
	suppressed int64
	fail       []bool
}

// alphaClasses is alphaTable counted, disease sensitive.
func alphaClasses(t *testing.T) ([]*Hierarchy, *anonymity.Classes) {
	hs, rows := alphaTable(t)
	return hs, classesOf([]string{"zip", "disease"}, rows, []string{"zip"}, []string{"disease"}, "")
}

// TestSearchAlpha checks (α,k)-anonymity on the hand-made table: at α =
// 0.7 the bottom holds (2/3 and 1/2); at α = 0.6 zip 1 fails and the
// search generalises to * (3/7), unless 3 of the 7 records may be
// suppressed; at α = 0.4 nothing holds (3/7 > 0.4).
func TestSearchAlpha(t *testing.T) {
	hs, c := alphaClasses(t)
	for _, tc := range []optimumCase{
		{Policy{K: 3, Alpha: 0.7}, []int{0}, 0, nil},
		{Policy{K: 3, Alpha: 0.6}, []int{1}, 0, nil},
		{Policy{K: 3, Alpha: 0.6, MaxSuppression: 3.0 / 7}, []int{0}, 3, nil},
		{Policy{K: 3, Alpha: 0.4}, nil, 0, nil},
		{Policy{K: 4, Alpha: 0.7}, []int{1}, 0, nil},
	} {
		checkOptimum(t, c, hs, tc.p, tc.levels, tc.suppressed)
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
// so the search prunes with each of them without suppression; with
// suppression only k (records or subjects), the highest risk and distinct
// l-diversity are.
func TestCriteriaMonotone(t *testing.T) {
	p := Policy{K: 2, SubjectK: true, MaxRisk: Share(0.5), L: 2, LVariant: RecursiveCL, C: 3, T: 0.2, Alpha: 0.5, Beta: 1, Delta: 2}
	crit := p.criteria(nil)
	if len(crit) != 7 || !monotone(crit, false) || monotone(crit, true) {
		t.Errorf("%d criteria, monotone %v, with suppression %v; want 7, true, false", len(crit), monotone(crit, false), monotone(crit, true))
	}
	q := Policy{K: 2, SubjectK: true, MaxRisk: Share(0.5), L: 2}
	if !monotone(q.criteria(nil), true) {
		t.Error("k, subjects, highest risk and distinct l not monotone with suppression")
	}
	for _, p := range []Policy{{L: 2, LVariant: EntropyL}, {L: 2, LVariant: RecursiveCL, C: 2}, {T: 0.2}, {Alpha: 0.5}, {Beta: 1}, {Delta: 1}} {
		if crit := p.criteria(nil); len(crit) != 1 || !monotone(crit, false) || monotone(crit, true) {
			t.Errorf("%+v: want monotone without suppression only", p)
		}
	}
}

// TestSearchBetaDelta checks β-likeness and δ-disclosure on alphaTable.
// The table's shares are flu 3/7, cold 3/7, hiv 1/7. Basic β: zip 1
// (flu 2/3) (2/3 − 3/7)/(3/7) = 5/9; zip 2 max of cold (1/2 − 3/7)/(3/7)
// = 1/6 and hiv (1/4 − 1/7)/(1/7) = 3/4; at * 0. δ: zip 1 lacks hiv, +Inf;
// zip 2 max(|ln(7/12)|, ln(7/6), ln(7/4)) = ln(7/4) ≈ 0.5596; at * 0.
func TestSearchBetaDelta(t *testing.T) {
	hs, c := alphaClasses(t)
	for _, tc := range []optimumCase{
		{Policy{Beta: 0.8}, []int{0}, 0, []bool{false, false}},
		{Policy{Beta: 0.7}, []int{1}, 0, []bool{false, true}},
		{Policy{Beta: 0.7, MaxSuppression: 4.0 / 7}, []int{0}, 4, []bool{false, true}},
		{Policy{Beta: 0.5}, []int{1}, 0, []bool{true, true}},
		{Policy{Beta: 0.56, EnhancedBeta: true}, []int{1}, 0, []bool{false, true}},
		{Policy{Delta: 0.6}, []int{1}, 0, []bool{true, false}},
		{Policy{Delta: 0.6, MaxSuppression: 3.0 / 7}, []int{0}, 3, []bool{true, false}},
		{Policy{Delta: 0.55, MaxSuppression: 1}, []int{1}, 0, []bool{true, true}},
	} {
		checkOptimum(t, c, hs, tc.p, tc.levels, tc.suppressed)
		fail, err := Failing(c, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(fail, tc.fail) {
			t.Errorf("Failing %+v: %v, want %v", tc.p, fail, tc.fail)
		}
	}
	// Enhanced β: a class holding only flu, of share 1/2 in the table,
	// gains D = (1 − 1/2)/(1/2) = 1 > −ln(1/2) ≈ 0.69: no β suffices,
	// while basic β-likeness holds at β = 1.
	two := classesOf([]string{"zip", "disease"}, [][]string{{"1", "flu"}, {"1", "flu"}, {"2", "cold"}, {"2", "cold"}}, []string{"zip"}, []string{"disease"}, "")
	for _, tc := range []struct {
		p    Policy
		fail []bool
	}{
		{Policy{Beta: 1}, []bool{false, false}},
		{Policy{Beta: 0.99}, []bool{true, true}},
		{Policy{Beta: 100, EnhancedBeta: true}, []bool{true, true}},
	} {
		fail, err := Failing(two, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(fail, tc.fail) {
			t.Errorf("Failing %+v: %v, want %v", tc.p, fail, tc.fail)
		}
	}
	for _, p := range []Policy{{Beta: -1}, {Delta: math.Inf(1)}, {Beta: math.NaN()}} {
		var oe *OptionError
		if _, err := Search(context.Background(), c, hs, p, Options{}); !errors.As(err, &oe) {
			t.Errorf("%+v: error %v, want an OptionError", p, err)
		}
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
