package anonymity

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/reidrisk/reidrisk/quasiid"
)

// This file holds t-closeness (Li, Li & Venkatasubramanian, "t-Closeness:
// Privacy Beyond k-Anonymity and l-Diversity", ICDE 2007): the Earth
// Mover's Distance (EMD) between the distribution P of a sensitive
// attribute in a class and its distribution Q in the whole table, under
// one of three ground distances. A table is t-close iff every class has
// EMD ≤ t; its t is the maximum over classes.

type distanceKind uint8

const (
	equalKind distanceKind = iota
	orderedKind
	hierarchicalKind
)

// GroundDistance is the distance between two sensitive values under which
// TCloseness measures the EMD. Build one with EqualDistance,
// OrderedDistance or HierarchicalDistance; the zero GroundDistance is the
// equal distance.
type GroundDistance struct {
	kind distanceKind
	dict *quasiid.Dictionary

	// orderedKind: the codes of the table's values, smallest first.
	order []uint32

	// hierarchicalKind: leaf[code] is the leaf index of code (-1: none);
	// parent[h][i] is the index at level h+1 of node i of level h (level
	// 0 = leaves); height is H, the number of levels above the leaves.
	leaf   []int32
	parent [][]int32
	height int
}

// EqualDistance returns the equal ground distance, 1 between any two
// distinct values, for categorical attributes. Its EMD is the total
// variation distance
//
//	D[P,Q] = ½ Σ_s |p_s − q_s|
//
// (Li et al. 2007). ARX (EqualDistanceTCloseness) and pyCANON
// (for non-numeric columns) use the same formula.
func EqualDistance() GroundDistance { return GroundDistance{kind: equalKind} }

// OrderedDistance returns the ordered ground distance over the sensitive
// values of m, for ordinal and numeric attributes: with the m distinct
// values of the whole table in order v_1 < … < v_m, the distance between
// v_i and v_j is |i − j|/(m − 1), and the EMD is
//
//	D[P,Q] = 1/(m−1) · Σ_{i=1..m} |Σ_{j≤i} (p_j − q_j)|
//
// (Li et al. 2007). The order is numeric when every non-null
// value present in the table parses as a finite or infinite number
// (strconv.ParseFloat; "NaN" does not count as a number), ties broken by
// the text; otherwise it is lexicographic by bytes. Null comes last. With a
// nil m.Dict the codes themselves are the order. A table with a single
// value has m − 1 = 0 and an EMD of 0.
//
// The distance belongs to m's dictionary: TCloseness with a Multiset over
// another dictionary, or holding a value absent from m, gives NaN. ARX
// takes the order from the attribute's declared data type; pyCANON uses
// this formula for numeric columns only, with numpy's sort order.
func OrderedDistance(m *Multiset) GroundDistance {
	d := GroundDistance{kind: orderedKind}
	if checkMultiset(m) != nil {
		return d
	}
	d.dict = m.Dict
	td := tableDistribution(m)
	var codes []uint32
	var null uint32 = quasiid.NoCode
	for code, t := range td.total {
		if t == 0 {
			continue
		}
		if m.Dict != nil && m.Dict.IsNull(uint32(code)) {
			null = uint32(code)
			continue
		}
		codes = append(codes, uint32(code))
	}
	if m.Dict != nil {
		nums := make([]float64, len(codes))
		numeric := true
		for i, c := range codes {
			f, err := strconv.ParseFloat(m.Dict.Value(c), 64)
			if err != nil && !isRangeError(err) || math.IsNaN(f) {
				numeric = false
				break
			}
			nums[i] = f
		}
		idx := make([]int, len(codes))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			if numeric {
				if r := cmp.Compare(nums[a], nums[b]); r != 0 {
					return r
				}
			}
			return cmp.Compare(m.Dict.Value(codes[a]), m.Dict.Value(codes[b]))
		})
		sorted := make([]uint32, len(codes))
		for i, j := range idx {
			sorted[i] = codes[j]
		}
		codes = sorted
	}
	if null != quasiid.NoCode {
		codes = append(codes, null)
	}
	d.order = codes
	return d
}

