package generalize

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/reidrisk/reidrisk/anonymity"
)

// MaxLocalQI is the most quasi-identifiers LocalSuppress handles (one bit
// of a suppression pattern each).
const MaxLocalQI = 32

// LocalOptions say what LocalSuppress does.
type LocalOptions struct {
	// K is the least number of records every record must match, a
	// suppressed cell matching any value (with Subjects: distinct subjects).
	K int64
	// Importance lists QI names from the most important (suppressed last)
	// to the least important (suppressed first), as sdcMicro's importance
	// numbers 1, 2, …, n. QIs left out are less important than those listed.
	// Without it, and among the QIs left out, a QI with more distinct
	// values is less important (as sdcMicro's default); ties keep QI order,
	// the earlier QI more important.
	Importance []string
	// Subjects counts K in distinct subjects (needs Classes.Subjects).
	Subjects bool
	// Progress, if not nil, is called with the classes examined so far and
	// their total.
	Progress func(done, total int)
}

// Validate checks the options against the class table's QIs.
func (o LocalOptions) Validate(c *anonymity.Classes) error {
	if o.K < 1 {
		return &OptionError{Field: "K", Reason: fmt.Sprintf("%d: want at least 1", o.K)}
	}
	if len(c.QI) > MaxLocalQI {
		return &OptionError{Field: "QI", Reason: fmt.Sprintf("%d quasi-identifiers: local suppression handles at most %d", len(c.QI), MaxLocalQI)}
	}
	if o.Subjects && c.Subjects == nil {
		return &OptionError{Field: "Subjects", Reason: "the class table has no subjects"}
	}
	seen := map[string]bool{}
	for _, name := range o.Importance {
		if !slices.Contains(c.QI, name) {
			return &OptionError{Field: "Importance", Reason: fmt.Sprintf("%q is not a quasi-identifier", name)}
		}
		if seen[name] {
			return &OptionError{Field: "Importance", Reason: fmt.Sprintf("%q named twice", name)}
		}
		seen[name] = true
	}
	return nil
}

// OptionError names an option that is out of range.
type OptionError struct {
	Field, Reason string
}

func (e *OptionError) Error() string { return "generalize: " + e.Field + ": " + e.Reason }

// Local is the outcome of LocalSuppress.
type Local struct {
	// Masks[c] has bit j set when QI j is suppressed in every record of
	// class c.
	Masks []uint32
	// Cells is the number of suppressed cells, Σ_c |Masks[c]|·Sizes[c].
	Cells int64
	// ByColumn[j] is the number of suppressed cells of QI j.
	ByColumn []int64
	// Records is the number of records with at least one suppressed cell.
	Records int64
	// K is the least number of records (distinct subjects) that a record
	// matches after suppression, a suppressed cell matching any value; 0
	// for a table without records. It is below the asked K only when the
	// whole table holds fewer than K records (subjects), and then nothing
	// is suppressed.
	K int64
	// Order lists the QI indices from the least important (suppressed
	// first) to the most important.
	Order []int
}

// LocalSuppress blanks single QI cells of the classes of c, as few as it
// can, so that every record matches at least opt.K records when a blanked
// cell matches any value: records r and r' match iff they agree on every
// QI that is blanked in neither (sdcMicro's localSuppression semantics,
// Templ, Kowarik & Meindl 2015). Rows and non-QI values are never touched.
//
// Like sdcMicro it is greedy, but it counts every blank as it is made:
// classes below K, the rarest first, each get the fewest cells blanked
// that bring them to K given every blank made so far (blanks only add
// matches, so a class once at K stays there), and among as many cells the
// least important columns; a class that earlier blanks already brought to
// K keeps its values. A last pass gives back blanks that later ones made
// unneeded (see restore). All records of a class are treated alike (they
// match the same records). Matches are counted exactly by grouping classes
// by their blank pattern (see wildcards), never by comparing record pairs.
// sdcMicro instead blanks one cell in every record below k per pass and
// recounts only between passes; on Adult with keys age, sex, race,
// marital-status, education and k = 3 it blanks 5,101 cells where this
// blanks 1,044.
func LocalSuppress(ctx context.Context, c *anonymity.Classes, opt LocalOptions) (*Local, error) {
	if c == nil {
		return nil, fmt.Errorf("generalize: LocalSuppress of a nil class table")
	}
	if err := opt.Validate(c); err != nil {
		return nil, err
	}
	m := len(c.QI)
	res := &Local{Masks: make([]uint32, c.Len()), ByColumn: make([]int64, m), Order: importanceOrder(c, opt.Importance)}
	w := newWildcards(c, opt.Subjects)
	if c.Len() == 0 {
		return res, nil
	}
	all := uint32(1<<m - 1)
	if m == MaxLocalQI {
		all = math.MaxUint32
	}
	if whole, err := w.count(ctx, 0, all, opt.K); err != nil {
		return nil, err
	} else if whole < opt.K { // nothing can help
		res.K, err = w.least(ctx)
		return res, err
	}
	type low struct {
		c int
		n int64
	}
	var lows []low
	for i := range c.Len() {
		n, err := w.count(ctx, i, 0, opt.K)
		if err != nil {
			return nil, err
		}
		if n < opt.K {
			lows = append(lows, low{i, n})
		}
	}
	slices.SortStableFunc(lows, func(a, b low) int { return cmp.Compare(a.n, b.n) })
	for i, l := range lows {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if opt.Progress != nil {
				opt.Progress(i, len(lows))
			}
		}
		if n, err := w.count(ctx, l.c, w.mask[l.c], opt.K); err != nil {
			return nil, err
		} else if n >= opt.K { // blanks made since brought it to K
			continue
		}
		t, err := cheapest(ctx, w, l.c, res.Order, opt.K)
		if err != nil {
			return nil, err
		}
		w.move(l.c, w.mask[l.c]|t)
	}
	if opt.Progress != nil {
		opt.Progress(len(lows), len(lows))
	}
	for _, l := range lows {
		if err := restore(ctx, w, l.c, res.Order, opt.K); err != nil {
			return nil, err
		}
	}
	copy(res.Masks, w.mask)
	for i, mk := range res.Masks {
		if mk == 0 {
			continue
		}
		res.Records += c.Sizes[i]
		for j := range m {
			if mk&(1<<j) != 0 {
				res.ByColumn[j] += c.Sizes[i]
				res.Cells += c.Sizes[i]
			}
		}
	}
	k, err := w.least(ctx)
	if err != nil {
		return nil, err
	}
	res.K = k
	return res, nil
}

