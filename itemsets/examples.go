package itemsets

import (
	"cmp"
	"slices"
)

// example is a violating itemset of n items (items[:n], ascending).
type example struct {
	n     int
	items [3]uint32
	sup   int
}

// less orders examples: fewer items, then fewer subjects, then by codes.
func (a example) less(b example) bool {
	if c := cmp.Compare(a.n, b.n); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(a.sup, b.sup); c != 0 {
		return c < 0
	}
	return slices.Compare(a.items[:a.n], b.items[:b.n]) < 0
}

// topN keeps the n smallest examples seen, in order.
type topN struct {
	n    int
	list []example // ascending, at most n
}

// add offers the itemset items[:n] with support sup.
func (t *topN) add(n int, items [3]uint32, sup int) {
	if t.n == 0 {
		return
	}
	e := example{n, items, sup}
	if len(t.list) == t.n && !e.less(t.list[len(t.list)-1]) {
		return
	}
	i, _ := slices.BinarySearchFunc(t.list, e, func(x, y example) int {
		if x.less(y) {
			return -1
		}
		if y.less(x) {
			return 1
		}
		return 0
	})
	t.list = slices.Insert(t.list, i, e)
	if len(t.list) > t.n {
		t.list = t.list[:t.n]
	}
}

// merge adds every example of u.
func (t *topN) merge(u *topN) {
	for _, e := range u.list {
		t.add(e.n, e.items, e.sup)
	}
}

// itemsets returns the examples as Itemsets.
func (t *topN) itemsets() []Itemset {
	out := make([]Itemset, len(t.list))
	for i, e := range t.list {
		out[i] = Itemset{Items: slices.Clone(e.items[:e.n]), Support: e.sup}
	}
	return out
}
