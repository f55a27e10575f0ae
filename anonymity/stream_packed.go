package anonymity

import (
	"context"
	"fmt"
	"math"
	"math/bits"

	"github.com/reidrisk/reidrisk/internal/prefault"
	"github.com/reidrisk/reidrisk/quasiid"
)

// packedTable numbers the classes of a Counter whose QI codes pack into
// one 64-bit key: column j takes widths[j] bits, the bits its dictionary's
// largest code needs, and a row's key is its codes in QI order, key =
// key<<widths[j] | code. One open-addressing hash table with linear
// probing, kept at most three quarters full, maps each key to its class:
// rows are looked up in row order, so that a key not yet seen becomes the
// next class and classes are numbered by first row, as Count numbers
// them. A slot also counts its class's rows since the last flush, so that
// a row reads and writes one slot: a key below 2^31 takes a narrow slot,
// (key+1)<<32 | rows, its class kept aside in ncls (read for new classes
// and row classes only), so that the table of the usage table's 93,173
// classes fits in 1 MB; a wider key takes a 16-byte slot.
//
// Dictionaries grow between chunks: when a column's dictionary outgrows its
// width, the classes' keys are packed again from their codes and the table
// rebuilt (at most 32 times per column).
type packedTable struct {
	widths []int
	narrow bool       // every key is below 2^31: the table is nslots
	nslots []uint64   // narrow slots: (key+1)<<32 | rows, 0 when empty
	ncls   []uint32   // ncls[i]: the class of nslots[i]
	wslots []wideSlot // wide slots
	shift  uint       // slot of key k: packHash(k) >> shift
	n      int        // classes
	sizes  *[]int64   // the sizes of the classes, to which flush adds
	// pending: rows counted in the slots since the last flush (at most
	// 2^31, so that no slot's count overflows)
	pending int
	keys    []uint64 // scratch: the keys of a block of rows
}

// wideSlot is a slot of a key of 31 bits or more: id is its class+1 (0
// for an empty slot), n its rows since the last flush.
type wideSlot struct {
	key   uint64
	id, n uint32
}

// packedBlock is the number of rows packed at a time: their keys stay in
// the first-level cache between the columns' passes.
const packedBlock = 1 << 11

// packedSplitRows is the number of rows above which an Add into a Counter
// holding no class yet (Count's one Add of a whole table, not a chunk of
// EncodeChunks) goes through groupby, whose partitioned, parallel counting
// is as cheap per row and faster on more than one core; later Adds pack
// again, from the classes counted (Counter.packedSplit, which tests
// lower).
const packedSplitRows = 1 << 21

// packedClassLimit is the number of classes past which the first Add gives
// up the packed table for groupby's partitioned counting, whose cost does
// not grow with the table's cache misses (Counter.packedLimit, which tests
// lower).
const packedClassLimit = 1 << 18

// packHash spreads a key over the slots (Fibonacci hashing: the top bits
// of the product pick the slot).
func packHash(k uint64) uint64 { return k * 0x9e3779b97f4a7c15 }

