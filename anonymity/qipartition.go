package anonymity

import (
	"context"
	"iter"
	"slices"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// qiPart is the partition of a universe's items on a combination of QIs,
// less its groups of one item: those stay groups of their own in every
// larger combination, so they are only counted.
type qiPart struct {
	alone      int64    // groups of one item
	alonePairs uint64   // Σ C(weight,2) over those items
	items      []uint32 // the items of the other groups, group after group
	ends       []int    // ends[g]: end of group g in items
	weights    []int64  // weights[g]: total weight of group g
}

func (p *qiPart) classes() int64 { return p.alone + int64(len(p.ends)) }

// groups yields each group's index and items.
func (p *qiPart) groups() iter.Seq2[int, []uint32] {
	return func(yield func(int, []uint32) bool) {
		lo := 0
		for g, hi := range p.ends {
			if !yield(g, p.items[lo:hi]) {
				return
			}
			lo = hi
		}
	}
}

func (p *qiPart) pairs() uint64 {
	s := p.alonePairs
	for _, w := range p.weights {
		s += pairsOf(w)
	}
	return s
}

// pairsOf returns C(w,2); w < 2^32, so the product does not overflow.
func pairsOf(w int64) uint64 { return uint64(w) * uint64(w-1) / 2 }

// qiWalker enumerates combinations depth first, holding one partition per
// combination size.
type qiWalker struct {
	ctx    context.Context
	u      *qiPacked
	limit  int
	parts  []qiPart // parts[d]: the partition of the current combination of d+1 columns
	path   []int    // the current combination, as columns of u
	scores []qiScored
	top    qiScored // c's classes and pairs: bounds on every combination's

	// budget is the item visits left to the walk of u before it bounds
	// figures instead of computing them, unless unlimited (see qiWork).
	budget    int64
	unlimited bool
	// chains[d] bounds the combinations beyond parts[d−1] (parts[-1]:
	// the root) that the walk bounds; gens[d] counts the refinements of
	// that partition; chainBudget is the item visits left to them.
	chains      []qiChain
	gens        []uint64
	chainBudget int64
	keyed       []qiKeyed // buffers of sortKeyed
	packed      []uint64

	// Per-group scratch, indexed by code: stamp marks the codes seen in
	// the current group (epoch), cnt counts their items, sum their
	// weight, pos is where the next one goes.
	stamp, cnt, pos []uint32
	sum             []int64
	seen            []uint32
	words, spare    [][]uint64 // the buffers of pack
	epoch           uint32

	// span is the items of w.u walked: those of a range of codes of its
	// first column (all of them unless the walk is split, see qiSplit).
	span qiSpan
	// sums: the scores are a span's, to be added to those of the walk's
	// first span, which name the combinations; they name none.
	sums bool
}

func newQIWalker(ctx context.Context, limit int, top qiScored) *qiWalker {
	return &qiWalker{ctx: ctx, limit: limit, parts: make([]qiPart, limit), top: top,
		chains: make([]qiChain, limit), gens: make([]uint64, limit+1)}
}

// use makes w walk u next (sorted on its first column and packed, in
// w's buffers), computing every figure when unlimited, else within budget
// item visits (see qiWork).
func (w *qiWalker) use(u *qiUniverse, unlimited bool, budget int64) {
	n := int64(u.len())
	w.unlimited, w.budget = unlimited, budget
	w.chainBudget = n
	w.scratch(u.maxCard())
	w.u, w.scores, w.sums = w.pack(u), nil, false
	w.span = w.u.whole()
}

// scratch makes w's per-code scratch hold codes below d.
func (w *qiWalker) scratch(d uint32) {
	if int(d) > len(w.stamp) {
		w.stamp, w.cnt, w.pos = make([]uint32, d), make([]uint32, d), make([]uint32, d)
		w.sum = make([]int64, d)
		w.epoch = 0
	}
}

// nextEpoch starts a new group: codes stamped with an older epoch count as
// unseen. When the epoch wraps round, the stamps are cleared.
func (w *qiWalker) nextEpoch() {
	w.epoch++
	if w.epoch == 0 {
		clear(w.stamp)
		w.epoch = 1
	}
}

// run scores every combination of at most w.limit columns of w.u whose
// first column is column 0.
func (w *qiWalker) run() ([]qiScored, error) {
	if err := w.child(&qiPart{}, 0, 0); err != nil {
		return nil, err
	}
	return w.scores, nil
}

// child partitions the combination path+k from p, its partition on path
// (of d columns), scores it and walks on.
func (w *qiWalker) child(p *qiPart, d, k int) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	w.path = append(w.path, k)
	defer func() { w.path = w.path[:len(w.path)-1] }()
	if !w.afford(p, d) {
		w.bound(p, d, k)
		return nil
	}
	leaf := d+1 == w.limit || k+1 == len(w.u.cols)
	if leaf && d > 0 {
		// Only its figures are needed.
		classes, pairs := w.count(p, k)
		w.score(classes, pairs, false)
		return nil
	}
	q := &w.parts[d]
	if d == 0 {
		w.first(q) // the items are sorted on column 0
	} else {
		w.refine(p, k, q)
	}
	w.gens[d+1]++
	w.score(q.classes(), q.pairs(), false)
	if leaf {
		return nil
	}
	if len(q.ends) == 0 {
		// Nothing left to tell apart: every larger combination has
		// the same classes and pairs.
		w.same(q.classes(), q.pairs(), false, k+1)
		return nil
	}
	for j := k + 1; j < len(w.u.cols); j++ {
		if err := w.child(q, d+1, j); err != nil {
			return err
		}
	}
	return nil
}

