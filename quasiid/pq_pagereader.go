package quasiid

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// pqPage is a page of a column chunk, decompressed, as pageDecoder reads
// it: its data are valid until the next page is read.
type pqPage struct {
	typ      int32 // pageDictionary, pageData or pageDataV2
	data     []byte
	values   int32            // num_values of the page's header
	encoding parquet.Encoding // of the values
	defEnc   parquet.Encoding // of the definition levels (pageData)
	// The bytes of the definition and repetition levels at the start of
	// data (pageDataV2).
	defLen, repLen int32
}

// pageSource is the pages of a column chunk: next returns the next
// dictionary or data page, nil at the end of the chunk.
type pageSource interface {
	next() (*pqPage, error)
}

// Bounds of a page header, those of Arrow's page reader: the first read
// of one takes pageHeaderSize bytes, and a header is read in a window
// doubled up to maxPageHeaderSize bytes.
const (
	pageHeaderSize    = 16 << 10
	maxPageHeaderSize = 4 << 20
)

// pageLookahead is how many bytes past a page pageReader reads with it:
// the next page's header, most often whole, without a read of its own.
const pageLookahead = 1 << 10

// pageReader reads the pages of a plain column chunk (not encrypted; see
// pqPages.open) in place of Arrow's page reader, with one read of the
// file per page (the page, and the header of the next one after it):
// the compressed bytes into a buffer its worker's columns share (the
// worker reads one page at a time), the page into the column's buffer
// (pool), both reused from chunk to chunk. Index pages, and pages of
// types the format may add, are skipped, bytes and all (Arrow's reader
// skips their header only); pages are read until the chunk's values are
// (its metadata's num_values), as Arrow's reader does. Codecs are Arrow's (parquet/compress); a codec
// Arrow lacks (LZO, LZ4, LZ4_RAW) is an error, as it is in Arrow. Page
// checksums (crc) are not verified, as Arrow does not verify them.
type pageReader struct {
	ra    io.ReaderAt
	codec compress.Codec // nil when the chunk is not compressed
	snapp bool           // the codec is Snappy: its length prefix is checked first
	// ahead holds the bytes of the chunk from file offset at on, read
	// ahead; end is the chunk's end.
	ahead   []byte
	at, end int64
	left    int64 // values of the chunk's data pages not read yet
	// most bounds a page's size uncompressed (its chunk's, see
	// pqPages.open), checked before a buffer is made for it.
	most   int64
	shared *[]byte // the worker's buffer of compressed bytes
	own    []byte  // the buffer of ahead
	pool   pagePool
	page   []byte // the current page's buffer, from pool
	pg     pqPage
	hdr    pageHeader
	g      int // the row group, for errors
}

// reset starts reading the column chunk at file offsets start to end of
// ra, in row group g, of values values (its metadata's num_values) in
// pages of at most most bytes uncompressed, compressed with codec.
func (r *pageReader) reset(ra io.ReaderAt, start, end, values, most int64, codec compress.Compression, g int) error {
	r.ra, r.at, r.end, r.left, r.most, r.g, r.ahead = ra, start, end, values, most, g, r.own[:0]
	r.codec, r.snapp = nil, codec == compress.Codecs.Snappy
	if codec != compress.Codecs.Uncompressed {
		c, err := compress.GetCodec(codec)
		if err != nil {
			return err
		}
		r.codec = c
	}
	return nil
}

// next reads the next page; at the end of the chunk it returns nil.
func (r *pageReader) next() (*pqPage, error) {
	for r.left > 0 && r.at < r.end {
		at := r.at
		pg, err := r.read()
		if err != nil {
			return nil, fmt.Errorf("row group %d, page at byte %d: %w", r.g, at, err)
		}
		if pg != nil {
			return pg, nil
		}
	}
	return nil, nil
}

