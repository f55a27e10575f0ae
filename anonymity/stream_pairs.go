package anonymity

import (
	"math/bits"

	"github.com/reidrisk/reidrisk/quasiid"
)

// pairCounts counts the (class, value) pairs of one subject or sensitive
// column, chunk after chunk. A pair is the key class<<32 | value; each
// chunk's keys are radix-sorted and run-length counted into a run of
// distinct keys with their rows. Once the runs hold twice the pairs they
// held after the last merge (four times, when that merge removed few),
// they are merged into one, adding up the keys they share, in one k-way
// pass: memory stays within a small multiple of the distinct pairs, and
// each pair is written a few times in all. Merged, the runs are the class
// histograms in compressed sparse rows: sorted by class, then value.
type pairCounts struct {
	name string
	col  int // position in Table.Columns
	dict *quasiid.Dictionary
	runs []pairRun
	held int      // pairs in runs
	next int      // held at which the runs are merged
	keys []uint64 // scratch: a chunk's keys
	buf  []uint64 // scratch: the radix sort's other half
}

// pairRun holds distinct keys, ascending, and the rows of each.
type pairRun struct {
	keys []uint64
	n    []int64
}

// add counts the pairs (cmap[class[i]], values[i]) of a chunk. It returns
// the index of the first value not below card, or -1.
func (h *pairCounts) add(class, cmap, values []uint32, card uint32) int {
	if len(values) == 0 {
		return -1
	}
	if cap(h.keys) < len(values) {
		h.keys, h.buf = make([]uint64, len(values)), make([]uint64, len(values))
	}
	keys := h.keys[:len(values)]
	var or uint64
	sorted, prev := true, uint32(0) // values already ascending, as in a file sorted by subject
	for i, v := range values {
		if v >= card {
			return i
		}
		k := uint64(cmap[class[i]])<<32 | uint64(v)
		keys[i] = k
		or |= k
		sorted, prev = sorted && v >= prev, v
	}
	low := bits.Len32(uint32(or))
	if sorted { // LSD passes are stable: the value passes would change nothing
		low = 0
	}
	keys = radixSort(keys, h.buf[:len(keys)], low, bits.Len32(uint32(or>>32)))
	run := countRun(keys)
	h.runs, h.held = append(h.runs, run), h.held+len(run.keys)
	if h.next == 0 {
		h.next = 2*h.held + mergeSlack
	}
	if h.held >= h.next {
		before := h.held
		h.runs = append(h.runs[:0], mergeRuns(h.runs))
		h.held = len(h.runs[0].keys)
		h.next = 2*h.held + mergeSlack
		if h.held > before-before/8 { // few pairs repeated: merge less often
			h.next += 2 * h.held
		}
	}
	return -1
}

// mergeSlack is added to the pairs held before the runs are merged, so
// that small tables are merged once, at the end (a variable for tests).
var mergeSlack = 1 << 20

// countRun returns the distinct keys of sorted keys (at least one) with
// the number of times each occurs, sized exactly.
func countRun(keys []uint64) pairRun {
	d := 1
	for i := 1; i < len(keys); i++ {
		if keys[i] != keys[i-1] {
			d++
		}
	}
	run := pairRun{keys: make([]uint64, d), n: make([]int64, d)}
	j := 0
	run.keys[0] = keys[0]
	for _, k := range keys {
		if k != run.keys[j] {
			j++
			run.keys[j] = k
		}
		run.n[j]++
	}
	return run
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

// mergeRuns merges runs into a new one, adding up the rows of the keys
// several hold: a k-way merge over a binary min-heap of the runs' heads.
func mergeRuns(runs []pairRun) pairRun {
	if len(runs) == 1 {
		return runs[0]
	}
	total := 0
	for _, r := range runs {
		total += len(r.keys)
	}
	out := pairRun{keys: make([]uint64, 0, total), n: make([]int64, 0, total)}
	// heap holds the runs with keys left; head[r] is the key run r is at.
	heap, pos, head := make([]int, 0, len(runs)), make([]int, len(runs)), make([]uint64, len(runs))
	for r, run := range runs {
		if len(run.keys) > 0 {
			heap, head[r] = append(heap, r), run.keys[0]
		}
	}
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(heap) && head[heap[l]] < head[heap[m]] {
				m = l
			}
			if l+1 < len(heap) && head[heap[l+1]] < head[heap[m]] {
				m = l + 1
			}
			if m == i {
				return
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
	}
	for i := len(heap)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(heap) > 0 {
		r := heap[0]
		k, n := head[r], runs[r].n[pos[r]]
		if l := len(out.keys) - 1; l >= 0 && out.keys[l] == k {
			out.n[l] += n
		} else {
			out.keys, out.n = append(out.keys, k), append(out.n, n)
		}
		if pos[r]++; pos[r] < len(runs[r].keys) {
			head[r] = runs[r].keys[pos[r]]
		} else {
			heap[0] = heap[len(heap)-1]
			heap = heap[:len(heap)-1]
		}
		down(0)
	}
	return out
}

// multiset merges the runs into the Multiset of nclass classes.
func (h *pairCounts) multiset(nclass int) *Multiset {
	m := &Multiset{Name: h.name, Dict: h.dict, Offsets: make([]int, nclass+1), Values: []uint32{}, Counts: []int64{}}
	if len(h.runs) == 0 {
		return m
	}
	run := mergeRuns(h.runs)
	m.Values, m.Counts = make([]uint32, len(run.keys)), run.n
	for i, k := range run.keys {
		m.Values[i] = uint32(k)
		m.Offsets[k>>32+1]++
	}
	for c := 1; c <= nclass; c++ {
		m.Offsets[c] += m.Offsets[c-1]
	}
	return m
}
