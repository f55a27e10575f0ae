package groupby

import (
	"math/bits"
)

// Plain counting (no weights, no row ids) in partitions keeps no
// per-group first rows: counting marks each group's first row in a bitmap
// of rows (one per worker, merged by rank), and a dense partition keeps
// only its groups' counts, in order of first row, a hash partition its
// groups of more than one row. The marked rows are then read in order
// (output); a dense group's codes (the output's Codes) give its key,
// hence its partition, whose next count is the group's size. A group's id
// is the rank of its first row among the marked ones, so no count is
// written out of order.
//
// Rows are taken in ranges, one per chunk and worker; the number of
// groups of each dense partition seen before each range is noted while
// counting, so that ranges are read independently, by any worker.

// rank merges the workers' bitmaps of first rows into one, r.mark, and
// counts the marks before every word (r.wrank) and in all (r.total).
func (r *partitioned) rank() {
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

// output reads the marked rows, range by range, into the output. Dense
// partitions give their groups' sizes in cnts, with starts[x·P+p] the
// number of groups of partition p first seen before range x; hash groups
// are read as single rows, then those of more than one row, listed in
// multis, are given their sizes.
func (r *partitioned) output(cnts [][]uint32, starts []uint32, multis [][]multi) (*Groups, error) {
	j, l, w, P := r.j, r.l, r.w, r.P
	mark, wrank := r.mark, r.wrank
	out := j.alloc(r.total, w, r.spares)
	r.spares = nil
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
				copy(cur, starts[x*P:(x+1)*P])
			}
			j.readRange(l, mark, r.lo[x], r.lo[x+1], rankOf(mark, wrank, r.lo[x]), cnts, cur, out)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if multis != nil {
		_ = parallel(w, func(k int) error {
			for p := k; p < P; p += w {
				for _, m := range multis[p] {
					out.Sizes[rankOf(mark, wrank, int(m.first))] = int64(m.cnt)
				}
				multis[p] = nil
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
