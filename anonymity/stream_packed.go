package anonymity

import (
	"context"
	"fmt"
	"math/bits"

	"github.com/reidrisk/reidrisk/quasiid"
)

// packedTable numbers the classes of a Counter whose QI codes pack into
// one 64-bit key: column j takes widths[j] bits, the bits its dictionary's
// largest code needs, and a row's key is its codes in QI order, key =
// key<<widths[j] | code. One open-addressing hash table with linear
// probing, kept at most half full, maps each key to its class: rows are
// looked up in row order, so that a key not yet seen becomes the next
// class and classes are numbered by first row, as Count numbers them. A
// slot also counts the rows of its class since the last flush, so that a
// row touches one slot and nothing else.
//
// Dictionaries grow between chunks: when a column's dictionary outgrows its
// width, the classes' keys are packed again from their codes and the table
// rebuilt (at most 32 times per column).
type packedTable struct {
	widths []int
	slots  []packedSlot
	shift  uint // slot of key k: packHash(k) >> shift
	used   int
	keys   []uint64 // scratch: the keys of a block of rows
	ident  []uint32 // the identity map of the classes, cmap of pairCounts.add
}

// packedSlot is one slot: id is class+1 (0 for an empty slot), n the rows
// of the class since the last flush.
type packedSlot struct {
	key   uint64
	id, n uint32
}

// packedBlock is the number of rows packed at a time: their keys stay in
// the first-level cache between the columns' passes.
const packedBlock = 1 << 11

// packedLimit is the number of classes past which the first Add gives up
// the packed table for groupby's partitioned counting, whose cost does not
// grow with the table's cache misses (a variable for tests).
var packedLimit = 1 << 18

// packHash spreads a key over the slots (Fibonacci hashing: the top bits
// of the product pick the slot).
func packHash(k uint64) uint64 { return k * 0x9e3779b97f4a7c15 }

// widen raises the widths to those cards need and reports whether any
// grew, and whether the keys still fit in 64 bits.
func (x *packedTable) widen(cards []uint32) (grew, fits bool) {
	if x.widths == nil {
		x.widths = make([]int, len(cards))
	}
	sum := 0
	for j, c := range cards {
		if w := bits.Len32(max(c, 1) - 1); w > x.widths[j] {
			x.widths[j], grew = w, true
		}
		sum += x.widths[j]
	}
	return grew, sum <= 64
}

// repack packs the keys of the n classes of codes again, with the current
// widths, into an emptied table.
func (x *packedTable) repack(codes [][]uint32, n int) {
	clear(x.slots)
	x.used = 0
	x.reserve(n)
	for c := range n {
		var k uint64
		for j, col := range codes {
			k = k<<x.widths[j] | uint64(col[c])
		}
		x.place(packedSlot{key: k, id: uint32(c) + 1})
	}
	x.used = n
}

// reserve grows the table so that it holds n classes at most half full.
func (x *packedTable) reserve(n int) {
	if 2*n <= len(x.slots) {
		return
	}
	size := max(len(x.slots), 64)
	for 2*n > size {
		size *= 2
	}
	old := x.slots
	x.slots = make([]packedSlot, size)
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, s := range old {
		if s.id != 0 {
			x.place(s)
		}
	}
}

// place puts s in the first free slot from its own.
func (x *packedTable) place(s packedSlot) {
	mask := uint64(len(x.slots) - 1)
	i := packHash(s.key) >> x.shift
	for x.slots[i].id != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = s
}

// pack sets keys[i] to the key of row lo+i of cols. It returns the column
// of a code at or above its card, or -1.
func (x *packedTable) pack(keys []uint64, cols [][]uint32, cards []uint32, lo int) int {
	c0 := cols[0][lo : lo+len(keys)]
	var mx uint32
	for i, c := range c0 {
		keys[i] = uint64(c)
		mx = max(mx, c)
	}
	if mx >= cards[0] {
		return 0
	}
	for j := 1; j < len(cols); j++ {
		cj, w := cols[j][lo:lo+len(keys)], x.widths[j]
		mx = 0
		for i, c := range cj {
			keys[i] = keys[i]<<w | uint64(c)
			mx = max(mx, c)
		}
		if mx >= cards[j] {
			return j
		}
	}
	return -1
}