// same scores every combination that adds columns from from on to the
// current path (up to w.limit columns) with the given figures.
func (w *qiWalker) same(classes int64, pairs uint64, bounded bool, from int) {
	if len(w.path) == w.limit {
		return
	}
	for j := from; j < len(w.u.cols); j++ {
		w.path = append(w.path, j)
		w.score(classes, pairs, bounded)
		w.same(classes, pairs, bounded, j+1)
		w.path = w.path[:len(w.path)-1]
	}
}

func (w *qiWalker) score(classes int64, pairs uint64, bounded bool) {
	if w.sums {
		w.scores = append(w.scores, qiScored{classes: classes, pairs: pairs, bounded: bounded})
		return
	}
	cols := make([]int, len(w.path))
	for i, k := range w.path {
		cols[i] = w.u.cols[k]
	}
	slices.Sort(cols)
	w.scores = append(w.scores, qiScored{cols: cols, classes: classes, pairs: pairs, bounded: bounded})
}

// afford reports whether the combination refining p (of d columns) is
// computed: always for a single QI (d = 0) and when the walk is unlimited,
// else when visiting p's items fits in what is left of the budget, which
// they then take.
func (w *qiWalker) afford(p *qiPart, d int) bool {
	cost := int64(len(p.items))
	switch {
	case w.unlimited || d == 0:
		return true
	case cost <= w.budget:
		w.budget -= cost
		return true
	}
	return false
}

// bound scores the combination path (p's columns and k) and those that
// add columns after k with bounds: the figures of p's chain from k (exact
// when k is the last column), and for path itself those of boundOf.
func (w *qiWalker) bound(p *qiPart, d, k int) {
	classes, pairs, ok := w.chainBound(p, d, k)
	if ok && k == len(w.u.cols)-1 {
		w.score(classes, pairs, false)
		return
	}
	c, s := w.boundOf(p, k)
	w.score(min(classes, c), max(pairs, s), true)
	w.same(classes, pairs, true, k+1)
}

// boundOf returns an upper bound on the classes and a lower bound on the
// pairs of the refinement of p by column k from p's groups alone: a group
// of n items and weight W splits into at most d = min(n, values of k)
// classes, which hold at least the pairs of W split evenly d ways (C(w,2)
// is convex).
func (w *qiWalker) boundOf(p *qiPart, k int) (classes int64, pairs uint64) {
	card := max(int64(w.u.cards[k]), 1)
	classes, pairs = p.alone, p.alonePairs
	for g, grp := range p.groups() {
		d := min(int64(len(grp)), card)
		q, r := p.weights[g]/d, p.weights[g]%d
		classes += d
		pairs += uint64(r)*pairsOf(q+1) + uint64(d-r)*pairsOf(q)
	}
	return classes, pairs
}

// refine splits each group of p by column k into q, setting apart the
// items left alone. Items keep their order within a group.
func (w *qiWalker) refine(p *qiPart, k int, q *qiPart) {
	col, wt := w.u.fields[k], w.u.weight
	q.alone, q.alonePairs = p.alone, p.alonePairs
	if cap(q.items) < len(p.items) {
		q.items = make([]uint32, 0, len(p.items))
		prefault.Slice(q.items[:len(p.items)]) // kept for the walk
		q.ends = make([]int, 0, len(p.items)/4+1)
		q.weights = make([]int64, 0, len(p.items)/4+1)
	}
	q.items, q.ends, q.weights = q.items[:0], q.ends[:0], q.weights[:0]
	for g, grp := range p.groups() {
		if len(grp) == 2 {
			a, b := grp[0], grp[1]
			if col.at(a) == col.at(b) {
				q.items = append(q.items, a, b)
				q.ends = append(q.ends, len(q.items))
				q.weights = append(q.weights, p.weights[g])
			} else {
				q.alone += 2
				q.alonePairs += pairsOf(int64(wt.at(a))) + pairsOf(int64(wt.at(b)))
			}
			continue
		}
		if len(grp) <= smallGroup {
			w.refineSmall(grp, col, q)
			continue
		}
		seen := w.tally(grp, col)
		if len(seen) == 1 {
			q.items = append(q.items, grp...)
			q.ends = append(q.ends, len(q.items))
			q.weights = append(q.weights, p.weights[g])
			continue
		}
		at := len(q.items)
		for _, c := range seen {
			if n := w.cnt[c]; n > 1 {
				w.pos[c] = uint32(at)
				at += int(n)
				q.ends = append(q.ends, at)
				q.weights = append(q.weights, w.sum[c])
			}
		}
		q.items = slices.Grow(q.items, at-len(q.items))[:at]
		q.alone, q.alonePairs = w.scatter(grp, col, q.items, q.alone, q.alonePairs)
	}
}

