package quasiid

import "context"

// csvChunks is where the CSV encoders put the encoded rows: the columns of
// the table, handed to fn and emptied each time they hold a chunk. With no
// sink (Encode) the columns keep every row. Both Encode and EncodeChunks of
// a CSV source go through it: one code path.
type csvChunks struct {
	fn    func(chunk *Table, first int64) error
	size  int   // rows per chunk, about
	first int64 // rows handed over so far
}

// streamCSV reports whether EncodeChunks can stream src as CSV: a CSV
// source none of whose rows were read as record batches yet (else Encode
// reads the rest through Arrow).
func streamCSV(src *Source) (*csvReader, bool) {
	if src == nil {
		return nil, false
	}
	c, ok := src.rr.(*csvReader)
	return c, ok && c.cur == nil && c.rows == 0
}

// encodeCSVChunks is EncodeChunks for a CSV source (streamCSV): Encode's
// CSV path, with the encoded rows handed to fn in chunks of about
// c.chunkRows rows (ChunkRows if 0) instead of kept.
func encodeCSVChunks(ctx context.Context, src *Source, c *csvReader, spec Spec, opt EncodeOptions, fn func(chunk *Table, first int64) error) (*Table, error) {
	c.sink = &csvChunks{fn: fn, size: c.chunkRows}
	if c.sink.size <= 0 {
		c.sink.size = ChunkRows
	}
	t, err := Encode(ctx, src, spec, opt)
	if err != nil {
		return nil, err
	}
	for _, col := range t.Columns {
		col.Codes, col.Times, col.Valid = nil, nil, nil
	}
	return t, nil
}

// flush hands the rows of t's columns encoded since the last chunk, rows
// in all so far, to fn if they fill a chunk (or if last and there are
// any), then empties the columns for the next chunk, keeping their
// buffers. The chunk's columns are views of t's: fn must not keep them. A
// nil sink (Encode) keeps every row in the table.
func (k *csvChunks) flush(t *Table, rows int64, last bool) error {
	if k == nil || rows == k.first || (!last && rows-k.first < int64(k.size)) {
		return nil
	}
	chunk := &Table{Source: t.Source, Rows: int(rows - k.first), Columns: make([]*Column, len(t.Columns))}
	for i, c := range t.Columns {
		v := *c
		v.Codes = c.Codes[:len(c.Codes):len(c.Codes)]
		v.Times = c.Times[:len(c.Times):len(c.Times)]
		v.Valid = c.Valid[:len(c.Valid):len(c.Valid)]
		chunk.Columns[i] = &v
	}
	if err := k.fn(chunk, k.first); err != nil {
		return err
	}
	k.first = rows
	for _, c := range t.Columns {
		c.Codes, c.Times, c.Valid = c.Codes[:0], c.Times[:0], nil
	}
	return nil
}
