package generalize

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
)

// marginalsOf projects c on each of its QIs.
func marginalsOf(t testing.TB, c *anonymity.Classes) []*anonymity.Classes {
	t.Helper()
	var ms []*anonymity.Classes
	for j := range c.QI {
		m, err := c.Project([]int{j})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

// sameNode reports how got differs from want (empty when equal): integer
// figures exactly, floating-point ones up to 1e-12 relative.
func sameNode(got, want *Node) string {
	closeTo := func(a, b float64) bool {
		return a == b || math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
	}
	switch {
	case !slices.Equal(got.Levels, want.Levels), got.Feasible != want.Feasible,
		got.Classes != want.Classes, got.Suppressed != want.Suppressed, got.SuppressedClasses != want.SuppressedClasses,
		got.DM != want.DM, got.DMStar != want.DMStar, got.HighestRisk != want.HighestRisk, got.AverageRisk != want.AverageRisk,
		got.AECS != want.AECS, !closeTo(got.Loss, want.Loss), !closeTo(got.Precision, want.Precision), !closeTo(got.Entropy, want.Entropy):
		return fmt.Sprintf("got %+v, Search %+v", got, want)
	}
	return ""
}

// compareLattice evaluates every node of c's lattice with a
// NodeEvaluator over shards of c (rolled up and merged by value) and with
// the search's own evaluator, and fails t where they differ. It returns
// the number of feasible nodes.
func compareLattice(t *testing.T, c *anonymity.Classes, hs []*Hierarchy, p Policy, shards int) int {
	t.Helper()
	ev, err := NewNodeEvaluator(marginalsOf(t, c), hs, p)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := newTableSearcher(context.Background(), c, hs, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Shards of classes, round robin, each with its own dictionaries.
	parts := make([][]int, shards)
	for e := range c.Sizes {
		parts[e%shards] = append(parts[e%shards], e)
	}
	var tables []*anonymity.Classes
	for _, idx := range parts {
		tables = append(tables, subsetOf(t, c, idx))
	}
	feasible, bad := 0, 0
	levels := make([]int, len(s.heights))
	for {
		var rolled []*anonymity.Classes
		for _, sh := range tables {
			r, err := ev.RollUp(sh, levels)
			if err != nil {
				t.Fatal(err)
			}
			rolled = append(rolled, r)
		}
		node, err := anonymity.Merge(rolled...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ev.Evaluate(node, levels)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.evalNow(levels)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameNode(got, want); d != "" {
			if bad++; bad <= 3 {
				t.Errorf("%+v node %v: %s", p, levels, d)
			}
		}
		if got.Feasible {
			feasible++
		}
		j := 0
		for ; j < len(levels); j++ {
			if levels[j]++; levels[j] < s.heights[j] {
				break
			}
			levels[j] = 0
		}
		if j == len(levels) {
			break
		}
	}
	if bad > 0 {
		t.Errorf("%+v: %d nodes differ", p, bad)
	}
	return feasible
}

// subsetOf returns classes idx of c as a table of its own: its
// dictionaries hold the values in another order than c's.
func subsetOf(t testing.TB, c *anonymity.Classes, idx []int) *anonymity.Classes {
	t.Helper()
	// Merging a table with itself emptied of classes renumbers nothing;
	// build the subset by merging one-class tables in reverse order, so
	// that its dictionaries are fresh and ordered otherwise.
	var ones []*anonymity.Classes
	for i := len(idx) - 1; i >= 0; i-- {
		e := idx[i]
		one := &anonymity.Classes{Rows: c.Sizes[e], QI: c.QI, Dicts: c.Dicts, Sizes: []int64{c.Sizes[e]}}
		for j := range c.QI {
			one.Codes = append(one.Codes, []uint32{c.Codes[j][e]})
		}
		pick := func(m *anonymity.Multiset) *anonymity.Multiset {
			lo, hi := m.Offsets[e], m.Offsets[e+1]
			return &anonymity.Multiset{Name: m.Name, Dict: m.Dict, Offsets: []int{0, hi - lo},
				Values: m.Values[lo:hi:hi], Counts: m.Counts[lo:hi:hi]}
		}
		if c.Subjects != nil {
			one.Subjects = pick(c.Subjects)
		}
		for _, m := range c.Sensitive {
			one.Sensitive = append(one.Sensitive, pick(m))
		}
		ones = append(ones, one)
	}
	out, err := anonymity.Merge(ones...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNodeEvaluatorAdult evaluates all 4,320 nodes of Adult's lattice
// from two shards and compares every figure with the search's: the
// feasible nodes at k = 5 without suppression are the 60 of the generalize
// tests. With 5 % suppression, five of the QIs (360 nodes).
func TestNodeEvaluatorAdult(t *testing.T) {
	if testing.Short() {
		t.Skip("whole Adult lattice")
	}
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	c := classesOf(header, rows, adultQI, nil, "")
	hs := adultHierarchies(t, adultQI)
	if n := compareLattice(t, c, hs, Policy{K: 5}, 2); n != 60 {
		t.Errorf("%d feasible nodes, want 60", n)
	}
	c5 := classesOf(header, rows, adultQI[:5], nil, "")
	compareLattice(t, c5, hs[:5], Policy{K: 5, MaxSuppression: 0.05}, 3)
}

// TestNodeEvaluatorPolicies compares every node of a small table's lattice
// with the search's evaluation under policies reading subjects, sensitive
// values and table-level risk.
func TestNodeEvaluatorPolicies(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	rows = rows[:3000]
	qi := []string{"age", "marital-status", "race", "sex"}
	c := classesOf(header, rows, qi, []string{"occupation", "education"}, "workclass")
	hs := adultHierarchies(t, qi)
	for _, p := range []Policy{
		{K: 3, SubjectK: true, MaxSuppression: 0.1},
		{L: 2, MaxSuppression: 0.02},
		{K: 2, L: 1.5, LVariant: EntropyL, MaxSuppression: 0.05},
		{L: 2, LVariant: RecursiveCL, C: 3, MaxSuppression: 0.05},
		{T: 0.3, MaxSuppression: 0.1},
		{T: 0.25, TDistance: OrderedDistance, MaxSuppression: 0.1},
		{MaxRisk: Share(0.2), MaxAverageRisk: Share(0.1), MaxSuppression: 0.03},
		{K: 2, MaxRecordsAtRisk: Share(0.05), RiskThreshold: 0.2},
		{K: 2, MaxSampleUniques: Share(0.01), MaxSuppression: 0.01},
		{K: 2, Alpha: 0.6, MaxSuppression: 0.05},
	} {
		compareLattice(t, c, hs, p, 4)
	}
	// Hierarchical t-closeness reads the sensitive columns' hierarchies,
	// given beside the QIs'.
	hsT := append(slices.Clone(hs), adultHierarchies(t, []string{"occupation", "education"})...)
	compareLattice(t, c, hsT, Policy{K: 2, T: 0.3, TDistance: HierarchicalDistance, MaxSuppression: 0.1}, 4)
}

func TestNodeEvaluatorErrors(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	qi := []string{"age", "sex"}
	c := classesOf(header, rows[:100], qi, nil, "")
	hs := adultHierarchies(t, qi)
	ms := marginalsOf(t, c)
	if _, err := NewNodeEvaluator(ms, hs[:1], Policy{K: 2}); err == nil {
		t.Error("a QI without hierarchy was accepted")
	}
	if _, err := NewNodeEvaluator(ms, hs, Policy{K: -1}); err == nil {
		t.Error("k = -1 was accepted")
	}
	ev, err := NewNodeEvaluator(ms, hs, Policy{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.RollUp(c, []int{9, 0}); err == nil {
		t.Error("level 9 of age was accepted")
	}
	half := subsetOf(t, c, []int{0, 1, 2})
	if _, err := ev.Evaluate(half, []int{0, 0}); err == nil {
		t.Error("a class table of part of the records was accepted")
	}
	if _, err := ev.Evaluate(c, []int{1, 0}); err == nil {
		t.Error("a level-0 table evaluated as level 1 was accepted")
	}
}
