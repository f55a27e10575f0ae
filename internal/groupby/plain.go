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
//
// The phases: scatter and count each chunk (countChunks driving
// plainRun.scatter and plainRun.count), merge and rank the bitmaps
// (plainRun.rank), read the marked rows into the output
// (plainRun.output).
func (j *job) runPlain(n, w int) (*Groups, error) {
	r := j.newPlainRun(n, w)
	if err := countChunks(n, w, r.chunk, r); err != nil {
		return nil, err
	}
	r.hbufs, r.dbufs = nil, nil
	if r.denseAll != nil {
		r.spares = append(r.spares, r.denseAll)
		r.denseAll = nil
	}
	r.subsAll = nil
	r.rank()
	return r.output()
}

// plainRun is the state runPlain's phases share.
type plainRun struct {
	j                 *job
	l                 layout
	n, w, chunk, P    int
	lo                []int // lo[r] is the first row of range r; range r of chunk c and worker k is r = c·w + k
	starts            []uint32
	parts             []part
	oneChunk          bool
	words             int
	marks             [][]uint64 // per worker, merged into marks[0] by rank
	denseAll, subsAll []uint32
	subCap            int
	hbufs             [][][]hentry
	dbufs             [][][]uint32
	spares            [][]uint32 // dead scratch, reused for the output's code columns
	mark              []uint64   // once ranked: the bitmap of first rows
	wrank             []uint32   // once ranked: wrank[i] is the number of first rows before word i
	total             int        // once ranked: the number of groups
}

