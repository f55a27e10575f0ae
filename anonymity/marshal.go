package anonymity

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/reidrisk/reidrisk/quasiid"
)

// The binary form of Classes, version 1. Integers are unsigned varints
// (encoding/binary), strings a varint length and their bytes:
//
//	"RRCL" version(1 byte)
//	rows, qi count, then per QI: name, dictionary
//	classes, then per QI the code of every class, then every size
//	flags (1 byte: 1 subjects, 2 row classes)
//	[subjects multiset] sensitive count, multisets  [row count, row classes]
//
// A dictionary is its length, null code + 1 (0: no null) and its values
// in code order (the null slot omitted). A multiset is its name, its
// dictionary, the number of entries of every class, then all values and
// all counts. Values travel as strings, so a table read elsewhere merges
// by value.
const (
	marshalMagic   = "RRCL"
	marshalVersion = 1
)

// MarshalBinary encodes c by value: dictionaries as strings, then codes,
// sizes, multisets and, when present, row classes. It implements
// encoding.BinaryMarshaler, for shuffles between workers.
func (c *Classes) MarshalBinary() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("anonymity: MarshalBinary: %w", err)
	}
	b := append([]byte(marshalMagic), marshalVersion)
	b = binary.AppendUvarint(b, uint64(c.Rows))
	b = binary.AppendUvarint(b, uint64(len(c.QI)))
	for j, name := range c.QI {
		b = appendString(b, name)
		b = appendDict(b, c.Dicts[j])
	}
	b = binary.AppendUvarint(b, uint64(c.Len()))
	for _, codes := range c.Codes {
		for _, v := range codes {
			b = binary.AppendUvarint(b, uint64(v))
		}
	}
	for _, s := range c.Sizes {
		b = binary.AppendUvarint(b, uint64(s))
	}
	var flags byte
	if c.Subjects != nil {
		flags |= 1
	}
	if c.RowClass != nil {
		flags |= 2
	}
	b = append(b, flags)
	if c.Subjects != nil {
		b = appendMultiset(b, c.Subjects)
	}
	b = binary.AppendUvarint(b, uint64(len(c.Sensitive)))
	for _, m := range c.Sensitive {
		b = appendMultiset(b, m)
	}
	if c.RowClass != nil {
		b = binary.AppendUvarint(b, uint64(len(c.RowClass)))
		for _, r := range c.RowClass {
			b = binary.AppendUvarint(b, uint64(r))
		}
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendDict(b []byte, d *quasiid.Dictionary) []byte {
	b = binary.AppendUvarint(b, uint64(d.Len()))
	b = binary.AppendUvarint(b, uint64(d.Null()+1)) // NoCode+1 wraps to 0
	for v := range d.Len() {
		if !d.IsNull(uint32(v)) {
			b = appendString(b, d.Value(uint32(v)))
		}
	}
	return b
}

func appendMultiset(b []byte, m *Multiset) []byte {
	b = appendString(b, m.Name)
	b = appendDict(b, m.Dict)
	for k := range len(m.Offsets) - 1 {
		b = binary.AppendUvarint(b, uint64(m.Offsets[k+1]-m.Offsets[k]))
	}
	for _, v := range m.Values {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, n := range m.Counts {
		b = binary.AppendUvarint(b, uint64(n))
	}
	return b
}

// UnmarshalBinary decodes data written by MarshalBinary into c, with
// fresh dictionaries. Corrupt or truncated input gives an error, never a
// panic, and is checked for consistency: codes within dictionaries, sizes
// positive and summing to the rows, each class's histograms summing to
// its size with values ascending.
func (c *Classes) UnmarshalBinary(data []byte) error {
	r := &reader{b: data}
	if len(data) < len(marshalMagic)+1 || string(data[:len(marshalMagic)]) != marshalMagic {
		return errors.New("anonymity: UnmarshalBinary: not a class table (bad magic)")
	}
	if v := data[len(marshalMagic)]; v != marshalVersion {
		return fmt.Errorf("anonymity: UnmarshalBinary: version %d; this build reads version %d", v, marshalVersion)
	}
	r.pos = len(marshalMagic) + 1
	var out Classes
	out.Rows = int64(r.uvarint())
	nqi := r.count()
	for range nqi {
		out.QI = append(out.QI, r.str())
		out.Dicts = append(out.Dicts, r.dict())
	}
	n := r.count()
	out.Codes = make([][]uint32, nqi)
	for j := range out.Codes {
		out.Codes[j] = r.uint32s(n)
	}
	out.Sizes = make([]int64, n)
	for k := range out.Sizes {
		out.Sizes[k] = int64(r.uvarint())
	}
	flags := r.byte()
	if flags&^3 != 0 {
		r.fail("unknown flags %#x", flags)
	}
	if flags&1 != 0 {
		out.Subjects = r.multiset(n)
	}
	ns := r.count()
	for range ns {
		out.Sensitive = append(out.Sensitive, r.multiset(n))
	}
	if flags&2 != 0 {
		out.RowClass = r.uint32s(r.count())
	}
	if r.err == nil && r.pos != len(data) {
		r.fail("%d trailing bytes", len(data)-r.pos)
	}
	if r.err != nil {
		return fmt.Errorf("anonymity: UnmarshalBinary: at byte %d: %w", r.pos, r.err)
	}
	if err := out.consistent(); err != nil {
		return fmt.Errorf("anonymity: UnmarshalBinary: %w", err)
	}
	*c = out
	return nil
}

// consistent checks c's shape and the sums that a counted table obeys.
func (c *Classes) consistent() error {
	if err := c.check(); err != nil {
		return err
	}
	var rows int64
	for k, s := range c.Sizes {
		if s <= 0 {
			return fmt.Errorf("class %d has size %d", k, s)
		}
		rows += s
		if rows < 0 {
			return errors.New("sizes overflow")
		}
	}
	if rows != c.Rows {
		return fmt.Errorf("sizes sum to %d, rows are %d", rows, c.Rows)
	}
	ms := c.Sensitive
	if c.Subjects != nil {
		ms = append(ms, c.Subjects)
	}
	for _, m := range ms {
		for k := range c.Sizes {
			var s int64
			for e := m.Offsets[k]; e < m.Offsets[k+1]; e++ {
				if e > m.Offsets[k] && m.Values[e] <= m.Values[e-1] {
					return fmt.Errorf("multiset %q: class %d: values not ascending", m.Name, k)
				}
				if m.Counts[e] <= 0 {
					return fmt.Errorf("multiset %q: class %d: count %d", m.Name, k, m.Counts[e])
				}
				s += m.Counts[e]
			}
			if s != c.Sizes[k] {
				return fmt.Errorf("multiset %q: class %d holds %d rows, its size is %d", m.Name, k, s, c.Sizes[k])
			}
		}
	}
	return nil
}

// reader decodes varints and strings; the first error sticks and later
// reads return zero values.
type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, k := binary.Uvarint(r.b[r.pos:])
	if k <= 0 {
		r.fail("bad or truncated varint")
		return 0
	}
	r.pos += k
	return v
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.b) {
		r.fail("truncated")
		return 0
	}
	r.pos++
	return r.b[r.pos-1]
}

