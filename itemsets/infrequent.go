package itemsets

import (
	"context"
	"slices"
	"sync/atomic"
)

// infrequentSupersets counts the itemsets of 2 and 3 items that hold an
// infrequent item. Each is counted once, under its smallest infrequent item
// a: it is then a ∪ J with every item of J frequent or greater than a, and
// it occurs only in the fewer than K sets holding a, so the distinct J and
// their supports are found by sorting what those sets hold. Every such
// itemset is violating (its support is at most sup(a) < K) and its subjects
// are already flagged by a. Work is spread over Options.Workers goroutines,
// item by item; memory per worker is bounded by the itemsets of K−1 sets.
func (m *measurer) infrequentSupersets(ctx context.Context) error {
	var rare []uint32
	for a := range m.s.NumItems {
		if sup := m.support(uint32(a)); sup > 0 && !m.freq[a] {
			rare = append(rare, uint32(a))
		}
	}
	var next atomic.Int64
	return m.parallel(func(int) error {
		var (
			viol   [2]int64
			minSup int
			top    = topN{n: m.opt.Examples}
			one    []uint32 // items b of pairs {a, b}
			two    []uint64 // packed pairs {b, c} of triples {a, b, c}
			elig   []uint32
		)
		emit := func(n int, items [3]uint32, sup int) {
			viol[n-2]++
			if minSup == 0 || sup < minSup {
				minSup = sup
			}
			top.add(n, items, sup)
		}
		for {
			k := int(next.Add(1) - 1)
			if k >= len(rare) {
				break
			}
			if k%256 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			a := rare[k]
			one, two = one[:0], two[:0]
			for _, i := range m.psub[m.pstart[a]:m.pstart[a+1]] {
				elig = elig[:0]
				for _, b := range m.s.Set(int(i)) {
					if b != a && (m.freq[b] || b > a) {
						elig = append(elig, b)
					}
				}
				one = append(one, elig...)
				if m.opt.M >= 3 {
					for x, b := range elig {
						for _, c := range elig[x+1:] {
							two = append(two, uint64(b)<<32|uint64(c))
						}
					}
				}
			}
			slices.Sort(one)
			for x := 0; x < len(one); {
				y := x + 1
				for y < len(one) && one[y] == one[x] {
					y++
				}
				emit(2, sorted2(a, one[x]), y-x)
				x = y
			}
			slices.Sort(two)
			for x := 0; x < len(two); {
				y := x + 1
				for y < len(two) && two[y] == two[x] {
					y++
				}
				emit(3, sorted3(a, uint32(two[x]>>32), uint32(two[x])), y-x)
				x = y
			}
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.res.Violating[1] += viol[0]
		if m.opt.M >= 3 {
			m.res.Violating[2] += viol[1]
		}
		m.mergeWorker(minSup, &top)
		return nil
	})
}

// sorted2 returns {a, b} in ascending order.
func sorted2(a, b uint32) [3]uint32 {
	if a > b {
		a, b = b, a
	}
	return [3]uint32{a, b}
}

// sorted3 returns {a, b, c} in ascending order, given b < c.
func sorted3(a, b, c uint32) [3]uint32 {
	switch {
	case a < b:
		return [3]uint32{a, b, c}
	case a < c:
		return [3]uint32{b, a, c}
	}
	return [3]uint32{b, c, a}
}