// flush adds the rows counted in the slots to sizes and zeroes them.
func (x *packedTable) flush(sizes []int64) {
	for i := range x.slots {
		if s := &x.slots[i]; s.n != 0 {
			sizes[s.id-1] += int64(s.n)
			s.n = 0
		}
	}
}

// identity returns the identity map of the first n classes.
func (x *packedTable) identity(n int) []uint32 {
	for c := len(x.ident); c < n; c++ {
		x.ident = append(x.ident, uint32(c))
	}
	return x.ident[:n]
}

// groupPacked counts the rows of t through the packed table when their
// keys fit in 64 bits, numbering classes among all classes, and sets
// s.scratch.cmap to the identity. ids, when not nil, receives the class of
// each row. It reports false, having counted nothing, when the keys do not
// fit or the first Add finds more than packedLimit classes: the Counter
// then counts through groupby from now on.
func (s *Counter) groupPacked(ctx context.Context, t *quasiid.Table, cols [][]uint32, cards []uint32, ids []uint32) (bool, error) {
	x := s.packed
	grew, fits := x.widen(cards)
	if !fits {
		s.packed = nil
		return false, nil
	}
	if grew && len(s.sizes) > 0 {
		x.repack(s.codes, len(s.sizes))
	}
	first := len(s.sizes) == 0
	x.reserve(max(x.used, 1))
	x.keys = reserve(x.keys[:0], min(t.Rows, packedBlock))
	var since int // rows counted in the slots since the last flush
	for lo := 0; lo < t.Rows; lo += packedBlock {
		if lo%(1<<20) == 0 && lo > 0 {
			if err := ctx.Err(); err != nil {
				return true, err
			}
		}
		keys := x.keys[:min(packedBlock, t.Rows-lo)]
		if j := x.pack(keys, cols, cards, lo); j >= 0 {
			return true, s.packedError(t, cols, cards, lo, len(keys))
		}
		if since += len(keys); since > 1<<31 {
			x.flush(s.sizes)
			since = len(keys)
		}
		s.probe(keys, cols, lo, ids)
		if first && len(s.sizes) > packedLimit {
			s.sizes, s.packed = nil, nil
			for j := range s.codes {
				s.codes[j] = s.codes[j][:0]
			}
			return false, nil
		}
	}
	x.flush(s.sizes)
	s.scratch.cmap = x.identity(len(s.sizes))
	return true, nil
}

// probe finds the class of each key of a block of rows starting at row lo
// of cols, adding the classes not seen yet in order, and counts the rows
// in the slots. ids, when not nil, receives each row's class.
func (s *Counter) probe(keys []uint64, cols [][]uint32, lo int, ids []uint32) {
	x := s.packed
	slots, shift := x.slots, x.shift
	mask := uint64(len(slots) - 1)
	for i, k := range keys {
		p := packHash(k) >> shift
		for {
			sl := &slots[p&mask]
			if sl.id == 0 {
				s.addClass(cols, lo+i, k)
				slots, shift = x.slots, x.shift
				mask = uint64(len(slots) - 1)
				if ids != nil {
					ids[lo+i] = uint32(len(s.sizes) - 1)
				}
				break
			}
			if sl.key == k {
				sl.n++
				if ids != nil {
					ids[lo+i] = sl.id - 1
				}
				break
			}
			p++
		}
	}
}

// addClass adds the class of row r of cols, whose key is k, with that row
// counted.
func (s *Counter) addClass(cols [][]uint32, r int, k uint64) {
	x := s.packed
	c := len(s.sizes)
	s.sizes = append(s.sizes, 0)
	for j, col := range cols {
		s.codes[j] = append(s.codes[j], col[r])
	}
	x.used++
	x.reserve(x.used)
	x.place(packedSlot{key: k, id: uint32(c) + 1, n: 1})
}

// packedError is the error of the first code out of range in rows lo to
// lo+n of cols (the row first, then the column).
func (s *Counter) packedError(t *quasiid.Table, cols [][]uint32, cards []uint32, lo, n int) error {
	for i := lo; i < lo+n; i++ {
		for j, col := range cols {
			if col[i] >= cards[j] {
				name := t.Columns[s.qi[j]].Name
				return fmt.Errorf("anonymity: %s: row %d, column %q: code %d outside its dictionary of %d values",
					t.Source, s.rows+int64(i)+1, name, col[i], cards[j])
			}
		}
	}
	return nil
}