// cheapest returns the set of QIs to blank in class i, beyond those
// already blanked, that brings it to k with the fewest QIs, and among
// those the least important: subsets of the free QIs are tried by size,
// and within a size in increasing order of their bit mask over order
// (least important first), which compares the most important member
// first. Blanking every QI always works when the table holds k records.
func cheapest(ctx context.Context, w *wildcards, i int, order []int, k int64) (uint32, error) {
	cur := w.mask[i]
	var free []int // QI indices, least important first
	for _, j := range order {
		if cur&(1<<j) == 0 {
			free = append(free, j)
		}
	}
	nf := len(free)
	var last uint32
	for size := 1; size <= nf; size++ {
		for s := uint64(1)<<size - 1; s < 1<<nf; s = nextCombination(s) {
			var t uint32
			for b := s; b != 0; b &= b - 1 {
				t |= 1 << free[bits.TrailingZeros64(b)]
			}
			last = t
			n, err := w.count(ctx, i, cur|t, k)
			if err != nil {
				return 0, err
			}
			if n >= k {
				return t, nil
			}
		}
	}
	return last, nil
}

// restore un-blanks the cells of class i that blanks made after them
// have made unneeded, the most important QI first: a cell of QI j comes
// back when class i still reaches k without it and every class that
// matches i only through that blank still reaches k without i (each such
// class then loses at most i's records, or i's distinct subjects).
func restore(ctx context.Context, w *wildcards, i int, order []int, k int64) error {
	for x := len(order) - 1; x >= 0; x-- {
		j := order[x]
		p := w.mask[i]
		if p&(1<<j) == 0 {
			continue
		}
		back := p &^ (1 << j)
		if n, err := w.count(ctx, i, back, k); err != nil || n < k {
			return err
		}
		ok, err := w.spare(ctx, i, j, k)
		if err != nil {
			return err
		}
		if ok {
			w.move(i, back)
		}
	}
	return nil
}

// nextCombination returns the next larger integer with as many set bits
// as s (Gosper's hack).
func nextCombination(s uint64) uint64 {
	c := s & -s
	r := s + c
	return (((r ^ s) >> 2) / c) | r
}

// least returns the least count of any class under the current patterns.
func (w *wildcards) least(ctx context.Context) (int64, error) {
	best := int64(math.MaxInt64)
	for i := range w.mask {
		n, err := w.count(ctx, i, w.mask[i], best)
		if err != nil {
			return 0, err
		}
		best = min(best, n)
	}
	if best == math.MaxInt64 {
		return 0, nil
	}
	return best, nil
}

// importanceOrder returns the QI indices from the least important to the
// most important (see LocalOptions.Importance).
func importanceOrder(c *anonymity.Classes, importance []string) []int {
	rank := make([]int, len(c.QI)) // lower: more important
	for j := range rank {
		rank[j] = len(importance) // after the listed ones
	}
	for r, name := range importance {
		rank[slices.Index(c.QI, name)] = r
	}
	distinct := make([]int, len(c.QI))
	for j := range c.QI {
		seen := map[uint32]bool{}
		for _, code := range c.Codes[j] {
			seen[code] = true
		}
		distinct[j] = len(seen)
	}
	order := make([]int, len(c.QI))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if rank[a] != rank[b] {
			return cmp.Compare(rank[b], rank[a]) // less important (higher rank) first
		}
		if rank[a] < len(importance) {
			return 0
		}
		if distinct[a] != distinct[b] {
			return cmp.Compare(distinct[b], distinct[a]) // more values: less important
		}
		return cmp.Compare(b, a) // later QI less important
	})
	return order
}