// count reads a number of elements still to come: each takes at least a
// byte, so a count above the bytes left is corrupt (and never allocated).
func (r *reader) count() int {
	v := r.uvarint()
	if v > uint64(len(r.b)-r.pos) {
		r.fail("count %d exceeds the %d bytes left", v, len(r.b)-r.pos)
		return 0
	}
	return int(v)
}

func (r *reader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	s := string(r.b[r.pos : r.pos+n])
	r.pos += n
	return s
}

func (r *reader) uint32s(n int) []uint32 {
	if n > len(r.b)-r.pos {
		r.fail("%d values exceed the %d bytes left", n, len(r.b)-r.pos)
		n = 0
	}
	out := make([]uint32, n)
	for i := range out {
		v := r.uvarint()
		if v > 1<<32-1 {
			r.fail("code %d too large", v)
		}
		out[i] = uint32(v)
	}
	return out
}

func (r *reader) dict() *quasiid.Dictionary {
	d := quasiid.NewDictionary()
	n := r.count()
	null := r.uvarint()
	if null > uint64(n) {
		r.fail("null code %d of %d values", int64(null)-1, n)
	}
	for v := range n {
		if r.err != nil {
			break
		}
		var got uint32
		if uint64(v)+1 == null {
			got = d.NullCode()
		} else {
			got = d.Code(r.str())
		}
		if got != uint32(v) {
			r.fail("dictionary value %d repeats value %d", v, got)
		}
	}
	return d
}

func (r *reader) multiset(classes int) *Multiset {
	m := &Multiset{Name: r.str(), Dict: r.dict(), Offsets: make([]int, classes+1)}
	for k := range classes {
		m.Offsets[k+1] = m.Offsets[k] + r.count()
	}
	total := m.Offsets[classes]
	m.Values = r.uint32s(total)
	if total > len(r.b)-r.pos {
		r.fail("%d counts exceed the %d bytes left", total, len(r.b)-r.pos)
		return m
	}
	m.Counts = make([]int64, total)
	for e := range m.Counts {
		m.Counts[e] = int64(r.uvarint())
	}
	return m
}