// read reads the page at r.at, or skips it and returns nil if its type
// is not one of the dictionary and data pages.
func (r *pageReader) read() (*pqPage, error) {
	size, err := r.header()
	if err != nil {
		return nil, err
	}
	r.skip(int64(size))
	h := &r.hdr
	typ, usize, csize := h.page.ints[1], h.page.ints[2], h.page.ints[3]
	switch {
	case usize < 0 || csize < 0:
		return nil, fmt.Errorf("page sizes %d and %d", csize, usize)
	case int64(csize) > r.end-r.at:
		return nil, fmt.Errorf("page of %d bytes past the end of its column chunk (%d bytes left)", csize, r.end-r.at)
	case int64(usize) > r.most:
		return nil, fmt.Errorf("page of %d bytes uncompressed in a column chunk of %d", usize, r.most)
	case subHeader(typ) == 0:
		r.skip(int64(csize)) // an index page, or of a type unknown
		return nil, nil
	}
	sub := &h.sub
	r.pg = pqPage{typ: typ, values: sub.ints[1], encoding: parquet.Encoding(sub.ints[2])}
	if r.pg.values < 0 {
		return nil, errors.New("negative number of values in a page")
	}
	levels := int32(0) // the bytes at the start of the body not compressed
	compressed := r.codec != nil
	switch typ {
	case pageData:
		r.pg.defEnc = parquet.Encoding(sub.ints[3])
	case pageDataV2:
		r.pg.encoding = parquet.Encoding(sub.ints[4])
		r.pg.defLen, r.pg.repLen = sub.ints[5], sub.ints[6]
		if r.pg.defLen < 0 || r.pg.repLen < 0 || int64(r.pg.defLen)+int64(r.pg.repLen) > int64(min(csize, usize)) {
			return nil, fmt.Errorf("levels of %d and %d bytes in a page of %d", r.pg.defLen, r.pg.repLen, min(csize, usize))
		}
		levels = r.pg.defLen + r.pg.repLen
		compressed = compressed && (!sub.has(7) || sub.trues&(1<<7) != 0)
	}
	if typ != pageDictionary {
		r.left -= int64(r.pg.values)
	}
	if err := r.body(int(csize), int(usize), int(levels), compressed); err != nil {
		return nil, err
	}
	return &r.pg, nil
}

// header decodes the page header at r.at into r.hdr and returns its
// size: from the bytes read ahead if they hold it, else reading a window
// of pageHeaderSize bytes, doubled up to maxPageHeaderSize, as Arrow's
// reader does.
func (r *pageReader) header() (int, error) {
	for want := pageHeaderSize; ; want *= 2 {
		size, err := readPageHeader(r.ahead, &r.hdr)
		switch {
		case err == nil:
			return size, nil
		case !errors.Is(err, errHeaderShort) || int64(len(r.ahead)) >= r.end-r.at:
			return 0, fmt.Errorf("page header: %w", err)
		case len(r.ahead) >= maxPageHeaderSize:
			return 0, fmt.Errorf("page header longer than %d bytes", maxPageHeaderSize)
		}
		for want <= len(r.ahead) {
			want *= 2
		}
		if err := r.fill(min(want, maxPageHeaderSize)); err != nil {
			return 0, err
		}
	}
}

// fill reads ahead so that ahead holds want bytes, or the rest of the
// chunk.
func (r *pageReader) fill(want int) error {
	want = int(min(int64(want), r.end-r.at))
	if len(r.ahead) >= want {
		return nil
	}
	if cap(r.own) < want {
		r.own = make([]byte, 0, max(want, pageLookahead))
	}
	have := copy(r.own[:want], r.ahead)
	r.ahead = r.own[:want]
	return r.readAt(r.ahead[have:], r.at+int64(have))
}

// skip moves n bytes on in the chunk.
func (r *pageReader) skip(n int64) {
	if n <= int64(len(r.ahead)) {
		r.ahead = r.ahead[n:]
	} else {
		r.ahead = r.ahead[:0]
	}
	r.at += n
}

