package anonymity

import (
	"math/bits"
	"sort"

	"github.com/reidrisk/reidrisk/internal/prefault"
	"github.com/reidrisk/reidrisk/quasiid"
)

// pairCounts counts the (class, value) pairs of one subject or sensitive
// column, chunk after chunk. A pair is the key class<<32 | value; each
// chunk's keys are radix-sorted (over the class digits only when the
// chunk's values ascend, as in a file sorted by subject) and run-length
// counted into a run of distinct keys with their rows, noting the least
// and greatest value it holds.
//
// The runs are kept on a stack of sequences (pairSeq), each a list of runs
// whose values follow one another: a run whose least value is not below
// the greatest of the sequence under it joins that sequence as it is, so
// the chunks of a table sorted by subject are never merged, only gathered
// class by class at the end (gather). Runs whose values overlap are merged
// two at a time, as in a merge sort, while the top sequence holds at least
// half the pairs of the one below: the sizes at least halve down the
// stack, so the runs hold under twice the distinct pairs plus a chunk's,
// and each pair is merged O(log chunks) times.
type pairCounts struct {
	name  string
	col   int // position in Table.Columns
	dict  *quasiid.Dictionary
	stack []pairSeq
	batch pairBatch // the keys of the chunks not yet sorted
	spare []uint64  // the other batch's keys, once sorted
	buf   []uint64  // scratch: the radix sort's other half
	rows  []int64   // scratch: the rows of each distinct key of a batch
	// busy is closed once the batch being sorted is counted (nil if
	// none): a batch is sorted on its own goroutine while the caller goes
	// on with the next chunks.
	busy chan struct{}
}

// pairBatch holds the keys of consecutive chunks, sorted as one: the OR of
// its keys, its least and greatest value, and whether its values ascend.
type pairBatch struct {
	keys   []uint64
	or     uint64
	lo, hi uint32
	sorted bool
}

// batchRows is the number of rows a batch of ascending chunks reaches
// before it is sorted: fewer, longer runs to gather at the end.
const batchRows = 1 << 20

// pairRun holds distinct keys, ascending, and the rows of each, with the
// least and greatest value of its keys.
type pairRun struct {
	keys   []uint64
	n      []int64
	lo, hi uint32
}

// pairSeq is a list of runs, each holding no value below the values of
// the runs before it, with the number of keys they hold.
type pairSeq struct {
	runs []pairRun
	size int
}

// maxSeqRuns bounds the runs of a sequence, so that gathering one costs
// its pairs plus at most maxSeqRuns steps per class.
const maxSeqRuns = 32

// add counts the pairs (cmap[class[i]], values[i]) of a chunk — (class[i],
// values[i]) when cmap is nil, the classes being all classes. It returns
// the index of the first value not below card, or -1. It reads class,
// cmap and values before it returns. The chunk's keys join the batch of
// the chunks before while the values ascend across them, up to batchRows;
// a batch is sorted and counted on its own goroutine.
func (h *pairCounts) add(class, cmap, values []uint32, card uint32) int {
	if len(values) == 0 {
		return -1
	}
	b := &h.batch
	at := len(b.keys)
	if cap(b.keys)-at < len(values) { // a chunk's keys, or, batching, room for a whole batch
		size := len(values)
		if at > 0 {
			size = max(at, batchRows) + len(values)
		}
		grown := make([]uint64, at, size)
		prefault.Huge(grown[:size]) // a batch fills it, and it is kept for the next
		copy(grown, b.keys)
		b.keys = grown
	}
	keys := b.keys[at : at+len(values)]
	var or uint64
	sorted, lo, hi := true, values[0], values[0] // values ascending, as in a file sorted by subject
	for i, v := range values {
		if v >= card {
			return i
		}
		c := class[i]
		if cmap != nil {
			c = cmap[c]
		}
		k := uint64(c)<<32 | uint64(v)
		keys[i] = k
		or |= k
		sorted = sorted && v >= hi
		lo, hi = min(lo, v), max(hi, v)
	}
	if at == 0 {
		b.or, b.lo, b.hi, b.sorted = or, lo, hi, sorted
	} else {
		b.or, b.sorted = b.or|or, b.sorted && sorted && lo >= b.hi
		b.lo, b.hi = min(b.lo, lo), max(b.hi, hi)
	}
	b.keys = b.keys[:at+len(values)]
	if !b.sorted || len(b.keys) >= batchRows {
		h.flush()
	}
	return -1
}

