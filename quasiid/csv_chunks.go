package quasiid

import "context"

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
	c.sink = &chunkSink{fn: fn, size: c.chunkRows}
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
