package generalize

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestSearchLocalSuppression searches Adult (keys age, sex, race,
// marital-status, education) for k = 3 with local suppression of at most
// 0.2% of the QI cells, and checks the optimum independently: the rows
// generalised to its levels, blanked by LocalSuppress, match at least 3
// rows each by patternCounts, with no more cells than the budget. Every
// node of the lattice is evaluated too, to check that no feasible node has
// a lower metric, and the optimum must lie strictly below the optimum of
// the same search without local suppression (nothing removed).
func TestSearchLocalSuppression(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	qi := []string{"age", "sex", "race", "marital-status", "education"}
	c := classesOf(header, rows, qi, nil, "")
	hs := adultHierarchies(t, qi)
	p := Policy{K: 3, LocalSuppression: true, MaxSuppression: 0.002}
	res, err := Search(context.Background(), c, hs, p, Options{Metric: Loss})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Optimum
	if o == nil {
		t.Fatal("no optimum")
	}
	plain, err := Search(context.Background(), c, hs, Policy{K: 3}, Options{Metric: Loss})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("local: %v loss %.4f cells %d (%d evaluated); plain: %v loss %.4f", o.Levels, o.Loss, o.SuppressedCells, res.NodesEvaluated, plain.Optimum.Levels, plain.Optimum.Loss)
	if o.Suppressed != 0 || o.SuppressedCells != 259 || !slices.Equal(o.Levels, []int{1, 0, 0, 0, 2}) || !(o.Loss < plain.Optimum.Loss) {
		t.Errorf("local optimum %+v, plain %+v", o, plain.Optimum)
	}
	// Independent check of the optimum's blanks.
	gen := make([][]string, len(rows))
	for r, row := range rows {
		gen[r] = slices.Clone(row)
		for j, q := range qi {
			k := slices.Index(header, q)
			l, ok := hs[j].Label(row[k], o.Levels[j])
			if !ok {
				t.Fatalf("%s %q not in hierarchy", q, row[k])
			}
			gen[r][k] = l
		}
	}
	gc := classesOf(header, gen, qi, nil, "")
	loc, err := LocalSuppress(context.Background(), gc, LocalOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	counts := patternCounts(rowMasks(t, gc, loc, header, gen))
	budget := int64(0.002 * float64(len(rows)*len(qi)))
	if loc.Cells != o.SuppressedCells || loc.Cells > budget || slices.Min(counts) < 3 {
		t.Errorf("optimum blanks %d cells (node says %d, budget %d), least count %d", loc.Cells, o.SuppressedCells, budget, slices.Min(counts))
	}
	// Exhaustively: no feasible node beats the optimum.
	s, _, err := newTableSearcher(context.Background(), c, hs, p, Options{Metric: Loss})
	if err != nil {
		t.Fatal(err)
	}
	levels := make([]int, len(qi))
	for {
		n, err := s.eval(levels)
		if err != nil {
			t.Fatal(err)
		}
		if n.Feasible && n.Loss < o.Loss {
			t.Errorf("node %v feasible with loss %.4f < optimum's %.4f", n.Levels, n.Loss, o.Loss)
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
}

func TestLocalSuppressionPolicy(t *testing.T) {
	for _, p := range []Policy{
		{LocalSuppression: true},
		{K: 3, L: 2, LocalSuppression: true},
		{K: 3, T: 0.2, LocalSuppression: true},
		{K: 3, MaxRisk: Share(0.2), LocalSuppression: true},
		{K: 3, MaxAverageRisk: Share(0.2), LocalSuppression: true},
	} {
		if err := p.validate(); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}