// flush hands the batch, if any, to a goroutine of its own that sorts its
// keys and counts them as a run on the stack, once the batch before is
// counted.
func (h *pairCounts) flush() {
	if len(h.batch.keys) == 0 {
		return
	}
	h.wait()
	b := h.batch
	h.batch, h.spare = pairBatch{keys: h.spare[:0]}, b.keys
	done := make(chan struct{})
	h.busy = done
	go func() {
		defer close(done)
		if cap(h.buf) < len(b.keys) {
			h.buf = make([]uint64, len(b.keys))
			prefault.Huge(h.buf)
		}
		low := bits.Len32(uint32(b.or))
		if b.sorted { // LSD passes are stable: the value passes would change nothing
			low = 0
		}
		run := h.countRun(radixSort(b.keys, h.buf[:len(b.keys)], low, bits.Len32(uint32(b.or>>32))))
		run.lo, run.hi = b.lo, b.hi
		h.stack = append(h.stack, pairSeq{runs: []pairRun{run}, size: len(run.keys)})
		h.collapse(false)
	}()
}

// wait waits for the batch being sorted, if any, to be counted.
func (h *pairCounts) wait() {
	if h.busy != nil {
		<-h.busy
		h.busy = nil
	}
}

// collapse joins the top two sequences of the stack while the top one
// follows the one below, or (with all, down to one) holds at least half
// its pairs.
func (h *pairCounts) collapse(all bool) {
	for len(h.stack) >= 2 {
		a, b := &h.stack[len(h.stack)-2], h.stack[len(h.stack)-1]
		switch {
		case a.runs[len(a.runs)-1].hi <= b.runs[0].lo:
			if len(a.runs)+len(b.runs) > maxSeqRuns {
				r := a.flat()
				*a = pairSeq{runs: []pairRun{r}, size: len(r.keys)}
			}
			a.runs, a.size = append(a.runs, b.runs...), a.size+b.size
		case all || 2*b.size >= a.size:
			r := mergeRuns(a.flat(), b.flat())
			*a = pairSeq{runs: []pairRun{r}, size: len(r.keys)}
		default:
			return
		}
		h.stack = h.stack[:len(h.stack)-1]
	}
}

// countRun returns the distinct keys of sorted keys (at least one) with
// the number of times each occurs, counted into keys themselves (a
// distinct key is written at or before the key read) and h.rows, and
// copied out sized exactly.
func (h *pairCounts) countRun(keys []uint64) pairRun {
	if cap(h.rows) < len(keys) {
		h.rows = make([]int64, len(keys)+len(keys)/4) // batches differ by a chunk's rows
	}
	out, n := keys, h.rows[:len(keys)]
	j := 0
	out[0], n[0] = keys[0], 0
	for _, k := range keys {
		if k != out[j] {
			j++
			out[j], n[j] = k, 0
		}
		n[j]++
	}
	return pairRun{keys: mappedClone(out[:j+1]), n: mappedClone(n[:j+1])}
}

// radixDigit is the width in bits of one pass of radixSort.
const radixDigit = 11

// radixSort sorts keys whose set bits lie in [0, low) and [32, 32+high),
// using buf (as long as keys) for the passes; it returns whichever of the
// two holds the result. Passes over a digit every key shares are skipped.
func radixSort(keys, buf []uint64, low, high int) []uint64 {
	var count [1 << radixDigit]int
	pass := func(shift, width int) {
		mask := uint64(1)<<width - 1
		clear(count[:])
		for _, k := range keys {
			count[k>>shift&mask]++
		}
		if count[keys[0]>>shift&mask] == len(keys) {
			return
		}
		at := 0
		for d, c := range count[:mask+1] {
			count[d] = at
			at += c
		}
		for _, k := range keys {
			d := k >> shift & mask
			buf[count[d]] = k
			count[d]++
		}
		keys, buf = buf, keys
	}
	for _, part := range [2][2]int{{0, low}, {32, high}} {
		for s := 0; s < part[1]; s += radixDigit {
			pass(part[0]+s, min(radixDigit, part[1]-s))
		}
	}
	return keys
}

// gatherBlock is about the number of pairs gather copies out of the runs
// at a time: few enough to stay in the cache.
const gatherBlock = 1 << 14

