package quasiid

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/stretchr/testify/require"
)

// pqPagesOf reads every page of src, copying each.
func pqPagesOf(t *testing.T, src pageSource) []pqPage {
	var out []pqPage
	for {
		pg, err := src.next()
		require.NoError(t, err)
		if pg == nil {
			return out
		}
		c := *pg
		c.data = bytes.Clone(pg.data)
		out = append(out, c)
	}
}

// TestPageReaderMatchesArrow writes files with each codec Arrow writes
// (none, Snappy, Gzip, Zstd), data pages v1 and v2, nulls, several row
// groups, small pages and a small dictionary page limit (so that high
// cardinality columns fall back to PLAIN pages), and checks that
// pageReader reads each column chunk's pages as Arrow's page reader does:
// type, counts, encodings, level lengths and decompressed bytes.
func TestPageReaderMatchesArrow(t *testing.T) {
	codecs := []compress.Compression{compress.Codecs.Uncompressed, compress.Codecs.Snappy, compress.Codecs.Gzip, compress.Codecs.Zstd}
	plain, v2 := 0, 0
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 33))
		rec := pqTestRecord(r, 1000+r.IntN(3000), []int{0, 4}[seed%2], nil)
		version := []parquet.DataPageVersion{parquet.DataPageV1, parquet.DataPageV2}[seed/2%2]
		data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(int64(100+r.IntN(500))),
			parquet.WithDictionaryPageSizeLimit(int64(64+r.IntN(300))), parquet.WithDataPageSize(int64(64+r.IntN(2000))),
			parquet.WithDataPageVersion(version), parquet.WithCompression(codecs[seed%4]))
		rec.Release()
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{})
		require.NoError(t, err)
		p := src.pq
		require.Greater(t, p.pf.NumRowGroups(), 1)
		var pages pqPages
		for g := range p.pf.NumRowGroups() {
			for leaf := range p.pf.MetaData().Schema.NumColumns() {
				what := fmt.Sprintf("seed %d, row group %d, column %d", seed, g, leaf)
				ours, err := pages.open(p, g, leaf)
				require.NoError(t, err, what)
				require.Same(t, &pages.pr, ours, what)
				pr, err := p.pf.RowGroup(g).GetColumnPageReader(leaf)
				require.NoError(t, err, what)
				want := pqPagesOf(t, &arrowPages{pr: pr})
				require.Equal(t, want, pqPagesOf(t, ours), what)
				for _, pg := range want {
					if pg.typ != pageDictionary && pg.encoding == parquet.Encodings.Plain {
						plain++
					}
					if pg.typ == pageDataV2 {
						v2++
					}
				}
			}
		}
		require.NoError(t, src.Close())
	}
	require.NotZero(t, plain, "no PLAIN data page")
	require.NotZero(t, v2, "no data page v2")
}

// ctField is a field of a Thrift struct for ctEncode: its value an int32,
// int64, bool, []byte, []int32 (a list) or []ctField (a struct).
type ctField struct {
	id int16
	v  any
}

// ctEncode appends the struct of fields in the Thrift compact protocol
// (field ids in increasing order use the short form, others the long).
func ctEncode(b []byte, fields []ctField) []byte {
	zz := func(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }
	var last int16
	for _, f := range fields {
		typ := map[string]byte{"int32": ctI32, "int64": ctI64, "[]uint8": ctBinary, "[]int32": ctList,
			"[]quasiid.ctField": ctStruct}[fmt.Sprintf("%T", f.v)]
		if v, ok := f.v.(bool); ok {
			typ = map[bool]byte{true: ctTrue, false: ctFalse}[v]
		}
		if d := f.id - last; d > 0 && d <= 15 {
			b = append(b, byte(d)<<4|typ)
		} else {
			b = binary.AppendUvarint(append(b, typ), zz(int64(f.id)))
		}
		last = f.id
		switch v := f.v.(type) {
		case int32:
			b = binary.AppendUvarint(b, zz(int64(v)))
		case int64:
			b = binary.AppendUvarint(b, zz(v))
		case []byte:
			b = append(binary.AppendUvarint(b, uint64(len(v))), v...)
		case []int32:
			b = binary.AppendUvarint(append(b, 15<<4|ctI32), uint64(len(v)))
			for _, x := range v {
				b = binary.AppendUvarint(b, zz(int64(x)))
			}
		case []ctField:
			b = ctEncode(b, v)
		}
	}
	return append(b, ctStop)
}

