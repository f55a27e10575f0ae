package groupby

import (
	"math/bits"
	"slices"
)

// hashCounter is kindHash: keys are scattered by the top bits of their
// Fibonacci hash into up to 2^maxPartBits partitions, each counted in an
// open-addressing table small enough to stay in a core's cache: a
// wideTable of keys, or, in plain counting when the hash bits left after
// the partition's fit in 32 (layout.compact), a compactTable of those
// bits.
type hashCounter struct {
	partitioned
	parts []hashIndex
}

// hashIndex is one hash partition.
type hashIndex struct {
	wide    wideTable
	compact compactTable
	// Plain counting: the groups and rows counted and, once finished,
	// the groups of more than one row.
	ngroups, nrows int
	multi          []multi
	// firsts are the groups, with weights or row ids.
	firsts
}

// wideTable is an open-addressing table (linear probing, load at most
// 3/4) of keys.
type wideTable struct {
	slots []slot
	shift uint // 64 - log2(len(slots))
}

// slot is one slot of a wideTable: key+1 (0 when free) and a group id;
// in plain counting, the group's first row and count instead.
type slot struct {
	key uint64
	id  uint32
	cnt uint32
}

// compactTable is a wideTable of cslots, whose counts beyond the first
// row are kept apart (more), so that a probe, which rarely finds the key
// again when keys are nearly all distinct, reads 8 bytes a slot.
type compactTable struct {
	slots []cslot
	more  []uint32 // count - 1 of the group in each slot
	shift uint     // 32 - log2(len(slots))
}

// cslot is a slot of a compactTable: a key's hash bits within its
// partition and the group's first row + 1 (0 when free).
type cslot struct {
	v, first1 uint32
}

func (j *job) newHash(n, w int) (*hashCounter, int) {
	l := j.layout(n, false)
	if j.weights == nil && j.rowIDs == nil {
		l = j.compactLayout(l)
	}
	h := &hashCounter{partitioned: j.newPartitioned(l, n, w)}
	h.parts = make([]hashIndex, h.P)
	return h, h.chunk
}

// compactLayout is l with compact entries (8 bytes instead of 12) when
// the hash bits left after the partition's fit in 32, with more
// partitions if that is what it takes.
func (j *job) compactLayout(l layout) layout {
	B := uint(bits.Len64(j.space - 1))
	if j.pbits == 0 && B > 32+l.pbits && B-32 <= maxPartBits {
		l.pbits = B - 32
		l.parts = 1 << l.pbits
	}
	if l.pbits <= B && B-l.pbits <= 32 {
		l.compact, l.vb = true, B-l.pbits
		l.mulB = mul>>(64-B) | 1
		l.hmask = 1<<B - 1
	}
	return l
}

// count sizes each partition's table ahead from the share of new groups
// among the rows the worker has counted in this chunk so far (all new at
// first), for the partition's rows still to come (the rest of this chunk
// and later ones), so that a table grows about once.
func (h *hashCounter) count(k, c, _ int, last bool) {
	l := h.l
	var seenRows, seenGroups int
	var spare hashIndex // a finished partition's tables, for the next
	for p := k; p < h.P; p += h.w {
		t := &h.parts[p]
		h.open(t, &spare)
		before, rows := t.groups(), 0
		for s := range h.w {
			var m int
			if l.compact {
				m = len(h.dbufs[s][p]) / 2
			} else {
				m = len(h.hbufs[s][p])
			}
			ratio := 1.0
			if seenRows > 0 {
				ratio = float64(seenGroups) / float64(seenRows) * 1.1
			}
			want := t.groups() + int(float64(max(m, (h.n-c)/h.P-rows))*min(ratio, 1))
			rows += m
			switch {
			case l.compact:
				t.compact.reserve(want)
				t.countCompact(h.dbufs[s][p], h.marks[k])
				h.dbufs[s][p] = h.dbufs[s][p][:0]
			case h.plain:
				t.wide.reserve(want, l.pbits)
				t.countMark(h.hbufs[s][p], l.pbits, h.marks[k])
				h.hbufs[s][p] = h.hbufs[s][p][:0]
			default:
				t.wide.reserve(want, l.pbits)
				t.first = slices.Grow(t.first, want-len(t.first))
				t.countFirsts(h.j, h.hbufs[s][p], p, l.pbits)
				h.hbufs[s][p] = h.hbufs[s][p][:0]
			}
		}
		t.nrows += rows
		seenRows += rows
		seenGroups += t.groups() - before
		if last {
			t.finish(&spare, h.plain)
		}
	}
}

// groups returns the number of groups t has counted so far.
func (t *hashIndex) groups() int { return t.ngroups + len(t.first) }

// open gives t its table when it has none, spare's if it has one.
func (h *hashCounter) open(t *hashIndex, spare *hashIndex) {
	switch {
	case h.l.compact && t.compact.slots == nil:
		s, m := spare.compact.slots, spare.compact.more
		if s == nil {
			s, m = make([]cslot, minSlots), make([]uint32, minSlots)
		} else {
			spare.compact = compactTable{}
			clear(s)
			clear(m)
		}
		t.compact = compactTable{s, m, uint(32 - bits.TrailingZeros(uint(len(s))))}
	case !h.l.compact && t.wide.slots == nil:
		s := spare.wide.slots
		if s == nil {
			s = make([]slot, minSlots)
		} else {
			spare.wide = wideTable{}
			clear(s)
		}
		t.wide = wideTable{s, uint(64 - bits.TrailingZeros(uint(len(s))))}
	}
}

