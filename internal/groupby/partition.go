package groupby

import "math/bits"

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
	// rangeRows bounds the rows buffered at once by a goroutine: larger
	// inputs are cut into more ranges than goroutines.
	rangeRows = 1 << 21
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

// slot is one open-addressing slot: key+1 (0 when free), a group id and,
// when counting rows without weights, its count.
type slot struct {
	key uint64
	id  uint32
	cnt uint32
}

// groups are one partition's groups in one range of rows, numbered in
// order of first row.
type groups struct {
	first []uint32
	keys  []uint64
	sizes []int64
}

// index maps keys to group ids within one partition: a dense array
// (dense[key-base] = id+1, or a count while counting plainly) or an
// open-addressing table (linear probing, load at most 3/4). Its memory is
// reused from partition to partition.
type index struct {
	dense []uint32
	base  uint64
	all   []slot // reusable memory of the table
	slots []slot // the table: a prefix of all
	shift uint   // 64 - log2(len(slots))
	pbits uint
	n     int // groups in the table
	// staging for countDense
	first, subs []uint32
}

// reset empties the index for a partition expected to hold about n
// groups.
func (x *index) reset(n int) {
	size := max(minSlots, 1<<bits.Len(uint((4*n+2)/3)))
	if size > len(x.all) {
		x.all = make([]slot, size)
	} else {
		clear(x.all[:size])
	}
	x.slots = x.all[:size]
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	x.n = 0
}

// grow doubles the table, keeping the larger memory for later reuse.
func (x *index) grow() {
	old := x.slots
	size := 2 * len(old)
	fresh := make([]slot, size)
	x.shift--
	mask := uint64(size - 1)
	for _, s := range old {
		if s.key == empty {
			continue
		}
		i := (((s.key - 1) * mul) << x.pbits) >> x.shift
		for fresh[i].key != empty {
			i = (i + 1) & mask
		}
		fresh[i] = s
	}
	x.all, x.slots = fresh, fresh
}

// find returns the id of key, or adds it with id x.n and reports added.
func (x *index) find(key uint64) (id uint32, added bool) {
	if x.dense != nil {
		sub := key - x.base
		g := x.dense[sub]
		if g == 0 {
			x.n++
			x.dense[sub] = uint32(x.n)
			return uint32(x.n - 1), true
		}
		return g - 1, false
	}
	if 4*(x.n+1) > 3*len(x.slots) {
		x.grow()
	}
	slots := x.slots
	mask := uint64(len(slots) - 1)
	i := ((key * mul) << x.pbits) >> x.shift
	for {
		s := &slots[i&mask]
		if s.key == key+1 {
			return s.id, false
		}
		if s.key == empty {
			*s = slot{key: key + 1, id: uint32(x.n)}
			x.n++
			return s.id, true
		}
		i++
	}
}

// countHash counts unweighted rows in the table, counts in the slots.
func (x *index) countHash(es []hentry, g *groups) {
	for _, e := range es {
		if 4*(x.n+1) > 3*len(x.slots) {
			x.grow()
		}
		slots := x.slots
		mask := uint64(len(slots) - 1)
		i := ((e.key * mul) << x.pbits) >> x.shift
		k1 := e.key + 1
		for {
			s := &slots[i&mask]
			if s.key == k1 {
				s.cnt++
				break
			}
			if s.key == empty {
				*s = slot{key: k1, id: uint32(x.n), cnt: 1}
				x.n++
				g.first = append(g.first, e.row)
				break
			}
			i++
		}
	}
	g.keys = make([]uint64, x.n)
	g.sizes = make([]int64, x.n)
	for _, s := range x.slots {
		if s.key != empty {
			g.keys[s.id] = s.key - 1
			g.sizes[s.id] = int64(s.cnt)
		}
	}
}

// countDense counts unweighted rows in the dense array; new keys are
// noted without a branch, and the array is left zero.
func (x *index) countDense(es []dentry, g *groups) {
	n := 0
	if len(es) > len(x.first) {
		x.first = make([]uint32, len(es))
		x.subs = make([]uint32, len(es))
	}
	first, subs := x.first[:len(es)], x.subs[:len(es)]
	d := x.dense
	for _, e := range es {
		c := d[e.sub]
		first[n] = e.row
		subs[n] = e.sub
		n += int(1 - (c|-c)>>31)
		d[e.sub] = c + 1
	}
	g.first = append([]uint32(nil), first[:n]...)
	g.keys = make([]uint64, n)
	g.sizes = make([]int64, n)
	for id, sub := range subs[:n] {
		g.keys[id] = x.base + uint64(sub)
		g.sizes[id] = int64(d[sub])
		d[sub] = 0
	}
}

