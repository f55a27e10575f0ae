package anonymity

import (
	"math/bits"

	"github.com/reidrisk/reidrisk/quasiid"
)

// pairCounts counts the (class, value) pairs of one subject or sensitive
// column, chunk after chunk. A pair is the key class<<32 | value; each
// chunk's keys are radix-sorted and run-length counted into a run of
// distinct keys with their rows, and runs of similar length are merged
// (adding up the keys they share) as they come, so at most about log₂ of
// the chunks' runs are held, and never more pairs than they hold together.
// Merged, the runs are the class histograms in compressed sparse rows:
// sorted by class, then value.
type pairCounts struct {
	name string
	col  int // position in Table.Columns
	dict *quasiid.Dictionary
	runs []pairRun // each at most about half the one below it
	keys []uint64  // scratch: a chunk's keys
	buf  []uint64  // scratch: the radix sort's other half
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
	h.runs = append(h.runs, countRun(keys))
	for l := len(h.runs); l >= 2 && 2*len(h.runs[l-1].keys) >= len(h.runs[l-2].keys); l-- {
		h.runs[l-2] = mergeRuns(h.runs[l-2], h.runs[l-1])
		h.runs = h.runs[:l-1]
	}
	return -1
}

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

// mergeRuns merges two runs into a new one, adding up the rows of the keys
// both hold.
func mergeRuns(a, b pairRun) pairRun {
	out := pairRun{keys: make([]uint64, 0, len(a.keys)+len(b.keys)), n: make([]int64, 0, len(a.keys)+len(b.keys))}
	i, j := 0, 0
	for i < len(a.keys) && j < len(b.keys) {
		switch ka, kb := a.keys[i], b.keys[j]; {
		case ka < kb:
			out.keys, out.n = append(out.keys, ka), append(out.n, a.n[i])
			i++
		case kb < ka:
			out.keys, out.n = append(out.keys, kb), append(out.n, b.n[j])
			j++
		default:
			out.keys, out.n = append(out.keys, ka), append(out.n, a.n[i]+b.n[j])
			i, j = i+1, j+1
		}
	}
	out.keys, out.n = append(out.keys, a.keys[i:]...), append(out.n, a.n[i:]...)
	out.keys, out.n = append(out.keys, b.keys[j:]...), append(out.n, b.n[j:]...)
	return out
}

// multiset merges the runs into the Multiset of nclass classes.
func (h *pairCounts) multiset(nclass int) *Multiset {
	m := &Multiset{Name: h.name, Dict: h.dict, Offsets: make([]int, nclass+1), Values: []uint32{}, Counts: []int64{}}
	if len(h.runs) == 0 {
		return m
	}
	for len(h.runs) > 1 {
		l := len(h.runs)
		h.runs[l-2] = mergeRuns(h.runs[l-2], h.runs[l-1])
		h.runs = h.runs[:l-1]
	}
	run := h.runs[0]
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
