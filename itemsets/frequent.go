package itemsets

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
)

// itemRange is a range [lo, hi) of first items whose itemsets are counted
// in one pass, with the number of itemset occurrences it holds.
type itemRange struct {
	lo, hi uint32
	weight int64
}

// frequentItemsets counts, exactly, the support of every occurring itemset
// of j frequent items (j = 2 or 3), counts those with support < K as
// violating and flags their subjects. The itemsets are split by their
// smallest item into ranges holding at most Options.MaxMapEntries
// occurrences (a single item may exceed it), each counted in a hash map of
// packed keys by one worker in a pass over the subjects' frequent items.
func (m *measurer) frequentItemsets(ctx context.Context, j int) error {
	ranges := m.ranges(j)
	if len(ranges) == 0 {
		return nil
	}
	stage := map[int]string{2: "pairs", 3: "triples"}[j]
	var (
		next atomic.Int64
		done int
		wg   sync.WaitGroup
		errs = make([]error, m.opt.Workers)
		locs = make([][]uint64, m.opt.Workers)
	)
	for w := range m.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]uint64, len(m.flagged))
			top := topN{n: m.opt.Examples}
			var viol int64
			minSup := 0
			for {
				k := int(next.Add(1) - 1)
				if k >= len(ranges) {
					break
				}
				if ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				r := ranges[k]
				cnt := make(map[uint64]uint32, min(r.weight/2, int64(m.opt.MaxMapEntries)))
				for i := range m.s.Len() {
					m.each(j, m.fset(i), r, func(key uint64) bool { cnt[key]++; return true })
				}
				bad := false
				for key, c := range cnt {
					sup := int(c)
					if minSup == 0 || sup < minSup {
						minSup = sup
					}
					if sup < m.opt.K {
						bad = true
						viol++
						top.add(j, unpack(j, key), sup)
					}
				}
				if bad {
					for i := range m.s.Len() {
						if (m.flagged[i/64]|local[i/64])&(1<<(i%64)) != 0 {
							continue
						}
						m.each(j, m.fset(i), r, func(key uint64) bool {
							if int(cnt[key]) < m.opt.K {
								local[i/64] |= 1 << (i % 64)
								return false
							}
							return true
						})
					}
				}
				if m.opt.Progress != nil {
					m.mu.Lock()
					done++
					m.opt.Progress(stage, done, len(ranges))
					m.mu.Unlock()
				}
			}
			locs[w] = local
			m.mu.Lock()
			defer m.mu.Unlock()
			m.res.Violating[j-1] += viol
			if minSup > 0 {
				m.minSupport(minSup)
			}
			m.examples.merge(&top)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, local := range locs {
		for x, b := range local {
			m.flagged[x] |= b
		}
	}
	return nil
}

// each calls f with the packed key of every j-subset of the sorted set f
// whose smallest item lies in r, until f returns false.
func (m *measurer) each(j int, set []uint32, r itemRange, f func(uint64) bool) {
	i, _ := slices.BinarySearch(set, r.lo)
	for ; i < len(set) && set[i] < r.hi; i++ {
		a := uint64(set[i])
		for x := i + 1; x < len(set); x++ {
			if j == 2 {
				if !f(a<<32 | uint64(set[x])) {
					return
				}
				continue
			}
			ab := a<<42 | uint64(set[x])<<21
			for _, c := range set[x+1:] {
				if !f(ab | uint64(c)) {
					return
				}
			}
		}
	}
}

// unpack returns the items of a packed key of j items.
func unpack(j int, key uint64) [3]uint32 {
	if j == 2 {
		return [3]uint32{uint32(key >> 32), uint32(key)}
	}
	const mask = 1<<21 - 1
	return [3]uint32{uint32(key >> 42), uint32(key>>21) & mask, uint32(key) & mask}
}

// ranges splits the items into ranges of first items, each holding about
// the same number of j-subset occurrences and at most MaxMapEntries unless
// one item holds more, and at least one range per worker when there is
// enough work.
func (m *measurer) ranges(j int) []itemRange {
	w := make([]int64, m.s.NumItems)
	var total int64
	for i := range m.s.Len() {
		set := m.fset(i)
		n := int64(len(set))
		for x, a := range set {
			rest := n - int64(x) - 1
			c := rest
			if j == 3 {
				c = rest * (rest - 1) / 2
			}
			w[a] += c
			total += c
		}
	}
	if total == 0 {
		return nil
	}
	parts := max(int64(m.opt.Workers), (total+int64(m.opt.MaxMapEntries)-1)/int64(m.opt.MaxMapEntries))
	target := (total + parts - 1) / parts
	var out []itemRange
	cur := itemRange{}
	for a, c := range w {
		if cur.weight > 0 && cur.weight+c > target {
			cur.hi = uint32(a)
			out = append(out, cur)
			cur = itemRange{lo: uint32(a)}
		}
		cur.weight += c
	}
	cur.hi = uint32(len(w))
	if cur.weight > 0 {
		out = append(out, cur)
	}
	return out
}
