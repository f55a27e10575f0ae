package quasiid

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// RowFunc is called by Rewrite for every row. values and nulls hold the
// current text and nullness of the rewritten columns, in the order given
// to Rewrite; the function may overwrite them in place. row is the 0-based
// data row across batches. Returning keep=false drops the row; an error
// stops the rewrite. The slices are reused for the next row.
type RowFunc func(row int64, values []string, nulls []bool) (keep bool, err error)

// RewriteStats counts the rows a rewrite read, kept and dropped.
type RewriteStats struct {
	Rows, Kept, Dropped int64
}

// Rewrite streams src to w in format, batch by batch: the named columns
// are replaced by the values fn leaves in them (as UTF-8 text, null where
// fn leaves nulls[k] true), rows for which fn returns keep=false are left
// out, and every other column passes through unchanged, with its type.
// A column's values are given to fn in their canonical text (see
// formatter). Rewrite consumes src.
func Rewrite(ctx context.Context, src *Source, w io.Writer, format Format, columns []string, fn RowFunc) (RewriteStats, error) {
	var rw recordWriter
	stats, err := rewrite(ctx, src, columns, fn, func(schema *arrow.Schema) error {
		var err error
		rw, err = newRecordWriter(w, format, schema, src.mem)
		return err
	}, func(rec arrow.Record) error {
		return rw.Write(rec)
	})
	if rw != nil {
		if cerr := rw.Close(); err == nil {
			err = cerr
		}
	}
	return stats, err
}

// RewriteRecords is Rewrite into memory: it returns the rewritten record
// batches, which the caller must Release.
func RewriteRecords(ctx context.Context, src *Source, columns []string, fn RowFunc) ([]arrow.Record, RewriteStats, error) {
	var out []arrow.Record
	stats, err := rewrite(ctx, src, columns, fn, func(*arrow.Schema) error { return nil }, func(rec arrow.Record) error {
		rec.Retain()
		out = append(out, rec)
		return nil
	})
	if err != nil {
		for _, r := range out {
			r.Release()
		}
		return nil, stats, err
	}
	return out, stats, nil
}

// rewrite runs the rewrite and hands each output batch to emit, which
// must Retain what it keeps; start receives the output schema first.
func rewrite(ctx context.Context, src *Source, columns []string, fn RowFunc, start func(*arrow.Schema) error, emit func(arrow.Record) error) (RewriteStats, error) {
	var stats RewriteStats
	if fn == nil {
		return stats, errors.New("quasiid: Rewrite: nil RowFunc")
	}
	if err := src.ready(); err != nil {
		return stats, err
	}
	idx, rewritten, out, err := rewriteSchema(src.name, src.Schema(), columns)
	if err != nil {
		return stats, err
	}
	rr, err := src.reader()
	if err != nil {
		return stats, err
	}
	if err := start(out); err != nil {
		return stats, err
	}
	mem := src.mem
	values := make([]string, len(columns))
	nulls := make([]bool, len(columns))
	var buf []byte
	_, err = eachBatch(ctx, src.name, rr, func(rec arrow.Record, _ int64) error {
		n := int(rec.NumRows())
		formats := make([]appendFunc, len(columns))
		for k, i := range idx {
			formats[k] = formatter(rec.Column(i))
		}
		builders := make([]*array.StringBuilder, len(columns))
		for k := range builders {
			builders[k] = array.NewStringBuilder(mem)
		}
		keep := make([]bool, n)
		kept := 0
		var ferr error
		cells := func(r int) error {
			return guard(func() error {
				for k, i := range idx {
					c := rec.Column(i)
					if c.IsNull(r) {
						values[k], nulls[k] = "", true
						continue
					}
					buf = formats[k](buf[:0], r)
					values[k], nulls[k] = string(buf), false
				}
				return nil
			})
		}
		for r := 0; r < n; r++ {
			if err := cells(r); err != nil {
				ferr = &InputError{File: src.name, Row: stats.Rows + 1, Err: err}
				break
			}
			ok, err := fn(stats.Rows, values, nulls)
			if err != nil {
				ferr = err
				break
			}
			stats.Rows++
			if !ok {
				stats.Dropped++
				continue
			}
			keep[r] = true
			kept++
			stats.Kept++
			for k, b := range builders {
				if nulls[k] {
					b.AppendNull()
				} else {
					b.Append(values[k])
				}
			}
		}
		if ferr != nil {
			for _, b := range builders {
				b.Release()
			}
			return ferr
		}
		return guard(func() error { return emitBatch(rec, out, keep, kept, builders, rewritten, mem, emit) })
	})
	return stats, err
}

// rewriteSchema returns the field index of each rewritten column, the
// map from field index to position in columns, and the output schema: in,
// with the rewritten columns as nullable strings.
func rewriteSchema(source string, in *arrow.Schema, columns []string) (idx []int, rewritten map[int]int, out *arrow.Schema, err error) {
	idx = make([]int, len(columns))
	rewritten = make(map[int]int, len(columns)) // field -> position in columns
	for k, name := range columns {
		i, err := columnIndex(source, in, name)
		if err != nil {
			return nil, nil, nil, err
		}
		if _, dup := rewritten[i]; dup {
			return nil, nil, nil, fmt.Errorf("quasiid: Rewrite: column %q named twice", name)
		}
		idx[k] = i
		rewritten[i] = k
	}
	fields := append([]arrow.Field(nil), in.Fields()...)
	for _, i := range idx {
		fields[i] = arrow.Field{Name: fields[i].Name, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	md := in.Metadata()
	return idx, rewritten, arrow.NewSchema(fields, &md), nil
}

// emitBatch assembles the output batch of rec: rewritten columns from
// builders, the others filtered to the kept rows.
func emitBatch(rec arrow.Record, out *arrow.Schema, keep []bool, kept int, builders []*array.StringBuilder, rewritten map[int]int, mem memory.Allocator, emit func(arrow.Record) error) error {
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
		for _, b := range builders {
			b.Release()
		}
	}()
	if kept == 0 {
		return nil
	}
	for i := range cols {
		if k, ok := rewritten[i]; ok {
			cols[i] = builders[k].NewArray()
			continue
		}
		c, err := filter(rec.Column(i), keep, kept, mem)
		if err != nil {
			return err
		}
		cols[i] = c
	}
	batch := array.NewRecord(out, cols, int64(kept))
	defer batch.Release()
	return emit(batch)
}

// filter returns the rows of a where keep is true, as one array built
// from slices of the runs of kept rows.
func filter(a arrow.Array, keep []bool, kept int, mem memory.Allocator) (arrow.Array, error) {
	if kept == len(keep) {
		a.Retain()
		return a, nil
	}
	var runs []arrow.Array
	defer func() {
		for _, r := range runs {
			r.Release()
		}
	}()
	for i := 0; i < len(keep); {
		if !keep[i] {
			i++
			continue
		}
		j := i
		for j < len(keep) && keep[j] {
			j++
		}
		runs = append(runs, array.NewSlice(a, int64(i), int64(j)))
		i = j
	}
	if len(runs) == 1 {
		runs[0].Retain()
		return runs[0], nil
	}
	return array.Concatenate(runs, mem)
}
