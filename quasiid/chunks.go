package quasiid

import (
	"context"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// ChunkRows is the number of rows EncodeChunks aims to hand over at a time.
const ChunkRows = 1 << 20

// EncodeChunks reads src as [Encode] does and hands the encoded rows to fn
// in consecutive chunks, in row order: chunk holds rows first+1 to
// first+chunk.Rows (1-based) of the source, with the columns of spec in
// [Table] order. Codes, dictionaries, errors and Progress calls are those of
// Encode.
//
// fn is called from one goroutine at a time. A chunk's Codes, Times and
// Valid are valid only during the call: the encoder reuses them. Its
// columns' Dicts are those of the returned table; they grow between calls,
// never during one, so fn may read them. An error from fn stops the read and
// is returned unchanged.
//
// The returned Table holds the dictionaries, the time metadata (TimeUnit,
// DST counts) and Rows, but no Codes, Times or Valid: memory is bounded by
// a few chunks and the dictionaries, whatever the length of the file.
func EncodeChunks(ctx context.Context, src *Source, spec Spec, opt EncodeOptions, fn func(chunk *Table, first int64) error) (*Table, error) {
	if parquetStream(src, spec) {
		return encodeParquetChunks(ctx, src, spec, opt, fn)
	}
	if c, ok := streamCSV(src); ok {
		return encodeCSVChunks(ctx, src, c, spec, opt, fn)
	}
	return encodeChunks(ctx, src, spec, opt, ChunkRows, fn)
}

// encodeChunks is EncodeChunks with chunks of about size rows (a record
// batch is never split: a chunk ends at the first batch end at or past
// size rows). Record-batch sources (Arrow IPC file and stream, FromRecord,
// FromRecordReader, FromTable) are encoded batch by batch into reused
// buffers; other sources are encoded whole, then sliced.
func encodeChunks(ctx context.Context, src *Source, spec Spec, opt EncodeOptions, size int, fn func(chunk *Table, first int64) error) (*Table, error) {
	var t *Table
	var err error
	if rr, ok := batchReader(src); ok {
		t, err = encodeBatchChunks(ctx, src, rr, spec, opt, &chunkSink{fn: fn, size: size})
	} else if t, err = Encode(ctx, src, spec, opt); err == nil {
		err = sliceChunks(ctx, t, size, fn)
	}
	if err != nil {
		return nil, err
	}
	return dropRows(t), nil
}

// dropRows empties t's columns of their rows (codes, times, valid flags),
// keeping the dictionaries and the time metadata: the table EncodeChunks
// returns.
func dropRows(t *Table) *Table {
	for _, c := range t.Columns {
		c.Codes, c.Times, c.Valid = nil, nil, nil
	}
	return t
}

// batchReader returns the record reader of a source that Encode reads
// batch by batch through Arrow: not a Parquet file (read column by
// column), not a CSV file none of whose rows were read yet (parsed from
// its bytes).
func batchReader(src *Source) (array.RecordReader, bool) {
	if src == nil || src.rr == nil {
		return nil, false
	}
	if _, ok := unreadCSV(src.rr); ok {
		return nil, false
	}
	return src.rr, true
}

// encodeBatchChunks is encodeChunks for a batchReader source.
func encodeBatchChunks(ctx context.Context, src *Source, rr array.RecordReader, spec Spec, opt EncodeOptions, sink *chunkSink) (*Table, error) {
	t, encs, err := newEncoders(src, spec, opt)
	if err != nil {
		return nil, err
	}
	if _, err := src.encodeReader(); err != nil {
		return nil, err
	}
	return encodeRecords(ctx, src.name, rr, t, encs, opt, sink)
}

// encodeRecords encodes every record batch of rr into the columns of t,
// calling opt.Progress after each batch. With a sink the encoded rows go
// to it in chunks; with none (Encode) t keeps every row.
func encodeRecords(ctx context.Context, name string, rr array.RecordReader, t *Table, encs []*columnEncoder, opt EncodeOptions, sink *chunkSink) (*Table, error) {
	lines := lineFunc(rr)
	rows, err := eachBatch(ctx, name, rr, func(rec arrow.Record, before int64) error {
		for _, e := range encs {
			if err := e.encodeGuarded(rec.Column(e.field), before, lines); err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			opt.Progress(before + rec.NumRows())
		}
		return sink.flush(t, before+rec.NumRows(), false)
	})
	if err == nil {
		err = sink.flush(t, rows, true)
	}
	if err != nil {
		return nil, err
	}
	t.Rows = int(rows)
	return t, nil
}

// chunkSink hands the rows encoded into a table's columns to fn once they
// fill a chunk of about size rows, then empties the columns, keeping their
// buffers for the next chunk. A nil sink keeps every row in the table.
type chunkSink struct {
	fn    func(chunk *Table, first int64) error
	size  int
	first int64 // rows handed over so far
}

// flush hands over the rows encoded since the last chunk, rows in all so
// far, if they fill a chunk or, when last, if there are any.
func (k *chunkSink) flush(t *Table, rows int64, last bool) error {
	if k == nil || rows == k.first || (!last && rows-k.first < int64(k.size)) {
		return nil
	}
	if err := k.fn(chunkView(t, 0, int(rows-k.first)), k.first); err != nil {
		return err
	}
	k.first = rows
	for _, c := range t.Columns {
		c.Codes, c.Times = c.Codes[:0], c.Times[:0]
		if c.Valid != nil {
			c.Valid = c.Valid[:0]
		}
	}
	return nil
}

// sliceChunks hands the rows of an encoded table to fn in chunks of at most
// n rows, each a view of t's columns.
func sliceChunks(ctx context.Context, t *Table, n int, fn func(chunk *Table, first int64) error) error {
	for lo := 0; lo < t.Rows; lo += n {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(chunkView(t, lo, min(lo+n, t.Rows)), int64(lo)); err != nil {
			return err
		}
	}
	return nil
}

// chunkView returns rows lo to hi (0-based, hi excluded) of t as a table
// whose columns are views of t's, capacity capped so that appending to
// them cannot overwrite t.
func chunkView(t *Table, lo, hi int) *Table {
	chunk := &Table{Source: t.Source, Rows: hi - lo, Columns: make([]*Column, len(t.Columns))}
	for k, c := range t.Columns {
		v := *c
		if c.Codes != nil {
			v.Codes = c.Codes[lo:hi:hi]
		}
		if c.Times != nil {
			v.Times = c.Times[lo:hi:hi]
		}
		if c.Valid != nil {
			v.Valid = c.Valid[lo:hi:hi]
		}
		chunk.Columns[k] = &v
	}
	return chunk
}
