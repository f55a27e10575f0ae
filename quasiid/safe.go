package quasiid

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow/array"
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
