package itemsets

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
)

// pairIndex holds the infrequent pairs of frequent items (support < K):
// keys ascending, the larger item of keys[i] in second[i] and its subjects
// in subs[start[i]:start[i+1]].
type pairIndex struct {
	keys   []uint64
	second []uint32
	start  []int
	subs   []uint32
}

// indexPairs joins the kept infrequent pairs of the ranges (disjoint, in
// item order, so the keys stay sorted).
func (m *measurer) indexPairs(outs []rangeOut) {
	p := &m.pairs
	p.start = []int{0}
	for _, o := range outs {
		base := len(p.subs)
		p.keys = append(p.keys, o.keys...)
		p.subs = append(p.subs, o.subs...)
		for _, s := range o.start[1:] {
			p.start = append(p.start, base+s)
		}
	}
	p.second = make([]uint32, len(p.keys))
	mask := uint64(1)<<m.shift - 1
	for i, k := range p.keys {
		p.second[i] = uint32(k & mask)
	}
}

// markPairs records, for every subject with at least 3 frequent items,
// which pairs of its frequent items are infrequent: one bit per pair (x,
// y), x < y positions in the subject's frequent items, from bit boff[i].
// The bits are set from the infrequent pairs' subject lists.
func (m *measurer) markPairs() {
	n := m.s.Len()
	m.boff = make([]int, n+1)
	for i := range n {
		k := len(m.fset(i))
		if k < 3 {
			k = 0
		}
		m.boff[i+1] = m.boff[i] + k*(k-1)/2
	}
	m.pbits = make([]uint64, (m.boff[n]+63)/64)
	p := &m.pairs
	var wg sync.WaitGroup
	chunk := (len(p.keys) + m.opt.Workers - 1) / m.opt.Workers
	for lo := 0; lo < len(p.keys); lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for k := lo; k < hi; k++ {
				a, b := uint32(p.keys[k]>>m.shift), p.second[k]
				for _, s := range p.subs[p.start[k]:p.start[k+1]] {
					fs := m.fset(int(s))
					if len(fs) < 3 {
						continue
					}
					x, _ := slices.BinarySearch(fs, a)
					y, _ := slices.BinarySearch(fs, b)
					bit := m.boff[s] + pairBit(len(fs), x, y)
					atomic.OrUint64(&m.pbits[bit/64], 1<<(bit%64))
				}
			}
		}(lo, min(lo+chunk, len(p.keys)))
	}
	wg.Wait()
}

// pairBit is the index of the pair of positions x < y among k items.
func pairBit(k, x, y int) int { return x*k - x*(x+1)/2 + (y - x - 1) }

// bad reports whether the pair at positions x < y of subject i's k
// frequent items is infrequent (false before markPairs, and for subjects
// with fewer than 3 frequent items, which hold no triple).
func (m *measurer) bad(i, k, x, y int) bool {
	if m.pbits == nil || k < 3 {
		return false
	}
	b := m.boff[i] + pairBit(k, x, y)
	return m.pbits[b/64]>>(b%64)&1 == 1
}

// infrequentPairSupersets counts the triples of frequent items that hold an
// infrequent pair. Each is counted once, under its smallest infrequent pair
// Y (by key): it occurs only in the fewer than K sets holding Y, where its
// third items and their supports are found by sorting. Every such triple is
// violating, and its subjects were flagged by Y.
func (m *measurer) infrequentPairSupersets(ctx context.Context) error {
	p := &m.pairs
	sh := m.shift
	var next atomic.Int64
	const chunk = 1024
	return m.parallel(func(int) error {
		var (
			viol   int64
			minSup int
			top    = topN{n: m.opt.Examples}
			cs     []uint32
		)
		for {
			lo := int(next.Add(chunk) - chunk)
			if lo >= len(p.keys) {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			for k := lo; k < min(lo+chunk, len(p.keys)); k++ {
				y := p.keys[k]
				a, b := uint32(y>>sh), p.second[k]
				cs = cs[:0]
				for _, s := range p.subs[p.start[k]:p.start[k+1]] {
					fs := m.fset(int(s))
					n := len(fs)
					if n < 3 {
						continue
					}
					pa, _ := slices.BinarySearch(fs, a)
					pb, _ := slices.BinarySearch(fs, b)
					for pc, c := range fs {
						if pc == pa || pc == pb {
							continue
						}
						if m.bad(int(s), n, min(pa, pc), max(pa, pc)) && pairKey(a, c, sh) < y {
							continue
						}
						if m.bad(int(s), n, min(pb, pc), max(pb, pc)) && pairKey(b, c, sh) < y {
							continue
						}
						cs = append(cs, c)
					}
				}
				slices.Sort(cs)
				for x := 0; x < len(cs); {
					z := x + 1
					for z < len(cs) && cs[z] == cs[x] {
						z++
					}
					sup := z - x
					viol++
					if minSup == 0 || sup < minSup {
						minSup = sup
					}
					top.add(3, sorted3(cs[x], a, b), sup)
					x = z
				}
			}
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.res.Violating[2] += viol
		m.mergeWorker(minSup, &top)
		return nil
	})
}

// pairKey is the key of the pair {a, b}.
func pairKey(a, b uint32, sh int) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<sh | uint64(b)
}
