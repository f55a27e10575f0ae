package groupby

import "slices"

// denseCounter is kindDense: keys are scattered by their top bits into
// partitions of 2^subBits keys, each counted in an array indexed by key.
type denseCounter struct {
	partitioned
	parts []denseIndex
	// Plain counting: starts[x·P+p] is the number of groups of partition
	// p first seen before range x. With more than one chunk, partitions
	// keep their arrays from chunk to chunk, cut from denseAll, and their
	// lists of keys, cut from subsAll (subCap entries each).
	starts            []uint32
	denseAll, subsAll []uint32
	subCap            int
}

// denseIndex is one dense partition: keys base to base+len(dense)-1.
type denseIndex struct {
	base uint64
	// dense holds, per key within the partition, its group's count
	// (plain counting) or id+1 (0 while it has none).
	dense []uint32
	// subs lists the key within the partition of each group, in order
	// of first row (plain counting); once finished, cnts holds each
	// group's count, in subs' memory.
	subs, cnts []uint32
	// firsts are the groups, with weights or row ids.
	firsts
}

func (j *job) newDense(n, w int) (*denseCounter, int) {
	d := &denseCounter{partitioned: j.newPartitioned(j.layout(n, true), n, w)}
	P := d.P
	d.parts = make([]denseIndex, P)
	if d.plain {
		d.starts = make([]uint32, (len(d.lo)-1)*P)
	}
	if d.plain && !d.oneChunk {
		// A partition has at most one group per key.
		d.subCap = min(1<<subBits, n)
		d.denseAll = make([]uint32, j.space)
		d.subsAll = make([]uint32, (P-1)*d.subCap+min(int(j.space-uint64(P-1)<<subBits), n))
		// A dense array is written only where keys occur: map it ahead
		// only when there are at least as many rows as keys (uniform
		// keys then reach nearly every page), never for a sparse few.
		if uint64(n) >= j.space {
			prefaultAll(d.denseAll, w)
			prefaultAll(d.subsAll, w)
		}
	}
	return d, d.chunk
}

func (d *denseCounter) count(k, _, x0 int, last bool) {
	var spare []uint32 // a finished partition's array, for the next
	for p := k; p < d.P; p += d.w {
		t := &d.parts[p]
		d.open(t, p, &spare)
		for s := range d.w {
			es := d.dbufs[s][p]
			if d.plain {
				d.starts[(x0+s)*d.P+p] = uint32(len(t.subs))
				t.countMark(es, d.marks[k])
			} else {
				t.countFirsts(d.j, es, p)
			}
			d.dbufs[s][p] = es[:0]
		}
		if last {
			t.finish(&spare, d.plain)
		}
	}
}

// open gives partition p its array when it has none: its share of
// denseAll, or spare if it is large enough, or a new one.
func (d *denseCounter) open(t *denseIndex, p int, spare *[]uint32) {
	if t.dense != nil {
		return
	}
	base := p << subBits
	size := min(1<<subBits, int(d.j.space)-base)
	t.base = uint64(base)
	switch {
	case d.denseAll != nil:
		t.dense = d.denseAll[base : base+size]
		t.subs = d.subsAll[p*d.subCap : p*d.subCap : p*d.subCap+min(size, d.n)]
		return
	case cap(*spare) >= size:
		t.dense, *spare = (*spare)[:size], nil
		clear(t.dense)
	default:
		t.dense = make([]uint32, size)
	}
	if d.plain {
		// One chunk: the partition's rows are all buffered.
		rows := 0
		for s := range d.w {
			rows += len(d.dbufs[s][p]) / 2
		}
		t.subs = make([]uint32, 0, min(size, rows))
	}
}

// countMark counts unweighted rows, buffered as (key within the
// partition, row) pairs, in the dense array and marks the first row of
// each new key in mark, without a branch.
func (t *denseIndex) countMark(es []uint32, mark []uint64) {
	n := len(t.subs)
	// Room for every row to be new, without clearing it: only the first
	// n entries are ever read.
	subs := slices.Grow(t.subs, len(es)/2)[:n+len(es)/2]
	d := t.dense
	for i := 0; i+1 < len(es); i += 2 {
		sub, row := es[i], es[i+1]
		c := d[sub]
		subs[n] = sub
		isNew := (c|-c)>>31 ^ 1
		mark[row>>6] |= uint64(isNew) << (row & 63)
		n += int(isNew)
		d[sub] = c + 1
	}
	t.subs = subs[:n]
}

// countFirsts counts rows with weights or row ids, buffered as (key
// within the partition, row) pairs, in partition p.
func (t *denseIndex) countFirsts(j *job, es []uint32, p int) {
	d := t.dense
	for i := 0; i+1 < len(es); i += 2 {
		sub, row := es[i], es[i+1]
		g := d[sub]
		if g == 0 {
			t.first = append(t.first, row)
			t.sizes = append(t.sizes, 0)
			g = uint32(len(t.first))
			d[sub] = g
		}
		j.add(&t.firsts, g-1, p, row)
	}
}

// finish is called once t has counted all its rows: in plain counting
// its counts replace its keys in subs, in place; its array goes to spare
// for the next partition.
func (t *denseIndex) finish(spare *[]uint32, plain bool) {
	if plain {
		s := t.subs
		for id, sub := range s {
			s[id] = t.dense[sub]
		}
		t.cnts = s
	}
	if cap(t.dense) > cap(*spare) {
		*spare = t.dense
	}
	t.dense, t.subs = nil, nil
}

func (d *denseCounter) groups() (*Groups, error) {
	d.dbufs = nil
	if !d.plain {
		fs := make([]*firsts, d.P)
		for p := range d.parts {
			fs[p] = &d.parts[p].firsts
		}
		return d.j.numberParts(fs, d.n, d.w), nil
	}
	if d.denseAll != nil {
		d.spares = append(d.spares, d.denseAll)
		d.denseAll = nil
	}
	d.subsAll = nil
	cnts := make([][]uint32, d.P)
	for p := range d.parts {
		cnts[p] = d.parts[p].cnts
	}
	d.parts = nil
	d.rank()
	return d.output(cnts, d.starts, nil)
}