// ctPage returns a page header of type typ and the page's body.
func ctPage(typ int32, sub []ctField, body []byte, extra ...ctField) []byte {
	fields := []ctField{{1, typ}, {2, int32(len(body))}, {3, int32(len(body))}}
	if id := subHeader(typ); id != 0 {
		fields = append(fields, ctField{id, sub})
	}
	return append(ctEncode(nil, append(fields, extra...)), body...)
}

// TestPageReaderCrafted reads a column chunk written by hand: fields
// unknown to the reader (of every compact type, in long and short form,
// nested) are skipped, an index page and a page of an unknown type are
// skipped whole, is_compressed false is honoured, the chunk's value count
// ends the read; corrupt headers and sizes are errors naming the row group
// and the page's offset, never a panic.
func TestPageReaderCrafted(t *testing.T) {
	stats := []ctField{{1, []byte("max")}, {2, []byte("min")}, {3, int64(7)}, {200, []int32{1, -2, 3}}}
	var chunk []byte
	chunk = append(chunk, ctPage(pageIndex, nil, []byte("an index page"))...)
	chunk = append(chunk, ctPage(pageDictionary, []ctField{{1, int32(2)}, {2, int32(0)}, {3, true}}, []byte("dict"),
		ctField{40, int64(-1)}, ctField{41, []ctField{{1, []ctField{{300, false}}}}})...)
	chunk = append(chunk, ctPage(9, nil, []byte("a page of a later format"))...)
	chunk = append(chunk, ctPage(pageData, []ctField{{1, int32(3)}, {2, int32(8)}, {3, int32(3)}, {4, int32(3)}, {5, stats}},
		[]byte("v1 data"), ctField{4, int32(-5)})...)
	v2 := len(chunk)
	chunk = append(chunk, ctPage(pageDataV2, []ctField{{1, int32(4)}, {2, int32(1)}, {3, int32(4)}, {4, int32(8)},
		{5, int32(2)}, {6, int32(0)}, {7, false}, {8, stats}}, []byte("L!v2 data"))...)
	end := len(chunk)
	chunk = append(chunk, ctPage(pageData, []ctField{{1, int32(3)}, {2, int32(8)}, {3, int32(3)}, {4, int32(3)}}, []byte("past the values"))...)
	read := func(b []byte, values int64, codec compress.Compression) ([]pqPage, error) {
		var r pageReader
		require.NoError(t, r.reset(bytes.NewReader(b), 0, int64(len(b)), values, 1<<20, codec, 3))
		var out []pqPage
		for {
			pg, err := r.next()
			if pg == nil || err != nil {
				return out, err
			}
			c := *pg
			c.data = bytes.Clone(pg.data)
			out = append(out, c)
		}
	}
	pages, err := read(chunk, 7, compress.Codecs.Uncompressed)
	require.NoError(t, err)
	require.Equal(t, []pqPage{
		{typ: pageDictionary, data: []byte("dict"), values: 2, encoding: parquet.Encodings.Plain},
		{typ: pageData, data: []byte("v1 data"), values: 3, encoding: parquet.Encodings.RLEDict, defEnc: parquet.Encodings.RLE},
		{typ: pageDataV2, data: []byte("L!v2 data"), values: 4, encoding: parquet.Encodings.RLEDict, defLen: 2},
	}, pages)
	pages, err = read(chunk[v2:end], 4, compress.Codecs.Snappy) // is_compressed false
	require.NoError(t, err)
	require.Equal(t, []byte("L!v2 data"), pages[0].data)
	pages, err = read(chunk, 8, compress.Codecs.Uncompressed) // a value more: one page more
	require.NoError(t, err)
	require.Len(t, pages, 4)
	pages, err = read(chunk[:end], 8, compress.Codecs.Uncompressed) // the chunk ends first: no error here
	require.NoError(t, err)
	require.Len(t, pages, 3)

	long := ctPage(pageData, []ctField{{1, int32(1)}, {2, int32(0)}, {3, int32(3)}, {4, int32(3)},
		{5, []ctField{{1, bytes.Repeat([]byte("x"), 5<<20)}}}}, []byte("x"))
	bad := map[string][]byte{
		"page header: page header cut short":                chunk[:5],
		"page header longer than 4194304 bytes":             long,
		"page of type 0 without its header":                 ctEncode(nil, []ctField{{1, int32(0)}, {2, int32(0)}, {3, int32(0)}}),
		"page header lacks its type or sizes":               ctEncode(nil, []ctField{{1, int32(0)}, {3, int32(0)}}),
		"header of a page of type 2 lacks a required field": ctPage(pageDictionary, []ctField{{1, int32(2)}}, nil),
		"page sizes -1 and 0":                               ctEncode(nil, []ctField{{1, int32(1)}, {2, int32(0)}, {3, int32(-1)}}),
		"page of 9 bytes past the end of its column chunk":  ctEncode(nil, []ctField{{1, int32(1)}, {2, int32(9)}, {3, int32(9)}}),
		"negative number of values":                         ctPage(pageDictionary, []ctField{{1, int32(-2)}, {2, int32(0)}}, nil),
		"levels of 5 and 0 bytes in a page of 4":            ctPage(pageDataV2, []ctField{{1, int32(4)}, {2, int32(1)}, {3, int32(4)}, {4, int32(8)}, {5, int32(5)}, {6, int32(0)}}, []byte("1234")),
		"page header nested too deep":                       bytes.Repeat([]byte{1<<4 | ctStruct}, 100),
		"page header has an integer out of range":           []byte{1<<4 | ctI32, 0xff, 0xff, 0xff, 0xff, 0x7f},
		"page header has a field of unknown type 13":        []byte{1<<4 | 13},
		"page of 3 bytes not compressed, its header says 4": append(ctEncode(nil, []ctField{{1, int32(2)}, {2, int32(4)}, {3, int32(3)}, {7, []ctField{{1, int32(0)}, {2, int32(0)}}}}), "abc"...),
		"snappy block of 0 bytes, its page header says 3":   ctEncode(nil, []ctField{{1, int32(2)}, {2, int32(3)}, {3, int32(0)}, {7, []ctField{{1, int32(0)}, {2, int32(0)}}}}),
		"snappy block of 99 bytes, its page header says 3":  append(ctEncode(nil, []ctField{{1, int32(2)}, {2, int32(3)}, {3, int32(1)}, {7, []ctField{{1, int32(0)}, {2, int32(0)}}}}), 99),
		"decompressing a page: snappy: corrupt input":       append(ctEncode(nil, []ctField{{1, int32(2)}, {2, int32(3)}, {3, int32(2)}, {7, []ctField{{1, int32(0)}, {2, int32(0)}}}}), 3, 0xff),
	}
	for want, b := range bad {
		codec := compress.Codecs.Uncompressed
		if bytes.Contains([]byte(want), []byte("nappy")) {
			codec = compress.Codecs.Snappy
		}
		_, err := read(b, 1, codec)
		require.ErrorContains(t, err, "row group 3, page at byte 0: ", want)
		require.ErrorContains(t, err, want)
	}
}

