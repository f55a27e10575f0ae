package anonymity

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/internal/groupby"
)

// QIOptions control AnalyzeQI.
type QIOptions struct {
	// MaxSize bounds the number of QIs in a combination. 0 means every
	// combination when there are at most 12 QIs (4,095 combinations), and
	// combinations of at most DefaultQIMaxSize QIs beyond.
	MaxSize int
}

// DefaultQIMaxSize is the largest combination AnalyzeQI scores by default
// when there are more than 12 QIs.
const DefaultQIMaxSize = 3

// QIScore rates one combination of quasi-identifiers.
type QIScore struct {
	// Columns names the QIs of the combination, in the Classes' order.
	Columns []string
	// Distinction is classes / rows: the share of rows the combination
	// tells apart; 1 when every row is unique on it.
	Distinction float64
	// Separation is 1 − Σ_E C(|E|,2) / C(rows,2): the share of pairs of
	// rows that differ on the combination.
	Separation float64
	// Classes is the number of equivalence classes on the combination.
	Classes int
}

// AnalyzeQI scores every non-empty combination of c's QIs (up to
// opt.MaxSize QIs) by distinction and separation, the two measures of
// Motwani & Xu, "Efficient algorithms for masking and finding
// quasi-identifiers" (2007), as ARX reports them, and ranks them most
// identifying first: distinction descending, then separation descending,
// then fewer QIs, then QI order.
//
// Rows are never rescanned: each combination's classes come from grouping,
// weighted by class size, the classes of a combination with one QI more
// (the one with fewest classes when several are at hand), or those of c
// itself for the largest combinations scored; work is proportional to
// numbers of classes, up to 4,095 groupings for 12 QIs.
// Figures count rows, not distinct subjects, even when c has subjects.
// With 0 rows, both figures are 0; with 1 row, both are 1.
func AnalyzeQI(ctx context.Context, c *Classes, opt QIOptions) ([]QIScore, error) {
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("anonymity: AnalyzeQI: %w", err)
	}
	m := len(c.QI)
	limit := opt.MaxSize
	if limit <= 0 {
		limit = m
		if m > 12 {
			limit = DefaultQIMaxSize
		}
	}
	limit = min(limit, m)
	if m == 0 {
		return []QIScore{}, nil
	}
	a := &qiAnalysis{ctx: ctx, c: c}
	a.cards = make([]uint32, m)
	for j, d := range c.Dicts {
		a.cards[j] = uint32(d.Len())
	}
	all := make([]int, m)
	for j := range all {
		all[j] = j
	}
	full := &qiTable{cols: all, codes: c.Codes, sizes: c.Sizes}
	var err error
	if limit == m {
		err = a.descend(full, -1)
	} else {
		err = a.levels(full, limit)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(a.scores, func(x, y qiScored) int {
		if d := cmp.Compare(y.Distinction, x.Distinction); d != 0 {
			return d
		}
		if d := cmp.Compare(y.Separation, x.Separation); d != 0 {
			return d
		}
		if d := cmp.Compare(len(x.cols), len(y.cols)); d != 0 {
			return d
		}
		return slices.Compare(x.cols, y.cols)
	})
	out := make([]QIScore, len(a.scores))
	for i, s := range a.scores {
		out[i] = s.QIScore
	}
	return out, nil
}

// qiTable is the class table of one combination of QIs.
type qiTable struct {
	cols  []int // QI indices, ascending
	codes [][]uint32
	sizes []int64
}

type qiScored struct {
	QIScore
	cols []int
}

type qiAnalysis struct {
	ctx    context.Context
	c      *Classes
	cards  []uint32
	scores []qiScored
}

