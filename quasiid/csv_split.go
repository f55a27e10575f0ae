package quasiid

import (
	"encoding/binary"
	"math/bits"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// csvBatchRows is the number of records the fast path splits before
// coding them column by column: their field bounds stay in the L1 cache.
const csvBatchRows = 256

// blankLine skips the blank line (or the lone \r at the end of the
// input) at data[*pos], if there is one, counting it as encoding/csv
// skips it.
func (p *csvFields) blankLine(data []byte, pos *int) bool {
	i := *pos
	b := data[i]
	if b != '\n' && (b != '\r' || (i+1 < len(data) && data[i+1] != '\n')) {
		return false
	}
	if b == '\r' {
		i++
	}
	if i < len(data) {
		i++
		p.lines++
		p.trail++
	}
	*pos = i
	return true
}

// split records the bounds of the fields of the record data[pos:end],
// which holds no quote and no newline (end is at a newline or at the end
// of the input), as row row of the batch: field f of it is
// data[b[f]:b[f+1]-1] for b the row's ncol+1 bounds. A \r ending the
// record is dropped. The delimiters are found eight bytes at a time. It
// reports false if the record has another number of fields than ncol.
func (p *csvFields) split(data []byte, pos, end, row int) bool {
	stride := p.ncol + 1
	if len(p.bounds) < (row+1)*stride {
		p.bounds = append(p.bounds, make([]uint32, (row+1)*stride-len(p.bounds))...)
	}
	b := p.bounds[row*stride : (row+1)*stride]
	b[0] = uint32(pos)
	f := 0
	for i := pos; i < end; i += 8 {
		m := zeroBytes(load8(data, i) ^ p.delims)
		if end-i < 8 {
			m &= 1<<(8*uint(end-i)) - 1
		}
		for ; m != 0; m &= m - 1 {
			if f++; f == p.ncol {
				return false
			}
			b[f] = uint32(i + bits.TrailingZeros64(m)>>3 + 1)
		}
	}
	if f != p.ncol-1 {
		return false
	}
	if end > int(b[f]) && data[end-1] == '\r' {
		end--
	}
	b[p.ncol] = uint32(end + 1)
	return true
}

// load8 returns the eight bytes of data from i on, little-endian, zeros
// past the end.
func load8(data []byte, i int) uint64 {
	if i+8 <= len(data) {
		return binary.LittleEndian.Uint64(data[i:])
	}
	var t [8]byte
	copy(t[:], data[i:])
	return binary.LittleEndian.Uint64(t[:])
}

// zeroBytes returns x with the top bit of each zero byte set and every
// other bit clear (exact: no false positive after a zero byte).
func zeroBytes(x uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^((x&low7 + low7) | x | low7)
}

// keyCodes caches the codes of fields of at most 15 bytes, each packed
// with its length into two words (packKey), in an open-addressing table:
// for the values of a typical quasi-identifier, or an account id, it is
// several times faster than a map lookup by string.
type keyCodes struct {
	slots []keySlot // hi == 0 marks an empty slot; a packed key's hi is never 0
	n     int
	shift uint // 64 - log2(len(slots)): the hash's top bits index the slots
}

type keySlot struct {
	lo, hi uint64
	code   uint32
}

// packKey packs v, of at most 15 bytes: its first eight bytes in lo, the
// others in hi, with len(v)+1 in hi's top byte.
func packKey(v []byte) (lo, hi uint64) {
	for i, c := range v {
		if i < 8 {
			lo |= uint64(c) << (8 * i)
		} else {
			hi |= uint64(c) << (8 * (i - 8))
		}
	}
	return lo, hi | uint64(len(v)+1)<<56
}

// packKey16 is packKey of b[:n], n ≤ 15, for b of at least 16 bytes: two
// loads and masks.
func packKey16(b []byte, n int) (lo, hi uint64) {
	m := &keyMasks[n&15]
	b = b[:16]
	lo = binary.LittleEndian.Uint64(b) & m[0]
	hi = binary.LittleEndian.Uint64(b[8:]) & m[1]
	return lo, hi | uint64(n+1)<<56
}

// keyMasks holds, for n from 0 to 15, the masks of the first n bytes of
// 16 in two words.
var keyMasks = func() (m [16][2]uint64) {
	for n := range m {
		m[n][0] = ^uint64(0) >> (64 - 8*uint(min(n, 8)))
		m[n][1] = ^uint64(0) >> (64 - 8*uint(max(n-8, 0)))
	}
	return m
}()

// slot returns the slot of key (lo, hi): where it is, or the empty slot
// where it would go.
func (t *keyCodes) slot(lo, hi uint64) int {
	slots := t.slots
	mask := uint64(len(slots) - 1)
	i := t.home(lo, hi)
	for s := &slots[i]; s.hi != 0 && (s.hi != hi || s.lo != lo); s = &slots[i] {
		i = (i + 1) & mask
	}
	return int(i)
}

// get returns the code of key (lo, hi). The key's home slot is tried
// first, inline: for a small table it nearly always holds the key.
func (t *keyCodes) get(lo, hi uint64) (uint32, bool) {
	if t.n == 0 {
		return 0, false
	}
	if s := &t.slots[t.home(lo, hi)]; s.hi == hi && s.lo == lo {
		return s.code, true
	}
	return t.probe(lo, hi)
}

// probe is get past the key's home slot.
func (t *keyCodes) probe(lo, hi uint64) (uint32, bool) {
	s := &t.slots[t.slot(lo, hi)]
	return s.code, s.hi == hi
}

// home returns the slot where key (lo, hi) goes when it is free.
func (t *keyCodes) home(lo, hi uint64) uint64 {
	return ((lo ^ bits.RotateLeft64(hi, 29)) * 0x9e3779b97f4a7c15) >> t.shift
}

// put records the code of key (lo, hi), which is not in the table.
func (t *keyCodes) put(lo, hi uint64, code uint32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots, t.n = make([]keySlot, max(64, 2*len(old))), 0
		prefault.Huge(t.slots) // written all over, at random
		t.shift = uint(64 - bits.TrailingZeros(uint(len(t.slots))))
		for _, s := range old {
			if s.hi != 0 {
				t.put(s.lo, s.hi, s.code)
			}
		}
	}
	t.slots[t.slot(lo, hi)] = keySlot{lo, hi, code}
	t.n++
}

// clear empties the table.
func (t *keyCodes) clear() {
	clear(t.slots)
	t.n = 0
}
