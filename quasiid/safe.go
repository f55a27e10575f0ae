package quasiid

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// next advances rr, turning a panic of the Arrow or Parquet decoders on
// corrupt input into an error, so that bad input never panics.
func next(rr array.RecordReader) (ok bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			ok, err = false, fmt.Errorf("corrupt input: %v", p)
		}
	}()
	if !rr.Next() {
		return false, nil
	}
	if _, ok := rr.(*csvReader); ok {
		return true, nil // built here, consistent by construction
	}
	rec := rr.Record()
	for i, c := range rec.Columns() {
		if int64(c.Len()) != rec.NumRows() {
			return false, fmt.Errorf("corrupt input: column %q has %d rows, the batch %d", rec.ColumnName(i), c.Len(), rec.NumRows())
		}
		if err := checkLayout(c.Data()); err != nil {
			return false, fmt.Errorf("corrupt input: column %q: %w", rec.ColumnName(i), err)
		}
	}
	return true, nil
}

// checkLayout checks that the buffers of an array are as long as its
// length requires, for the layouts Encode reads (fixed width, booleans,
// strings and binary with their offsets, dictionaries): Arrow's IPC reader
// trusts the lengths written in the file.
func checkLayout(d arrow.ArrayData) error {
	n := d.Len() + d.Offset()
	if d.Len() < 0 || d.Offset() < 0 {
		return fmt.Errorf("negative length %d or offset %d", d.Len(), d.Offset())
	}
	bufs := d.Buffers()
	size := func(i int) int {
		if i >= len(bufs) || bufs[i] == nil {
			return 0
		}
		return bufs[i].Len()
	}
	if len(bufs) > 0 && bufs[0] != nil && size(0)*8 < n {
		return fmt.Errorf("validity bitmap of %d bytes for %d rows", size(0), n)
	}
	switch t := d.DataType().(type) {
	case *arrow.StringType, *arrow.BinaryType, *arrow.LargeStringType, *arrow.LargeBinaryType:
		if n == 0 && size(1) == 0 {
			return nil
		}
		large, width := t.ID() == arrow.LARGE_STRING || t.ID() == arrow.LARGE_BINARY, 4
		if large {
			width = 8
		}
		if size(1) < width*(n+1) {
			return fmt.Errorf("offsets of %d bytes for %d rows", size(1), n)
		}
		if large {
			return checkOffsets(arrow.Int64Traits.CastFromBytes(bufs[1].Bytes())[:n+1], size(2))
		}
		return checkOffsets(arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())[:n+1], size(2))
	case *arrow.DictionaryType:
		if w := t.IndexType.(arrow.FixedWidthDataType).BitWidth(); size(1)*8 < n*w {
			return fmt.Errorf("indices of %d bytes for %d rows", size(1), n)
		}
		if d.Dictionary() == nil {
			return fmt.Errorf("dictionary missing")
		}
		return checkLayout(d.Dictionary())
	case arrow.FixedWidthDataType:
		if w := t.BitWidth(); w > 0 && size(1)*8 < n*w {
			return fmt.Errorf("values of %d bytes for %d rows of %s", size(1), n, t)
		}
	}
	return nil
}

// checkOffsets checks that offsets rise from 0 or more to at most size.
func checkOffsets[T int32 | int64](offs []T, size int) error {
	if offs[0] < 0 {
		return fmt.Errorf("negative offset %d", offs[0])
	}
	for i := 1; i < len(offs); i++ {
		if offs[i] < offs[i-1] {
			return fmt.Errorf("offsets fall at row %d", i)
		}
	}
	if last := int64(offs[len(offs)-1]); last > int64(size) {
		return fmt.Errorf("offset %d past %d bytes of values", last, size)
	}
	return nil
}

// guard runs f, turning a panic of the Arrow or Parquet decoders into an
// error.
func guard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("corrupt input: %v", p)
		}
	}()
	return f()
}

// maxAllocation bounds one Arrow buffer read from a file. Arrow's readers
// trust the lengths written in the file; a corrupt length would otherwise
// make them ask for terabytes. 2 GiB is also the most a utf8 array's
// int32 offsets can address.
const maxAllocation int64 = 2 << 30

// limitAllocator panics, for next and guard to turn into an error, when a
// reader asks for an implausibly large buffer.
type limitAllocator struct{ memory.Allocator }

func (a limitAllocator) Allocate(size int) []byte {
	if size < 0 || int64(size) > maxAllocation {
		panic(fmt.Sprintf("buffer of %d bytes requested", size))
	}
	return a.Allocator.Allocate(size)
}

func (a limitAllocator) Reallocate(size int, b []byte) []byte {
	if size < 0 || int64(size) > maxAllocation {
		panic(fmt.Sprintf("buffer of %d bytes requested", size))
	}
	return a.Allocator.Reallocate(size, b)
}