// gather lays out the runs of q as m's classes, m.Offsets as long as the
// classes plus one: class by class, the values of each run in turn, which
// ascend since each run's values follow those of the runs before; a value
// two runs hold in a class (their shared bound) is counted once, with the
// rows of both. It goes by blocks of classes holding about gatherBlock
// pairs, each run's part of a block first copied out in one stretch, so
// that reading the runs class by class does not miss the cache at each
// class of each run.
func (q *pairSeq) gather(m *Multiset) {
	// Runs of a sequence share at most their bounds: the arrays fill up.
	m.Values, m.Counts = make([]uint32, 0, q.size), make([]int64, 0, q.size)
	prefault.Huge(m.Values[:q.size])
	prefault.Huge(m.Counts[:q.size])
	off := m.Offsets
	nclass := len(off) - 1
	per := max(1, nclass*gatherBlock/max(q.size, 1)) // classes per block
	pos, cur, end := make([]int, len(q.runs)), make([]int, len(q.runs)), make([]int, len(q.runs))
	var keys []uint64
	var n []int64
	for c0 := 0; c0 < nclass; c0 += per {
		c1 := min(c0+per, nclass)
		keys, n = keys[:0], n[:0]
		for r, run := range q.runs {
			rest := run.keys[pos[r]:]
			e := pos[r] + sort.Search(len(rest), func(i int) bool { return rest[i]>>32 >= uint64(c1) })
			cur[r] = len(keys)
			keys, n = append(keys, run.keys[pos[r]:e]...), append(n, run.n[pos[r]:e]...)
			end[r], pos[r] = len(keys), e
		}
		for c := c0; c < c1; c++ {
			start := len(m.Values)
			for r := range q.runs {
				i := cur[r]
				for ; i < end[r] && keys[i]>>32 == uint64(c); i++ {
					v := uint32(keys[i])
					if l := len(m.Values) - 1; l >= start && m.Values[l] == v {
						m.Counts[l] += n[i]
					} else {
						m.Values, m.Counts = append(m.Values, v), append(m.Counts, n[i])
					}
				}
				cur[r] = i
			}
			off[c+1] = len(m.Values)
		}
	}
}

// flat returns the runs of q as one.
func (q *pairSeq) flat() pairRun {
	if len(q.runs) == 1 {
		return q.runs[0]
	}
	nclass := 0
	for _, r := range q.runs {
		nclass = max(nclass, int(r.keys[len(r.keys)-1]>>32)+1)
	}
	m := &Multiset{Offsets: make([]int, nclass+1)}
	q.gather(m)
	out := pairRun{keys: make([]uint64, len(m.Values)), n: m.Counts, lo: q.runs[0].lo, hi: q.runs[len(q.runs)-1].hi}
	for c := range len(m.Offsets) - 1 {
		for i := m.Offsets[c]; i < m.Offsets[c+1]; i++ {
			out.keys[i] = uint64(c)<<32 | uint64(m.Values[i])
		}
	}
	return out
}

// mergeRuns merges runs x and y into a new one, adding up the rows of the
// keys both hold.
func mergeRuns(x, y pairRun) pairRun {
	out := pairRun{keys: make([]uint64, len(x.keys)+len(y.keys)), n: make([]int64, len(x.keys)+len(y.keys)),
		lo: min(x.lo, y.lo), hi: max(x.hi, y.hi)}
	// The merge writes at least the longer run's keys.
	prefault.Huge(out.keys[:max(len(x.keys), len(y.keys))])
	prefault.Huge(out.n[:max(len(x.keys), len(y.keys))])
	o, i, j := 0, 0, 0
	for i < len(x.keys) && j < len(y.keys) {
		kx, ky := x.keys[i], y.keys[j]
		switch {
		case kx < ky:
			out.keys[o], out.n[o] = kx, x.n[i]
			i++
		case kx > ky:
			out.keys[o], out.n[o] = ky, y.n[j]
			j++
		default:
			out.keys[o], out.n[o] = kx, x.n[i]+y.n[j]
			i, j = i+1, j+1
		}
		o++
	}
	copy(out.n[o:], x.n[i:])
	o += copy(out.keys[o:], x.keys[i:])
	copy(out.n[o:], y.n[j:])
	o += copy(out.keys[o:], y.keys[j:])
	out.keys, out.n = out.keys[:o], out.n[:o]
	return out
}

// multiset lays out the pairs counted as the Multiset of nclass classes.
func (h *pairCounts) multiset(nclass int) *Multiset {
	m := &Multiset{Name: h.name, Dict: h.dict, Offsets: make([]int, nclass+1), Values: []uint32{}, Counts: []int64{}}
	h.flush()
	if h.wait(); len(h.stack) == 0 {
		return m
	}
	h.collapse(true)
	q := h.stack[0]
	h.stack = nil
	if len(q.runs) > 1 {
		q.gather(m)
		return m
	}
	// One run is the classes in order already: its rows are the Counts.
	run := q.runs[0]
	m.Values, m.Counts = make([]uint32, len(run.keys)), run.n
	prefault.Huge(m.Values)
	for i, k := range run.keys {
		m.Values[i] = uint32(k)
		m.Offsets[k>>32+1]++
	}
	for c := 1; c <= nclass; c++ {
		m.Offsets[c] += m.Offsets[c-1]
	}
	return m
}

// mappedClone is slices.Clone with the new array mapped at once, on huge
// pages where the kernel gives them: the runs are kept to the end.
func mappedClone[T any](s []T) []T {
	out := make([]T, len(s))
	prefault.Huge(out)
	copy(out, s)
	return out
}
