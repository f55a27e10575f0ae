package generalize

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestAdultARXBenchmarkPolicy runs ARX's benchmark policy on Adult:
// 5-anonymity, recursive (4,3)-diversity and 0.2-closeness with the
// hierarchical ground distance of occupation, no suppression, DM*. ARX
// 3.x finds levels age 4, education 3, marital-status 1, native-country
// 2, race 1, salary-class 1, sex 0, workclass 2 with DM* 290,180,796.
func TestAdultARXBenchmarkPolicy(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	c := classesOf(header, rows, adultQI, []string{"occupation"}, "")
	hs := append(adultHierarchies(t, adultQI), adultHierarchies(t, []string{"occupation"})...)
	p := Policy{K: 5, L: 3, LVariant: RecursiveCL, C: 4, T: 0.2, TDistance: HierarchicalDistance}
	res, err := Search(context.Background(), c, hs, p, Options{Metric: DMStar})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("evaluated %d of %d nodes, rolled %d classes", res.NodesEvaluated, res.LatticeSize, res.ClassesRolledUp)
	o := res.Optimum
	if o == nil {
		t.Fatal("no feasible node")
	}
	if want := []int{4, 3, 1, 2, 1, 1, 0, 2}; !res.Optimal || !slices.Equal(o.Levels, want) || o.DMStar != 290180796 || o.Suppressed != 0 {
		t.Errorf("optimal %v, optimum %v DM* %d suppressed %d; want %v, DM* 290180796, nothing suppressed", res.Optimal, o.Levels, o.DMStar, o.Suppressed, want)
	}
}
