package anonymity

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// tightenQI tightens the bounds of the bounded scores by monotony over
// the combinations scored. The combination of every QI has c's figures.
// A combination has at most the classes of any
// superset (and of c, top) and at most those of a subset times the values
// of the QI it adds; it has at least the pairs of any superset (and of c).
// A bounded combination whose upper bound is no more than the classes of
// an exact subset has exactly that subset's classes, hence its partition:
// it takes the subset's figures, exact.
func tightenQI(scores []qiScored, top qiScored, c *Classes) {
	if !slices.ContainsFunc(scores, func(s qiScored) bool { return s.bounded }) {
		return
	}
	at := make(map[string]int, len(scores))
	var key []byte
	for i, s := range scores {
		key = qiKey(key[:0], s.cols, -1, -1)
		at[string(key)] = i
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(len(scores[b].cols), len(scores[a].cols)) })
	// Supersets first: larger combinations before smaller ones.
	for _, i := range order {
		s := &scores[i]
		if !s.bounded {
			continue
		}
		s.classes, s.pairs = min(s.classes, top.classes), max(s.pairs, top.pairs)
		if len(s.cols) == len(c.QI) {
			// Every QI: c's own classes.
			s.classes, s.pairs, s.bounded = top.classes, top.pairs, false
			continue
		}
		for x := range c.QI {
			if _, found := slices.BinarySearch(s.cols, x); found {
				continue
			}
			key = qiKey(key[:0], s.cols, x, -1)
			if j, ok := at[string(key)]; ok {
				s.classes, s.pairs = min(s.classes, scores[j].classes), max(s.pairs, scores[j].pairs)
			}
		}
	}
	// Then subsets: smaller combinations before larger ones.
	for _, i := range slices.Backward(order) {
		s := &scores[i]
		for _, x := range s.cols {
			if !s.bounded || len(s.cols) < 2 {
				break
			}
			key = qiKey(key[:0], s.cols, -1, x)
			j, ok := at[string(key)]
			if !ok {
				continue
			}
			t := scores[j]
			if !t.bounded && t.classes >= s.classes {
				s.classes, s.pairs, s.bounded = t.classes, t.pairs, false
				break
			}
			if d := int64(c.Dicts[x].Len()); d > 0 && t.classes <= s.classes/d {
				s.classes = t.classes * d
			}
		}
	}
}

// qiKey appends to b a key for the combination cols (ascending) with QI
// add inserted (if ≥ 0) and QI drop left out (if ≥ 0).
func qiKey(b []byte, cols []int, add, drop int) []byte {
	for _, j := range cols {
		if add >= 0 && add < j {
			b = binary.AppendUvarint(b, uint64(add))
			add = -1
		}
		if j != drop {
			b = binary.AppendUvarint(b, uint64(j))
		}
	}
	if add >= 0 {
		b = binary.AppendUvarint(b, uint64(add))
	}
	return b
}