// FuzzPageReader reads arbitrary bytes as a column chunk, not compressed
// or compressed with Snappy, Gzip or Zstd: pageReader must return pages
// or an error, never panic, and never more pages than bytes.
func FuzzPageReader(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	rec := pqTestRecord(r, 300, 3, nil)
	for i, codec := range []compress.Compression{compress.Codecs.Uncompressed, compress.Codecs.Snappy, compress.Codecs.Gzip, compress.Codecs.Zstd} {
		data := pqTestFile(f, rec, parquet.WithDataPageSize(100), parquet.WithCompression(codec),
			parquet.WithDataPageVersion([]parquet.DataPageVersion{parquet.DataPageV1, parquet.DataPageV2}[i%2]))
		pf, err := file.NewParquetReader(bytes.NewReader(data))
		require.NoError(f, err)
		col, err := pf.MetaData().RowGroup(0).ColumnChunk(1)
		require.NoError(f, err)
		start := col.DataPageOffset()
		if col.HasDictionaryPage() {
			start = min(start, col.DictionaryPageOffset())
		}
		f.Add(byte(i), data[start:start+col.TotalCompressedSize()])
	}
	rec.Release()
	f.Add(byte(0), ctPage(pageIndex, nil, []byte("index")))
	codecs := []compress.Compression{compress.Codecs.Uncompressed, compress.Codecs.Snappy, compress.Codecs.Gzip, compress.Codecs.Zstd}
	f.Fuzz(func(t *testing.T, codec byte, chunk []byte) {
		var pr pageReader
		if err := pr.reset(bytes.NewReader(chunk), 0, int64(len(chunk)), 1<<40, 1<<20, codecs[codec%4], 0); err != nil {
			t.Fatal(err)
		}
		for n := 0; ; n++ {
			pg, err := pr.next()
			if pg == nil || err != nil {
				break
			}
			if n > len(chunk) {
				t.Fatalf("%d pages from %d bytes", n, len(chunk))
			}
		}
	})
}

