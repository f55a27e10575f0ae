package quasiid

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// encodeParquet is Encode for a Parquet source. It reads only the named
// columns, each with a reader of its own, and the columns in parallel on
// up to GOMAXPROCS goroutines (each column has its own dictionary, so the
// codes are those of a sequential read). Flat string and binary columns
// are read as Arrow dictionary arrays: a dictionary-encoded column chunk
// is then mapped onto the column's codes once per dictionary entry, not
// once per row. Batches are those of the record reader, so errors name
// the same rows; when several columns fail, the error of the earliest
// batch wins, then that of the first column, as in a sequential read.
func encodeParquet(ctx context.Context, p *parquetFile, t *Table, encs []*columnEncoder, opt EncodeOptions) (*Table, error) {
	var dict []int
	leaf := make([]int, len(encs)) // the flat byte-array leaf of each column, or -1
	for k, e := range encs {
		leaf[k] = -1
		if c, ok := p.dictLeaf(e.field); ok && e.col.Role != Time {
			dict = append(dict, c)
			leaf[k] = c
		}
	}
	plain, err := p.reader(nil)
	if err != nil {
		return nil, fmt.Errorf("%s: reading Parquet: %w", t.Source, err)
	}
	asDict, err := p.reader(dict)
	if err != nil {
		return nil, fmt.Errorf("%s: reading Parquet: %w", t.Source, err)
	}
	announced, reserve := p.rows()
	for _, e := range encs {
		if e.col.Role == Time {
			e.col.Times = make([]int64, 0, reserve)
		} else {
			e.col.Codes = make([]uint32, 0, reserve)
		}
	}
	type result struct {
		rows   int64
		before int64 // first row of the failed batch
		err    error
	}
	results := make([]result, len(encs))
	var failed atomic.Int64 // first row of the earliest failed batch
	failed.Store(announced + 1<<62)
	progress := make(chan struct{}, len(encs))
	done := make([]atomic.Int64, len(encs))
	column := func(k int) {
		e := encs[k]
		res := &results[k]
		defer func() { progress <- struct{}{} }()
		fail := func(before int64, err error) {
			res.before, res.err = before, err
			for {
				f := failed.Load()
				if before >= f || failed.CompareAndSwap(f, before) {
					return
				}
			}
		}
		step := func(rows int64) {
			done[k].Store(rows)
			select {
			case progress <- struct{}{}:
			default:
			}
		}
		var rows int64
		for g := 0; g < p.pf.NumRowGroups() && rows <= failed.Load(); g++ {
			fr := plain
			if leaf[k] >= 0 && p.allDictionary(leaf[k], g) {
				fr = asDict
			}
			var cr *pqarrow.ColumnReader
			err := guard(func() (err error) {
				cr, err = p.fieldReader(ctx, fr, e.field, g)
				return err
			})
			if err != nil {
				fail(rows, fmt.Errorf("%s: after row %d: %w", t.Source, rows, err))
				return
			}
			rows, err = encodeChunk(ctx, cr, e, rows, int64(p.batch), &failed, step)
			guard(func() error { cr.Release(); return nil })
			if err != nil {
				fail(rows, err)
				return
			}
		}
		res.rows = rows
	}
	work := make(chan int, len(encs))
	for k := range encs {
		work <- k
	}
	close(work)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(encs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				column(k)
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	var reported int64
	for wait := true; wait; {
		select {
		case <-progress:
		case <-finished:
			wait = false
		}
		if opt.Progress != nil {
			least := done[0].Load()
			for k := range done {
				least = min(least, done[k].Load())
			}
			if least > reported {
				reported = least
				opt.Progress(least)
			}
		}
	}
	var first *result
	for k := range results {
		if r := &results[k]; r.err != nil && (first == nil || r.before < first.before) {
			first = r
		}
	}
	if first != nil {
		return nil, first.err
	}
	rows := results[0].rows
	for k, r := range results {
		if r.rows != rows {
			return nil, fmt.Errorf("%s: reading Parquet: corrupt input: column %q has %d rows, column %q %d",
				t.Source, t.Columns[k].Name, r.rows, t.Columns[0].Name, rows)
		}
	}
	t.Rows = int(rows)
	return t, nil
}

// encodeChunk encodes the batches of cr, the reader of e's column in one
// row group whose first row is row rows of the file, and returns the rows
// reached, calling step after each batch; it stops early when a batch at or before it failed elsewhere.
func encodeChunk(ctx context.Context, cr *pqarrow.ColumnReader, e *columnEncoder, rows, batch int64, failed *atomic.Int64, step func(rows int64)) (int64, error) {
	for rows <= failed.Load() {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		ch, err := nextColumnBatch(cr, batch, e.col.Name)
		if err != nil {
			return rows, fmt.Errorf("%s: after row %d: %w", e.file, rows, err)
		}
		if ch == nil {
			break
		}
		at := rows
		for _, arr := range ch.Chunks() {
			if err = e.encodeGuarded(arr, at, nil); err != nil {
				break
			}
			at += int64(arr.Len())
		}
		ch.Release()
		if err != nil {
			return rows, err
		}
		rows = at
		step(rows)
	}
	return rows, nil
}

// nextColumnBatch reads the next batch of at most n rows of one column
// (nil at the end), with a decoder panic turned into an error and each
// chunk's buffers checked as next checks a record's. A batch has several
// chunks where it spans row groups with different dictionaries.
func nextColumnBatch(cr interface {
	NextBatch(int64) (*arrow.Chunked, error)
}, n int64, name string) (*arrow.Chunked, error) {
	var out *arrow.Chunked
	err := guard(func() (err error) {
		out, err = cr.NextBatch(n)
		return err
	})
	if err != nil {
		return nil, err
	}
	if out.Len() == 0 {
		out.Release()
		return nil, nil
	}
	for _, c := range out.Chunks() {
		if err := checkLayout(c.Data()); err != nil {
			out.Release()
			return nil, fmt.Errorf("corrupt input: column %q: %w", name, err)
		}
	}
	return out, nil
}