// clearDense zeroes the entries of the groups' keys in a dense index.
func (x *index) clearDense(keys []uint64) {
	for _, k := range keys {
		x.dense[k-x.base] = 0
	}
}

// add counts weighted rows and/or records row ids.
func (j *job) add(x *index, g *groups, p int, row uint32, key uint64) {
	id, added := x.find(key)
	if added {
		g.first = append(g.first, row)
		g.keys = append(g.keys, key)
		g.sizes = append(g.sizes, 0)
	}
	if j.weights != nil {
		g.sizes[id] += j.weights[row]
	} else {
		g.sizes[id]++
	}
	if j.rowIDs != nil {
		j.rowIDs[row] = id
		if j.parts != nil {
			j.parts[row] = uint16(p)
		}
	}
}

// scratch is one goroutine's reusable memory.
type scratch struct {
	hbufs [][]hentry
	dbufs [][]dentry
	x     index
}

func (j *job) newScratch(l layout, rows int) *scratch {
	s := &scratch{x: index{pbits: l.pbits}}
	est := rows/l.parts*9/8 + 16
	if l.dense {
		s.dbufs = make([][]dentry, l.parts)
		for p := range s.dbufs {
			s.dbufs[p] = make([]dentry, 0, est)
		}
		s.x.dense = make([]uint32, min(1<<subBits, j.space))
	} else {
		s.hbufs = make([][]hentry, l.parts)
		for p := range s.hbufs {
			s.hbufs[p] = make([]hentry, 0, est)
		}
	}
	return s
}

