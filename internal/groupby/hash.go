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
	// empty marks a free slot; no key equals it since the key space is at
	// most 2^64-1.
	empty = ^uint64(0)
	// maxPartBits bounds the number of partitions (2^10 = 1024).
	maxPartBits = 10
	// partRows is the number of rows per partition aimed at, so that a
	// partition's table stays within a core's cache.
	partRows = 8192
	// chunkRows bounds the rows a worker buffers before counting them.
	chunkRows = 1 << 22
	minSlots  = 64
)

// entry is a buffered row: its key and its row number.
type entry struct {
	key uint64
	row uint32
}

// slot is one open-addressing slot: a key, its partition-local group id
// and, when counting rows without weights, its count.
type slot struct {
	key uint64
	id  uint32
	cnt uint32
}

// table is one partition's open-addressing table (linear probing, load at
// most 1/2) with its groups in order of first row.
type table struct {
	slots []slot
	shift uint // 64 - log2(len(slots))
	first []uint32
	sizes []int64
	keys  []uint64 // filled by finish
}

func newTable() table {
	t := table{slots: make([]slot, minSlots), shift: 64 - 6}
	for i := range t.slots {
		t.slots[i].key = empty
	}
	return t
}

// grow doubles the table.
func (t *table) grow(pbits uint) {
	old := t.slots
	t.slots = make([]slot, 2*len(old))
	t.shift--
	for i := range t.slots {
		t.slots[i].key = empty
	}
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.key == empty {
			continue
		}
		i := ((s.key * mul) << pbits) >> t.shift
		for t.slots[i].key != empty {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// countRows adds unweighted rows, counting in the slots.
func (t *table) countRows(es []entry, pbits uint) {
	for _, e := range es {
		if 2*(len(t.first)+1) > len(t.slots) {
			t.grow(pbits)
		}
		slots := t.slots
		mask := uint64(len(slots) - 1)
		i := ((e.key * mul) << pbits) >> t.shift
		for {
			s := &slots[i&mask]
			if s.key == e.key {
				s.cnt++
				break
			}
			if s.key == empty {
				*s = slot{key: e.key, id: uint32(len(t.first)), cnt: 1}
				t.first = append(t.first, e.row)
				break
			}
			i++
		}
	}
}

// find returns the id of key, adding a group first seen at row if absent.
func (t *table) find(key uint64, row uint32, pbits uint) (id uint32, added bool) {
	if 2*(len(t.first)+1) > len(t.slots) {
		t.grow(pbits)
	}
	slots := t.slots
	mask := uint64(len(slots) - 1)
	i := ((key * mul) << pbits) >> t.shift
	for {
		s := &slots[i&mask]
		if s.key == key {
			return s.id, false
		}
		if s.key == empty {
			id = uint32(len(t.first))
			*s = slot{key: key, id: id}
			t.first = append(t.first, row)
			t.sizes = append(t.sizes, 0)
			return id, true
		}
		i++
	}
}

// addRows adds weighted rows and/or records row ids.
func (j *job) addRows(t *table, es []entry, p int, pbits uint) {
	for _, e := range es {
		id, _ := t.find(e.key, e.row, pbits)
		if j.weights != nil {
			t.sizes[id] += j.weights[e.row]
		} else {
			t.sizes[id]++
		}
		if j.rowIDs != nil {
			j.rowIDs[e.row] = id
			if j.parts != nil {
				j.parts[e.row] = uint16(p)
			}
		}
	}
}

// finish fills sizes (for unweighted counting) and keys by id.
func (t *table) finish(plain bool) {
	t.keys = make([]uint64, len(t.first))
	if plain {
		t.sizes = make([]int64, len(t.first))
	}
	for _, s := range t.slots {
		if s.key == empty {
			continue
		}
		t.keys[s.id] = s.key
		if plain {
			t.sizes[s.id] = int64(s.cnt)
		}
	}
}

// partBits returns the number of partition bits for a worker of n rows.
func partBits(n int) uint {
	return uint(min(bits.Len(uint(n/partRows)), maxPartBits))
}

// runHash counts keys in radix-partitioned open-addressing tables.
func (j *job) runHash(n, w int) (*Groups, error) {
	b := bounds(n, w)
	pbits := partBits(b[1] - b[0])
	if j.pbits > 0 {
		pbits = uint(j.pbits - 1)
	}
	if j.rowIDs != nil && pbits > 0 {
		j.parts = make([]uint16, n)
	}
	tabs := make([][]table, w)
	err := parallel(w, func(i int) error {
		t, err := j.hashWorker(b[i], b[i+1], pbits)
		tabs[i] = t
		return err
	})
	if err != nil {
		return nil, err
	}
	P := 1 << pbits
	base := tabs[0]
	// Merge the other workers' tables into worker 0's, partition by
	// partition; remap[i][p][id] is the merged id of worker i's group.
	remap := make([][][]uint32, w)
	for i := 1; i < w; i++ {
		remap[i] = make([][]uint32, P)
	}
	_ = parallel(w, func(k int) error {
		for p := k; p < P; p += w {
			bt := &base[p]
			for i := 1; i < w; i++ {
				t := &tabs[i][p]
				rm := make([]uint32, len(t.first))
				for id, key := range t.keys {
					mid, _ := bt.find(key, t.first[id], pbits)
					bt.sizes[mid] += t.sizes[id]
					rm[id] = mid
				}
				remap[i][p] = rm
				*t = table{}
			}
		}
		return nil
	})
	// Number groups by first row. Within a partition ids already follow
	// first rows; across partitions, order by first row.
	off := make([]int, P+1)
	for p := range base {
		off[p+1] = off[p] + len(base[p].first)
	}
	g := off[P]
	sizes := make([]int64, g)
	first := make([]uint32, g)
	for p := range base {
		copy(sizes[off[p]:], base[p].sizes)
		copy(first[off[p]:], base[p].first)
		base[p] = table{}
	}
	newID := make([]uint32, g)
	out := &Groups{N: g, Sizes: make([]int64, g), First: make([]int, g)}
	place := func(next, gi int) {
		newID[gi] = uint32(next)
		out.Sizes[next] = sizes[gi]
		out.First[next] = int(first[gi])
	}
	if g*16 < n {
		order := make([]uint64, g)
		for gi, f := range first {
			order[gi] = uint64(f)<<32 | uint64(gi)
		}
		slices.Sort(order)
		for next, o := range order {
			place(next, int(uint32(o)))
		}
	} else {
		mark := make([]uint32, n)
		for gi, f := range first {
			mark[f] = uint32(gi + 1)
		}
		next := 0
		for _, m := range mark {
			if m != 0 {
				place(next, int(m-1))
				next++
			}
		}
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

// hashWorker counts rows [lo, hi) into 2^pbits partition tables.
func (j *job) hashWorker(lo, hi int, pbits uint) ([]table, error) {
	P := 1 << pbits
	tabs := make([]table, P)
	for p := range tabs {
		tabs[p] = newTable()
	}
	plain := j.weights == nil && j.rowIDs == nil
	chunk := chunkRows
	if pbits == 0 {
		chunk = batchSize
	}
	bufs := make([][]entry, P)
	est := min(chunk, hi-lo)/P*9/8 + 16
	for p := range bufs {
		bufs[p] = make([]entry, 0, est)
	}
	pshift := 64 - pbits
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
			if pbits == 0 {
				buf := bufs[0][:len(k)]
				for i, key := range k {
					buf[i] = entry{key, uint32(b + i)}
				}
				bufs[0] = buf
				continue
			}
			for i, key := range k {
				p := (key * mul) >> pshift
				bufs[p] = append(bufs[p], entry{key, uint32(b + i)})
			}
		}
		for p := range bufs {
			if plain {
				tabs[p].countRows(bufs[p], pbits)
			} else {
				j.addRows(&tabs[p], bufs[p], p, pbits)
			}
			bufs[p] = bufs[p][:0]
		}
	}
	for p := range tabs {
		tabs[p].finish(plain)
	}
	return tabs, nil
}
