package quasiid

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/require"
)

// pqTestSchema has a column of each kind the page decoder reads (text,
// binary, int32, int64; nullable or not) and of kinds it leaves to
// pqarrow (logical integer types, dates, timestamps, decimals, floats,
// booleans).
var pqTestSchema = arrow.NewSchema([]arrow.Field{
	{Name: "low", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "high", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "req", Type: arrow.BinaryTypes.String},
	{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64},
	{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "dec", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
	{Name: "tm", Type: &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}, Nullable: true},
}, nil)

var pqTestSpec = Spec{
	QI:          []string{"low", "i32", "i64", "i16", "u32", "flag", "day"},
	Sensitive:   []string{"high", "bin"},
	Subject:     "req",
	Insensitive: []string{"ts", "f64", "dec"},
	Time:        "tm",
}

// pqTestRecord returns n random rows of pqTestSchema, about one value in
// nulls null in each nullable column (none when nulls is 0); bad, if not
// nil, is the value of column low in row n/2 and of column high 101 rows
// before.
func pqTestRecord(r *rand.Rand, n, nulls int, bad []byte) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, pqTestSchema)
	defer b.Release()
	for i := range n {
		for k, f := range pqTestSchema.Fields() {
			fb := b.Field(k)
			if f.Nullable && nulls > 0 && r.IntN(nulls) == 0 && (bad == nil || i != n/2 && i != n/2-101) {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				v := []string{"a", "b", "", "ü", "c"}[r.IntN(5)]
				if f.Name == "high" && bad != nil && i == n/2-101 {
					v = string(bad)
				} else if f.Name == "high" {
					v = fmt.Sprintf("id-%d", r.IntN(n))
				} else if f.Name == "low" && bad != nil && i == n/2 {
					v = string(bad)
				}
				fb.Append(v)
			case *array.BinaryBuilder:
				fb.Append([]byte{byte(r.IntN(3)), 0xff})
			case *array.Int32Builder:
				fb.Append([]int32{-1, 0, 7, 1 << 30, -1 << 31}[r.IntN(5)])
			case *array.Int64Builder:
				fb.Append([]int64{r.Int64N(50), -r.Int64N(5), r.Int64() - 1<<62}[r.IntN(3)])
			case *array.Int16Builder:
				fb.Append(int16(r.IntN(5) - 2))
			case *array.Uint32Builder:
				fb.Append([]uint32{0, 3, 1 << 31, 1<<32 - 1}[r.IntN(4)])
			case *array.Date32Builder:
				fb.Append(arrow.Date32(19000 + r.IntN(4)))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(1_700_000_000 + r.Int64N(4)*3600))
			case *array.Float64Builder:
				fb.Append([]float64{0.5, 39, -1e20}[r.IntN(3)])
			case *array.BooleanBuilder:
				fb.Append(r.IntN(2) == 0)
			case *array.Decimal128Builder:
				fb.Append(decimal128.FromI64(int64(r.IntN(4)*125 - 200)))
			}
		}
	}
	return b.NewRecord()
}

// pqTestFile writes rec as Parquet with the given properties.
func pqTestFile(t testing.TB, rec arrow.Record, props ...parquet.WriterProperty) []byte {
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(rec.Schema(), &buf, parquet.NewWriterProperties(props...), pqarrow.DefaultWriterProps())
	require.NoError(t, err)
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// pqReference encodes data through pqarrow's whole-table reader and the
// record path of Encode, the path every other Arrow source takes.
func pqReference(t testing.TB, data []byte, spec Spec) (*Table, error) {
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1000}, memory.DefaultAllocator)
	require.NoError(t, err)
	tbl, err := fr.ReadTable(context.Background())
	require.NoError(t, err)
	defer tbl.Release()
	return Encode(context.Background(), FromTable("t.parquet", tbl), spec, EncodeOptions{})
}

