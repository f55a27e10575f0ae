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
	// subBits sizes a dense partition: 2^16 keys, 256 KiB of counters.
	subBits = 16
	// chunkRows bounds the rows a worker buffers before counting them.
	chunkRows = 1 << 22
	minSlots  = 64
)

// layout says how keys are partitioned: by their top bits into dense
// sub-arrays of 2^subBits keys, or by the top pbits bits of their hash
// into open-addressing tables.
type layout struct {
	dense bool
	pbits uint // hash: log2 of the number of partitions
	parts int
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

// hentry and dentry are buffered rows: key (or key within a dense
// partition) and row number.
type hentry struct {
	key uint64
	row uint32
}

type dentry struct {
	sub, row uint32
}

// slot is one open-addressing slot: key+1 (0 when free), its
// partition-local group id and, when counting rows without weights, its
// count.
type slot struct {
	key uint64
	id  uint32
	cnt uint32
}

// part is one partition of a worker: its groups, numbered in order of
// first row within the partition, and its index from key to group.
type part struct {
	first []uint32
	sizes []int64
	keys  []uint64 // key of each group, filled by finish
	subs  []uint32 // dense: key within the partition of each group
	// hash index: linear probing, load at most 3/4
	slots []slot
	shift uint // 64 - log2(len(slots))
	// dense index: dense[sub] is a count (plain counting) or id + 1
	dense []uint32
	base  uint64 // dense: key of sub 0
}

func newPart(l layout, p int, space uint64) part {
	if l.dense {
		base := uint64(p) << subBits
		return part{dense: make([]uint32, min(1<<subBits, space-base)), base: base}
	}
	return part{slots: make([]slot, minSlots), shift: 64 - 6}
}

// grow doubles a hash table.
func (t *part) grow(pbits uint) { t.resize(2*len(t.slots), pbits) }

// full reports whether adding a group would load the table above 3/4.
func (t *part) full() bool { return 4*(len(t.first)+1) > 3*len(t.slots) }

// reserve makes room for n groups in all.
func (t *part) reserve(n int, pbits uint) {
	if 4*n > 3*len(t.slots) {
		t.resize(1<<bits.Len(uint((4*n+2)/3)), pbits)
	}
}

// resize rehashes a hash table into size slots (a power of two).
func (t *part) resize(size int, pbits uint) {
	old := t.slots
	t.slots = make([]slot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	mask := uint64(len(t.slots) - 1)
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

// countHash adds unweighted rows, counting in the slots.
func (t *part) countHash(es []hentry, pbits uint) {
	for _, e := range es {
		if t.full() {
			t.grow(pbits)
		}
		slots := t.slots
		mask := uint64(len(slots) - 1)
		i := ((e.key * mul) << pbits) >> t.shift
		k1 := e.key + 1
		for {
			s := &slots[i&mask]
			if s.key == k1 {
				s.cnt++
				break
			}
			if s.key == empty {
				*s = slot{key: k1, id: uint32(len(t.first)), cnt: 1}
				t.first = append(t.first, e.row)
				break
			}
			i++
		}
	}
}

// countDense adds unweighted rows, counting in the dense array; new keys
// are noted without a branch.
func (t *part) countDense(es []dentry) {
	n := len(t.first)
	first := slices.Grow(t.first, len(es))[:n+len(es)]
	subs := slices.Grow(t.subs, len(es))[:n+len(es)]
	d := t.dense
	for _, e := range es {
		c := d[e.sub]
		first[n] = e.row
		subs[n] = e.sub
		n += int(1 - (c|-c)>>31)
		d[e.sub] = c + 1
	}
	t.first, t.subs = first[:n], subs[:n]
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
	if t.full() {
		t.grow(pbits)
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

// add adds weighted rows and/or records row ids.
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

// finish fills sizes (after plain counting) and keys by id; a dense index
// then maps to ids, for merging.
func (t *part) finish(plain bool) {
	t.keys = make([]uint64, len(t.first))
	if plain {
		t.sizes = make([]int64, len(t.first))
	}
	if t.dense != nil {
		for id, sub := range t.subs {
			t.keys[id] = t.base + uint64(sub)
			if plain {
				t.sizes[id] = int64(t.dense[sub])
				t.dense[sub] = uint32(id + 1)
			}
		}
		t.subs = nil
		return
	}
	for _, s := range t.slots {
		if s.key == empty {
			continue
		}
		t.keys[s.id] = s.key - 1
		if plain {
			t.sizes[s.id] = int64(s.cnt)
		}
	}
}

// runParts counts keys in partitions: per worker, rows are scattered by
// partition, then each partition is counted while its index is in cache.
func (j *job) runParts(n, w int, dense bool) (*Groups, error) {
	b := bounds(n, w)
	l := j.layout(b[1]-b[0], dense)
	if j.rowIDs != nil && l.parts > 1 {
		j.parts = make([]uint16, n)
	}
	parts := make([][]part, w)
	err := parallel(w, func(i int) error {
		ps, err := j.partWorker(b[i], b[i+1], l)
		parts[i] = ps
		return err
	})
	if err != nil {
		return nil, err
	}
	P := l.parts
	base := parts[0]
	// Merge the other workers' partitions into worker 0's, partition by
	// partition; remap[i][p][id] is the merged id of worker i's group.
	remap := make([][][]uint32, w)
	for i := 1; i < w; i++ {
		remap[i] = make([][]uint32, P)
	}
	_ = parallel(w, func(k int) error {
		for p := k; p < P; p += w {
			bt := &base[p]
			for i := 1; i < w; i++ {
				t := &parts[i][p]
				rm := make([]uint32, len(t.first))
				for id, key := range t.keys {
					mid := bt.find(key, t.first[id], l.pbits)
					bt.sizes[mid] += t.sizes[id]
					rm[id] = mid
				}
				remap[i][p] = rm
				*t = part{}
			}
		}
		return nil
	})
	// Number groups by first row: group gi (partition p, id) is
	// gi = off[p] + id; its number is the rank of its first row among all
	// first rows, read from a bitmap of first rows.
	off := make([]int, P+1)
	for p := range base {
		off[p+1] = off[p] + len(base[p].first)
	}
	g := off[P]
	bitmap := make([]uint64, (n+63)/64)
	for p := range base {
		for _, f := range base[p].first {
			bitmap[f>>6] |= 1 << (f & 63)
		}
	}
	rank := make([]uint32, len(bitmap))
	var r uint32
	for k, word := range bitmap {
		rank[k] = r
		r += uint32(bits.OnesCount64(word))
	}
	out := &Groups{N: g, Sizes: make([]int64, g), First: make([]int, g)}
	newID := make([]uint32, g)
	for p := range base {
		t := &base[p]
		for id, f := range t.first {
			k := rank[f>>6] + uint32(bits.OnesCount64(bitmap[f>>6]&(1<<(f&63)-1)))
			newID[off[p]+id] = k
			out.Sizes[k] = t.sizes[id]
			out.First[k] = int(f)
		}
		*t = part{}
	}
	if j.rowIDs != nil {
		_ = parallel(w, func(i int) error {
			ids := j.rowIDs[b[i]:b[i+1]]
			for r, id := range ids {
				p := 0
				if j.parts != nil {
					p = int(j.parts[b[i]+r])
				}
				if i > 0 {
					id = remap[i][p][id]
				}
				ids[r] = newID[off[p]+int(id)]
			}
			return nil
		})
	}
	return out, nil
}

// partWorker counts rows [lo, hi) into the partitions of l.
func (j *job) partWorker(lo, hi int, l layout) ([]part, error) {
	P := l.parts
	ps := make([]part, P)
	for p := range ps {
		ps[p] = newPart(l, p, j.space)
	}
	plain := j.weights == nil && j.rowIDs == nil
	chunk := chunkRows
	if P == 1 {
		chunk = batchSize
	}
	est := min(chunk, hi-lo)/P*9/8 + 16
	var hbufs [][]hentry
	var dbufs [][]dentry
	if l.dense {
		dbufs = make([][]dentry, P)
		for p := range dbufs {
			dbufs[p] = make([]dentry, 0, est)
		}
	} else {
		hbufs = make([][]hentry, P)
		for p := range hbufs {
			hbufs[p] = make([]hentry, 0, est)
		}
	}
	pshift := 64 - l.pbits
	var kb [batchSize]uint64
	for c := lo; c < hi; c += chunk {
		ce := min(hi, c+chunk)
		for b := c; b < ce; b += batchSize {
			if canceled(j.done) {
				return nil, errCanceled
			}
			k := kb[:min(batchSize, ce-b)]
			if err := j.keys(k, b); err != nil {
				return nil, err
			}
			row := uint32(b)
			switch {
			case l.dense:
				for _, key := range k {
					p := key >> subBits
					dbufs[p] = append(dbufs[p], dentry{uint32(key & (1<<subBits - 1)), row})
					row++
				}
			case P == 1:
				buf := hbufs[0][:len(k)]
				for i, key := range k {
					buf[i] = hentry{key, row + uint32(i)}
				}
				hbufs[0] = buf
			default:
				for _, key := range k {
					p := (key * mul) >> pshift
					hbufs[p] = append(hbufs[p], hentry{key, row})
					row++
				}
			}
		}
		// Tables are sized ahead from the share of new groups among the
		// rows of the partitions counted so far.
		var seenRows, seenGroups int
		for p := range P {
			t := &ps[p]
			if !l.dense && seenRows > 0 {
				est := int(float64(len(hbufs[p])) * float64(seenGroups) / float64(seenRows) * 1.1)
				t.reserve(len(t.first)+est, l.pbits)
			}
			before := len(t.first)
			switch {
			case l.dense && plain:
				t.countDense(dbufs[p])
			case l.dense:
				for _, e := range dbufs[p] {
					j.add(t, p, e.row, t.base+uint64(e.sub), 0)
				}
			case plain:
				t.countHash(hbufs[p], l.pbits)
			default:
				for _, e := range hbufs[p] {
					j.add(t, p, e.row, e.key, l.pbits)
				}
			}
			if l.dense {
				dbufs[p] = dbufs[p][:0]
			} else {
				seenRows += len(hbufs[p])
				seenGroups += len(t.first) - before
				hbufs[p] = hbufs[p][:0]
			}
		}
	}
	for p := range ps {
		ps[p].finish(plain)
	}
	return ps, nil
}
