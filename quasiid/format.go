package quasiid

import (
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// appendFunc appends the canonical text of the non-null value at row i.
type appendFunc func(b []byte, i int) []byte

// appendText, appendInt and appendUint format the values of an Arrow
// array, given by its Value method: bytes as they are, integers in decimal.
func appendText[T string | []byte](value func(int) T) appendFunc {
	return func(b []byte, i int) []byte { return append(b, value(i)...) }
}

func appendInt[T int8 | int16 | int32 | int64](value func(int) T) appendFunc {
	return func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(value(i)), 10) }
}

func appendUint[T uint8 | uint16 | uint32 | uint64](value func(int) T) appendFunc {
	return func(b []byte, i int) []byte { return strconv.AppendUint(b, uint64(value(i)), 10) }
}

// formatter returns the canonical text formatter for the values of arr:
//
//   - strings as they are, binary as its bytes;
//   - integers in decimal;
//   - floats as integers when integral and below 1e15 in magnitude, else in
//     the shortest form that reads back exactly (strconv 'g', -1), so the
//     float 39.0 and the integer 39 get the same text; NaN, +Inf, -Inf;
//   - booleans as true/false;
//   - dates as YYYY-MM-DD; timestamps in RFC 3339 with fractional seconds
//     only when non-zero, in the column's time zone (UTC when none);
//   - decimals with their scale; anything else by Arrow's ValueStr.
func formatter(arr arrow.Array) appendFunc {
	switch a := arr.(type) {
	case *array.String:
		return appendText(a.Value)
	case *array.LargeString:
		return appendText(a.Value)
	case *array.Binary:
		return appendText(a.Value)
	case *array.LargeBinary:
		return appendText(a.Value)
	case *array.Int8:
		return appendInt(a.Value)
	case *array.Int16:
		return appendInt(a.Value)
	case *array.Int32:
		return appendInt(a.Value)
	case *array.Int64:
		return appendInt(a.Value)
	case *array.Uint8:
		return appendUint(a.Value)
	case *array.Uint16:
		return appendUint(a.Value)
	case *array.Uint32:
		return appendUint(a.Value)
	case *array.Uint64:
		return appendUint(a.Value)
	case *array.Float32:
		return func(b []byte, i int) []byte { return appendFloat(b, float64(a.Value(i)), 32) }
	case *array.Float64:
		return func(b []byte, i int) []byte { return appendFloat(b, a.Value(i), 64) }
	case *array.Boolean:
		return func(b []byte, i int) []byte { return strconv.AppendBool(b, a.Value(i)) }
	case *array.Date32:
		return func(b []byte, i int) []byte { return a.Value(i).ToTime().AppendFormat(b, time.DateOnly) }
	case *array.Date64:
		return func(b []byte, i int) []byte { return a.Value(i).ToTime().AppendFormat(b, time.DateOnly) }
	case *array.Timestamp:
		typ := a.DataType().(*arrow.TimestampType)
		loc, err := typ.GetZone()
		if err != nil || loc == nil {
			loc = time.UTC
		}
		return func(b []byte, i int) []byte {
			return a.Value(i).ToTime(typ.Unit).In(loc).AppendFormat(b, time.RFC3339Nano)
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(b []byte, i int) []byte { return append(b, a.Value(i).ToString(scale)...) }
	case *array.Dictionary:
		inner := formatter(a.Dictionary())
		return func(b []byte, i int) []byte { return inner(b, a.GetValueIndex(i)) }
	}
	return func(b []byte, i int) []byte { return append(b, arr.ValueStr(i)...) }
}

// appendFloat appends the canonical text of f (see formatter).
func appendFloat(b []byte, f float64, bits int) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}
