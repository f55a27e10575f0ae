package quasiid

import (
	"fmt"

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
	return rr.Next(), nil
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
const maxAllocation = 2 << 30

// limitAllocator panics, for next and guard to turn into an error, when a
// reader asks for an implausibly large buffer.
type limitAllocator struct{ memory.Allocator }

func (a limitAllocator) Allocate(size int) []byte {
	if size < 0 || size > maxAllocation {
		panic(fmt.Sprintf("buffer of %d bytes requested", size))
	}
	return a.Allocator.Allocate(size)
}

func (a limitAllocator) Reallocate(size int, b []byte) []byte {
	if size < 0 || size > maxAllocation {
		panic(fmt.Sprintf("buffer of %d bytes requested", size))
	}
	return a.Allocator.Reallocate(size, b)
}
