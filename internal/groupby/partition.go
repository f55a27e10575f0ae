package groupby

import (
	"math/bits"
	"slices"
)

const (
	// mul is 2^64/φ, the multiplier of Fibonacci hashing (Knuth, TAOCP
	// vol. 3, §6.4): h = key·mul mod 2^64 is a bijection whose top bits
	// depend on every bit of key.
	mul = 0x9E3779B97F4A7C15
	// Hash slots hold key+1 so that zeroed memory is an empty table: the
	// key space is at most 2^64-1, so key+1 never wraps to 0.
	empty = 0
	// maxPartBits bounds the number of hash partitions (2^10 = 1024).
	maxPartBits = 10
	// partRows is the number of rows per hash partition aimed at, so that
	// a partition's table stays within a core's cache.
	partRows = 8192
	// subBits sizes a dense partition: 2^15 keys, 128 KiB of counters,
	// which stay in a core's L2 cache next to the streams of buffered rows
	// and marks.
	subBits = 15
	// rangeRows bounds the rows a goroutine buffers at once: larger inputs
	// are counted in chunks of workers × rangeRows rows.
	rangeRows = 1 << 21
	// hashRangeRows is rangeRows for hash partitions: a partition seeing
	// all its rows in one chunk can hand its table to the next partition,
	// and its buffered rows (16 bytes) cost less than the tables kept
	// across chunks otherwise (about 21 bytes per group).
	hashRangeRows = 1 << 23
	minSlots      = 64
)

// layout says how keys are partitioned: by their top bits into dense
// sub-arrays of 2^subBits keys, or by the top pbits bits of their hash
// into open-addressing tables.
type layout struct {
	dense bool
	pbits uint // hash: log2 of the number of partitions
	parts int

	// compact (plain hash counting only): keys hash to B bits,
	// h = key·mulB mod 2^B, a bijection on [0, 2^B) ⊇ [0, space); the top
	// pbits of h are the partition and the other vb = B-pbits ≤ 32 bits,
	// which identify the key within it, are buffered in place of a dense
	// partition's key, shifted to the top of the uint32.
	compact bool
	vb      uint
	mulB    uint64
	hmask   uint64
}

func (j *job) layout(rows int, dense bool) layout {
	if dense {
		return layout{dense: true, parts: int((j.space + 1<<subBits - 1) >> subBits)}
	}
	pb := uint(min(bits.Len(uint(rows/partRows)), maxPartBits))
	if j.pbits > 0 {
		pb = uint(j.pbits - 1)
	}
	return layout{pbits: pb, parts: 1 << pb}
}

// hentry is a buffered row of a hash partition: key and row number, the
// key as two halves so that it takes 12 bytes, not 16. Rows of dense (and
// compact hash) partitions are buffered as pairs of uint32 in a []uint32:
// key within the partition (or hash bits), then row number.
type hentry struct {
	lo, hi, row uint32
}

func mkHentry(key uint64, row uint32) hentry {
	return hentry{uint32(key), uint32(key >> 32), row}
}

func (e hentry) key() uint64 { return uint64(e.hi)<<32 | uint64(e.lo) }

// slot is one open-addressing slot: key+1 (0 when free) and a group id;
// in plain counting (runPlain), the group's first row and count instead.
type slot struct {
	key uint64
	id  uint32
	cnt uint32
}

// part is one partition: its groups, numbered in order of first row, and
// its index from key to group. A dense index holds, per key, the group's
// count (plain counting) or id+1; a hash index is an open-addressing table
// (linear probing, load at most 3/4) of key+1. Plain counting (runPlain)
// keeps no first rows.
type part struct {
	first []uint32
	subs  []uint32 // dense: key - base of each group
	sizes []int64  // weighted counting or row ids
	dense []uint32
	cnts  []uint32 // plain dense counting, once finished: count of each group (in subs' memory)
	base  uint64
	slots []slot
	shift uint // 64 - log2(len(slots))

	// Plain counting in a hash table (runPlain): the groups and rows
	// counted, and the groups of more than one row, once finished.
	ngroups, nrows int
	multi          []multi
	cslots         []cslot  // compact layout's table
	cmore          []uint32 // count - 1 of the group in each cslot
	cshift         uint     // 32 - log2(len(cslots))
}

