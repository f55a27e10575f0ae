package quasiid

import (
	"context"

	"github.com/apache/arrow/go/v15/arrow/array"
)

// streamCSV reports whether EncodeChunks can stream src as CSV: a CSV
// source none of whose rows were read as record batches yet (else Encode
// reads the rest through Arrow).
func streamCSV(src *Source) (*csvReader, bool) {
	if src == nil {
		return nil, false
	}
	return unreadCSV(src.rr)
}

// unreadCSV returns rr as a CSV reader none of whose rows were read as
// record batches yet: Encode parses such a file from its bytes.
func unreadCSV(rr array.RecordReader) (*csvReader, bool) {
	c, ok := rr.(*csvReader)
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
	return dropRows(t), nil
}