// score records t's figures.
func (a *qiAnalysis) score(t *qiTable) {
	rows := a.c.Rows
	s := QIScore{Classes: len(t.sizes), Columns: make([]string, len(t.cols))}
	for i, j := range t.cols {
		s.Columns[i] = a.c.QI[j]
	}
	switch {
	case rows == 1:
		s.Distinction, s.Separation = 1, 1
	case rows > 1:
		var pairs uint64 // Σ C(|E|,2); |E| < 2^32 so no product overflows
		for _, n := range t.sizes {
			pairs += uint64(n) * uint64(n-1) / 2
		}
		all := uint64(rows) * uint64(rows-1) / 2
		s.Distinction = float64(len(t.sizes)) / float64(rows)
		s.Separation = 1 - float64(pairs)/float64(all)
	}
	a.scores = append(a.scores, qiScored{QIScore: s, cols: t.cols})
}

// without groups t's classes on its QIs but the i-th.
func (a *qiAnalysis) without(t *qiTable, i int) (*qiTable, error) {
	if err := a.ctx.Err(); err != nil {
		return nil, err
	}
	cols := slices.Delete(slices.Clone(t.cols), i, i+1)
	codes := slices.Delete(slices.Clone(t.codes), i, i+1)
	cards := make([]uint32, len(cols))
	for k, j := range cols {
		cards[k] = a.cards[j]
	}
	g, err := groupby.GroupContext(a.ctx, codes, cards, groupby.Options{Weights: t.sizes})
	if err != nil {
		return nil, err
	}
	return &qiTable{cols: cols, codes: pick(codes, g.First), sizes: g.Sizes}, nil
}

// descend scores t and every non-empty subset reached by removing QIs
// with index above last, in increasing order, so that each subset is
// visited once, from a parent with one QI more.
func (a *qiAnalysis) descend(t *qiTable, last int) error {
	a.score(t)
	if len(t.cols) == 1 {
		return nil
	}
	for i, j := range t.cols {
		if j <= last {
			continue
		}
		child, err := a.without(t, i)
		if err != nil {
			return err
		}
		if err := a.descend(child, j); err != nil {
			return err
		}
	}
	return nil
}

// levels scores every combination of at most limit QIs: those of limit
// QIs from the full table, each smaller one from the combination of one
// QI more with the fewest classes.
func (a *qiAnalysis) levels(full *qiTable, limit int) error {
	m := len(full.cols)
	var level map[string]*qiTable
	for size := limit; size >= 1; size-- {
		next := map[string]*qiTable{}
		for _, cols := range combinations(m, size) {
			var t *qiTable
			var err error
			if level == nil {
				t, err = a.project(full, cols)
			} else {
				// The parent: cols plus one QI, with the fewest classes.
				var parent *qiTable
				at := 0
				for j := range m {
					if slices.Contains(cols, j) {
						continue
					}
					sup := append(slices.Clone(cols), j)
					slices.Sort(sup)
					if p := level[fmt.Sprint(sup)]; p != nil && (parent == nil || len(p.sizes) < len(parent.sizes)) {
						parent, at = p, slices.Index(sup, j)
					}
				}
				t, err = a.without(parent, at)
			}
			if err != nil {
				return err
			}
			a.score(t)
			next[fmt.Sprint(cols)] = t
		}
		level = next
	}
	return nil
}

// project groups the full table's classes on cols.
func (a *qiAnalysis) project(full *qiTable, cols []int) (*qiTable, error) {
	if err := a.ctx.Err(); err != nil {
		return nil, err
	}
	codes := make([][]uint32, len(cols))
	cards := make([]uint32, len(cols))
	for k, j := range cols {
		codes[k], cards[k] = full.codes[j], a.cards[j]
	}
	g, err := groupby.GroupContext(a.ctx, codes, cards, groupby.Options{Weights: full.sizes})
	if err != nil {
		return nil, err
	}
	return &qiTable{cols: cols, codes: pick(codes, g.First), sizes: g.Sizes}, nil
}

// combinations lists the ascending k-subsets of {0, …, m-1}.
func combinations(m, k int) [][]int {
	var out [][]int
	cur := make([]int, 0, k)
	var rec func(from int)
	rec = func(from int) {
		if len(cur) == k {
			out = append(out, slices.Clone(cur))
			return
		}
		for j := from; j <= m-(k-len(cur)); j++ {
			cur = append(cur, j)
			rec(j + 1)
			cur = cur[:len(cur)-1]
		}
	}
	rec(0)
	return out
}