// isRangeError reports whether err is strconv's out-of-range error, whose
// value (±Inf or 0) is still a number.
func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// HierarchicalDistance returns the hierarchical ground distance over the
// sensitive values of m. paths[code] lists the generalisations of the
// value with that code of m.Dict, from level 1 up to the root (as in an
// ARX hierarchy file without its first column): every value present in
// the table needs a path, all paths have the same length H and end in the
// same root, and a node has a single parent. The distance between two
// values is the height of their lowest common ancestor divided by H, and
// the EMD is
//
//	D[P,Q] = Σ_N  height(N)/H · min(pos_extra(N), neg_extra(N))
//
// over the inner nodes N, where extra(N) = Σ_{leaves s under N} (p_s − q_s),
// pos_extra(N) the sum of the positive extra(C) over N's children C and
// neg_extra(N) the sum of the magnitudes of the negative ones (Li et al.
// 2007). A node of level h has height h. With H = 1 (every
// value directly under the root) it equals the equal distance. ARX
// implements the same formula (HierarchicalDistanceTCloseness); pyCANON
// has no hierarchical distance.
func HierarchicalDistance(m *Multiset, paths [][]string) (GroundDistance, error) {
	if err := checkMultiset(m); err != nil {
		return GroundDistance{}, err
	}
	td := tableDistribution(m)
	// Values are data: messages name them by dictionary code.
	label := func(code int) string { return fmt.Sprintf("code %d", code) }
	height := -1
	for code, t := range td.total {
		if t == 0 {
			continue
		}
		if code >= len(paths) || len(paths[code]) == 0 {
			return GroundDistance{}, fmt.Errorf("anonymity: hierarchy of %q: no path for value %s", m.Name, label(code))
		}
		if height < 0 {
			height = len(paths[code])
		}
	}
	if height < 0 { // empty table: nothing to measure
		return GroundDistance{kind: hierarchicalKind, dict: m.Dict, height: 1}, nil
	}
	d := GroundDistance{
		kind:   hierarchicalKind,
		dict:   m.Dict,
		height: height,
		leaf:   make([]int32, max(len(paths), len(td.total))),
		parent: make([][]int32, height),
	}
	for i := range d.leaf {
		d.leaf[i] = -1
	}
	ids := make([]map[string]int32, height+1) // ids[h][label], h ≥ 1
	for h := 1; h <= height; h++ {
		ids[h] = make(map[string]int32)
	}
	for code, path := range paths {
		present := code < len(td.total) && td.total[code] > 0
		if len(path) == 0 && !present {
			continue
		}
		if len(path) != height {
			return GroundDistance{}, fmt.Errorf("anonymity: hierarchy of %q: value %s has %d levels, others %d", m.Name, label(code), len(path), height)
		}
		if root := paths[firstPresent(td)][height-1]; path[height-1] != root {
			return GroundDistance{}, fmt.Errorf("anonymity: hierarchy of %q: value %s has another root than the others", m.Name, label(code))
		}
		leaf := int32(len(d.parent[0]))
		d.leaf[code] = leaf
		d.parent[0] = append(d.parent[0], -1)
		child, childLevel := leaf, 0
		for h := 1; h <= height; h++ {
			id, seen := ids[h][path[h-1]]
			if !seen {
				id = int32(len(ids[h]))
				ids[h][path[h-1]] = id
				if h < height {
					d.parent[h] = append(d.parent[h], -1)
				}
			}
			if p := d.parent[childLevel][child]; p >= 0 && p != id {
				return GroundDistance{}, fmt.Errorf("anonymity: hierarchy of %q: the level-%d label of value %s has two parents", m.Name, h-1, label(code))
			}
			d.parent[childLevel][child] = id
			child, childLevel = id, h
		}
	}
	return d, nil
}

// firstPresent returns the smallest code present in the table.
func firstPresent(td tableDist) int {
	for code, t := range td.total {
		if t > 0 {
			return code
		}
	}
	return 0
}

