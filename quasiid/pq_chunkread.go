package quasiid

import (
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// pqPages reads the pages of one column's chunks, row group after row
// group, for one worker: one Arrow page reader, reset for each chunk (so
// its decompression buffer is kept), decompresses the pages into page
// buffers it takes from and gives back to a pool. Arrow's own path
// allocates (and the kernel zeroes) a decompression buffer per chunk and
// a page buffer per page.
type pqPages struct {
	pool pagePool // the page buffers
	pr   file.PageReader
}

// pageResetter is the Reset of Arrow's page reader: it starts reading
// another column chunk, keeping its buffers.
type pageResetter interface {
	Reset(r parquet.BufferedReader, nrows int64, compressType compress.Compression, ctx *file.CryptoContext)
}

// open returns a page reader of the chunk of leaf column leaf in row group
// g of p: the worker's, reset, when the chunk is plain (not encrypted, not
// from a parquet-mr writer before PARQUET-816 was fixed), else Arrow's
// own.
func (r *pqPages) open(p *parquetFile, g, leaf int) (file.PageReader, error) {
	col, err := p.pf.MetaData().RowGroup(g).ColumnChunk(leaf)
	if err != nil {
		return nil, err
	}
	start := col.DataPageOffset()
	if col.HasDictionaryPage() && col.DictionaryPageOffset() > 0 && start > col.DictionaryPageOffset() {
		start = col.DictionaryPageOffset()
	}
	size := col.TotalCompressedSize()
	if p.ra == nil || col.CryptoMetadata() != nil || p.pf.MetaData().WriterVersion().LessThan(metadata.Parquet816FixedVersion) ||
		start < 0 || size < 0 || start > p.size-size {
		return p.pf.RowGroup(g).GetColumnPageReader(leaf)
	}
	stream, err := p.props.GetStream(p.ra, start, size)
	if err != nil {
		return nil, err
	}
	if rs, ok := r.pr.(pageResetter); ok {
		rs.Reset(stream, col.NumValues(), col.Compression(), nil)
		return r.pr, r.pr.Err()
	}
	if r.pr, err = file.NewPageReader(stream, col.NumValues(), col.Compression(), &r.pool, nil); err != nil {
		return nil, err
	}
	return r.pr, nil
}

// pagePool is the memory.Allocator of one page reader: a freed buffer is
// handed out again, not zeroed, so that a page is decompressed into memory
// already mapped. Arrow's page reader frees a page's buffer once it holds
// the next page, and decompresses a page over all of its buffer (a page
// that decompresses shorter is corrupt either way); the pool keeps the
// largest buffer freed.
type pagePool struct {
	free []byte
}

// Allocate returns a buffer of size bytes, the freed one if large enough.
func (a *pagePool) Allocate(size int) []byte {
	if cap(a.free) >= size {
		b := a.free[:size]
		a.free = nil
		return b
	}
	b := make([]byte, size)
	prefault.Slice(b) // the page is decompressed over all of it
	return b
}

// Reallocate returns a buffer of size bytes starting with the bytes of b.
func (a *pagePool) Reallocate(size int, b []byte) []byte {
	if cap(b) >= size {
		return b[:size]
	}
	out := a.Allocate(size)
	copy(out, b)
	a.Free(b)
	return out
}

// Free gives b back: the pool keeps the larger of b and the buffer it
// holds.
func (a *pagePool) Free(b []byte) {
	if cap(b) > cap(a.free) {
		a.free = b[:cap(b)]
	}
}
