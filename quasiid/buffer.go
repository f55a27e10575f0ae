package quasiid

import (
	"context"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// Record is an Arrow record batch, as ApplyRecords returns them; the
// alias lets packages above quasiid name it without importing Arrow.
type Record = arrow.Record

// Buffered is a table read into memory, to be read again as often as
// needed (Source); Release frees it.
type Buffered struct {
	name string
	tbl  arrow.Table
}

// Buffer reads src into memory, rewriting the named columns with fn as
// RewriteRecords does (fn nil: every row kept as read). The rewritten
// columns are strings; with no row read, the schema says so too. Buffer
// consumes src but does not close it.
func Buffer(ctx context.Context, src *Source, columns []string, fn RowFunc) (*Buffered, error) {
	if fn == nil {
		fn = func(int64, []string, []bool) (bool, error) { return true, nil }
	}
	schema := src.Schema()
	recs, _, err := RewriteRecords(ctx, src, columns, fn)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if len(recs) > 0 {
		schema = recs[0].Schema()
	} else if len(columns) > 0 {
		fields := slices.Clone(schema.Fields())
		for i := range fields {
			if slices.Contains(columns, fields[i].Name) {
				fields[i] = arrow.Field{Name: fields[i].Name, Type: arrow.BinaryTypes.String, Nullable: true}
			}
		}
		schema = arrow.NewSchema(fields, nil)
	}
	return &Buffered{name: src.Name(), tbl: array.NewTableFromRecords(schema, recs)}, nil
}

// Source returns a new Source reading the buffered rows from the start,
// named as the source Buffer read; close it when done.
func (b *Buffered) Source() *Source { return FromTable(b.name, b.tbl) }

// Release frees the buffered rows.
func (b *Buffered) Release() { b.tbl.Release() }