// requireSameTable checks that got has want's rows, codes, times and
// dictionaries.
func requireSameTable(t testing.TB, want, got *Table, what string) {
	require.Equal(t, want.Rows, got.Rows, what)
	for k, w := range want.Columns {
		g := got.Columns[k]
		require.Equal(t, w.Codes, g.Codes, "%s: column %s", what, w.Name)
		require.Equal(t, w.Times, g.Times, "%s: column %s", what, w.Name)
		require.Equal(t, w.Valid, g.Valid, "%s: column %s", what, w.Name)
		if w.Dict != nil {
			require.Equal(t, w.Dict.values, g.Dict.values, "%s: column %s", what, w.Name)
			require.Equal(t, w.Dict.Null(), g.Dict.Null(), "%s: column %s", what, w.Name)
		}
	}
}

// chunksTable runs EncodeChunks and puts the chunks end to end.
func chunksTable(t testing.TB, src *Source, spec Spec) (*Table, error) {
	var cols []*Column
	var next int64
	tbl, err := EncodeChunks(context.Background(), src, spec, EncodeOptions{}, func(c *Table, first int64) error {
		require.Equal(t, next, first)
		next += int64(c.Rows)
		if cols == nil {
			cols = make([]*Column, len(c.Columns))
			for k := range cols {
				cols[k] = &Column{}
			}
		}
		for k, col := range c.Columns {
			cols[k].Codes = append(cols[k].Codes, col.Codes...)
			cols[k].Times = append(cols[k].Times, col.Times...)
			valid := col.Valid
			if valid == nil && col.Times != nil {
				valid = make([]bool, c.Rows)
				for i := range valid {
					valid[i] = true
				}
			}
			cols[k].Valid = append(cols[k].Valid, valid...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, c := range tbl.Columns {
		c.Codes, c.Times, c.Valid = cols[k].Codes, cols[k].Times, cols[k].Valid
		if !slices.Contains(c.Valid, false) {
			c.Valid = nil // Encode's Valid when every time is valid
		}
	}
	return tbl, nil
}

// requireReadsLike checks that Encode of the source open1 returns and
// EncodeChunks of the one open2 returns give want.
func requireReadsLike(t *testing.T, want *Table, open1, open2 func() *Source, spec Spec, what string) {
	got, err := Encode(context.Background(), open1(), spec, EncodeOptions{})
	require.NoError(t, err, what)
	requireSameTable(t, want, got, what)
	got, err = chunksTable(t, open2(), spec)
	require.NoError(t, err, what)
	requireSameTable(t, want, got, what+" (chunks)")
}

// TestParquetPagesMatchArrow writes random tables with nulls, several row
// groups, small pages, a small dictionary page limit (so that the high
// cardinality columns fall back to plain pages), data pages v1 and v2,
// without compression and with Snappy, Zstd and Gzip, and checks that Encode
// and EncodeChunks give the codes, dictionaries, times and rows of the
// pqarrow record path.
func TestParquetPagesMatchArrow(t *testing.T) {
	codecs := []compress.Compression{compress.Codecs.Uncompressed, compress.Codecs.Snappy, compress.Codecs.Zstd, compress.Codecs.Gzip}
	for seed := range uint64(12) {
		r := rand.New(rand.NewPCG(seed, 16))
		n := 1 + r.IntN(4000)
		rec := pqTestRecord(r, n, []int{0, 3, 20}[seed%3], nil)
		version := parquet.DataPageV1
		if seed%2 == 1 {
			version = parquet.DataPageV2
		}
		props := []parquet.WriterProperty{parquet.WithMaxRowGroupLength(int64(1 + r.IntN(1500))),
			parquet.WithDictionaryPageSizeLimit(int64(64 + r.IntN(300))), parquet.WithDataPageSize(int64(64 + r.IntN(1000))),
			parquet.WithDataPageVersion(version), parquet.WithCompression(codecs[seed%4])}
		if seed%4 == 3 { // an encoding the page decoder leaves to pqarrow
			props = append(props, parquet.WithDictionaryFor("high", false),
				parquet.WithEncodingFor("high", parquet.Encodings.DeltaLengthByteArray))
		}
		data := pqTestFile(t, rec, props...)
		rec.Release()
		what := fmt.Sprintf("seed %d, %d rows", seed, n)
		want, err := pqReference(t, data, pqTestSpec)
		require.NoError(t, err, what)
		open := func() *Source {
			src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: 1 + r.IntN(700)})
			require.NoError(t, err)
			return src
		}
		src := open()
		for field, kind := range map[int]pqKind{0: pqText, 2: pqText, 3: pqBytes, 4: pqInt32, 5: pqInt64, 6: pqNone, 7: pqNone, 8: pqNone, 9: pqNone, 12: pqNone} {
			require.Equal(t, kind, src.pq.pageKind(field, src.pq.leaves(field)), "field %d", field)
		}
		requireReadsLike(t, want, func() *Source { return src }, open, pqTestSpec, what)
	}
}

// TestParquetPagesInvalidUTF8 checks that invalid UTF-8 in a
// dictionary-encoded text column gives the error of the pqarrow path,
// naming the file, row and column.
func TestParquetPagesInvalidUTF8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rec := pqTestRecord(r, 3000, 5, []byte{'x', 0xff})
	data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(1000), parquet.WithDataPageSize(300))
	rec.Release()
	spec := Spec{QI: []string{"i32", "low"}}
	_, want := pqReference(t, data, spec)
	require.ErrorContains(t, want, "t.parquet: row 1501, column \"low\"")
	for _, batch := range []int{7, 1000, 5000} {
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: batch})
		require.NoError(t, err)
		_, err = Encode(context.Background(), src, spec, EncodeOptions{})
		require.EqualError(t, err, want.Error())
	}
	// Two columns fail: the earliest batch wins, then the first column.
	spec = Spec{QI: []string{"low", "high"}}
	_, want = pqReference(t, data, spec)
	require.ErrorContains(t, want, "t.parquet: row 1501, column \"low\"")
	for batch, where := range map[int]string{1000: "row 1501, column \"low\"", 100: "row 1400, column \"high\""} {
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: batch})
		require.NoError(t, err)
		_, err = Encode(context.Background(), src, spec, EncodeOptions{})
		require.ErrorContains(t, err, where)
	}
}