// TestPageReaderAllocs checks that pageReader reads the pages of chunks with no allocation
// once its buffers are grown.
func TestPageReaderAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	rec := pqTestRecord(r, 3000, 3, nil)
	data := pqTestFile(t, rec, parquet.WithDataPageSize(200), parquet.WithBatchSize(64), parquet.WithCompression(compress.Codecs.Snappy))
	rec.Release()
	pf, err := file.NewParquetReader(bytes.NewReader(data), file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)))
	require.NoError(t, err)
	col, err := pf.MetaData().RowGroup(0).ColumnChunk(1)
	require.NoError(t, err)
	start := min(col.DataPageOffset(), col.DictionaryPageOffset())
	var pr pageReader
	ra := bytes.NewReader(data)
	pages := 0
	readAll := func() {
		require.NoError(t, pr.reset(ra, start, start+col.TotalCompressedSize(), col.NumValues(), col.TotalUncompressedSize(), col.Compression(), 0))
		for pages = 0; ; pages++ {
			pg, err := pr.next()
			require.NoError(t, err)
			if pg == nil {
				break
			}
		}
	}
	readAll()
	require.Greater(t, pages, 5)
	require.Zero(t, testing.AllocsPerRun(10, readAll))
}

// TestParquetPageHeaderCorrupt spoils the first page header of column
// "low" in the second row group: Encode and EncodeChunks report an error
// naming the file, the row group's first row, the column, the row group
// and the page's offset.
func TestParquetPageHeaderCorrupt(t *testing.T) {
	rec := pqTestRecord(rand.New(rand.NewPCG(3, 4)), 900, 4, nil)
	data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(300), parquet.WithCompression(compress.Codecs.Snappy))
	rec.Release()
	src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{})
	require.NoError(t, err)
	col, err := src.pq.pf.MetaData().RowGroup(1).ColumnChunk(0)
	require.NoError(t, err)
	at := min(col.DataPageOffset(), col.DictionaryPageOffset())
	require.NoError(t, src.Close())
	bad := bytes.Clone(data)
	bad[at] = 0xff // field id +15 of type 15: no type of the compact protocol
	want := fmt.Sprintf("t.parquet: after row 300: corrupt input: column \"low\": row group 1, page at byte %d: "+
		"page header: page header has a field of unknown type 15", at)
	for _, chunks := range []bool{false, true} {
		src, err := Read("t.parquet", bytes.NewReader(bad), ReadOptions{})
		require.NoError(t, err)
		if chunks {
			_, err = EncodeChunks(context.Background(), src, pqTestSpec, EncodeOptions{}, func(*Table, int64) error { return nil })
		} else {
			_, err = Encode(context.Background(), src, pqTestSpec, EncodeOptions{})
		}
		require.EqualError(t, err, want)
		require.NoError(t, src.Close())
	}
}

// TestParquetArrowPages reads a file through Arrow's page reader, as
// chunks pageReader does not read are (a source without random access
// here): the codes are those of the pqarrow record path.
func TestParquetArrowPages(t *testing.T) {
	rec := pqTestRecord(rand.New(rand.NewPCG(5, 4)), 2000, 4, nil)
	data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(700), parquet.WithDataPageSize(300),
		parquet.WithDictionaryPageSizeLimit(200), parquet.WithDataPageVersion(parquet.DataPageV2))
	rec.Release()
	want, err := pqReference(t, data, pqTestSpec)
	require.NoError(t, err)
	src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: 100})
	require.NoError(t, err)
	src.pq.ra = nil
	var pages pqPages
	ps, err := pages.open(src.pq, 1, 0)
	require.NoError(t, err)
	require.Same(t, &pages.ap, ps)
	got, err := Encode(context.Background(), src, pqTestSpec, EncodeOptions{})
	require.NoError(t, err)
	requireSameTable(t, want, got, "Arrow's page reader")
}
