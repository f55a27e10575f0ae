package quasiid

import (
	"encoding/binary"
	"errors"
	"slices"
)

// hybridDecoder reads the RLE / bit-packed hybrid encoding of the Parquet
// format (definition levels, dictionary indices): a sequence of runs, each
// led by a ULEB128 header h; h&1 == 0 is a run of h>>1 copies of one value
// stored in ceil(width/8) little-endian bytes, h&1 == 1 is h>>1 groups of
// eight values of width bits each, packed from the least significant bit
// (Apache Parquet, "Encodings": RLE). It decodes in pieces: read resumes
// where the last call stopped.
type hybridDecoder struct {
	data  []byte
	pos   int
	width int
	mask  uint64
	rle   int64     // values left in the current repeated run
	val   uint32    // value of the repeated run
	lit   int64     // values left in the current bit-packed run, buffered ones included
	buf   [8]uint32 // the current bit-packed group
	at    int       // next value of buf to hand out; 8 when buf is empty
	// mul[i] moves value i of a group of width up to 8 to the top byte
	// of a word (unpackMapped).
	mul [8]uint64
}

var errHybridEnd = errors.New("RLE/bit-packed data ends before its values")

// identity maps each value of up to 8 bits to itself: unpackMapped
// through it unpacks.
var identity = func() (t [256]uint32) {
	for i := range t {
		t[i] = uint32(i)
	}
	return t
}()

// reset starts decoding data, values of width bits (0 to 32).
func (d *hybridDecoder) reset(data []byte, width int) error {
	if width < 0 || width > 32 {
		return errors.New("RLE/bit-packed bit width above 32")
	}
	*d = hybridDecoder{data: data, width: width, mask: 1<<uint(width) - 1, at: 8}
	for i := range d.mul {
		d.mul[i] = 1 << 56 >> uint(i*width)
	}
	return nil
}

// read fills out with the next values and returns how many it read: fewer
// than len(out) only with an error.
func (d *hybridDecoder) read(out []uint32) (int, error) {
	n := 0
	for n < len(out) {
		k, run, err := d.next(out[n:])
		if err != nil {
			return n, err
		}
		if run {
			fillRun(out[n:n+k], d.val)
		}
		n += k
	}
	return n, nil
}

// next reads the next values, at most len(out) (> 0), of one run: k
// copies of d.val, not written to out (run true), or k values of a
// bit-packed run, put in out. A caller mapping each value to a code maps
// a repeated run once.
func (d *hybridDecoder) next(out []uint32) (k int, run bool, err error) {
	for {
		switch {
		case d.rle > 0:
			k := int(min(d.rle, int64(len(out))))
			d.rle -= int64(k)
			return k, true, nil
		case d.lit > 0 && d.at < 8:
			k := copy(out[:min(int64(8-d.at), d.lit, int64(len(out)))], d.buf[d.at:])
			d.at += k
			d.lit -= int64(k)
			return k, false, nil
		case d.lit > 0:
			// Whole groups into out, or the next one into d.buf.
			if k, err := d.unpackGroups(out); k > 0 || err != nil {
				return k, false, err
			}
		default:
			if err := d.header(); err != nil {
				return 0, false, err
			}
		}
	}
}

// unpackGroups unpacks whole groups of the current bit-packed run into
// out, or the next group into d.buf when out has room for less than a
// group or the run less than one; it returns the values put in out.
func (d *hybridDecoder) unpackGroups(out []uint32) (int, error) {
	w := d.width
	n := 0
	if w <= 8 {
		// Eight values of at most 8 bits are one little-endian word.
		n = d.unpackMapped(out, &identity)
	}
	for d.lit >= 8 && len(out)-n >= 8 && d.pos+w <= len(d.data) {
		unpack8(d.data[d.pos:d.pos+w], (*[8]uint32)(out[n:n+8]), w, d.mask)
		d.pos += w
		n += 8
		d.lit -= 8
	}
	if n == 0 {
		if d.pos >= len(d.data) && w > 0 {
			return 0, errHybridEnd
		}
		// A last group may be cut short: the missing bits are padding.
		var group [32]byte
		d.pos += copy(group[:w], d.data[d.pos:])
		unpack8(group[:w], &d.buf, w, d.mask)
		d.at = 0
	}
	return n, nil
}

