package anonymity

import (
	"fmt"
	"math/bits"
)

// This file holds what the sensitive-value measures share: the check that
// a Multiset is well formed and the whole table's distribution.

// classCount returns the number of classes of m, or -1 if m is not well
// formed (see checkMultiset).
func classCount(m *Multiset) int {
	if checkMultiset(m) != nil {
		return -1
	}
	if len(m.Offsets) == 0 {
		return 0
	}
	return len(m.Offsets) - 1
}

// checkMultiset reports whether m is a well-formed compressed sparse row
// histogram: offsets start at 0 and never decrease, stay within Values,
// Counts parallels Values, counts are not negative and each class lists
// its values in strictly ascending code order. Count, Merge and RollUp
// produce such multisets; the check guards hand-built ones.
func checkMultiset(m *Multiset) error {
	if m == nil {
		return fmt.Errorf("anonymity: nil multiset")
	}
	if len(m.Counts) != len(m.Values) {
		return fmt.Errorf("anonymity: multiset %q has %d values but %d counts", m.Name, len(m.Values), len(m.Counts))
	}
	if len(m.Offsets) == 0 {
		if len(m.Values) != 0 {
			return fmt.Errorf("anonymity: multiset %q has values but no offsets", m.Name)
		}
		return nil
	}
	if m.Offsets[0] != 0 {
		return fmt.Errorf("anonymity: multiset %q: offsets start at %d, not 0", m.Name, m.Offsets[0])
	}
	for e := 0; e+1 < len(m.Offsets); e++ {
		lo, hi := m.Offsets[e], m.Offsets[e+1]
		if hi < lo || hi > len(m.Values) {
			return fmt.Errorf("anonymity: multiset %q: class %d has offsets %d..%d outside 0..%d", m.Name, e, lo, hi, len(m.Values))
		}
		for i := lo; i < hi; i++ {
			if m.Counts[i] < 0 {
				return fmt.Errorf("anonymity: multiset %q: class %d has negative count %d", m.Name, e, m.Counts[i])
			}
			if i > lo && m.Values[i] <= m.Values[i-1] {
				return fmt.Errorf("anonymity: multiset %q: class %d does not list its values in ascending code order", m.Name, e)
			}
		}
	}
	if last := m.Offsets[len(m.Offsets)-1]; last != len(m.Values) {
		return fmt.Errorf("anonymity: multiset %q: last offset %d, but %d values", m.Name, last, len(m.Values))
	}
	return nil
}

// tableDist is the distribution of a sensitive column over the whole
// table: the multiset summed over classes.
type tableDist struct {
	total  []int64 // total[code] = rows of the table carrying code
	n      int64   // rows of the table
	values int     // codes with total > 0: the m of the measures
}

// tableDistribution sums the classes of a well-formed m.
func tableDistribution(m *Multiset) tableDist {
	codes := 0
	if m.Dict != nil {
		codes = m.Dict.Len()
	}
	for _, v := range m.Values {
		if int(v) >= codes {
			codes = int(v) + 1
		}
	}
	d := tableDist{total: make([]int64, codes)}
	for i, v := range m.Values {
		d.total[v] += m.Counts[i]
		d.n += m.Counts[i]
	}
	for _, t := range d.total {
		if t > 0 {
			d.values++
		}
	}
	return d
}

// classRows returns the number of rows of class e of m.
func classRows(m *Multiset, e int) int64 {
	var n int64
	for _, c := range m.Counts[m.Offsets[e]:m.Offsets[e+1]] {
		n += c
	}
	return n
}

// fracGreater reports whether a/b > c/d exactly, for non-negative a, c and
// positive b, d, by comparing the 128-bit products a·d and c·b.
func fracGreater(a, b, c, d int64) bool {
	h1, l1 := bits.Mul64(uint64(a), uint64(d))
	h2, l2 := bits.Mul64(uint64(c), uint64(b))
	return h1 > h2 || (h1 == h2 && l1 > l2)
}
