package groupby

import "fmt"

// Roller groups many small weighted tables one after another — the
// roll-ups of a generalisation lattice's class tables, a few thousand to a
// few million rows each — on one goroutine, reusing its counters between
// calls where Group allocates them per call (which doubled the cost of a
// lattice search on Adult). A Roller is not safe for concurrent use.
type Roller struct {
	keys      []uint64
	dense16   []uint16 // 1 + group of a key, 0 when unused (fewer than 65,535 rows)
	dense     []int32  // the same for more rows
	slotKey   []uint64 // open addressing
	slotGroup []int32
	sizes     []int64  // per group (scratch)
	first     []int    // per group (scratch)
	ids       []uint32 // row ids when the caller does not keep them
}

// RollUp returns what Group(cols, cards, Options{Weights: weights,
// RowIDs: rowIDs}) returns: the groups of the rows' tuples, numbered in
// order of first row, with Sizes (sums of weights), First and, if rowIDs
// is set, RowIDs. When trans[j] is not nil, the code of column j in row i
// is trans[j][cols[j][i]] (a roll-up re-codes each column through a map
// of its codes), not cols[j][i]; trans may be nil.
//
// Each row's tuple is packed into a mixed-radix uint64 key, as Group
// does; keys are grouped in an array indexed by key when the key space is
// at most max(16·rows, 2^16), and in an open-addressing table otherwise.
// Key spaces beyond 2^62 go to Group.
func (r *Roller) RollUp(cols, trans [][]uint32, cards []uint32, weights []int64, rowIDs bool) (*Groups, error) {
	n, space, err := r.check(cols, cards, weights)
	if err != nil {
		return nil, err
	}
	if space == 0 {
		return Group(translate(cols, trans), cards, Options{Weights: weights, RowIDs: rowIDs, Workers: 1})
	}
	if err := r.pack(cols, trans, cards, n); err != nil {
		return nil, err
	}
	g := &Groups{}
	if rowIDs {
		g.RowIDs = make([]uint32, n)
	} else {
		r.ids = grow(r.ids, n)
		g.RowIDs = r.ids
	}
	// At most one group per row: the groups' first rows and sizes are
	// written by index into scratch space, then copied out.
	r.first, r.sizes = grow(r.first, n), grow(r.sizes, n)
	var groups int
	switch {
	case space <= uint64(max(16*n, 1<<16)) && n < 1<<16-1:
		if uint64(len(r.dense16)) < space {
			r.dense16 = make([]uint16, space)
		}
		groups = groupDense(r.dense16, r.keys[:n], weights, g.RowIDs, r.first, r.sizes)
	case space <= uint64(max(16*n, 1<<16)):
		if uint64(len(r.dense)) < space {
			r.dense = make([]int32, space)
		}
		groups = groupDense(r.dense, r.keys[:n], weights, g.RowIDs, r.first, r.sizes)
	default:
		groups = r.groupHash(weights, g.RowIDs, n)
	}
	g.N = groups
	g.First = append([]int(nil), r.first[:groups]...)
	g.Sizes = append([]int64(nil), r.sizes[:groups]...)
	if !rowIDs {
		g.RowIDs = nil
	}
	return g, nil
}

// translate returns the columns with trans applied.
func translate(cols, trans [][]uint32) [][]uint32 {
	out := make([][]uint32, len(cols))
	for j, col := range cols {
		out[j] = col
		if j < len(trans) && trans[j] != nil {
			out[j] = make([]uint32, len(col))
			for i, x := range col {
				out[j][i] = trans[j][x]
			}
		}
	}
	return out
}

// check validates the arguments and returns the rows and the key space
// Π cards; 0 when it exceeds 2^62 or there are no columns, cases left to
// Group (which also reports mismatched lengths).
func (r *Roller) check(cols [][]uint32, cards []uint32, weights []int64) (n int, space uint64, err error) {
	if len(cols) != len(cards) || len(cols) == 0 {
		return 0, 0, nil
	}
	n = len(weights)
	for j, c := range cols {
		if len(c) != n {
			return 0, 0, fmt.Errorf("groupby: column %d has %d rows for %d weights", j, len(c), n)
		}
	}
	space = 1
	for _, c := range cards {
		card := uint64(max(c, 1))
		if space > (1<<62)/card {
			return n, 0, nil
		}
		space *= card
	}
	return n, space, nil
}

// pack writes each row's mixed-radix key into r.keys.
func (r *Roller) pack(cols, trans [][]uint32, cards []uint32, n int) error {
	r.keys = grow(r.keys, n)
	keys := r.keys
	clear(keys)
	for j, col := range cols {
		card := uint64(max(cards[j], 1))
		// bad < 0 once a code is not below its cardinality (no branch).
		var bad int64
		top := int64(cards[j]) - 1
		if j < len(trans) && trans[j] != nil {
			tr := trans[j]
			for i, x := range col[:n] {
				v := tr[x]
				bad |= top - int64(v)
				keys[i] = keys[i]*card + uint64(v)
			}
		} else {
			for i, x := range col[:n] {
				bad |= top - int64(x)
				keys[i] = keys[i]*card + uint64(x)
			}
		}
		if bad < 0 {
			return r.badCode(cols, trans, cards, j)
		}
	}
	return nil
}

// badCode reports the first code of column j at or above its cardinality.
func (r *Roller) badCode(cols, trans [][]uint32, cards []uint32, j int) error {
	for i, x := range translate(cols[j:j+1], trans[min(j, len(trans)):min(j+1, len(trans))])[0] {
		if x >= cards[j] {
			return &CodeError{Row: i, Column: j, Code: x, Card: uint64(cards[j])}
		}
	}
	return nil
}

// groupDense groups keys in slot, indexed by key (1 + group, 0 when
// unused), writing each row's group to ids and each group's first row and
// size to first and sizes; it returns the number of groups and leaves slot
// cleared.
func groupDense[S uint16 | int32](slot []S, keys []uint64, weights []int64, ids []uint32, first []int, sizes []int64) int {
	groups := 0
	for i, k := range keys {
		x := int(slot[k]) - 1
		if x < 0 {
			x = groups
			groups++
			slot[k] = S(groups)
			first[x], sizes[x] = i, 0
		}
		ids[i] = uint32(x)
		sizes[x] += weights[i]
	}
	for _, i := range first[:groups] {
		slot[keys[i]] = 0
	}
	return groups
}

// groupHash groups r.keys as groupDense does, in an open-addressing table
// of at least 2n slots.
func (r *Roller) groupHash(weights []int64, ids []uint32, n int) int {
	size := 1
	for size < 2*n {
		size <<= 1
	}
	r.slotKey, r.slotGroup = grow(r.slotKey, size), grow(r.slotGroup, size)
	sk, sg := r.slotKey, r.slotGroup
	for i := range sg {
		sg[i] = -1
	}
	mask := uint64(size - 1)
	first, sizes, groups := r.first, r.sizes, int32(0)
	for c, k := range r.keys[:n] {
		i := (k * 0x9e3779b97f4a7c15) >> 20 & mask
		x := sg[i]
		for x >= 0 && sk[i] != k {
			i = (i + 1) & mask
			x = sg[i]
		}
		if x < 0 {
			x = groups
			groups++
			sg[i], sk[i] = x, k
			first[x], sizes[x] = c, 0
		}
		ids[c] = uint32(x)
		sizes[x] += weights[c]
	}
	return int(groups)
}

// grow returns s resized to n, reusing its array when large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