// widen raises the widths to those cards need and reports whether any
// grew, and whether the keys still fit in 64 bits.
func (x *packedTable) widen(cards []uint32) (grew, fits bool) {
	if x.widths == nil {
		x.widths = make([]int, len(cards))
		grew = true
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

// repack packs the keys of the classes of codes again with the current
// widths, into an emptied table of the slots they need. The rows counted
// in the slots must have been flushed.
func (x *packedTable) repack(codes [][]uint32) {
	sum := 0
	for _, w := range x.widths {
		sum += w
	}
	x.narrow = sum < 32
	x.nslots, x.ncls, x.wslots = nil, nil, nil
	x.reserve(x.n)
	for c := range x.n {
		var k uint64
		for j, col := range codes {
			k = k<<x.widths[j] | uint64(col[c])
		}
		x.place(k, uint32(c), 0)
	}
}

// size is the number of slots.
func (x *packedTable) size() int {
	if x.narrow {
		return len(x.nslots)
	}
	return len(x.wslots)
}

// reserve grows the table so that it holds n classes at most three
// quarters full.
func (x *packedTable) reserve(n int) {
	size := max(x.size(), 64)
	for 4*n > 3*size {
		size *= 2
	}
	if size == x.size() {
		return
	}
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	if x.narrow {
		old, cls := x.nslots, x.ncls
		x.nslots, x.ncls = make([]uint64, size), make([]uint32, size)
		prefault.Slice(x.nslots)
		prefault.Slice(x.ncls)
		for i, s := range old {
			if s != 0 {
				x.place(s>>32-1, cls[i], uint32(s))
			}
		}
		return
	}
	old := x.wslots
	x.wslots = make([]wideSlot, size)
	prefault.Slice(x.wslots)
	for _, s := range old {
		if s.id != 0 {
			x.place(s.key, s.id-1, s.n)
		}
	}
}

// place puts class c, of key k, with n rows, in the first free slot from
// its own.
func (x *packedTable) place(k uint64, c, n uint32) {
	i := packHash(k) >> x.shift
	if x.narrow {
		mask := uint64(len(x.nslots) - 1)
		for x.nslots[i] != 0 {
			i = (i + 1) & mask
		}
		x.nslots[i], x.ncls[i] = (k+1)<<32|uint64(n), c
		return
	}
	mask := uint64(len(x.wslots) - 1)
	for x.wslots[i].id != 0 {
		i = (i + 1) & mask
	}
	x.wslots[i] = wideSlot{key: k, id: c + 1, n: n}
}

// pack sets keys[i] to the key of row lo+i of cols, two columns a pass.
// It reports false when a code is at or above its column's card.
func (x *packedTable) pack(keys []uint64, cols [][]uint32, cards []uint32, lo int) bool {
	hi := lo + len(keys)
	j := 0
	if len(cols)%2 == 1 {
		var mx uint32
		for i, c := range cols[0][lo:hi] {
			keys[i] = uint64(c)
			mx = max(mx, c)
		}
		if mx >= cards[0] {
			return false
		}
		j = 1
	} else {
		clear(keys)
	}
	for ; j < len(cols); j += 2 {
		a, b := cols[j][lo:hi], cols[j+1][lo:hi]
		a, b = a[:len(keys)], b[:len(keys)]
		wa, wb := x.widths[j], x.widths[j+1]
		var ma, mb uint32
		for i, k := range keys {
			ca, cb := a[i], b[i]
			keys[i] = (k<<wa|uint64(ca))<<wb | uint64(cb)
			ma, mb = max(ma, ca), max(mb, cb)
		}
		if ma >= cards[j] || mb >= cards[j+1] {
			return false
		}
	}
	return true
}

// flush adds the rows counted in the slots to the sizes and zeroes them.
func (x *packedTable) flush() {
	if x.pending == 0 {
		return
	}
	x.pending = 0
	sizes := *x.sizes
	for i, sl := range x.nslots {
		if n := uint32(sl); n != 0 {
			sizes[x.ncls[i]] += int64(n)
			x.nslots[i] = sl &^ (1<<32 - 1)
		}
	}
	for i := range x.wslots {
		if sl := &x.wslots[i]; sl.n != 0 {
			sizes[sl.id-1] += int64(sl.n)
			sl.n = 0
		}
	}
}

// groupPacked counts the rows of t through the packed table when their
// keys fit in 64 bits, numbering classes among all classes, and sets
// s.scratch.cmap to nil (the ids are classes). ids, when not nil, receives the class of
// each row. It reports false, having counted nothing, when the keys do not
// fit or the first Add finds too many classes (see packedClassLimit): the
// Counter then counts through groupby from now on. Classes counted by
// groupby before (see packedSplitRows) are packed into the table first.
func (s *Counter) groupPacked(ctx context.Context, t *quasiid.Table, cols [][]uint32, cards []uint32, ids []uint32) (bool, error) {
	x := s.packed
	grew, fits := x.widen(cards)
	if !fits || grew {
		x.flush()
	}
	if !fits || len(s.sizes) > s.packedLimit && x.n < len(s.sizes) {
		s.packed = nil
		return false, nil
	}
	if grew || x.n < len(s.sizes) { // widened, or classes counted by groupby
		x.n = len(s.sizes)
		x.repack(s.codes)
	}
	limit := math.MaxInt // no limit once classes are counted
	if x.n == 0 {
		limit = s.packedLimit
	}
	bad, over, err := x.countRows(ctx, cols, cards, 0, t.Rows, ids, limit, func(r int) uint32 { return s.newClass(cols, r) })
	switch {
	case err != nil:
		return true, err
	case bad >= 0:
		return true, s.packedError(t, cols, cards, bad, min(packedBlock, t.Rows-bad))
	case over:
		s.sizes, s.packed = s.sizes[:0], nil
		for j := range s.codes {
			s.codes[j] = s.codes[j][:0]
		}
		return false, nil
	}
	s.scratch.cmap = nil // the rows' ids are classes already
	return true, nil
}

// countRows counts rows lo to hi of cols, a block at a time, calling add
// with the row of each new class. It returns the first row of a block
// holding a code out of range, or -1; it stops early, reporting true, once
// the table holds more than limit classes.
func (x *packedTable) countRows(ctx context.Context, cols [][]uint32, cards []uint32, lo, hi int, ids []uint32,
	limit int, add func(r int) uint32) (int, bool, error) {
	x.keys = prefault.Grow(x.keys[:0], min(hi-lo, packedBlock))
	for r := lo; r < hi; r += packedBlock {
		if (r-lo)%(1<<20) == 0 && r > lo {
			if err := ctx.Err(); err != nil {
				return -1, false, err
			}
		}
		keys := x.keys[:min(packedBlock, hi-r)]
		if !x.pack(keys, cols, cards, r) {
			return r, false, nil
		}
		x.probe(keys, r, ids, add)
		if x.n > limit {
			return -1, true, nil
		}
	}
	return -1, false, nil
}

// probe finds the class of each key of a block of rows starting at row lo,
// adding the classes not seen yet in order (add(row) numbers them), and
// counts the rows. ids, when not nil, receives each row's class.
func (x *packedTable) probe(keys []uint64, lo int, ids []uint32, add func(r int) uint32) {
	if x.pending > math.MaxInt32-len(keys) {
		x.flush()
	}
	x.pending += len(keys)
	x.reserve(x.n + len(keys)) // no growth during the block
	if !x.narrow {
		x.probeWide(keys, lo, ids, add)
		return
	}
	slots, cls := x.nslots, x.ncls
	mask := uint64(len(slots) - 1)
	for i, k := range keys {
		tag := (k + 1) << 32
		p := packHash(k) >> x.shift
		for {
			sl := slots[p]
			if sl&^(1<<32-1) == tag {
				slots[p] = sl + 1
				break
			}
			if sl == 0 {
				slots[p], cls[p] = tag|1, add(lo+i)
				x.n++
				break
			}
			p = (p + 1) & mask
		}
		if ids != nil {
			ids[lo+i] = cls[p]
		}
	}
}

// probeWide is probe for keys of 31 bits or more.
func (x *packedTable) probeWide(keys []uint64, lo int, ids []uint32, add func(r int) uint32) {
	slots := x.wslots
	mask := uint64(len(slots) - 1)
	for i, k := range keys {
		p := packHash(k) >> x.shift
		for slots[p].id != 0 && slots[p].key != k {
			p = (p + 1) & mask
		}
		sl := &slots[p]
		if sl.id == 0 {
			*sl = wideSlot{key: k, id: add(lo+i) + 1}
			x.n++
		}
		sl.n++
		if ids != nil {
			ids[lo+i] = sl.id - 1
		}
	}
}

// newClass adds the class of row r of cols, the next one, and returns it.
func (s *Counter) newClass(cols [][]uint32, r int) uint32 {
	c := uint32(len(s.sizes))
	// Doubled, not grown by append's quarter: less garbage, fewer pages
	// mapped for the first time.
	s.sizes = append(prefault.Grow(s.sizes, 1), 0)
	for j, col := range cols {
		s.codes[j] = append(prefault.Grow(s.codes[j], 1), col[r])
	}
	return c
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
