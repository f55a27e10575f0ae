package quasiid

import (
	"github.com/apache/arrow/go/v15/parquet/metadata"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// pqPages reads the pages of one column's chunks, row group after row
// group, for one worker: with its pageReader, whose buffers are kept from
// chunk to chunk, when the chunk is plain; else with Arrow's page reader.
type pqPages struct {
	pr pageReader
	ap arrowPages
}

// open returns the pages of the chunk of leaf column leaf in row group g
// of p: the worker's pageReader when the chunk is plain (not encrypted,
// not from a parquet-mr writer before PARQUET-816 was fixed, in a source
// read at random), else Arrow's own reader.
func (r *pqPages) open(p *parquetFile, g, leaf int) (pageSource, error) {
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
		pr, err := p.pf.RowGroup(g).GetColumnPageReader(leaf)
		if err != nil {
			return nil, err
		}
		r.ap.pr = pr
		return &r.ap, nil
	}
	// A page is no larger than its chunk uncompressed; the floor spares
	// files whose writer undercounted that size.
	most := max(col.TotalUncompressedSize(), pageSizeFloor)
	if err := r.pr.reset(p.ra, start, start+size, col.NumValues(), most, col.Compression(), g); err != nil {
		return nil, err
	}
	return &r.pr, nil
}

// pageSizeFloor is the least bound pqPages puts on the size of a page
// uncompressed, whatever its chunk's metadata says.
const pageSizeFloor = 64 << 20

// pagePool holds the page buffers of one page reader: a freed buffer is
// handed out again, not zeroed, so that a page is decompressed into memory
// already mapped. A page reader frees a page's buffer once it reads the
// next page, and decompresses a page over all of its buffer (a page that
// decompresses shorter is corrupt); the pool keeps the largest buffer
// freed.
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

// Free gives b back: the pool keeps the larger of b and the buffer it
// holds.
func (a *pagePool) Free(b []byte) {
	if cap(b) > cap(a.free) {
		a.free = b[:cap(b)]
	}
}