// cslot is a slot of a compact table: a key's hash bits within its
// partition and the group's first row + 1 (0 when free). Counts beyond
// the first row are kept apart (part.cmore), so that a probe, which
// rarely finds the key again when keys are nearly all distinct, reads 8
// bytes a slot.
type cslot struct {
	v, first1 uint32
}

// newPart makes partition p's index, reusing (and taking) spare's when
// it is large enough.
func newPart(l layout, p int, space uint64, spare *part) part {
	if l.dense {
		base := uint64(p) << subBits
		size := min(1<<subBits, space-base)
		if uint64(cap(spare.dense)) >= size {
			d := spare.dense[:size]
			spare.dense = nil
			clear(d)
			return part{dense: d, base: base}
		}
		return part{dense: make([]uint32, size), base: base}
	}
	if s := spare.slots; s != nil {
		spare.slots = nil
		clear(s)
		return part{slots: s, shift: uint(64 - bits.TrailingZeros(uint(len(s))))}
	}
	return part{slots: make([]slot, minSlots), shift: 64 - 6}
}

// finish is called once t has counted all its rows: t's index goes to
// spare for the next partition.
func (t *part) finish(spare *part) {
	if cap(t.dense) > cap(spare.dense) {
		spare.dense = t.dense
	}
	if len(t.slots) > len(spare.slots) {
		spare.slots = t.slots
	}
	t.dense, t.slots, t.subs = nil, nil, nil
}

// reserve makes room for n groups in all.
func (t *part) reserve(n int, pbits uint) {
	if 4*n > 3*len(t.slots) {
		t.resize(1<<bits.Len(uint((4*n+2)/3)), pbits)
	}
	if n > cap(t.first) {
		t.first = slices.Grow(t.first, n-len(t.first))
	}
}