// TestParquetPagesFallBack decodes every column chunk of the kinds the
// page decoder reads from its pages, whatever the metadata says, in
// pieces of random length: integer chunks whose dictionary grew too
// large switch to pqarrow at their first plain page, skipping the rows
// decoded. The values must be those of the pqarrow record path.
func TestParquetPagesFallBack(t *testing.T) {
	switched := 0
	for seed := range uint64(6) {
		r := rand.New(rand.NewPCG(seed, 17))
		n := 500 + r.IntN(3000)
		rec := pqTestRecord(r, n, []int{0, 4}[seed%2], nil)
		data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(int64(200+r.IntN(2000))),
			parquet.WithDictionaryPageSizeLimit(200), parquet.WithDataPageSize(int64(64+r.IntN(500))),
			parquet.WithDataPageVersion([]parquet.DataPageVersion{parquet.DataPageV1, parquet.DataPageV2}[seed/2%2]))
		rec.Release()
		want, err := pqReference(t, data, pqTestSpec)
		require.NoError(t, err)
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: 1 + r.IntN(300)})
		require.NoError(t, err)
		tbl, encs, err := newEncoders(src, pqTestSpec, EncodeOptions{})
		require.NoError(t, err)
		rd, err := newPQRead(src.pq, tbl.Source, encs)
		require.NoError(t, err)
		for k, kind := range rd.kinds {
			if kind == pqNone {
				continue
			}
			for g := range len(rd.starts) - 1 {
				c := pqColumn{r: rd, k: k, enc: columnEncoder{file: rd.file, field: encs[k].field}, g: g, group: rd.starts[g]}
				require.NoError(t, c.openPages(g))
				var piece pqPiece
				for at := rd.starts[g]; at < rd.starts[g+1]; {
					m := int(min(rd.starts[g+1]-at, int64(1+r.IntN(700))))
					_, err := c.fill(context.Background(), &piece, at, m)
					require.NoError(t, err)
					for i, code := range piece.codes[:m] {
						wc := want.Columns[k]
						got := "NULL"
						if code != piece.null {
							got = piece.values[code]
						}
						require.Equal(t, wc.Dict.Label(wc.Codes[at+int64(i)]), got, "seed %d column %s row %d", seed, wc.Name, at+int64(i))
					}
					at += int64(m)
				}
				if c.dec == nil {
					switched++
				}
				c.close()
			}
		}
		src.Close()
	}
	require.NotZero(t, switched, "no chunk fell back to plain pages")
}

