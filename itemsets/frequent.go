package itemsets

import (
	"context"
	"slices"
	"sync/atomic"
)

// itemRange is a range [lo, hi) of 2-item prefixes (smallest item << shift
// | second item) whose itemsets are counted in one pass, with the number
// of itemset occurrences it holds.
type itemRange struct {
	lo, hi uint64
	weight int64
}

// rangeOut holds the infrequent itemsets of one range, when kept: their
// keys ascending and, for keys[i], its subjects subs[start[i]:start[i+1]].
type rangeOut struct {
	keys  []uint64
	start []int
	subs  []uint32
}

// countRanges counts, exactly, the support of the candidate itemsets of j
// items: for j = 2 every pair of frequent items, for j = 3 every triple of
// frequent items whose three pairs are frequent (Apriori's candidates). It
// counts those held by fewer than K subjects as violating and flags their
// subjects. The candidates are split by their smallest item into ranges of
// at most Options.PassSize occurrences (a single item may hold more); for
// each range one worker gathers the (key, subject) pairs of the
// occurrences, sorts them by key with a radix sort and reads the supports
// off the runs. With keep, the infrequent itemsets and their subjects are
// returned by range, in key order.
func (m *measurer) countRanges(ctx context.Context, j int, keep bool) ([]rangeOut, error) {
	ranges := m.ranges(j)
	outs := make([]rangeOut, len(ranges))
	if len(ranges) == 0 {
		return outs, nil
	}
	stage := map[int]string{2: "pairs", 3: "triples"}[j]
	var most int64
	for _, r := range ranges {
		most = max(most, r.weight)
	}
	var (
		next atomic.Int64
		done int
		locs = make([][]uint64, m.opt.Workers)
	)
	err := m.parallel(func(w int) error {
		cw := &countWorker{local: make([]uint64, len(m.flagged)), top: topN{n: m.opt.Examples}}
		var (
			keys, tk []uint64
			subs, ts []uint32
		)
		for {
			k := int(next.Add(1) - 1)
			if k >= len(ranges) {
				break
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if keys == nil {
				// Sized once for the largest range: appends never regrow.
				keys, subs = make([]uint64, 0, most), make([]uint32, 0, most)
				tk, ts = make([]uint64, most), make([]uint32, most)
			}
			keys, subs = keys[:0], subs[:0]
			for i := range m.s.Len() {
				keys, subs = m.gather(j, i, ranges[k], keys, subs)
			}
			n := len(keys)
			radixSort(keys, subs, tk[:n], ts[:n], j*m.shift)
			outs[k] = m.supports(cw, j, keys, subs, keep)
			if m.opt.Progress != nil {
				m.mu.Lock()
				done++
				m.opt.Progress(stage, done, len(ranges))
				m.mu.Unlock()
			}
		}
		locs[w] = cw.local
		m.mu.Lock()
		defer m.mu.Unlock()
		m.res.Violating[j-1] += cw.viol
		m.mergeWorker(cw.minSup, &cw.top)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, local := range locs {
		for x, b := range local {
			m.flagged[x] |= b
		}
	}
	return outs, nil
}

// countWorker is what one countRanges worker finds: the subjects it
// flags (a bitset), its examples, its violating itemsets and the least
// support it saw (0: none).
type countWorker struct {
	local  []uint64
	top    topN
	viol   int64
	minSup int
}

// supports reads the supports of one range off its (key, subject) pairs,
// sorted by key: it counts the itemsets held by fewer than K subjects,
// flags their subjects and offers them as examples; with keep, it returns
// them with their subjects.
func (m *measurer) supports(cw *countWorker, j int, keys []uint64, subs []uint32, keep bool) rangeOut {
	out := rangeOut{start: []int{0}}
	n := len(keys)
	for x := 0; x < n; {
		y := x + 1
		for y < n && keys[y] == keys[x] {
			y++
		}
		sup := y - x
		if cw.minSup == 0 || sup < cw.minSup {
			cw.minSup = sup
		}
		if sup < m.opt.K {
			cw.viol++
			for _, s := range subs[x:y] {
				cw.local[s/64] |= 1 << (s % 64)
			}
			cw.top.add(j, m.unpack(j, keys[x]), sup)
			if keep {
				out.keys = append(out.keys, keys[x])
				out.subs = append(out.subs, subs[x:y]...)
				out.start = append(out.start, len(out.subs))
			}
		}
		x = y
	}
	return out
}

// gather appends the key and subject of every candidate itemset of j items
// of subject i whose 2-item prefix lies in r.
func (m *measurer) gather(j, i int, r itemRange, keys []uint64, subs []uint32) ([]uint64, []uint32) {
	fs := m.fset(i)
	n := len(fs)
	sh := m.shift
	x, _ := slices.BinarySearch(fs, uint32(r.lo>>sh))
	for ; x < n && uint64(fs[x]) <= (r.hi-1)>>sh; x++ {
		a := uint64(fs[x])
		for y := x + 1; y < n; y++ {
			ab := a<<sh | uint64(fs[y])
			if ab < r.lo {
				continue
			}
			if ab >= r.hi {
				break
			}
			if j == 2 {
				keys = append(keys, ab)
				subs = append(subs, uint32(i))
				continue
			}
			if m.bad(i, n, x, y) {
				continue
			}
			for z := y + 1; z < n; z++ {
				if m.bad(i, n, x, z) || m.bad(i, n, y, z) {
					continue
				}
				keys = append(keys, ab<<sh|uint64(fs[z]))
				subs = append(subs, uint32(i))
			}
		}
	}
	return keys, subs
}

// unpack returns the items of a key of j items.
func (m *measurer) unpack(j int, key uint64) [3]uint32 {
	mask := uint64(1)<<m.shift - 1
	if j == 2 {
		return [3]uint32{uint32(key >> m.shift), uint32(key & mask)}
	}
	return [3]uint32{uint32(key >> (2 * m.shift)), uint32(key >> m.shift & mask), uint32(key & mask)}
}

// ranges splits the 2-item prefixes into ranges holding about the same
// number of candidate occurrences, at most PassSize unless one prefix
// holds more, and at least one range per worker. A smallest item holding
// more than a range's share is split by its second item.
func (m *measurer) ranges(j int) []itemRange {
	w := make([]int64, m.s.NumItems)
	var total int64
	for i := range m.s.Len() {
		fs := m.fset(i)
		for x, a := range fs {
			c := m.following(j, i, x, x+1)
			w[a] += c
			total += c
		}
	}
	if total == 0 {
		return nil
	}
	parts := max(int64(m.opt.Workers), (total+int64(m.opt.PassSize)-1)/int64(m.opt.PassSize))
	target := (total + parts - 1) / parts
	var out []itemRange
	cur := itemRange{}
	add := func(lo uint64, c int64) {
		if cur.weight > 0 && cur.weight+c > target {
			cur.hi = lo
			out = append(out, cur)
			cur = itemRange{lo: lo}
		}
		cur.weight += c
	}
	sh := m.shift
	var w2 []int64
	for a, c := range w {
		lo := uint64(a) << sh
		if c <= target {
			add(lo, c)
			continue
		}
		// A heavy item: weigh its prefixes (a, b) over the subjects holding it.
		if w2 == nil {
			w2 = make([]int64, m.s.NumItems)
		}
		clear(w2)
		for _, i := range m.psub[m.pstart[a]:m.pstart[a+1]] {
			fs := m.fset(int(i))
			x, _ := slices.BinarySearch(fs, uint32(a))
			for y := x + 1; y < len(fs); y++ {
				if j == 2 {
					w2[fs[y]]++
				} else if !m.bad(int(i), len(fs), x, y) {
					for z := y + 1; z < len(fs); z++ {
						if !m.bad(int(i), len(fs), x, z) && !m.bad(int(i), len(fs), y, z) {
							w2[fs[y]]++
						}
					}
				}
			}
		}
		for b, c := range w2 {
			add(lo|uint64(b), c)
		}
	}
	cur.hi = uint64(len(w)) << sh
	if cur.weight > 0 {
		out = append(out, cur)
	}
	return out
}

// following counts the candidates of j items of subject i whose smallest
// item is at position x and whose second is at position from or later.
func (m *measurer) following(j, i, x, from int) int64 {
	fs := m.fset(i)
	n := len(fs)
	if j == 2 {
		return int64(max(n-from, 0))
	}
	var c int64
	for y := from; y < n; y++ {
		if m.bad(i, n, x, y) {
			continue
		}
		for z := y + 1; z < n; z++ {
			if !m.bad(i, n, x, z) && !m.bad(i, n, y, z) {
				c++
			}
		}
	}
	return c
}