// resize rehashes the table into size slots, a power of two.
func (t *part) resize(size int, pbits uint) {
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

// find returns the id of key, adding a group first seen at row if absent.
func (t *part) find(key uint64, row uint32, pbits uint) uint32 {
	if t.dense != nil {
		sub := uint32(key - t.base)
		g := t.dense[sub]
		if g == 0 {
			t.first = append(t.first, row)
			t.subs = append(t.subs, sub)
			t.sizes = append(t.sizes, 0)
			g = uint32(len(t.first))
			t.dense[sub] = g
		}
		return g - 1
	}
	if 4*(len(t.first)+1) > 3*len(t.slots) {
		t.resize(2*len(t.slots), pbits)
	}
	slots := t.slots
	mask := uint64(len(slots) - 1)
	i := ((key * mul) << pbits) >> t.shift
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

// add counts weighted rows and/or records row ids.
func (j *job) add(t *part, p int, row uint32, key uint64, pbits uint) {
	id := t.find(key, row, pbits)
	if j.weights != nil {
		t.sizes[id] += j.weights[row]
	} else {
		t.sizes[id]++
	}
	if j.rowIDs != nil {
		j.rowIDs[row] = id
		if j.parts != nil {
			j.parts[row] = uint16(p)
		}
	}
}

// runParts counts keys in partitions, in chunks of rows. Each worker
// scatters its share of a chunk's rows by partition; then each partition
// is counted by one worker (countParts), taking the workers' buffers in
// row order, while its index stays in cache (countChunks drives both).
// Groups of a partition are thus numbered in order of first row, and
// partitions never need merging; numberParts then numbers all groups by
// first row.
func (j *job) runParts(n, w int) (*Groups, error) {
	l := j.layout(n, j.dense)
	r := &partsRun{j: j, l: l, n: n, w: w, chunk: w * j.rangeRowsFor(l)}
	r.lo = rangeStarts(n, w, r.chunk)
	P := l.parts
	if j.rowIDs != nil && P > 1 {
		j.parts = make([]uint16, n)
		prefaultAll(j.parts, w)
	}
	r.parts = make([]part, P)
	est := min(n, r.chunk)/w/P*9/8 + 16
	r.hbufs = make([][][]hentry, w)
	r.dbufs = make([][][]uint32, w)
	for k := range w {
		if l.dense {
			r.dbufs[k] = make([][]uint32, P)
			for p := range P {
				r.dbufs[k][p] = make([]uint32, 0, 2*est)
			}
		} else {
			r.hbufs[k] = make([][]hentry, P)
			for p := range P {
				r.hbufs[k][p] = make([]hentry, 0, est)
			}
		}
	}
	if err := countChunks(n, w, r.chunk, r); err != nil {
		return nil, err
	}
	r.hbufs, r.dbufs = nil, nil
	return j.numberParts(r.parts, n, w), nil
}

// partsRun is the state runParts' phases share.
type partsRun struct {
	j           *job
	l           layout
	n, w, chunk int
	lo          []int // first row of each range, as in plainRun
	parts       []part
	hbufs       [][][]hentry
	dbufs       [][][]uint32
}

// scatter buffers the rows of range x by partition, in worker k's
// buffers.
func (r *partsRun) scatter(k, x int) error {
	return r.j.scatter(r.l, r.hbufs[k], r.dbufs[k], r.lo[x], r.lo[x+1])
}

// count has worker k count its partitions' buffered rows of the chunk
// starting at row c.
func (r *partsRun) count(k, c, _ int, last bool) {
	r.j.countParts(r.l, r.parts, r.hbufs, r.dbufs, k, r.w, r.n-c, last)
}

// countParts has worker k (of w) count its partitions' buffered rows,
// the workers' buffers in row order, and finish them on the last chunk;
// left is the number of rows from this chunk's first to the end.
func (j *job) countParts(l layout, parts []part, hbufs [][][]hentry, dbufs [][][]uint32, k, w, left int, last bool) {
	P := len(parts)
	var seenRows, seenGroups int
	var spare part
	for p := k; p < P; p += w {
		t := &parts[p]
		if t.dense == nil && t.slots == nil {
			*t = newPart(l, p, j.space, &spare)
		}
		before := len(t.first)
		rows, counted := 0, 0
		for s := range w {
			if l.dense {
				es := dbufs[s][p]
				for i := 0; i+1 < len(es); i += 2 {
					j.add(t, p, es[i+1], t.base+uint64(es[i]), 0)
				}
			} else {
				es := hbufs[s][p]
				// Size the table ahead from the share of new groups
				// among rows seen so far (all new at first), for the
				// partition's rows still to come (the rest of this
				// chunk and later ones), so that a table grows about
				// once.
				ratio := 1.0
				if seenRows > 0 {
					ratio = float64(seenGroups) / float64(seenRows) * 1.1
				}
				rest := max(len(es), left/P-counted)
				counted += len(es)
				t.reserve(len(t.first)+int(float64(rest)*min(ratio, 1)), l.pbits)
				for _, e := range es {
					j.add(t, p, e.row, e.key(), l.pbits)
				}
			}
		}
		for s := range w {
			if l.dense {
				rows += len(dbufs[s][p]) / 2
				dbufs[s][p] = dbufs[s][p][:0]
			} else {
				rows += len(hbufs[s][p])
				hbufs[s][p] = hbufs[s][p][:0]
			}
		}
		seenRows += rows
		seenGroups += len(t.first) - before
		if last {
			t.finish(&spare)
		}
	}
}

// numberParts numbers the groups of the counted partitions by first row:
// a group's id is the rank of its first row among all first rows. A
// bitmap marks first rows and rank[i] counts the marks in words before
// i, so each partition writes the sizes of its groups straight to their
// final places, and First is the bitmap read in order; no key is
// recomputed. Row ids, local to their partitions, become final ids.
func (j *job) numberParts(parts []part, n, w int) *Groups {
	P := len(parts)
	off := make([]int, P+1)
	for p := range parts {
		off[p+1] = off[p] + len(parts[p].first)
	}
	total := off[P]
	bitmap := make([]uint64, (n+63)/64)
	for p := range parts {
		for _, f := range parts[p].first {
			bitmap[f>>6] |= 1 << (f & 63)
		}
	}
	rank := make([]uint32, len(bitmap))
	var r uint32
	for i, word := range bitmap {
		rank[i] = r
		r += uint32(bits.OnesCount64(word))
	}
	out := &Groups{N: total, Sizes: make([]int64, total), First: make([]int, total)}
	prefaultAll(out.Sizes, w)
	prefaultAll(out.First, w)
	var newID []uint32
	if j.rowIDs != nil {
		newID = make([]uint32, total)
		prefaultAll(newID, w)
	}
	_ = parallel(w, func(k int) error {
		for p := k; p < P; p += w {
			var ids []uint32
			if newID != nil {
				ids = newID[off[p]:off[p+1]]
			}
			parts[p].place(bitmap, rank, out.Sizes, ids)
			parts[p] = part{}
		}
		return nil
	})
	_ = parallel(w, func(k int) error {
		// First: the marked rows of this worker's stretch of words.
		lo, hi := len(bitmap)*k/w, len(bitmap)*(k+1)/w
		if lo == hi {
			return nil
		}
		at := int(rank[lo])
		for wi, word := range bitmap[lo:hi] {
			for word != 0 {
				out.First[at] = (lo+wi)<<6 + bits.TrailingZeros64(word)
				word &= word - 1
				at++
			}
		}
		return nil
	})
	if j.rowIDs != nil {
		b := bounds(n, w)
		_ = parallel(w, func(k int) error {
			ids := j.rowIDs[b[k]:b[k+1]]
			for i, id := range ids {
				p := 0
				if j.parts != nil {
					p = int(j.parts[b[k]+i])
				}
				ids[i] = newID[off[p]+int(id)]
			}
			return nil
		})
	}
	return out
}

// place writes the size of each group of t at the rank of its first row
// (and that rank to ids[id] when ids is not nil).
func (t *part) place(bitmap []uint64, rank []uint32, sizes []int64, ids []uint32) {
	at := func(f uint32) int {
		return int(rank[f>>6]) + bits.OnesCount64(bitmap[f>>6]&(1<<(f&63)-1))
	}
	for id, f := range t.first {
		g := at(f)
		sizes[g] = t.sizes[id]
		if ids != nil {
			ids[id] = uint32(g)
		}
	}
}

// scatter appends rows [lo, hi) to the buffers of their partitions.
func (j *job) scatter(l layout, hbufs [][]hentry, dbufs [][]uint32, lo, hi int) error {
	pshift := 64 - l.pbits
	var kb [batchSize]uint64
	for b := lo; b < hi; b += batchSize {
		if canceled(j.done) {
			return errCanceled
		}
		k := kb[:min(batchSize, hi-b)]
		if err := j.keys(k, b); err != nil {
			return err
		}
		row := uint32(b)
		switch {
		case l.dense:
			for _, key := range k {
				p := key >> subBits
				dbufs[p] = append(dbufs[p], uint32(key&(1<<subBits-1)), row)
				row++
			}
		case l.compact:
			for _, key := range k {
				h := (key * l.mulB) & l.hmask
				p := h >> l.vb
				dbufs[p] = append(dbufs[p], uint32((h<<(64-l.vb))>>32), row)
				row++
			}
		case len(hbufs) == 1:
			for _, key := range k {
				hbufs[0] = append(hbufs[0], mkHentry(key, row))
				row++
			}
		default:
			for _, key := range k {
				p := (key * mul) >> pshift
				hbufs[p] = append(hbufs[p], mkHentry(key, row))
				row++
			}
		}
	}
	return nil
}