// TestParquetChunksStop checks that an error from fn, or a cancelled
// context, stops a Parquet read with that error, the workers' chunks in
// flight released (no Arrow memory left), and that Progress counts the
// rows handed over.
func TestParquetChunksStop(t *testing.T) {
	rec := pqTestRecord(rand.New(rand.NewPCG(7, 8)), 5000, 4, nil)
	data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(400))
	rec.Release()
	stop := errors.New("stop")
	for _, cancelled := range []bool{false, true} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: 50, Allocator: mem})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		var progress []int64
		calls := 0
		_, err = EncodeChunks(ctx, src, pqTestSpec, EncodeOptions{Progress: func(n int64) { progress = append(progress, n) }},
			func(c *Table, first int64) error {
				calls++
				if calls < 3 {
					return nil
				}
				if cancelled {
					cancel()
					return nil
				}
				return stop
			})
		if cancelled {
			require.ErrorIs(t, err, context.Canceled)
		} else {
			require.ErrorIs(t, err, stop)
		}
		require.Equal(t, []int64{200, 400, 600}, progress)
		cancel()
		require.NoError(t, src.Close())
		mem.AssertSize(t, 0)
	}
}

// TestParquetPagesCorrupt flips bytes in the pages of Parquet files (not
// compressed, so that page contents are read as they are): Encode must
// give an error or a table of the announced rows, never panic.
func TestParquetPagesCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	rec := pqTestRecord(r, 600, 4, nil)
	data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(250), parquet.WithDataPageSize(200),
		parquet.WithDataPageVersion(parquet.DataPageV2), parquet.WithCompression(compress.Codecs.Uncompressed))
	rec.Release()
	spec := Spec{QI: []string{"low", "high", "req", "bin", "i32", "i64"}}
	failed := 0
	for range 300 {
		bad := slices.Clone(data)
		for range 1 + r.IntN(3) {
			bad[4+r.IntN(len(data)/2)] ^= byte(1 + r.IntN(255))
		}
		src, err := Read("bad.parquet", bytes.NewReader(bad), ReadOptions{BatchSize: 1 + r.IntN(100)})
		if err != nil {
			continue
		}
		tbl, err := Encode(context.Background(), src, spec, EncodeOptions{})
		src.Close()
		if err != nil {
			failed++
			continue
		}
		for _, c := range tbl.Columns {
			require.Len(t, c.Codes, tbl.Rows)
		}
	}
	require.NotZero(t, failed)
}

// TestParquetChunksBounded reads a Parquet file of one row group: the
// chunks handed over are of four batches at most, however long the row
// group, and each worker reuses its chunks' code buffers.
func TestParquetChunksBounded(t *testing.T) {
	rec := pqTestRecord(rand.New(rand.NewPCG(11, 12)), 5000, 4, nil)
	data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(1<<20))
	rec.Release()
	src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: 50})
	require.NoError(t, err)
	require.Equal(t, 1, src.pq.pf.NumRowGroups())
	buffers := map[*uint32]bool{}
	chunks := 0
	tbl, err := EncodeChunks(context.Background(), src, pqTestSpec, EncodeOptions{}, func(c *Table, first int64) error {
		require.Equal(t, int64(200*chunks), first)
		require.LessOrEqual(t, c.Rows, 200)
		buffers[&c.Columns[0].Codes[0]] = true
		chunks++
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 5000, tbl.Rows)
	require.Equal(t, 25, chunks)
	require.LessOrEqual(t, len(buffers), chunksPerWorker)
}

