package quasiid

import "context"

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
	// Generic path: encode the whole table, then hand it over in slices.
	// Formats with a streaming encoder replace this per format.
	t, err := Encode(ctx, src, spec, opt)
	if err != nil {
		return nil, err
	}
	if err := sliceChunks(ctx, t, ChunkRows, fn); err != nil {
		return nil, err
	}
	for _, c := range t.Columns {
		c.Codes, c.Times, c.Valid = nil, nil, nil
	}
	return t, nil
}

// sliceChunks hands the rows of an encoded table to fn in chunks of at most
// n rows, each a view of t's columns.
func sliceChunks(ctx context.Context, t *Table, n int, fn func(chunk *Table, first int64) error) error {
	for lo := 0; lo < t.Rows; lo += n {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+n, t.Rows)
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
		if err := fn(chunk, int64(lo)); err != nil {
			return err
		}
	}
	return nil
}
