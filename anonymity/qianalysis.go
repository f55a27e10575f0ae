package anonymity

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sync/atomic"
)

// QIOptions control AnalyzeQI.
type QIOptions struct {
	// MaxSize bounds the number of QIs in a combination. 0 means
	// QISizeLimit(number of QIs, 12): every combination when there are at
	// most 12 QIs (4,095 combinations), and beyond, combinations of as
	// many QIs as keep their number within 4,095 (at least those of up to
	// DefaultQIMaxSize QIs).
	MaxSize int
	// Workers bounds the goroutines (0: GOMAXPROCS). The result does not
	// depend on it.
	Workers int
	// Progress, if not nil, is called from one goroutine at a time with
	// the combinations scored so far and their total, as each QI's share
	// (the combinations whose first QI, in descending order of values, it
	// is) is done.
	Progress func(done, total int64)

	work  qiWork        // zero: the defaults (tests set smaller ones)
	spans *atomic.Int64 // if not nil, counts the spans of split walks walked (tests)
}

// DefaultQIMaxSize is the combination size QISizeLimit never goes below.
const DefaultQIMaxSize = 3

// QISizeLimit returns the largest combination size scored for m QIs when
// every combination is scored up to maxColumns QIs: m when m ≤ maxColumns;
// beyond, the largest s ≥ DefaultQIMaxSize (and ≤ m) such that the
// combinations of 1 to s of the m QIs number at most 2^maxColumns − 1, as
// many as all those of maxColumns QIs. So the work grows smoothly with m
// (13 QIs get the 4,095 combinations of up to 6 QIs, as 12 QIs get all
// theirs) instead of dropping at maxColumns + 1.
func QISizeLimit(m, maxColumns int) int {
	if m <= maxColumns {
		return max(m, 0)
	}
	budget := uint64(1)<<min(maxColumns, 62) - 1
	s, total, binom := 0, uint64(0), uint64(1) // binom = C(m, s)
	for s < m {
		// C(m, s+1) = C(m, s)·(m−s)/(s+1), exact; stop before overflow.
		hi, lo := bits.Mul64(binom, uint64(m-s))
		if hi >= uint64(s+1) {
			break
		}
		next, _ := bits.Div64(hi, lo, uint64(s+1))
		if total+next > budget {
			break
		}
		s, total, binom = s+1, total+next, next
	}
	return min(m, max(s, DefaultQIMaxSize))
}

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
	// Bounded reports that Classes, Distinction and Separation are upper
	// bounds, not exact figures: AnalyzeQI did not afford to compute them
	// (see there). The combination tells apart at most that share of
	// rows and of pairs of rows.
	Bounded bool
}