// TestParquetChunksGrow reads a file of three row groups of 100,000 rows
// on two workers with batches of 16,384 rows: the first chunk of each
// worker is of two batches (pqFirstChunkRows rounded up), the next twice
// as long, up to four batches (chunks of 32,768, 65,536 and 1,696 rows in
// a worker's first row group, of 65,536 and 34,464 in the others), every
// chunk a whole number of batches from its row group's start; the codes are those of the pqarrow record
// path, and an invalid value is reported as there, wherever the chunks
// end.
func TestParquetChunksGrow(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const groupRows, batch = 100_000, 16_384
	for _, bad := range []int{-1, 40_000, 170_000} {
		data := pqStringFile(t, 3*groupRows, groupRows, func(i int) string {
			if i == bad {
				return "\xff"
			}
			return fmt.Sprint(i % (7 + i/groupRows))
		})
		spec := Spec{QI: []string{"s"}}
		want, wantErr := pqReference(t, data, spec)
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: batch})
		require.NoError(t, err)
		sizes := make([][]int, 3) // of the chunks of each row group
		var codes []uint32
		_, err = EncodeChunks(context.Background(), src, spec, EncodeOptions{}, func(c *Table, first int64) error {
			require.True(t, (first%groupRows)%batch == 0, "chunk at row %d", first)
			sizes[first/groupRows] = append(sizes[first/groupRows], c.Rows)
			codes = append(codes, c.Columns[0].Codes...)
			return nil
		})
		if bad >= 0 {
			require.Error(t, wantErr)
			require.EqualError(t, err, wantErr.Error())
			continue
		}
		require.NoError(t, err)
		require.Equal(t, want.Columns[0].Codes, codes)
		// A worker's first row group, then the others.
		firstGroup, later := []int{2 * batch, 4 * batch, groupRows - 6*batch}, []int{4 * batch, groupRows - 4*batch}
		require.Equal(t, firstGroup, sizes[0])
		for g := 1; g < 3; g++ {
			if !slices.Equal(sizes[g], later) {
				require.Equal(t, firstGroup, sizes[g], "row group %d", g)
			}
		}
	}
}

// TestParquetSeedMidGroup reads two row groups of five chunks each on two
// workers: each starts before the merger published a dictionary, so its
// first chunks are mapped by the merger; from its third chunk on (a chunk
// handed back after the first was merged) it seeds its local dictionary
// from the merger's, in the middle of its row group, and the pieces need
// no mapping (the second row group, if the first worker reads it too, is
// seeded from its start). Codes are those of the pqarrow record path.
func TestParquetSeedMidGroup(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const groupRows, batch = 1000, 50
	data := pqStringFile(t, 2*groupRows, groupRows, func(i int) string { return fmt.Sprint((i*7 + i/groupRows) % 11) })
	spec := Spec{QI: []string{"s"}}
	want, err := pqReference(t, data, spec)
	require.NoError(t, err)
	src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: batch})
	require.NoError(t, err)
	tbl, encs, err := newEncoders(src, spec, EncodeOptions{})
	require.NoError(t, err)
	rd, err := newPQRead(src.pq, tbl.Source, encs)
	require.NoError(t, err)
	var own []bool
	var codes []uint32
	require.NoError(t, rd.run(context.Background(), func(c *pqChunk) error {
		own = append(own, c.cols[0].own)
		require.NoError(t, rd.merge(c, true))
		codes = append(codes, c.cols[0].codes[:c.rows]...)
		return nil
	}))
	require.Equal(t, want.Columns[0].Codes, codes)
	require.Equal(t, []bool{false, false, true, true, true}, own[:5])
	if !own[5] { // the second worker's row group, else the first's second
		require.Equal(t, []bool{false, false, true, true, true}, own[5:])
	} else {
		require.Equal(t, []bool{true, true, true, true, true}, own[5:])
	}
}

// pqStringFile writes a Parquet file of one string column "s" of n rows,
// row i holding value(i), in row groups of groupRows rows.
func pqStringFile(t *testing.T, n, groupRows int, value func(i int) string) []byte {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	for i := range n {
		b.Append(value(i))
	}
	arr := b.NewArray()
	b.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{arr}, int64(n))
	arr.Release()
	defer rec.Release()
	return pqTestFile(t, rec, parquet.WithMaxRowGroupLength(int64(groupRows)))
}
