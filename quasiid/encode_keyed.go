package quasiid

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// keyCache remembers the code of each fixed-width value (an integer, a
// timestamp, a date, the bits of a float) of one Arrow type, so that a
// value is formatted to its canonical text and looked up in the
// dictionary once, however many rows hold it. Codes are those of the
// text, so the dictionary and its order of first appearance are as if
// every value had been formatted.
type keyCache struct {
	typ   arrow.DataType
	small []uint32          // code of key k < len(small); NoCode if not seen
	big   map[uint64]uint32 // code of larger keys
}

// smallKeys is the size of keyCache.small: hours, ages, years, counts.
const smallKeys = 4096

// reset empties the cache unless it holds codes for values of type t.
func (c *keyCache) reset(t arrow.DataType) {
	if c.typ != nil && arrow.TypeEqual(c.typ, t) {
		return
	}
	c.typ = t
	if c.small == nil {
		c.small = make([]uint32, smallKeys)
	}
	for k := range c.small {
		c.small[k] = NoCode
	}
	c.big = make(map[uint64]uint32)
}

// encodeKeyed encodes the non-dictionary fixed-width column arr through
// e.keys; it reports false for types it does not handle.
func (e *columnEncoder) encodeKeyed(arr arrow.Array, out []uint32, nulls bool) bool {
	format := formatter(arr)
	switch a := arr.(type) {
	case *array.Int8:
		encodeInts(e, a, a.Int8Values(), out, nulls, format)
	case *array.Int16:
		encodeInts(e, a, a.Int16Values(), out, nulls, format)
	case *array.Int32:
		encodeInts(e, a, a.Int32Values(), out, nulls, format)
	case *array.Int64:
		encodeInts(e, a, a.Int64Values(), out, nulls, format)
	case *array.Uint8:
		encodeInts(e, a, a.Uint8Values(), out, nulls, format)
	case *array.Uint16:
		encodeInts(e, a, a.Uint16Values(), out, nulls, format)
	case *array.Uint32:
		encodeInts(e, a, a.Uint32Values(), out, nulls, format)
	case *array.Uint64:
		encodeInts(e, a, a.Uint64Values(), out, nulls, format)
	case *array.Timestamp:
		encodeInts(e, a, a.TimestampValues(), out, nulls, format)
	case *array.Date32:
		encodeInts(e, a, a.Date32Values(), out, nulls, format)
	case *array.Date64:
		encodeInts(e, a, a.Date64Values(), out, nulls, format)
	case *array.Float64:
		bits := make([]uint64, a.Len())
		for i, f := range a.Float64Values() {
			bits[i] = math.Float64bits(f)
		}
		encodeInts(e, a, bits, out, nulls, format)
	case *array.Float32:
		bits := make([]uint32, a.Len())
		for i, f := range a.Float32Values() {
			bits[i] = math.Float32bits(f)
		}
		encodeInts(e, a, bits, out, nulls, format)
	default:
		return false
	}
	return true
}

// encodeInts sets out[i] to the code of vals[i], the raw value of row i
// of arr.
func encodeInts[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64](e *columnEncoder, arr arrow.Array, vals []T, out []uint32, nulls bool, format appendFunc) {
	c := &e.keys
	c.reset(arr.DataType())
	d := e.col.Dict
	for i, v := range vals[:len(out)] {
		if nulls && arr.IsNull(i) {
			out[i] = d.NullCode()
			continue
		}
		k := uint64(v)
		if k < smallKeys {
			if code := c.small[k]; code != NoCode {
				out[i] = code
				continue
			}
		} else if code, ok := c.big[k]; ok {
			out[i] = code
			continue
		}
		e.scratch = format(e.scratch[:0], i)
		code := d.codeBytes(e.scratch)
		if k < smallKeys {
			c.small[k] = code
		} else {
			c.big[k] = code
		}
		out[i] = code
	}
}

// encodeDict sets out[i] to the code of row i of the dictionary array a,
// through e.dictMap: each dictionary entry is formatted and looked up once
// per batch, when a row first refers to it.
func (e *columnEncoder) encodeDict(a *array.Dictionary, out []uint32, nulls bool) {
	dict := a.Dictionary()
	format := formatter(dict)
	d := e.col.Dict
	m := e.dictMap[:0]
	if cap(m) < dict.Len() {
		m = make([]uint32, 0, dict.Len())
	}
	m = m[:dict.Len()]
	for j := range m {
		m[j] = NoCode
	}
	e.dictMap = m
	resolve := func(j int) uint32 {
		var c uint32
		if dict.IsNull(j) {
			c = d.NullCode()
		} else {
			e.scratch = format(e.scratch[:0], j)
			c = d.codeBytes(e.scratch)
		}
		m[j] = c
		return c
	}
	var null func(int) bool
	if nulls {
		null = a.IsNull
	}
	data := a.Data()
	raw := data.Buffers()[1].Bytes()
	off, n := data.Offset(), len(out)
	switch a.DataType().(*arrow.DictionaryType).IndexType.ID() {
	case arrow.UINT8, arrow.INT8:
		remap(raw[off:off+n], out, m, d, resolve, null)
	case arrow.UINT16, arrow.INT16:
		remap(arrow.Uint16Traits.CastFromBytes(raw)[off:off+n], out, m, d, resolve, null)
	case arrow.UINT32, arrow.INT32:
		remap(arrow.Uint32Traits.CastFromBytes(raw)[off:off+n], out, m, d, resolve, null)
	default:
		remap(arrow.Uint64Traits.CastFromBytes(raw)[off:off+n], out, m, d, resolve, null)
	}
}

// remap sets out[i] to m[idx[i]], resolving entries not yet mapped; null,
// when not nil, says which rows are null.
func remap[T uint8 | uint16 | uint32 | uint64](idx []T, out, m []uint32, d *Dictionary, resolve func(int) uint32, null func(int) bool) {
	for i, j := range idx {
		if null != nil && null(i) {
			out[i] = d.NullCode()
			continue
		}
		c := m[j]
		if c == NoCode {
			c = resolve(int(j))
		}
		out[i] = c
	}
}