// readAt fills b from file offset at.
func (r *pageReader) readAt(b []byte, at int64) error {
	n, err := r.ra.ReadAt(b, at)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// body reads the page's csize bytes at r.at into a page of usize bytes:
// its first levels bytes as they are, the rest decompressed when
// compressed, with up to pageLookahead bytes after it into ahead.
func (r *pageReader) body(csize, usize, levels int, compressed bool) error {
	if !compressed && csize != usize {
		return fmt.Errorf("page of %d bytes not compressed, its header says %d", csize, usize)
	}
	if r.snapp && compressed {
		// Snappy's block starts with its decoded length: checked before a
		// buffer is sized on the header's word, and Decode allocates none.
		if err := r.fill(min(csize, levels+binary.MaxVarintLen32)); err != nil {
			return err
		}
		block := r.ahead[:min(csize, len(r.ahead))]
		if n, k := binary.Uvarint(block[min(levels, len(block)):]); k <= 0 || n != uint64(usize-levels) {
			return fmt.Errorf("snappy block of %d bytes, its page header says %d", n, usize-levels)
		}
	}
	r.pool.Free(r.page)
	// An eighth more than asked: the pages of a column in the next row
	// groups are about as large, and fit.
	r.page = r.pool.Allocate(usize + usize/8 + pageLookahead)[:usize]
	if !compressed {
		r.pg.data = r.page
		return r.take(r.page[:cap(r.page)], csize)
	}
	if r.shared == nil { // a reader of no worker's
		r.shared = new([]byte)
	}
	src := prefault.Grow((*r.shared)[:0], csize+pageLookahead)
	*r.shared = src
	src = src[:cap(src)]
	if err := r.take(src, csize); err != nil {
		return err
	}
	copy(r.page, src[:levels])
	r.pg.data = r.page
	return r.decompress(r.page[levels:], src[levels:csize])
}

// take copies the next n bytes of the chunk to b[:n], and reads up to
// pageLookahead bytes past them into ahead, at once if b has room.
func (r *pageReader) take(b []byte, n int) error {
	k := copy(b[:n], r.ahead)
	if k == n {
		r.skip(int64(n))
		return nil
	}
	extra := int(min(int64(pageLookahead), r.end-r.at-int64(n)))
	if err := r.readAt(b[k:n+extra], r.at+int64(k)); err != nil {
		return err
	}
	r.at += int64(n)
	if cap(r.own) < pageLookahead {
		r.own = make([]byte, 0, pageLookahead)
	}
	r.ahead = append(r.own[:0], b[n:n+extra]...)
	return nil
}

// decompress decodes src into all of dst: a page that decodes to another
// length is corrupt, and a codec's panic on corrupt input is an error.
func (r *pageReader) decompress(dst, src []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("decompressing a page: %v", p)
		}
	}()
	out := r.codec.Decode(dst, src)
	if len(out) != len(dst) || len(out) > 0 && &out[0] != &dst[0] {
		return fmt.Errorf("page decompresses to %d bytes, its header says %d", len(out), len(dst))
	}
	return nil
}

// arrowPages is the pages of an Arrow page reader: the reader of the
// column chunks pageReader does not read (encrypted, or from a parquet-mr
// writer before PARQUET-816, or of a source without random access).
type arrowPages struct {
	pr file.PageReader
	pg pqPage
}

// next returns the next page of the Arrow reader.
func (a *arrowPages) next() (*pqPage, error) {
	if !a.pr.Next() {
		return nil, a.pr.Err()
	}
	switch pg := a.pr.Page().(type) {
	case *file.DictionaryPage:
		a.pg = pqPage{typ: pageDictionary}
	case *file.DataPageV1:
		a.pg = pqPage{typ: pageData, defEnc: pg.DefinitionLevelEncoding()}
	case *file.DataPageV2:
		a.pg = pqPage{typ: pageDataV2, defLen: pg.DefinitionLevelByteLen(), repLen: pg.RepetitionLevelByteLen()}
	default:
		a.pg = pqPage{typ: -1}
	}
	pg := a.pr.Page()
	a.pg.data, a.pg.values, a.pg.encoding = pg.Data(), pg.NumValues(), parquet.Encoding(pg.Encoding())
	return &a.pg, nil
}
