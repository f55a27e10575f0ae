package groupby

import (
	"math/bits"

	"github.com/reidrisk/reidrisk/internal/prefault"
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

// partitioned is what the partitioned counters (denseCounter,
// hashCounter) share: the layout, the ranges of rows, the workers' buffers
// of rows by partition and, in plain counting (no weights, no row ids),
// the workers' bitmaps of first rows (see plain.go).
type partitioned struct {
	j        *job
	l        layout
	n, w, P  int
	chunk    int   // rows per chunk: w ranges
	lo       []int // lo[x] is the first row of range x (rangeStarts), then n
	plain    bool
	oneChunk bool // all rows are counted in one chunk
	// hbufs[k][p] holds worker k's buffered rows of partition p as
	// hentry (wide hash layout); dbufs[k][p] as (key within the
	// partition or hash bits, row) pairs (dense and compact layouts).
	hbufs [][][]hentry
	dbufs [][][]uint32
	// Plain counting: spares is dead scratch, reused for the output's
	// code columns; marks the workers' bitmaps of first rows, merged by
	// rank into mark, with wrank[i] the number of first rows before word
	// i and total the number of groups.
	spares [][]uint32
	marks  [][]uint64
	words  int
	mark   []uint64
	wrank  []uint32
	total  int
}

// newPartitioned lays out the ranges and allocates the workers' buffers
// and bitmaps: each worker's buffers in one block, carved up, so that the
// blocks freed by one call fit the next call's (and its output) again.
func (j *job) newPartitioned(l layout, n, w int) partitioned {
	pt := partitioned{j: j, l: l, n: n, w: w, P: l.parts, plain: j.weights == nil && j.rowIDs == nil}
	switch {
	case j.ranges != 0:
		pt.chunk = w * j.ranges
	case l.dense:
		pt.chunk = w * rangeRows
	default:
		pt.chunk = w * hashRangeRows
	}
	pt.lo = rangeStarts(n, w, pt.chunk)
	pt.oneChunk = n <= pt.chunk
	P := pt.P
	if j.rowIDs != nil && P > 1 {
		j.parts = make([]uint16, n)
		prefaultAll(j.parts, w)
	}
	if pt.plain {
		pt.words = (n + 63) / 64
		pt.marks = make([][]uint64, w)
		markAll := make([]uint64, w*pt.words)
		for k := range pt.marks {
			pt.marks[k] = markAll[k*pt.words : (k+1)*pt.words]
		}
	}
	est := min(n, pt.chunk)/w/P*9/8 + 16
	pt.hbufs = make([][][]hentry, w)
	pt.dbufs = make([][][]uint32, w)
	pt.spares = make([][]uint32, w)
	// In plain counting each worker has its scratch mapped at once (see
	// prefault.Slice), as it will write it.
	_ = parallel(w, func(k int) error {
		if pt.plain {
			prefault.Slice(pt.marks[k])
		}
		if l.dense || l.compact {
			pt.dbufs[k] = make([][]uint32, P)
			arena := make([]uint32, 2*P*est)
			if pt.plain {
				prefault.Slice(arena)
			}
			for p := range P {
				pt.dbufs[k][p] = arena[2*p*est : 2*p*est : 2*(p+1)*est]
			}
			pt.spares[k] = arena
		} else {
			pt.hbufs[k] = make([][]hentry, P)
			arena := make([]hentry, P*est)
			if pt.plain {
				prefault.Slice(arena)
			}
			for p := range P {
				pt.hbufs[k][p] = arena[p*est : p*est : (p+1)*est]
			}
		}
		return nil
	})
	return pt
}

// scatter buffers the rows of range x by partition, in worker k's
// buffers.
func (pt *partitioned) scatter(k, x int) error {
	return pt.j.scatter(pt.l, pt.hbufs[k], pt.dbufs[k], pt.lo[x], pt.lo[x+1])
}

// firsts are a partition's groups in order of first row, when counting
// with weights or row ids: each group's first row and size.
type firsts struct {
	first []uint32
	sizes []int64
}

// add counts row, of partition p, in its group id: its weight (or 1) to
// the group's size, and id as its row id (local to the partition).
func (j *job) add(f *firsts, id uint32, p int, row uint32) {
	if j.weights != nil {
		f.sizes[id] += j.weights[row]
	} else {
		f.sizes[id]++
	}
	if j.rowIDs != nil {
		j.rowIDs[row] = id
		if j.parts != nil {
			j.parts[row] = uint16(p)
		}
	}
}

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

// numberParts numbers the groups of the counted partitions by first row:
// a group's id is the rank of its first row among all first rows. A
// bitmap marks first rows and rank[i] counts the marks in words before
// i, so each partition writes the sizes of its groups straight to their
// final places, and First is the bitmap read in order; no key is
// recomputed. Row ids, local to their partitions, become final ids.
func (j *job) numberParts(parts []*firsts, n, w int) *Groups {
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
			*parts[p] = firsts{}
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
func (t *firsts) place(bitmap []uint64, rank []uint32, sizes []int64, ids []uint32) {
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