// TCloseness returns, per class E, the Earth Mover's Distance between the
// distribution P of the sensitive values in E, p_s = n(E,s)/|E|, and their
// distribution Q in the whole table, q_s = Σ_E n(E,s) / n (the multiset
// summed over classes), under the ground distance d (see EqualDistance,
// OrderedDistance and HierarchicalDistance):
//
//	t(E) = EMD(P_E, Q)
//
// The table is t-close for every t ≥ max_E t(E) (Li et al.'s t-closeness
// principle is "≤ t", not strict; ARX tests the same). A class with no rows
// gives NaN, as does every class when d was built for another dictionary.
// A malformed m gives nil.
func TCloseness(m *Multiset, d GroundDistance) []float64 {
	n := classCount(m)
	if n < 0 {
		return nil
	}
	out := make([]float64, n)
	td := tableDistribution(m)
	if d.kind != equalKind && !d.covers(m, td) {
		for e := range out {
			out[e] = math.NaN()
		}
		return out
	}
	var inClass []int64 // class counts by code, for the hierarchical distance
	var h hierarchyScratch
	var o orderedScratch
	switch d.kind {
	case orderedKind:
		o = d.prepareOrdered(td)
	case hierarchicalKind:
		inClass = make([]int64, len(td.total))
	}
	for e := range out {
		size := classRows(m, e)
		if size == 0 {
			out[e] = math.NaN()
			continue
		}
		lo, hi := m.Offsets[e], m.Offsets[e+1]
		switch d.kind {
		case equalKind:
			out[e] = equalEMD(m.Values[lo:hi], m.Counts[lo:hi], size, td)
		case orderedKind:
			out[e] = o.emd(m.Values[lo:hi], m.Counts[lo:hi], size, td)
		default:
			for i := lo; i < hi; i++ {
				inClass[m.Values[i]] = m.Counts[i]
			}
			out[e] = d.hierarchicalEMD(inClass, size, td, &h)
			for i := lo; i < hi; i++ {
				inClass[m.Values[i]] = 0
			}
		}
	}
	return out
}

// covers reports whether d was built for m's dictionary and knows every
// value present in m.
func (d *GroundDistance) covers(m *Multiset, td tableDist) bool {
	if d.dict != m.Dict {
		return false
	}
	switch d.kind {
	case orderedKind:
		known := make([]bool, len(td.total))
		for _, c := range d.order {
			if int(c) < len(known) {
				known[c] = true
			}
		}
		for code, t := range td.total {
			if t > 0 && !known[code] {
				return false
			}
		}
	case hierarchicalKind:
		for code, t := range td.total {
			if t > 0 && (code >= len(d.leaf) || d.leaf[code] < 0) {
				return false
			}
		}
	}
	return true
}

// equalEMD returns ½ Σ_s |p_s − q_s| for one class given by its sparse
// values and counts. The values absent from the class contribute their
// q_s, summed exactly in integers as (n − Σ_{s∈E} total_s)/n.
func equalEMD(values []uint32, counts []int64, size int64, td tableDist) float64 {
	var sum float64
	var covered int64
	for i, v := range values {
		if counts[i] == 0 {
			continue
		}
		t := td.total[v]
		covered += t
		if fracGreater(counts[i], size, t, td.n) || fracGreater(t, td.n, counts[i], size) { // p ≠ q
			sum += math.Abs(float64(counts[i])/float64(size) - float64(t)/float64(td.n))
		}
	}
	sum += float64(td.n-covered) / float64(td.n)
	return sum / 2
}

// orderedScratch holds what the ordered EMD of every class needs from the
// table: with the m values present in d's order, rank[code] is the
// position of code (-1 if absent), cumT[i] the rows of the table carrying
// one of the first i+1 values, and sq[i] = Σ_{j<i} cumT[j]/n.
type orderedScratch struct {
	rank  []int32
	cumT  []int64
	sq    []float64
	pairs []rankCount
}

type rankCount struct {
	rank  int32
	count int64
}

func (d *GroundDistance) prepareOrdered(td tableDist) orderedScratch {
	o := orderedScratch{rank: make([]int32, len(td.total))}
	for i := range o.rank {
		o.rank[i] = -1
	}
	var cum int64
	o.sq = append(o.sq, 0)
	for _, c := range d.order {
		if int(c) >= len(td.total) || td.total[c] == 0 {
			continue
		}
		o.rank[c] = int32(len(o.cumT))
		cum += td.total[c]
		o.cumT = append(o.cumT, cum)
		o.sq = append(o.sq, o.sq[len(o.sq)-1]+float64(cum)/float64(td.n))
	}
	return o
}