// scatter puts the items of grp whose code in col tally counted more than
// once at w.pos of their code (which moves on) in items, and adds those
// counted once to alone and their pairs to alonePairs.
func (w *qiWalker) scatter(grp []uint32, col qiField, items []uint32, alone int64, alonePairs uint64) (int64, uint64) {
	// In locals, so that the loop keeps them in registers.
	cnt, pos := w.cnt, w.pos
	words, shift, mask := col.word, col.shift, col.mask
	wt := w.u.weight
	for _, it := range grp {
		c := uint32(words[it] >> shift & mask)
		if cnt[c] == 1 {
			alone++
			alonePairs += pairsOf(int64(wt.at(it)))
			continue
		}
		items[pos[c]] = it
		pos[c]++
	}
	return alone, alonePairs
}

// count returns the classes and pairs of the refinement of p by column k
// without building it.
func (w *qiWalker) count(p *qiPart, k int) (classes int64, pairs uint64) {
	col, wt := w.u.fields[k], w.u.weight
	classes, pairs = p.alone, p.alonePairs
	for g, grp := range p.groups() {
		if len(grp) == 2 {
			a, b := grp[0], grp[1]
			if col.at(a) == col.at(b) {
				classes++
				pairs += pairsOf(p.weights[g])
			} else {
				classes += 2
				pairs += pairsOf(int64(wt.at(a))) + pairsOf(int64(wt.at(b)))
			}
			continue
		}
		if len(grp) <= smallGroup {
			var keys [smallGroup]uint64
			ks := sortSmall(&keys, grp, col)
			for i := 0; i < len(ks); {
				j, s := i+1, int64(wt.at(grp[uint32(ks[i])]))
				for ; j < len(ks) && ks[j]>>32 == ks[i]>>32; j++ {
					s += int64(wt.at(grp[uint32(ks[j])]))
				}
				classes++
				pairs += pairsOf(s)
				i = j
			}
			continue
		}
		seen := w.tally(grp, col)
		classes += int64(len(seen))
		for _, c := range seen {
			pairs += pairsOf(w.sum[c])
		}
	}
	return classes, pairs
}

// tally returns the distinct codes in col of the items of grp, in order
// of first appearance, and sets w.cnt and w.sum of each to the number and
// the total weight of its items.
func (w *qiWalker) tally(grp []uint32, col qiField) []uint32 {
	wt := w.u.weight
	w.nextEpoch()
	seen := w.seen[:0]
	// In locals, so that the loop keeps them in registers.
	stamp, cnt, sum, epoch := w.stamp, w.cnt, w.sum, w.epoch
	words, shift, mask := col.word, col.shift, col.mask
	wwords, wshift, wmask := wt.word, wt.shift, wt.mask
	for _, it := range grp {
		c := uint32(words[it] >> shift & mask)
		if stamp[c] != epoch {
			stamp[c] = epoch
			cnt[c], sum[c] = 0, 0
			seen = append(seen, c)
		}
		cnt[c]++
		sum[c] += int64(wwords[it] >> wshift & wmask)
	}
	w.seen = seen
	return seen
}

// smallGroup is the largest group refined by sorting its few codes
// rather than through the per-code scratch arrays.
const smallGroup = 6

// sortSmall returns, for the items of grp (at most smallGroup), their
// codes in col shifted up 32 bits above their positions in grp, sorted.
func sortSmall(keys *[smallGroup]uint64, grp []uint32, col qiField) []uint64 {
	ks := keys[:len(grp)]
	for i, it := range grp {
		k := uint64(col.at(it))<<32 | uint64(i)
		j := i
		for ; j > 0 && ks[j-1] > k; j-- {
			ks[j] = ks[j-1]
		}
		ks[j] = k
	}
	return ks
}

// refineSmall splits a group of at most smallGroup items by sorting.
func (w *qiWalker) refineSmall(grp []uint32, col qiField, q *qiPart) {
	wt := w.u.weight
	var keys [smallGroup]uint64
	ks := sortSmall(&keys, grp, col)
	for i := 0; i < len(ks); {
		j := i + 1
		for j < len(ks) && ks[j]>>32 == ks[i]>>32 {
			j++
		}
		if j == i+1 {
			it := grp[uint32(ks[i])]
			q.alone++
			q.alonePairs += pairsOf(int64(wt.at(it)))
		} else {
			var s int64
			for _, k := range ks[i:j] {
				it := grp[uint32(k)]
				q.items = append(q.items, it)
				s += int64(wt.at(it))
			}
			q.ends = append(q.ends, len(q.items))
			q.weights = append(q.weights, s)
		}
		i = j
	}
}