// AnalyzeQI scores every non-empty combination of c's QIs (up to
// opt.MaxSize QIs) by distinction and separation, the two measures of
// Motwani & Xu, "Efficient algorithms for masking and finding
// quasi-identifiers" (2007), as ARX reports them, and ranks them most
// identifying first: distinction descending, then separation descending,
// then exact figures before bounds, then fewer QIs, then QI order.
//
// Rows are never rescanned: the items partitioned are c's classes,
// weighted by their sizes. A combination's partition refines that of the
// combination without its QI of fewest values (QIs are taken in
// decreasing order of their number of values, depth first, so only one
// partition per combination size is held per worker), and only its groups
// of two or more items are kept: an item alone in its group stays alone
// in every larger combination, which counts it as a class of its own
// without looking at it again. Once no group of two remains, every larger
// combination has exactly the same classes and pairs, and is scored
// without work (supersets of a combination that singles out every row
// have distinction 1 and separation 1). The combinations whose first QI
// is the k-th are walked on c's classes grouped on QIs k, k+1, … when
// that at least halves the table (QIs of few values at the end), and each
// walk runs on a copy of its table sorted on its first QI, so that groups
// lie in short runs of memory, with each item's codes and size packed into
// as few 64-bit words as hold their bits. Work is proportional to the
// items left in groups of two or more, summed over the combinations (it
// stays high for combinations that split rows only partly); memory to the
// number of classes times the bits of the QIs' codes, per worker, plus the
// result. Walks run at once on opt.Workers, and a walk that computes
// every figure (below) with items times combinations of at least 2^20 is
// cut into spans by the values of its first QI, walked at once by any
// worker: each of its combinations holds that QI, so its classes and
// pairs are the sums of those over ranges of the QI's values (and a span's
// partitions stay in cache).
//
// Every figure is exact when a walk's table has at most 65,536 items or
// its combinations times its items are at most 2^24 (Adult's 8 or 9 QIs,
// 100 QIs on 10,000 rows). Beyond, the walk of each first QI visits at most
// twice its table's items besides computing that QI alone, and all such
// walks together at most three times c's classes, given out in the order
// of the walks (on a near-unique table whose two QIs of most values have
// tens of thousands each, the first walk gets two visits per item and the
// second one; later walks on tables as large get none); each walk goes
// depth first (the combinations of the QIs of most values, usually the
// most identifying, first). Which figures are exact so depends on c and
// opt.MaxSize alone, not on the workers. A combination a walk cannot
// afford is scored with
// bounds and marked Bounded: Classes at most min(items, values of the QI
// added) summed over the groups of its parent's partition, and pairs at
// least those of each group's weight split evenly that many ways (C(w,2)
// is convex); it and the combinations that add later QIs to it have at
// most the classes and at least the pairs of the parent refined by all the
// QIs from its last one on (a chain: computed exactly once per parent, in
// one sort of each group on the packed codes, for the suffixes that pack
// into 64 bits, within one more pass over the items; the combination of
// the parent and the last QI so comes out exact). Bounds are then
// tightened over the combinations scored: at most the classes of a
// superset, at most a subset's times the values of the QI added, at
// least the pairs of a superset; a combination of every QI, or with no
// more classes than an exact subset, is exact.
//
// Figures count rows, not distinct subjects, even when c has subjects.
// With 0 rows, both figures are 0; with 1 row, both are 1.
func AnalyzeQI(ctx context.Context, c *Classes, opt QIOptions) ([]QIScore, error) {
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("anonymity: AnalyzeQI: %w", err)
	}
	m := len(c.QI)
	limit := opt.MaxSize
	if limit <= 0 {
		limit = QISizeLimit(m, 12)
	}
	limit = min(limit, m)
	if m == 0 {
		return []QIScore{}, nil
	}
	scores, err := walkQI(ctx, c, limit, opt)
	if err != nil {
		return nil, err
	}
	return rankQI(c, scores), nil
}

// qiScored is a combination's exact figures: cols holds its QI indices,
// ascending.
type qiScored struct {
	cols    []int
	classes int64
	pairs   uint64 // Σ_E C(|E|,2); |E| < 2^32 so no product overflows
	// bounded: classes is an upper bound and pairs a lower bound, not
	// exact figures.
	bounded bool
}

// rankQI turns scores into QIScores, most identifying first.
func rankQI(c *Classes, scores []qiScored) []QIScore {
	rows := c.Rows
	out := make([]QIScore, len(scores))
	for i, s := range scores {
		q := QIScore{Classes: int(s.classes), Columns: make([]string, len(s.cols)), Bounded: s.bounded}
		for k, j := range s.cols {
			q.Columns[k] = c.QI[j]
		}
		switch {
		case rows == 1:
			q.Distinction, q.Separation = 1, 1
		case rows > 1:
			all := uint64(rows) * uint64(rows-1) / 2
			q.Distinction = float64(s.classes) / float64(rows)
			q.Separation = 1 - float64(s.pairs)/float64(all)
		}
		out[i] = q
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		x, y := &out[a], &out[b]
		if d := cmp.Compare(y.Distinction, x.Distinction); d != 0 {
			return d
		}
		if d := cmp.Compare(y.Separation, x.Separation); d != 0 {
			return d
		}
		if x.Bounded != y.Bounded {
			if y.Bounded {
				return -1 // exact first
			}
			return 1
		}
		if d := cmp.Compare(len(x.Columns), len(y.Columns)); d != 0 {
			return d
		}
		return slices.Compare(scores[a].cols, scores[b].cols)
	})
	ranked := make([]QIScore, len(out))
	for i, k := range idx {
		ranked[i] = out[k]
	}
	return ranked
}
