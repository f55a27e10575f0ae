package anonymity

import (
	"math/bits"
	"slices"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// qiField locates one value of every item of a qiPacked — a column's code
// or the item's weight — in the bits shift, shift+1, … of word[item] that
// mask (shifted) covers.
type qiField struct {
	word  []uint64
	shift uint
	mask  uint64
}

// at returns the value of item it.
func (f qiField) at(it uint32) uint64 { return f.word[it] >> f.shift & f.mask }

// qiPacked is the table a walk runs on: a universe's items in the order
// of their first column's codes (stably), each item's codes and weight
// packed into as few 64-bit words as hold their bits (one for the 8 QIs
// of the usage table), so that a group the walk refines lies in a short
// run of memory and each of its items is read in one load.
type qiPacked struct {
	cols   []int    // QI index of each column
	cards  []uint32 // number of values of each column
	fields []qiField
	weight qiField
	n      int
	// cnt[c] and sum[c]: the items of code c of the first column and
	// their weight (in the walker's scratch until the walk's first
	// refinement, unless detached).
	cnt []uint32
	sum []int64
}

// qiPackBlock is the number of items packed or moved at a time, in
// arrays on the stack.
const qiPackBlock = 512

// qiDigitBits is the most bits of the first column's code sorted on in one
// pass: 2^11 runs being filled at once stay in cache, where scattering
// items straight to tens of thousands of runs missed it at every item.
const qiDigitBits = 11

// qiSlot places a field: bits shift, … shift+width−1 of words[word].
type qiSlot struct {
	word, width int
	shift       uint
}

// qiLayout places the fields of u's items — the weight, then the columns
// — each in the first word with room left (a new word when none has), and
// returns their slots and the number of words.
func qiLayout(u *qiUniverse) (slots []qiSlot, words int) {
	var maxWeight int64
	for _, x := range u.weights {
		maxWeight = max(maxWeight, x)
	}
	var used []int // bits used in each word
	slots = make([]qiSlot, len(u.cols)+1)
	for f := range slots {
		width := bits.Len64(uint64(maxWeight))
		if f > 0 {
			width = bits.Len32(max(u.cards[f-1], 1) - 1)
		}
		i := slices.IndexFunc(used, func(b int) bool { return b+width <= 64 })
		if i < 0 {
			i, used = len(used), append(used, 0)
		}
		slots[f] = qiSlot{word: i, width: width, shift: uint(used[i])}
		used[i] += width
	}
	return slots, len(used)
}

// pack returns u's items sorted on their first column (stably: a radix
// sort of qiDigitBits at a time, least significant first) and packed, in
// w's buffers (reused from walk to walk).
func (w *qiWalker) pack(u *qiUniverse) *qiPacked {
	n := u.len()
	slots, words := qiLayout(u)
	grow := func(bufs [][]uint64) [][]uint64 {
		for len(bufs) < words {
			bufs = append(bufs, nil)
		}
		for i := range words {
			if cap(bufs[i]) < n {
				bufs[i] = make([]uint64, n)
				prefault.Slice(bufs[i]) // written in full
			}
			bufs[i] = bufs[i][:n]
		}
		return bufs
	}
	b := bits.Len32(max(u.cards[0], 1) - 1)
	passes := max(1, (b+qiDigitBits-1)/qiDigitBits)
	digit := (b + passes - 1) / passes
	// Each pass moves the items from one set of buffers to the other; the
	// last one ends in w.words.
	w.words = grow(w.words)
	if passes > 1 {
		w.spare = grow(w.spare)
	}
	into := func(pass int) [][]uint64 {
		if (passes-1-pass)%2 == 0 {
			return w.words[:words]
		}
		return w.spare[:words]
	}
	// w.cnt[c] and w.sum[c]: the items of code c of the first column and
	// their weight, for first; next[p<<digit + d]: where the next item of
	// digit d in pass p goes.
	cnt, sum := w.cnt[:u.cards[0]], w.sum[:u.cards[0]]
	clear(cnt)
	clear(sum)
	for _, c := range u.codes[0] {
		cnt[c]++
	}
	next := make([]uint32, passes<<digit)
	for c, k := range cnt {
		for p := range passes {
			next[p<<digit+c>>(p*digit)&(1<<digit-1)] += k
		}
	}
	for p := range passes {
		run := next[p<<digit : (p+1)<<digit]
		at := uint32(0)
		for d, k := range run {
			run[d], at = at, at+k
		}
	}
	packFirst(u, slots, into(0), next[:1<<digit], digit, sum)
	for p := 1; p < passes; p++ {
		// The code's top digit may be narrower: the bits above are another field's.
		radixPass(into(p-1), into(p), slots[1], slots[1].shift+uint(p*digit), min(digit, b-p*digit), next[p<<digit:(p+1)<<digit])
	}
	p := &qiPacked{cols: u.cols, cards: u.cards, fields: make([]qiField, len(u.cols)), n: n, cnt: cnt, sum: sum}
	field := func(s qiSlot) qiField {
		return qiField{word: w.words[s.word], shift: s.shift, mask: 1<<s.width - 1}
	}
	p.weight = field(slots[0])
	for k := range p.fields {
		p.fields[k] = field(slots[k+1])
	}
	return p
}

// packFirst packs u's items into dst, scattered on the lowest digit bits
// of their first column's code: the item of digit d goes to next[d],
// which moves on. It adds the weight of each item of code c to sum[c].
func packFirst(u *qiUniverse, slots []qiSlot, dst [][]uint64, next []uint32, digit int, sum []int64) {
	var dest [qiPackBlock]uint32
	var word [qiPackBlock]uint64
	mask := uint32(1)<<digit - 1
	for lo := 0; lo < u.len(); lo += qiPackBlock {
		hi := min(lo+qiPackBlock, u.len())
		wts := u.weights[lo:hi]
		for i, c := range u.codes[0][lo:hi] {
			dest[i] = next[c&mask]
			next[c&mask]++
			sum[c] += wts[i]
		}
		for wi, out := range dst {
			buf := word[:hi-lo]
			clear(buf)
			for f, s := range slots {
				switch {
				case s.word != wi || s.width == 0:
				case f == 0:
					for i, x := range u.weights[lo:hi] {
						buf[i] |= uint64(x) << s.shift
					}
				default:
					for i, c := range u.codes[f-1][lo:hi] {
						buf[i] |= uint64(c) << s.shift
					}
				}
			}
			for i, x := range buf {
				out[dest[i]] = x
			}
		}
	}
}

// radixPass moves the items of src to dst, stably, on the digit bits of
// their words[key.word] from shift on: the item of digit d goes to
// next[d], which moves on.
func radixPass(src, dst [][]uint64, key qiSlot, shift uint, digit int, next []uint32) {
	var dest [qiPackBlock]uint32
	mask := uint64(1)<<digit - 1
	keys := src[key.word]
	for lo := 0; lo < len(keys); lo += qiPackBlock {
		hi := min(lo+qiPackBlock, len(keys))
		for i, x := range keys[lo:hi] {
			d := x >> shift & mask
			dest[i] = next[d]
			next[d]++
		}
		for wi, out := range dst {
			for i, x := range src[wi][lo:hi] {
				out[dest[i]] = x
			}
		}
	}
}

// first sets q to the partition on its first column of the items of
// w.span: runs of equal codes in order, since the items are sorted on it,
// of the numbers of items and weights pack counted.
func (w *qiWalker) first(q *qiPart) {
	u, s := w.u, w.span
	q.alone, q.alonePairs = 0, 0
	if cap(q.items) < s.n {
		q.items = make([]uint32, 0, s.n)
	}
	q.items, q.ends, q.weights = q.items[:0], q.ends[:0], q.weights[:0]
	at := uint32(s.at)
	for c := s.lo; c < s.hi; c++ {
		k := u.cnt[c]
		switch {
		case k == 1:
			q.alone++
			q.alonePairs += pairsOf(u.sum[c])
		case k > 1:
			for it := at; it < at+k; it++ {
				q.items = append(q.items, it)
			}
			q.ends = append(q.ends, len(q.items))
			q.weights = append(q.weights, u.sum[c])
		}
		at += k
	}
}

// suffix reports whether the codes of columns first, …, last lie in one
// word, each just above the one before, the last one in the top bits used
// (as qiLayout places them when every field fits in one word), and
// returns that word and the shift of the first one. Columns of one value
// (no bits) are left out.
func (u *qiPacked) suffix(first int) (word []uint64, shift uint, ok bool) {
	var end uint
	for _, f := range u.fields[min(first, len(u.fields)):] {
		switch {
		case f.mask == 0:
		case word == nil:
			word, shift, end = f.word, f.shift, f.shift+uint(bits.Len64(f.mask))
		case &f.word[0] != &word[0] || f.shift != end:
			return nil, 0, false
		default:
			end += uint(bits.Len64(f.mask))
		}
	}
	return word, shift, word != nil
}

// maxCard returns the most values of u's columns.
func (u *qiUniverse) maxCard() uint32 {
	if len(u.cards) == 0 {
		return 0
	}
	return slices.Max(u.cards)
}