// runParts counts keys in partitions. Rows are cut into ranges of at
// most rangeRows (at least one per worker); each range's rows are
// scattered by partition, then each partition is counted while its index
// is in cache. Ranges then merge partition by partition, in row order.
func (j *job) runParts(n, w int) (*Groups, error) {
	nr := max(w, (n+j.ranges-1)/j.ranges)
	nr = (nr + w - 1) / w * w
	b := bounds(n, nr)
	l := j.layout(b[1]-b[0], j.dense)
	if j.rowIDs != nil && l.parts > 1 {
		j.parts = make([]uint16, n)
	}
	P := l.parts
	res := make([][]groups, nr) // res[r][p]
	scr := make([]*scratch, w)
	err := parallel(w, func(k int) error {
		s := j.newScratch(l, b[1]-b[0]+1)
		scr[k] = s
		for r := k; r < nr; r += w {
			g, err := j.countRange(s, l, b[r], b[r+1])
			if err != nil {
				return err
			}
			res[r] = g
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	base := res[0]
	// Merge the other ranges into range 0, partition by partition;
	// remap[r][p][id] is the merged id of group id of range r.
	remap := make([][][]uint32, nr)
	if nr > 1 {
		for r := 1; r < nr; r++ {
			remap[r] = make([][]uint32, P)
		}
		_ = parallel(w, func(k int) error {
			x := &scr[k].x
			for p := k; p < P; p += w {
				j.mergePart(x, l, p, res, remap)
			}
			return nil
		})
	}
	for k := range scr {
		scr[k] = nil
	}
	// Number groups by first row: group gi (partition p, id) is
	// gi = off[p] + id; its number is the rank of its first row among all
	// first rows, read from a bitmap of first rows.
	off := make([]int, P+1)
	for p := range base {
		off[p+1] = off[p] + len(base[p].first)
	}
	total := off[P]
	bitmap := make([]uint64, (n+63)/64)
	for p := range base {
		for _, f := range base[p].first {
			bitmap[f>>6] |= 1 << (f & 63)
		}
	}
	rank := make([]uint32, len(bitmap))
	var c uint32
	for k, word := range bitmap {
		rank[k] = c
		c += uint32(bits.OnesCount64(word))
	}
	out := &Groups{N: total, Sizes: make([]int64, total), First: make([]int, total)}
	var newID []uint32
	if j.rowIDs != nil {
		newID = make([]uint32, total)
	}
	for p := range base {
		g := &base[p]
		for id, f := range g.first {
			k := rank[f>>6] + uint32(bits.OnesCount64(bitmap[f>>6]&(1<<(f&63)-1)))
			out.Sizes[k] = g.sizes[id]
			out.First[k] = int(f)
			if newID != nil {
				newID[off[p]+id] = k
			}
		}
		*g = groups{}
	}
	if j.rowIDs != nil {
		_ = parallel(w, func(k int) error {
			for r := k; r < nr; r += w {
				ids := j.rowIDs[b[r]:b[r+1]]
				for i, id := range ids {
					p := 0
					if j.parts != nil {
						p = int(j.parts[b[r]+i])
					}
					if r > 0 {
						id = remap[r][p][id]
					}
					ids[i] = newID[off[p]+int(id)]
				}
			}
			return nil
		})
	}
	return out, nil
}

// mergePart merges partition p of every range into range 0's.
func (j *job) mergePart(x *index, l layout, p int, res [][]groups, remap [][][]uint32) {
	g := &res[0][p]
	total := 0
	for r := range res {
		total += len(res[r][p].first)
	}
	if l.dense {
		x.base = uint64(p) << subBits
	} else {
		x.reset(total)
	}
	x.n = 0
	for _, k := range g.keys {
		x.find(k)
	}
	for r := 1; r < len(res); r++ {
		h := &res[r][p]
		rm := make([]uint32, len(h.first))
		for id, k := range h.keys {
			mid, added := x.find(k)
			if added {
				g.first = append(g.first, h.first[id])
				g.keys = append(g.keys, k)
				g.sizes = append(g.sizes, 0)
			}
			g.sizes[mid] += h.sizes[id]
			rm[id] = mid
		}
		remap[r][p] = rm
		*h = groups{}
	}
	if l.dense {
		x.clearDense(g.keys)
	}
}

// countRange scatters rows [lo, hi) by partition and counts each
// partition.
func (j *job) countRange(s *scratch, l layout, lo, hi int) ([]groups, error) {
	P := l.parts
	for p := range P {
		if l.dense {
			s.dbufs[p] = s.dbufs[p][:0]
		} else {
			s.hbufs[p] = s.hbufs[p][:0]
		}
	}
	pshift := 64 - l.pbits
	var kb [batchSize]uint64
	for b := lo; b < hi; b += batchSize {
		if canceled(j.done) {
			return nil, errCanceled
		}
		k := kb[:min(batchSize, hi-b)]
		if err := j.keys(k, b); err != nil {
			return nil, err
		}
		row := uint32(b)
		switch {
		case l.dense:
			for _, key := range k {
				p := key >> subBits
				s.dbufs[p] = append(s.dbufs[p], dentry{uint32(key & (1<<subBits - 1)), row})
				row++
			}
		case P == 1:
			for _, key := range k {
				s.hbufs[0] = append(s.hbufs[0], hentry{key, row})
				row++
			}
		default:
			for _, key := range k {
				p := (key * mul) >> pshift
				s.hbufs[p] = append(s.hbufs[p], hentry{key, row})
				row++
			}
		}
	}
	plain := j.weights == nil && j.rowIDs == nil
	out := make([]groups, P)
	x := &s.x
	// Tables are sized ahead from the share of new groups among the rows
	// of the partitions counted so far.
	var seenRows, seenGroups int
	for p := range P {
		g := &out[p]
		if l.dense {
			x.base = uint64(p) << subBits
			x.n = 0
			if plain {
				x.countDense(s.dbufs[p], g)
			} else {
				for _, e := range s.dbufs[p] {
					j.add(x, g, p, e.row, x.base+uint64(e.sub))
				}
				x.clearDense(g.keys)
			}
			continue
		}
		es := s.hbufs[p]
		est := len(es)
		if seenRows > 0 {
			est = int(float64(len(es))*float64(seenGroups)/float64(seenRows)*1.1) + 16
		}
		x.reset(min(est, len(es)))
		if plain {
			x.countHash(es, g)
		} else {
			for _, e := range es {
				j.add(x, g, p, e.row, e.key)
			}
		}
		seenRows += len(es)
		seenGroups += x.n
	}
	return out, nil
}