// countMark counts unweighted rows in the wide table, whose slots hold
// each group's first row and count, and marks first rows in mark.
func (t *hashIndex) countMark(es []hentry, pbits uint, mark []uint64) {
	for _, e := range es {
		if 4*(t.ngroups+1) > 3*len(t.wide.slots) {
			t.wide.resize(2*len(t.wide.slots), pbits)
		}
		slots := t.wide.slots
		mask := uint64(len(slots) - 1)
		key := e.key()
		i := ((key * mul) << pbits) >> t.wide.shift
		k1 := key + 1
		for {
			s := &slots[i&mask]
			if s.key == k1 {
				s.cnt++
				break
			}
			if s.key == empty {
				*s = slot{key: k1, id: e.row, cnt: 1}
				t.ngroups++
				mark[e.row>>6] |= 1 << (e.row & 63)
				break
			}
			i++
		}
	}
}

// countFirsts counts rows with weights or row ids in the wide table of
// partition p.
func (t *hashIndex) countFirsts(j *job, es []hentry, p int, pbits uint) {
	for _, e := range es {
		j.add(&t.firsts, t.find(e.key(), e.row, pbits), p, e.row)
	}
}

// find returns the id of key, adding a group first seen at row if absent.
func (t *hashIndex) find(key uint64, row uint32, pbits uint) uint32 {
	if 4*(len(t.first)+1) > 3*len(t.wide.slots) {
		t.wide.resize(2*len(t.wide.slots), pbits)
	}
	slots := t.wide.slots
	mask := uint64(len(slots) - 1)
	i := ((key * mul) << pbits) >> t.wide.shift
	for {
		s := &slots[i&mask]
		if s.key == key+1 {
			return s.id
		}
		if s.key == empty {
			id := uint32(len(t.first))
			*s = slot{key: key + 1, id: id}
			t.first = append(t.first, row)
			t.sizes = append(t.sizes, 0)
			return id
		}
		i++
	}
}

// countCompact counts unweighted rows, buffered as (hash bits, row)
// pairs (layout.compact), in t's compact table, and marks first rows.
func (t *hashIndex) countCompact(es []uint32, mark []uint64) {
	for k := 0; k+1 < len(es); k += 2 {
		v, row := es[k], es[k+1]
		if 4*(t.ngroups+1) > 3*len(t.compact.slots) {
			t.compact.resize(2 * len(t.compact.slots))
		}
		slots := t.compact.slots
		mask := uint32(len(slots) - 1)
		i := v >> t.compact.shift
		for {
			s := &slots[i]
			if s.first1 == 0 {
				*s = cslot{v, row + 1}
				t.ngroups++
				mark[row>>6] |= 1 << (row & 63)
				break
			}
			if s.v == v {
				t.compact.more[i]++
				break
			}
			i = (i + 1) & mask
		}
	}
}

// reserve makes room for n groups.
func (t *wideTable) reserve(n int, pbits uint) {
	if 4*n > 3*len(t.slots) {
		t.resize(1<<bits.Len(uint((4*n+2)/3)), pbits)
	}
}

// resize rehashes the table into size slots, a power of two.
func (t *wideTable) resize(size int, pbits uint) {
	old := t.slots
	t.slots = make([]slot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(size - 1)
	for _, s := range old {
		if s.key == empty {
			continue
		}
		i := (((s.key - 1) * mul) << pbits) >> t.shift
		for t.slots[i].key != empty {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// reserve makes room for n groups.
func (t *compactTable) reserve(n int) {
	if 4*n > 3*len(t.slots) {
		t.resize(1 << bits.Len(uint((4*n+2)/3)))
	}
}

// resize rehashes the table into size slots, a power of two.
func (t *compactTable) resize(size int) {
	old, more := t.slots, t.more
	t.slots, t.more = make([]cslot, size), make([]uint32, size)
	t.shift = uint(32 - bits.TrailingZeros(uint(size)))
	mask := uint32(size - 1)
	for k, s := range old {
		if s.first1 == 0 {
			continue
		}
		i := s.v >> t.shift
		for t.slots[i].first1 != 0 {
			i = (i + 1) & mask
		}
		t.slots[i], t.more[i] = s, more[k]
	}
}

// finish is called once t has counted all its rows: in plain counting it
// lists its groups of more than one row; its tables go to spare for the
// next partition.
func (t *hashIndex) finish(spare *hashIndex, plain bool) {
	if plain && t.nrows > t.ngroups {
		m := 0
		for _, s := range t.wide.slots {
			if s.cnt > 1 {
				m++
			}
		}
		for _, c := range t.compact.more {
			if c > 0 {
				m++
			}
		}
		t.multi = make([]multi, 0, m)
		for _, s := range t.wide.slots {
			if s.cnt > 1 {
				t.multi = append(t.multi, multi{s.id, s.cnt})
			}
		}
		for i, c := range t.compact.more {
			if c > 0 {
				t.multi = append(t.multi, multi{t.compact.slots[i].first1 - 1, c + 1})
			}
		}
	}
	if len(t.compact.slots) > len(spare.compact.slots) {
		spare.compact = t.compact
	}
	if len(t.wide.slots) > len(spare.wide.slots) {
		spare.wide = t.wide
	}
	t.compact, t.wide = compactTable{}, wideTable{}
}

func (h *hashCounter) groups() (*Groups, error) {
	h.hbufs, h.dbufs = nil, nil
	if !h.plain {
		fs := make([]*firsts, h.P)
		for p := range h.parts {
			fs[p] = &h.parts[p].firsts
		}
		return h.j.numberParts(fs, h.n, h.w), nil
	}
	multis := make([][]multi, h.P)
	for p := range h.parts {
		multis[p] = h.parts[p].multi
	}
	h.parts = nil
	h.rank()
	return h.output(nil, nil, multis)
}