// emd returns 1/(m−1)·Σ_i |P_i − Q_i| for one class, P_i and Q_i the
// cumulative class and table frequencies of the first i+1 values. P is a
// step function that moves only at the class's own values, so the sum is
// taken segment by segment: on a run of ranks where P = C/|E| is constant,
// Q rises, and a binary search finds where Q passes P, which splits
// Σ|P − Q_i| into two sums of Q_i read off the prefix sums sq. The cost is
// O(s·log m) for a class of s values rather than O(m). The split is found
// in integers (cumT_i·|E| > C·n), so it is exact.
func (o *orderedScratch) emd(values []uint32, counts []int64, size int64, td tableDist) float64 {
	m := len(o.cumT)
	if m < 2 {
		return 0
	}
	o.pairs = o.pairs[:0]
	for i, v := range values {
		if counts[i] > 0 {
			o.pairs = append(o.pairs, rankCount{o.rank[v], counts[i]})
		}
	}
	slices.SortFunc(o.pairs, func(a, b rankCount) int { return cmp.Compare(a.rank, b.rank) })
	var sum float64
	var cumP int64
	start := 0 // first rank of the current run
	for k := 0; k <= len(o.pairs); k++ {
		end := m // the run ends before the next class value (or at the end)
		if k < len(o.pairs) {
			end = int(o.pairs[k].rank)
		}
		sum += o.segment(start, end, cumP, size, td.n)
		if k < len(o.pairs) {
			cumP += o.pairs[k].count
			start = end
		}
	}
	return sum / float64(m-1)
}

// segment returns Σ_{i=a}^{b−1} |C/size − cumT_i/n|.
func (o *orderedScratch) segment(a, b int, c, size, n int64) float64 {
	if a >= b {
		return 0
	}
	// Q_i ≤ P on [a, k), Q_i > P on [k, b).
	k := a + sort.Search(b-a, func(i int) bool { return fracGreater(o.cumT[a+i], n, c, size) })
	p := float64(c) / float64(size)
	below := p*float64(k-a) - (o.sq[k] - o.sq[a])
	above := (o.sq[b] - o.sq[k]) - p*float64(b-k)
	return max(below, 0) + max(above, 0)
}

// hierarchyScratch holds per-level work arrays reused across classes.
type hierarchyScratch struct {
	inClass, inTable [][]int64   // counts under each node, by level
	pos, neg         [][]float64 // extras of the children of each node, by level ≥ 1
}

// hierarchicalEMD returns Σ_N height(N)/H · min(pos_extra(N), neg_extra(N)).
// Counts under each node are summed in integers; extra(C) = P_C − Q_C.
func (d *GroundDistance) hierarchicalEMD(inClass []int64, size int64, td tableDist, s *hierarchyScratch) float64 {
	H := d.height
	if s.inClass == nil {
		s.inClass = make([][]int64, H+1)
		s.inTable = make([][]int64, H+1)
		s.pos = make([][]float64, H+1)
		s.neg = make([][]float64, H+1)
		s.inClass[0] = make([]int64, len(d.parent[0]))
		s.inTable[0] = make([]int64, len(d.parent[0]))
		for code, leaf := range d.leaf {
			if leaf >= 0 && code < len(td.total) {
				s.inTable[0][leaf] = td.total[code]
			}
		}
		for h := 1; h <= H; h++ {
			nodes := 1
			if h < H {
				nodes = len(d.parent[h])
			}
			s.inClass[h] = make([]int64, nodes)
			s.inTable[h] = make([]int64, nodes)
			s.pos[h] = make([]float64, nodes)
			s.neg[h] = make([]float64, nodes)
			for i, p := range d.parent[h-1] {
				s.inTable[h][p] += s.inTable[h-1][i]
			}
		}
	}
	clear(s.inClass[0])
	for code, leaf := range d.leaf {
		if leaf >= 0 && code < len(inClass) {
			s.inClass[0][leaf] = inClass[code]
		}
	}
	var emd float64
	for h := 1; h <= H; h++ {
		clear(s.inClass[h])
		clear(s.pos[h])
		clear(s.neg[h])
		for i, p := range d.parent[h-1] {
			s.inClass[h][p] += s.inClass[h-1][i]
			a, t := s.inClass[h-1][i], s.inTable[h-1][i]
			x := float64(a)/float64(size) - float64(t)/float64(td.n)
			switch {
			case fracGreater(a, size, t, td.n):
				s.pos[h][p] += x
			case fracGreater(t, td.n, a, size):
				s.neg[h][p] -= x
			}
		}
		var level float64
		for i := range s.pos[h] {
			level += min(s.pos[h][i], s.neg[h][i])
		}
		emd += float64(h) / float64(H) * level
	}
	return emd
}
