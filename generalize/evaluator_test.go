package generalize

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
)

// nodeEvaluator is an Evaluator other than Search's: it rolls the finest
// table up to each node from scratch with NodeEvaluator (as Beam's
// workers do) and takes the nodes batch at a time.
type nodeEvaluator struct {
	ne    *NodeEvaluator
	c     *anonymity.Classes
	batch int
	calls int
}

func (e *nodeEvaluator) Lattice() *Lattice { return e.ne.Lattice() }
func (e *nodeEvaluator) Batch() int        { return e.batch }
func (e *nodeEvaluator) Evaluate(_ context.Context, levels [][]int, _ bool) ([]*Node, error) {
	e.calls++
	var out []*Node
	for _, lv := range levels {
		r, err := e.ne.RollUp(e.c, lv)
		if err != nil {
			return nil, err
		}
		n, err := e.ne.Evaluate(r, lv)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// TestSearchWithEvaluators: the in-memory evaluator (Search) and a fake
// one built on NodeEvaluator, taking nodes one at a time or in batches of
// up to 1,000, drive the one search to the same optimum under policies
// that take each of its paths (monotone feasibility and metric, a metric
// that is not monotone, feasibility that is not monotone), over five of
// Adult's QIs (360 nodes).
func TestSearchWithEvaluators(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	qi := []string{"age", "education", "marital-status", "race", "sex"}
	c := classesOf(header, rows, qi, []string{"occupation"}, "")
	hs := adultHierarchies(t, qi)
	cases := []struct {
		p Policy
		m Metric
	}{
		{Policy{K: 5}, DM},
		{Policy{K: 5, MaxSuppression: 0.05}, DMStar},
		{Policy{K: 3, MaxSuppression: 0.02}, Loss},
		{Policy{K: 2, MaxAverageRisk: Share(0.05), MaxSuppression: 0.01}, DMStar},
		{Policy{K: 2, L: 3, LVariant: RecursiveCL, C: 4, T: 0.3}, DMStar},
	}
	for _, tc := range cases {
		want, err := Search(context.Background(), c, hs, tc.p, Options{Metric: tc.m})
		if err != nil {
			t.Fatal(err)
		}
		if want.Optimum == nil || !want.Optimal {
			t.Fatalf("%+v: no proven optimum", tc.p)
		}
		ne, err := NewNodeEvaluator(marginalsOf(t, c), hs, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		for _, batch := range []int{1, 1000} {
			ev := &nodeEvaluator{ne: ne, c: c, batch: batch}
			got, err := SearchWith(context.Background(), ev, tc.p, Options{Metric: tc.m})
			if err != nil {
				t.Fatal(err)
			}
			o, w := got.Optimum, want.Optimum
			if o == nil || !got.Optimal || !slices.Equal(o.Levels, w.Levels) || o.DM != w.DM || o.DMStar != w.DMStar ||
				o.Suppressed != w.Suppressed || o.Classes != w.Classes {
				t.Errorf("%+v %v batch %d: optimum %+v, Search's %+v", tc.p, tc.m, batch, o, w)
			}
			if batch == 1 && got.NodesEvaluated != want.NodesEvaluated {
				t.Errorf("%+v %v one at a time: %d nodes evaluated, Search %d", tc.p, tc.m, got.NodesEvaluated, want.NodesEvaluated)
			}
			if batch > 1 && ev.calls >= got.NodesEvaluated {
				t.Errorf("%+v %v: %d calls for %d nodes in batches", tc.p, tc.m, ev.calls, got.NodesEvaluated)
			}
			t.Logf("%v %v batch %d: %d nodes in %d calls (Search: %d nodes), %d feasible found", tc.p, tc.m, batch, got.NodesEvaluated, ev.calls, want.NodesEvaluated, got.FeasibleFound)
		}
	}
}

// TestSearchSuppressionMatchesExhaustive: with suppression, criteria that are
// monotone but not monotone with suppression (entropy and recursive l,
// t, α, β, δ) turn feasibility pruning off, and the search's optimum is
// the best feasible node of the whole lattice (five of Adult's QIs, 360
// nodes, each evaluated).
func TestSearchSuppressionMatchesExhaustive(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	qi := []string{"age", "education", "marital-status", "race", "sex"}
	c := classesOf(header, rows, qi, []string{"occupation"}, "")
	hs := adultHierarchies(t, qi)
	for _, p := range []Policy{
		{K: 2, L: 2, LVariant: EntropyL, MaxSuppression: 0.05},
		{K: 2, T: 0.3, MaxSuppression: 0.05},
		{K: 2, Alpha: 0.5, MaxSuppression: 0.02},
		{K: 2, Beta: 2, MaxSuppression: 0.05},
		{K: 2, Delta: 3, MaxSuppression: 0.1},
	} {
		res, err := Search(context.Background(), c, hs, p, Options{Metric: DM})
		if err != nil {
			t.Fatal(err)
		}
		if res.MonotoneFeasibility {
			t.Errorf("%+v: feasibility taken as monotone with suppression", p)
		}
		s, _, err := newTableSearcher(context.Background(), c, hs, p, Options{Metric: DM})
		if err != nil {
			t.Fatal(err)
		}
		var best *Node
		feasible := 0
		f := newFlashLattice(s.heights, 360)
		for id := range 360 {
			n, err := s.evalNow(f.decode(id))
			if err != nil {
				t.Fatal(err)
			}
			if n.Feasible {
				feasible++
				if best == nil || s.prune.Better(n, best) {
					best = n
				}
			}
		}
		o := res.Optimum
		if best == nil || o == nil || !slices.Equal(o.Levels, best.Levels) || o.DM != best.DM {
			t.Errorf("%+v: optimum %+v, exhaustive %+v", p, o, best)
		}
		t.Logf("%v: %d of 360 nodes feasible, optimum %v", p, feasible, best.Levels)
	}
}
