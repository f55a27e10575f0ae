package anonymity

import (
	"math/bits"
	"slices"
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
}

func (u *qiPacked) len() int { return u.n }

// qiPackBlock is the number of items packed at a time, in arrays on the
// stack.
const qiPackBlock = 512

// pack returns u's items sorted on their first column (a counting sort)
// and packed, in w's buffers (reused from walk to walk). Fields take bits
// in order — the weight, then the columns — each in the first word with
// room left, a new word when none has.
func (w *qiWalker) pack(u *qiUniverse) *qiPacked {
	n := u.len()
	p := &qiPacked{cols: u.cols, cards: u.cards, fields: make([]qiField, len(u.cols)), n: n}
	var maxWeight int64
	for _, x := range u.weights {
		maxWeight = max(maxWeight, x)
	}
	var used []uint // bits used in each word
	place := func(width int) (word int, shift uint) {
		for i, b := range used {
			if int(b)+width <= 64 {
				used[i] += uint(width)
				return i, b
			}
		}
		used = append(used, uint(width))
		return len(used) - 1, 0
	}
	type slot struct{ word, width int }
	slots := make([]slot, len(u.cols)+1) // the weight, then the columns
	shifts := make([]uint, len(slots))
	for f := range slots {
		width := bits.Len64(uint64(maxWeight))
		if f > 0 {
			width = bits.Len32(max(u.cards[f-1], 1) - 1)
		}
		slots[f].width = width
		slots[f].word, shifts[f] = place(width)
	}
	for len(w.words) < len(used) {
		w.words = append(w.words, nil)
	}
	for i := range used {
		if cap(w.words[i]) < n {
			w.words[i] = make([]uint64, n)
		}
		w.words[i] = w.words[i][:n]
	}
	field := func(f int) qiField {
		return qiField{word: w.words[slots[f].word], shift: shifts[f], mask: 1<<slots[f].width - 1}
	}
	p.weight = field(0)
	for k := range p.fields {
		p.fields[k] = field(k + 1)
	}
	if n == 0 {
		return p
	}
	// next[c]: where the next item of code c of the first column goes.
	next := w.pos[:u.cards[0]]
	clear(next)
	for _, c := range u.codes[0] {
		next[c]++
	}
	at := uint32(0)
	for c, k := range next {
		next[c], at = at, at+k
	}
	var dest [qiPackBlock]uint32
	var word [qiPackBlock]uint64
	for lo := 0; lo < n; lo += qiPackBlock {
		hi := min(lo+qiPackBlock, n)
		for i, c := range u.codes[0][lo:hi] {
			dest[i] = next[c]
			next[c]++
		}
		for wi := range used {
			buf := word[:hi-lo]
			clear(buf)
			for f, s := range slots {
				if s.word != wi || s.width == 0 {
					continue
				}
				sh := shifts[f]
				if f == 0 {
					for i, x := range u.weights[lo:hi] {
						buf[i] |= uint64(x) << sh
					}
					continue
				}
				for i, c := range u.codes[f-1][lo:hi] {
					buf[i] |= uint64(c) << sh
				}
			}
			out := w.words[wi]
			for i, x := range buf {
				out[dest[i]] = x
			}
		}
	}
	return p
}

// first sets q to the partition of w.u's items on its first column: runs
// of equal codes, since the items are sorted on it.
func (w *qiWalker) first(q *qiPart) {
	u := w.u
	col, wt := u.fields[0], u.weight
	q.alone, q.alonePairs = 0, 0
	if cap(q.items) < u.n {
		q.items = make([]uint32, 0, u.n)
	}
	q.items, q.ends, q.weights = q.items[:0], q.ends[:0], q.weights[:0]
	for lo := 0; lo < u.n; {
		c := col.at(uint32(lo))
		hi, s := lo+1, int64(wt.at(uint32(lo)))
		for ; hi < u.n && col.at(uint32(hi)) == c; hi++ {
			s += int64(wt.at(uint32(hi)))
		}
		if hi == lo+1 {
			q.alone++
			q.alonePairs += pairsOf(s)
		} else {
			for it := lo; it < hi; it++ {
				q.items = append(q.items, uint32(it))
			}
			q.ends = append(q.ends, len(q.items))
			q.weights = append(q.weights, s)
		}
		lo = hi
	}
}

// maxCard returns the most values of u's columns.
func (u *qiUniverse) maxCard() uint32 {
	if len(u.cards) == 0 {
		return 0
	}
	return slices.Max(u.cards)
}
