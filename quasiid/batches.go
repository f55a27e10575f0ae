package quasiid

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// eachBatch calls fn with every record batch of rr in turn and the number of
// rows before it, checking ctx between batches, and returns the rows read.
// Reading errors (a decoder panic turned into an error by next, or rr.Err)
// carry the source's name and the row reached; an *InputError from a reader
// that names its own row is passed on as it is, and pqarrow's io.EOF at the
// end is not an error. Errors from fn are returned unchanged.
func eachBatch(ctx context.Context, name string, rr array.RecordReader, fn func(rec arrow.Record, before int64) error) (int64, error) {
	var rows int64
	for {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		ok, err := next(rr)
		if err != nil {
			return rows, fmt.Errorf("%s: after row %d: %w", name, rows, err)
		}
		if !ok {
			break
		}
		rec := rr.Record()
		if err := fn(rec, rows); err != nil {
			return rows, err
		}
		rows += rec.NumRows()
	}
	if err := rr.Err(); err != nil && err != io.EOF {
		var ie *InputError
		if errors.As(err, &ie) {
			return rows, err
		}
		return rows, fmt.Errorf("%s: after row %d: %w", name, rows, err)
	}
	return rows, nil
}