// readMapped is read for widths up to 8 fused with a lookup: it puts
// table[v] in out for each value v it decodes, until out is full or the
// next value is one table maps to NoCode or in a group cut short or
// partly handed out, for the caller to read through next and resolve. It
// returns the values put in out and the error of a run's header.
func (d *hybridDecoder) readMapped(out []uint32, table *[256]uint32) (int, error) {
	if d.width > 8 || d.at < 8 {
		return 0, nil
	}
	n := 0
	for n < len(out) {
		switch {
		case d.rle > 0:
			c := table[uint8(d.val)] // of ceil(width/8) bytes: below 256
			if c == NoCode {
				return n, nil
			}
			k := int(min(d.rle, int64(len(out)-n)))
			// Whole blocks of eight where out has room: the values past
			// the run are overwritten next.
			fillRun(out[n:min(n+(k+7)&^7, len(out))], c)
			d.rle -= int64(k)
			n += k
		case d.lit > 0:
			k := d.unpackMapped(out[n:], table)
			if k == 0 {
				return n, nil
			}
			n += k
		default:
			if err := d.header(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// fillRun sets every element of s to c.
func fillRun(s []uint32, c uint32) {
	for len(s) >= 8 {
		// Eight stores: an array literal goes through the stack.
		o := (*[8]uint32)(s)
		o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7] = c, c, c, c, c, c, c, c
		s = s[8:]
	}
	for i := range s {
		s[i] = c
	}
}

// unpackMapped puts table[v] in out for each value v of the whole groups
// of the current bit-packed run of values of up to 8 bits that out has
// room for, stopping before a group with a value table maps to NoCode or
// without eight bytes of data from its start; it returns the values put
// in out.
func (d *hybridDecoder) unpackMapped(out []uint32, table *[256]uint32) int {
	w := d.width
	groups := min(int(d.lit/8), len(out)/8)
	if groups == 0 || d.pos >= len(d.data) {
		return 0
	}
	g := mapGroups(d.data[d.pos:], out[:8*groups], table, &d.mul, w)
	d.pos += g * w
	d.lit -= int64(8 * g)
	return 8 * g
}

// mapGroups puts table[v] in out for each value v of the len(out)/8
// groups of eight values of w (0 to 8) bits packed in src, read as the
// little-endian word at each group's first byte; value i of a word x is
// the top byte of x*mul[i], masked. It stops before the first group with
// a value table maps to NoCode and returns the groups mapped.
func mapGroups(src []byte, out []uint32, table *[256]uint32, mul *[8]uint64, w int) int {
	// Shifts by a variable would take a register that the compiler then
	// spills: the products are by constants of the loop.
	m := uint64(uint8(1<<w - 1))
	o := out
	for len(o) >= 8 && len(src) >= 8 {
		x := binary.LittleEndian.Uint64(src)
		c0, c1, c2, c3 := table[x*mul[0]>>56&m], table[x*mul[1]>>56&m], table[x*mul[2]>>56&m], table[x*mul[3]>>56&m]
		c4, c5, c6, c7 := table[x*mul[4]>>56&m], table[x*mul[5]>>56&m], table[x*mul[6]>>56&m], table[x*mul[7]>>56&m]
		o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7] = c0, c1, c2, c3, c4, c5, c6, c7
		// NoCode, and only a code of 2^31 or more, sets the high bit.
		if (c0|c1|c2|c3|c4|c5|c6|c7)>>31 != 0 && slices.Contains(o[:8], NoCode) {
			break
		}
		src, o = src[w:], o[8:]
	}
	return (len(out) - len(o)) / 8
}

// header reads the header of the next run.
func (d *hybridDecoder) header() error {
	var h uint64
	for shift := uint(0); ; shift += 7 {
		if d.pos >= len(d.data) || shift > 28 {
			return errHybridEnd
		}
		b := d.data[d.pos]
		d.pos++
		h |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	if h&1 == 1 {
		d.lit = int64(h>>1) * 8
		return nil
	}
	size := (d.width + 7) / 8
	if d.pos+size > len(d.data) {
		return errHybridEnd
	}
	var v uint32
	for i := range size {
		v |= uint32(d.data[d.pos+i]) << (8 * i)
	}
	d.pos += size
	d.rle, d.val = int64(h>>1), v
	return nil
}

// unpack8 unpacks the eight width-bit values packed in src (width bytes).
func unpack8(src []byte, dst *[8]uint32, width int, mask uint64) {
	if width <= 8 {
		var v uint64
		for i, c := range src {
			v |= uint64(c) << (8 * i)
		}
		for i := range dst {
			dst[i] = uint32(v >> uint(i*width) & mask)
		}
		return
	}
	var words [5]uint64
	var b [40]byte
	copy(b[:], src)
	for i := range words {
		words[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	for i := range dst {
		off := i * width
		w, s := off>>6, uint(off&63)
		v := words[w] >> s
		if s+uint(width) > 64 {
			v |= words[w+1] << (64 - s)
		}
		dst[i] = uint32(v & mask)
	}
}