// plainLayout is layout for runPlain: hash entries are compact (8 bytes
// instead of 12) when the hash bits left after the partition's fit in
// 32, with more partitions if that is what it takes.
func (j *job) plainLayout(n int) layout {
	l := j.layout(n, j.dense)
	if l.dense {
		return l
	}
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

// rangeRowsFor returns the rows per range of a layout: the test knob's,
// or the default of its counter.
func (j *job) rangeRowsFor(l layout) int {
	switch {
	case j.ranges != 0:
		return j.ranges
	case l.dense:
		return rangeRows
	}
	return hashRangeRows
}

// rangeStarts returns the first row of every range of chunks of chunk
// rows split between w workers, then n.
func rangeStarts(n, w, chunk int) []int {
	var lo []int
	for c := 0; c < n; c += chunk {
		b := bounds(min(n, c+chunk)-c, w)
		for k := range w {
			lo = append(lo, c+b[k])
		}
	}
	return append(lo, n)
}

// newPlainRun lays out the partitions and ranges and allocates the
// scratch: in a few large blocks, carved up, so that the blocks freed by
// one call fit the next call's (and its output) again.
func (j *job) newPlainRun(n, w int) *plainRun {
	l := j.plainLayout(n)
	r := &plainRun{j: j, l: l, n: n, w: w, P: l.parts}
	r.chunk = w * j.rangeRowsFor(l)
	r.lo = rangeStarts(n, w, r.chunk)
	P := r.P
	// Dense: starts[r·P+p] is the number of groups of partition p first
	// seen before range r.
	if l.dense {
		r.starts = make([]uint32, (len(r.lo)-1)*P)
	}
	r.parts = make([]part, P)
	r.words = (n + 63) / 64
	r.marks = make([][]uint64, w)
	markAll := make([]uint64, w*r.words)
	for k := range r.marks {
		r.marks[k] = markAll[k*r.words : (k+1)*r.words]
	}
	r.subCap = min(1<<subBits, n)
	// With one chunk, a partition is counted in one go and hands its
	// array on to the worker's next partition; with more, dense
	// partitions keep their arrays from chunk to chunk. A partition has
	// at most one group per key.
	r.oneChunk = n <= r.chunk
	if l.dense && !r.oneChunk {
		r.denseAll = make([]uint32, j.space)
		r.subsAll = make([]uint32, (P-1)*r.subCap+min(int(j.space-uint64(P-1)<<subBits), n))
	}
	est := min(n, r.chunk)/w/P*9/8 + 16
	r.hbufs = make([][][]hentry, w)
	r.dbufs = make([][][]uint32, w)
	r.spares = make([][]uint32, w)
	// Each worker makes its own scratch and has it mapped at once (see
	// prefault), as it will write it.
	_ = parallel(w, func(k int) error {
		prefault(r.marks[k])
		if l.dense || l.compact {
			r.dbufs[k] = make([][]uint32, P)
			arena := make([]uint32, 2*P*est)
			prefault(arena)
			for p := range P {
				r.dbufs[k][p] = arena[2*p*est : 2*p*est : 2*(p+1)*est]
			}
			r.spares[k] = arena
		} else {
			r.hbufs[k] = make([][]hentry, P)
			arena := make([]hentry, P*est)
			prefault(arena)
			for p := range P {
				r.hbufs[k][p] = arena[p*est : p*est : (p+1)*est]
			}
		}
		return nil
	})
	// A dense array is written only where keys occur: map it ahead only
	// when there are at least as many rows as keys (uniform keys then
	// reach nearly every page), never for a sparse few.
	if r.denseAll != nil && uint64(n) >= j.space {
		prefaultAll(r.denseAll, w)
		prefaultAll(r.subsAll, w)
	}
	return r
}

// scatter buffers the rows of range x by partition, in worker k's
// buffers.
func (r *plainRun) scatter(k, x int) error {
	return r.j.scatter(r.l, r.hbufs[k], r.dbufs[k], r.lo[x], r.lo[x+1])
}

// count has worker k count its partitions' rows of the chunk starting at
// row c (its ranges start at r0), buffered by all workers' scatter, and
// finish them on the last chunk.
func (r *plainRun) count(k, c, r0 int, last bool) {
	mark := r.marks[k]
	var seenRows, seenGroups int
	var spare part
	for p := k; p < r.P; p += r.w {
		t := &r.parts[p]
		r.open(t, p, &spare)
		before := t.groups()
		rows := r.countPart(t, p, c, r0, mark, seenRows, seenGroups)
		t.nrows += rows
		seenRows += rows
		seenGroups += t.groups() - before
		if last {
			t.finishPlain(&spare)
		}
	}
}

// open gives partition p its index when it has none, spare's if it can.
func (r *plainRun) open(t *part, p int, spare *part) {
	l := r.l
	switch {
	case l.compact && t.cslots == nil:
		t.newCompact(spare)
	case l.dense && r.oneChunk:
		*t = newPart(l, p, r.j.space, spare)
		rows := 0
		for s := range r.w {
			rows += len(r.dbufs[s][p]) / 2
		}
		t.subs = make([]uint32, 0, min(len(t.dense), rows))
	case l.dense && t.dense == nil:
		base := p << subBits
		size := min(1<<subBits, int(r.j.space)-base)
		t.base, t.dense = uint64(base), r.denseAll[base:base+size]
		t.subs = r.subsAll[p*r.subCap : p*r.subCap : p*r.subCap+min(size, r.n)]
	case !l.dense && !l.compact && t.slots == nil:
		*t = newPart(l, p, r.j.space, spare)
	}
}

// countPart counts partition p's buffered rows of the chunk starting at
// row c, the workers' buffers in row order, marking first rows in mark,
// and returns their number. seenRows and seenGroups are the rows and new
// groups the worker has counted in this chunk so far.
func (r *plainRun) countPart(t *part, p, c, r0 int, mark []uint64, seenRows, seenGroups int) int {
	l := r.l
	rows, counted := 0, 0
	for s := range r.w {
		if l.dense {
			r.starts[(r0+s)*r.P+p] = uint32(len(t.subs))
			es := r.dbufs[s][p]
			rows += len(es) / 2
			t.countDenseMark(es, mark)
			r.dbufs[s][p] = es[:0]
			continue
		}
		var m int
		if l.compact {
			m = len(r.dbufs[s][p]) / 2
		} else {
			m = len(r.hbufs[s][p])
		}
		rows += m
		// Reserve as runParts does, from the share of new groups among
		// rows seen so far.
		ratio := 1.0
		if seenRows > 0 {
			ratio = float64(seenGroups) / float64(seenRows) * 1.1
		}
		left := max(m, (r.n-c)/r.P-counted)
		counted += m
		reserve := t.ngroups + int(float64(left)*min(ratio, 1))
		if l.compact {
			t.reserveCompact(reserve)
			t.countCompact(r.dbufs[s][p], mark)
			r.dbufs[s][p] = r.dbufs[s][p][:0]
			continue
		}
		t.reserveSlots(reserve, l.pbits)
		t.countHashMark(r.hbufs[s][p], l.pbits, mark)
		r.hbufs[s][p] = r.hbufs[s][p][:0]
	}
	return rows
}

// rank merges the workers' bitmaps of first rows into one, r.mark, and
// counts the marks before every word (r.wrank) and in all (r.total).
func (r *plainRun) rank() {
	w, words := r.w, r.words
	mark := r.marks[0]
	wrank := make([]uint32, words+1)
	sums := make([]int, w+1)
	_ = parallel(w, func(k int) error {
		a, b := words*k/w, words*(k+1)/w
		for _, m := range r.marks[1:] {
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
	r.marks = nil
	for k := range w {
		sums[k+1] += sums[k]
	}
	_ = parallel(w, func(k int) error {
		a, b := words*k/w, words*(k+1)/w
		x := uint32(sums[k])
		for i, m := range mark[a:b] {
			wrank[a+i] = x
			x += uint32(bits.OnesCount64(m))
		}
		return nil
	})
	r.total = sums[w]
	wrank[words] = uint32(r.total)
	r.mark, r.wrank = mark, wrank
}

// output reads the marked rows, range by range, into the output; hash
// groups of more than one row are then given their sizes.
func (r *plainRun) output() (*Groups, error) {
	j, l, w, P := r.j, r.l, r.w, r.P
	mark, wrank := r.mark, r.wrank
	out := j.alloc(r.total, w, r.spares)
	r.spares = nil
	var cnts [][]uint32
	if l.dense {
		cnts = make([][]uint32, P)
		for p := range r.parts {
			cnts[p] = r.parts[p].cnts
			r.parts[p] = part{}
		}
	}
	R := len(r.lo) - 1
	err := parallel(w, func(k int) error {
		var cur []uint32
		if l.dense {
			cur = make([]uint32, P)
		}
		for x := k; x < R; x += w {
			if canceled(j.done) {
				return errCanceled
			}
			if l.dense {
				copy(cur, r.starts[x*P:(x+1)*P])
			}
			j.readRange(l, mark, r.lo[x], r.lo[x+1], rankOf(mark, wrank, r.lo[x]), cnts, cur, out)
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
				for _, m := range r.parts[p].multi {
					out.Sizes[rankOf(mark, wrank, int(m.first))] = int64(m.cnt)
				}
				r.parts[p] = part{}
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
