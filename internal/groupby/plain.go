package groupby

import (
	"math/bits"
	"slices"
)

// runPlain counts unweighted rows, without row ids, in partitions. It
// is runParts without per-group first rows: counting marks each group's
// first row in a bitmap of rows (one per worker, merged at the end), and
// a partition keeps only its groups' counts, in order of first row. The
// marked rows are then read in order; each one's codes (the output's
// Codes) give its key, hence its partition, whose next count is the
// group's size. A group's id is the rank of its first row among the
// marked ones, so no count is written out of order.
//
// Rows are taken in ranges, one per chunk and worker; the number of
// groups of each partition seen before each range is noted while
// counting, so that ranges are read independently, by any worker.
func (j *job) runPlain(n, w int) (*Groups, error) {
	l := j.layout(n, j.dense)
	if !l.dense {
		// Compact hash entries (8 bytes instead of 12) when the hash bits
		// left after the partition's fit in 32, with more partitions if
		// that is what it takes.
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
	}
	ranges := j.ranges
	if ranges == 0 {
		ranges = rangeRows
		if !l.dense {
			ranges = hashRangeRows
		}
	}
	chunk := w * ranges
	P := l.parts
	// lo[r] is the first row of range r; range r of chunk c and worker k
	// is r = c·w + k.
	var lo []int
	for c := 0; c < n; c += chunk {
		b := bounds(min(n, c+chunk)-c, w)
		for k := range w {
			lo = append(lo, c+b[k])
		}
	}
	lo = append(lo, n)
	R := len(lo) - 1
	// Dense: starts[r·P+p] is the number of groups of partition p first
	// seen before range r.
	var starts []uint32
	if l.dense {
		starts = make([]uint32, R*P)
	}
	parts := make([]part, P)
	// Scratch is allocated in a few large blocks, carved up, so that the
	// blocks freed by one call fit the next call's (and its output) again.
	words := (n + 63) / 64
	marks := make([][]uint64, w)
	markAll := make([]uint64, w*words)
	for k := range marks {
		marks[k] = markAll[k*words : (k+1)*words]
	}
	markAll = nil
	var denseAll, subsAll []uint32
	subCap := min(1<<subBits, n)
	// With one chunk, a partition is counted in one go and hands its
	// array on to the worker's next partition; with more, dense
	// partitions keep their arrays from chunk to chunk. A partition has
	// at most one group per key.
	oneChunk := n <= chunk
	if l.dense && !oneChunk {
		denseAll = make([]uint32, j.space)
		subsAll = make([]uint32, (P-1)*subCap+min(int(j.space-uint64(P-1)<<subBits), n))
	}
	est := min(n, chunk)/w/P*9/8 + 16
	hbufs := make([][][]hentry, w)
	dbufs := make([][][]uint32, w)
	// Dead scratch, reused for the output's code columns.
	spares := make([][]uint32, w)
	// Each worker makes its own scratch and has it mapped at once (see
	// prefault), as it will write it.
	_ = parallel(w, func(k int) error {
		prefault(marks[k])
		if l.dense || l.compact {
			dbufs[k] = make([][]uint32, P)
			arena := make([]uint32, 2*P*est)
			prefault(arena)
			for p := range P {
				dbufs[k][p] = arena[2*p*est : 2*p*est : 2*(p+1)*est]
			}
			spares[k] = arena
		} else {
			hbufs[k] = make([][]hentry, P)
			arena := make([]hentry, P*est)
			prefault(arena)
			for p := range P {
				hbufs[k][p] = arena[p*est : p*est : (p+1)*est]
			}
		}
		return nil
	})
	// A dense array is written only where keys occur: map it ahead only
	// when there are at least as many rows as keys (uniform keys then
	// reach nearly every page), never for a sparse few.
	if denseAll != nil && uint64(n) >= j.space {
		prefaultAll(denseAll, w)
		prefaultAll(subsAll, w)
	}
	for c, r0 := 0, 0; c < n; c, r0 = c+chunk, r0+w {
		err := parallel(w, func(k int) error {
			return j.scatter(l, hbufs[k], dbufs[k], lo[r0+k], lo[r0+k+1])
		})
		if err != nil {
			return nil, err
		}
		last := c+chunk >= n
		_ = parallel(w, func(k int) error {
			mark := marks[k]
			var seenRows, seenGroups int
			var spare part
			for p := k; p < P; p += w {
				t := &parts[p]
				switch {
				case l.compact && t.cslots == nil:
					t.newCompact(&spare)
				case l.dense && oneChunk:
					*t = newPart(l, p, j.space, &spare)
					rows := 0
					for s := range w {
						rows += len(dbufs[s][p]) / 2
					}
					t.subs = make([]uint32, 0, min(len(t.dense), rows))
				case l.dense && t.dense == nil:
					base := p << subBits
					size := min(1<<subBits, int(j.space)-base)
					t.base, t.dense = uint64(base), denseAll[base:base+size]
					t.subs = subsAll[p*subCap : p*subCap : p*subCap+min(size, n)]
				case !l.dense && !l.compact && t.slots == nil:
					*t = newPart(l, p, j.space, &spare)
				}
				before := t.groups()
				rows, counted := 0, 0
				for s := range w {
					if l.dense {
						starts[(r0+s)*P+p] = uint32(len(t.subs))
						es := dbufs[s][p]
						rows += len(es) / 2
						t.countDenseMark(es, mark)
						dbufs[s][p] = es[:0]
						continue
					}
					var m int
					if l.compact {
						m = len(dbufs[s][p]) / 2
					} else {
						m = len(hbufs[s][p])
					}
					rows += m
					// Reserve as runParts does, from the share of new
					// groups among rows seen so far.
					ratio := 1.0
					if seenRows > 0 {
						ratio = float64(seenGroups) / float64(seenRows) * 1.1
					}
					left := max(m, (n-c)/P-counted)
					counted += m
					reserve := t.ngroups + int(float64(left)*min(ratio, 1))
					if l.compact {
						t.reserveCompact(reserve)
						t.countCompact(dbufs[s][p], mark)
						dbufs[s][p] = dbufs[s][p][:0]
						continue
					}
					t.reserveSlots(reserve, l.pbits)
					t.countHashMark(hbufs[s][p], l.pbits, mark)
					hbufs[s][p] = hbufs[s][p][:0]
				}
				t.nrows += rows
				seenRows += rows
				seenGroups += t.groups() - before
				if last {
					t.finishPlain(&spare)
				}
			}
			return nil
		})
	}
	hbufs, dbufs = nil, nil
	if denseAll != nil {
		spares = append(spares, denseAll)
		denseAll = nil
	}
	// One bitmap of first rows; wrank[i] is the number of first rows
	// before word i.
	mark := marks[0]
	wrank := make([]uint32, words+1)
	sums := make([]int, w+1)
	_ = parallel(w, func(k int) error {
		a, b := words*k/w, words*(k+1)/w
		for _, m := range marks[1:] {
			for i, x := range m[a:b] {
				mark[a+i] |= x
			}
		}
		s := 0
		for _, x := range mark[a:b] {
			s += bits.OnesCount64(x)
		}
		sums[k+1] = s
		return nil
	})
	marks = nil
	for k := range w {
		sums[k+1] += sums[k]
	}
	_ = parallel(w, func(k int) error {
		a, b := words*k/w, words*(k+1)/w
		r := uint32(sums[k])
		for i, x := range mark[a:b] {
			wrank[a+i] = r
			r += uint32(bits.OnesCount64(x))
		}
		return nil
	})
	total := sums[w]
	wrank[words] = uint32(total)
	out := j.alloc(total, w, spares)
	spares = nil
	var cnts [][]uint32
	if l.dense {
		cnts = make([][]uint32, P)
		for p := range parts {
			cnts[p] = parts[p].cnts
			parts[p] = part{}
		}
	}
	err := parallel(w, func(k int) error {
		var cur []uint32
		if l.dense {
			cur = make([]uint32, P)
		}
		for r := k; r < R; r += w {
			if canceled(j.done) {
				return errCanceled
			}
			if l.dense {
				copy(cur, starts[r*P:(r+1)*P])
			}
			j.readRange(l, mark, lo[r], lo[r+1], rankOf(mark, wrank, lo[r]), cnts, cur, out)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !l.dense {
		// Hash groups were read as single rows; correct the others.
		_ = parallel(w, func(k int) error {
			for p := k; p < P; p += w {
				for _, m := range parts[p].multi {
					out.Sizes[rankOf(mark, wrank, int(m.first))] = int64(m.cnt)
				}
				parts[p] = part{}
			}
			return nil
		})
	}
	return out, nil
}

// alloc makes the output for total groups, its slices made (and so
// cleared) by w goroutines at once. Code columns are first cut from
// spares, scratch no longer used, as long as they fit: every code is
// written before it is read, and memory already touched is much cheaper
// than fresh memory.
func (j *job) alloc(total, w int, spares [][]uint32) *Groups {
	out := &Groups{N: total}
	if j.codes {
		out.Codes = make([][]uint32, len(j.cols))
		for c := range out.Codes {
			for i, s := range spares {
				if len(s) >= total {
					out.Codes[c], spares[i] = s[:total:total], s[total:]
					break
				}
			}
		}
	}
	// Item 0 is Sizes, 1 First, 2+c Codes[c].
	items := 2 + len(out.Codes)
	_ = parallel(min(w, items), func(k int) error {
		for i := k; i < items; i += w {
			switch {
			case i == 0:
				out.Sizes = make([]int64, total)
			case i == 1 && j.first:
				out.First = make([]int, total)
			case i >= 2 && out.Codes[i-2] == nil:
				out.Codes[i-2] = make([]uint32, total)
			}
		}
		return nil
	})
	// Every goroutine maps its share of every column, so that the
	// columns' sizes do not unbalance them.
	prefaultAll(out.Sizes, w)
	prefaultAll(out.First, w)
	for _, c := range out.Codes {
		prefaultAll(c, w)
	}
	return out
}

// multi is a hash group of more than one row: its first row and count.
type multi struct {
	first, cnt uint32
}

// rankOf returns the number of first rows before row f.
func rankOf(mark []uint64, wrank []uint32, f int) int {
	i := f >> 6
	if i == len(mark) {
		return int(wrank[i])
	}
	return int(wrank[i]) + bits.OnesCount64(mark[i]&(1<<(f&63)-1))
}

// groups returns the number of groups t has counted so far: a dense part
// lists them in subs, a hash part counts them in ngroups.
func (t *part) groups() int { return len(t.subs) + t.ngroups }

// countDenseMark counts unweighted rows, buffered as (key within the
// partition, row) pairs, in the dense array and marks the first row of
// each new key in mark, without a branch.
func (t *part) countDenseMark(es []uint32, mark []uint64) {
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

// countHashMark counts unweighted rows in the hash table, whose slots
// hold each group's first row and count, and marks first rows in mark.
func (t *part) countHashMark(es []hentry, pbits uint, mark []uint64) {
	for _, e := range es {
		if 4*(t.ngroups+1) > 3*len(t.slots) {
			t.resize(2*len(t.slots), pbits)
		}
		slots := t.slots
		mask := uint64(len(slots) - 1)
		key := e.key()
		i := ((key * mul) << pbits) >> t.shift
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

// newCompact gives t a compact table, spare's if it has one.
func (t *part) newCompact(spare *part) {
	s, m := spare.cslots, spare.cmore
	if s == nil {
		s, m = make([]cslot, minSlots), make([]uint32, minSlots)
	} else {
		spare.cslots, spare.cmore = nil, nil
		clear(s)
		clear(m)
	}
	t.cslots, t.cmore, t.cshift = s, m, uint(32-bits.TrailingZeros(uint(len(s))))
}

// countCompact counts unweighted rows, buffered as (hash bits, row)
// pairs (layout.compact), in t's compact table, and marks first rows.
func (t *part) countCompact(es []uint32, mark []uint64) {
	for k := 0; k+1 < len(es); k += 2 {
		v, row := es[k], es[k+1]
		if 4*(t.ngroups+1) > 3*len(t.cslots) {
			t.resizeCompact(2 * len(t.cslots))
		}
		slots := t.cslots
		mask := uint32(len(slots) - 1)
		i := v >> t.cshift
		for {
			s := &slots[i]
			if s.first1 == 0 {
				*s = cslot{v, row + 1}
				t.ngroups++
				mark[row>>6] |= 1 << (row & 63)
				break
			}
			if s.v == v {
				t.cmore[i]++
				break
			}
			i = (i + 1) & mask
		}
	}
}

// reserveCompact makes room for n groups in t's compact table.
func (t *part) reserveCompact(n int) {
	if 4*n > 3*len(t.cslots) {
		t.resizeCompact(1 << bits.Len(uint((4*n+2)/3)))
	}
}

// resizeCompact rehashes t's compact table into size slots, a power of
// two.
func (t *part) resizeCompact(size int) {
	old, more := t.cslots, t.cmore
	t.cslots, t.cmore = make([]cslot, size), make([]uint32, size)
	t.cshift = uint(32 - bits.TrailingZeros(uint(size)))
	mask := uint32(size - 1)
	for k, s := range old {
		if s.first1 == 0 {
			continue
		}
		i := s.v >> t.cshift
		for t.cslots[i].first1 != 0 {
			i = (i + 1) & mask
		}
		t.cslots[i], t.cmore[i] = s, more[k]
	}
}

// reserveSlots makes room for n groups in t's hash table.
func (t *part) reserveSlots(n int, pbits uint) {
	if 4*n > 3*len(t.slots) {
		t.resize(1<<bits.Len(uint((4*n+2)/3)), pbits)
	}
}

// finishPlain is called once t has counted all its rows: a dense part's
// counts replace its keys in subs, in place; a hash part lists its
// groups of more than one row; and t's index goes to spare for the next
// partition.
func (t *part) finishPlain(spare *part) {
	if t.dense != nil {
		s := t.subs
		for id, sub := range s {
			s[id] = t.dense[sub]
		}
		t.cnts = s
	} else if t.nrows > t.ngroups {
		m := 0
		for _, s := range t.slots {
			if s.cnt > 1 {
				m++
			}
		}
		for _, c := range t.cmore {
			if c > 0 {
				m++
			}
		}
		t.multi = make([]multi, 0, m)
		for _, s := range t.slots {
			if s.cnt > 1 {
				t.multi = append(t.multi, multi{s.id, s.cnt})
			}
		}
		for i, c := range t.cmore {
			if c > 0 {
				t.multi = append(t.multi, multi{t.cslots[i].first1 - 1, c + 1})
			}
		}
	}
	if len(t.cslots) > len(spare.cslots) {
		spare.cslots, spare.cmore = t.cslots, t.cmore
	}
	t.cslots, t.cmore = nil, nil
	if cap(t.dense) > cap(spare.dense) {
		spare.dense = t.dense
	}
	if len(t.slots) > len(spare.slots) {
		spare.slots = t.slots
	}
	t.dense, t.slots, t.subs = nil, nil, nil
}

// lastMask keeps the bits of rows below hi in the word holding row hi-1.
func lastMask(hi int) uint64 {
	if hi&63 == 0 {
		return ^uint64(0)
	}
	return 1<<(hi&63) - 1
}

// readRange reads the marked rows of [lo, hi), whose first group id is
// at, in batches: it writes their codes, first rows and sizes to out.
// cur[p] is the number of groups of partition p read so far.
func (j *job) readRange(l layout, mark []uint64, lo, hi, at int, cnts [][]uint32, cur []uint32, out *Groups) {
	if lo >= hi {
		return
	}
	var fb [batchSize]uint32
	m := 0
	a, b := lo>>6, (hi-1)>>6
	for wi := a; wi <= b; wi++ {
		word := mark[wi]
		if wi == a {
			word &^= 1<<(lo&63) - 1
		}
		if wi == b {
			word &= lastMask(hi)
		}
		for word != 0 {
			fb[m] = uint32(wi<<6 + bits.TrailingZeros64(word))
			word &= word - 1
			m++
			if m == batchSize {
				j.readBatch(l, fb[:], at, cnts, cur, out)
				at += m
				m = 0
			}
		}
	}
	j.readBatch(l, fb[:m], at, cnts, cur, out)
}

// readBatch handles the first rows fs of groups at, at+1, …: it writes
// their codes and first rows and, dense, their sizes: their codes give
// their keys and partitions, whose next counts are their sizes. Hash
// groups are given size 1 here.
func (j *job) readBatch(l layout, fs []uint32, at int, cnts [][]uint32, cur []uint32, out *Groups) {
	if len(fs) == 0 {
		return
	}
	sizes := out.Sizes[at : at+len(fs)]
	if !l.dense {
		for i := range sizes {
			sizes[i] = 1
		}
		if out.Codes != nil {
			for c, col := range j.cols {
				dst := out.Codes[c][at : at+len(fs)]
				for i, f := range fs {
					dst[i] = col[f]
				}
			}
		}
	} else {
		var kb [batchSize]uint64
		k := kb[:len(fs)]
		for c, col := range j.cols {
			card := j.cards[c]
			if out.Codes != nil {
				dst := out.Codes[c][at : at+len(fs)]
				for i, f := range fs {
					x := col[f]
					dst[i] = x
					k[i] = k[i]*card + uint64(x)
				}
				continue
			}
			for i, f := range fs {
				k[i] = k[i]*card + uint64(col[f])
			}
		}
		for i, key := range k {
			p := key >> subBits
			sizes[i] = int64(cnts[p][cur[p]])
			cur[p]++
		}
	}
	if out.First != nil {
		first := out.First[at : at+len(fs)]
		for i, f := range fs {
			first[i] = int(f)
		}
	}
}
