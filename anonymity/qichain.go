package anonymity

import (
	"cmp"
	"math/bits"
	"slices"
)

// qiChain holds, for a partition p of the walk on columns P, the exact
// classes and pairs of P ∪ {s, s+1, …, last} for each s from first on:
// bounds on every combination of P, s and columns after s.
type qiChain struct {
	p       *qiPart
	gen     uint64 // p's generation when computed (p is refined in place)
	first   int    // the sets start at first, …, last column
	classes []int64
	pairs   []uint64
}

// qiKeyed is an item of a group with its key on the columns of a chain.
type qiKeyed struct {
	key    uint64
	weight int64
}

// chainBound returns bounds on the combinations of the current path (p's
// columns and k) and columns after k: the exact figures of p refined by
// columns k, …, last when its chain covers k (ok), else c's. A chain is
// computed once per partition p, from the first column it is asked for,
// while the walk's chain budget (one visit of each item) lasts.
func (w *qiWalker) chainBound(p *qiPart, d, k int) (classes int64, pairs uint64, ok bool) {
	ch := &w.chains[d]
	if ch.p != p || ch.gen != w.gens[d] {
		*ch = qiChain{p: p, gen: w.gens[d], first: len(w.u.cols)}
		if cost := int64(len(p.items)); cost <= w.chainBudget {
			w.chainBudget -= cost
			w.chain(ch, k)
		}
	}
	if k < ch.first {
		return w.top.classes, w.top.pairs, false
	}
	return ch.classes[k-ch.first], ch.pairs[k-ch.first], true
}

// chain fills ch with the figures of p refined by the columns s, …, last
// for s from from on, as far as their codes pack into 64 bits (the last
// column in the top bits): each group of p is sorted on the packed key,
// and two neighbours in different classes for the set from s on differ in
// a column ≥ s: the top bit of their difference says from which s on.
func (w *qiWalker) chain(ch *qiChain, from int) {
	last := len(w.u.cols) - 1
	var colOf [64]int // the column whose code holds each bit, from the top
	var shift []uint  // shift[s−first]
	used := 0
	first := last + 1
	for s := last; s >= from; s-- {
		b := bits.Len32(max(w.u.cards[s], 1) - 1)
		if used+b > 64 {
			break
		}
		for i := range b {
			colOf[used+i] = s
		}
		used += b
		first = s
		shift = append(shift, uint(64-used))
	}
	slices.Reverse(shift)
	ch.first = first
	n := last + 1 - first
	ch.classes, ch.pairs = make([]int64, n), make([]uint64, n)
	acc := make([]int64, n)
	p := ch.p
	key := w.chainKey(first, shift, 64-used)
	for _, grp := range p.groups() {
		kv := w.sortKeyed(grp, &key)
		for i, x := range kv {
			if i > 0 && x.key != kv[i-1].key {
				split := colOf[bits.LeadingZeros64(x.key^kv[i-1].key)] // sets from ≤ split on
				ch.close(acc[:split-first+1])
			}
			for s := range acc {
				acc[s] += x.weight
			}
		}
		ch.close(acc)
	}
	for s := range n {
		ch.classes[s] += p.alone
		ch.pairs[s] += p.alonePairs
	}
}

// qiChainKey packs the codes of the columns from first on into a key:
// column first+s shifted by shift[s], free low bits left.
type qiChainKey struct {
	first int
	shift []uint
	free  int
	// When the codes lie in one word in the key's order, word[it] >>
	// down << shift[0] is item it's key.
	word []uint64
	down uint
}

// chainKey returns the key of the columns from first on, shifted by shift.
func (w *qiWalker) chainKey(first int, shift []uint, free int) qiChainKey {
	k := qiChainKey{first: first, shift: shift, free: free}
	if word, down, ok := w.u.suffix(first); ok {
		k.word, k.down = word, down
	}
	return k
}

// sortKeyed returns the items of grp keyed on key, with their weights,
// sorted by key. When free low bits hold an item's position, packed keys
// are sorted as integers, else pairs through a comparison.
func (w *qiWalker) sortKeyed(grp []uint32, key *qiChainKey) []qiKeyed {
	keys := w.packed[:0]
	if key.word != nil {
		// One shift drops the fields below, another those above.
		down, up := key.down, key.shift[0]
		for _, it := range grp {
			keys = append(keys, key.word[it]>>down<<up)
		}
	} else {
		for _, it := range grp {
			var k uint64
			for s, sh := range key.shift {
				k |= w.u.fields[key.first+s].at(it) << sh
			}
			keys = append(keys, k)
		}
	}
	w.packed = keys
	wt := w.u.weight
	sorted := w.keyed[:0]
	if idx := bits.Len(uint(len(grp))); idx <= key.free {
		for i := range keys {
			keys[i] |= uint64(i)
		}
		slices.Sort(keys)
		mask := uint64(1)<<idx - 1
		for _, x := range keys {
			sorted = append(sorted, qiKeyed{x &^ mask, int64(wt.at(grp[x&mask]))})
		}
	} else {
		for i, x := range keys {
			sorted = append(sorted, qiKeyed{x, int64(wt.at(grp[i]))})
		}
		slices.SortFunc(sorted, func(a, b qiKeyed) int { return cmp.Compare(a.key, b.key) })
	}
	w.keyed = sorted
	return sorted
}

// close ends the current class of each set whose weight is in acc (the
// sets from first on, in order).
func (ch *qiChain) close(acc []int64) {
	for s, a := range acc {
		ch.classes[s]++
		ch.pairs[s] += pairsOf(a)
		acc[s] = 0
	}
}
