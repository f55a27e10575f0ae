package quasiid

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// TestParquetEncodeMatchesText writes random tables as Parquet with small
// row groups and a small dictionary page limit (so that some column
// chunks are dictionary-encoded and others fall back to plain pages), and
// checks that Encode (which reads only the named columns, in parallel,
// dictionary chunks as dictionaries and integers without formatting them)
// gives every row the canonical text computed here, null apart, with
// codes dense in order of first appearance.
func TestParquetEncodeMatchesText(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "low", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "high", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "skip", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "int", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "hour", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	}, nil)
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 15))
		n := 3000 + r.IntN(3000)
		want := map[string][]string{}
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		null := func() bool { return r.IntN(10) == 0 }
		for range n {
			add := func(col int, name, text string, isNull bool, appendValue func()) {
				if isNull {
					b.Field(col).AppendNull()
					want[name] = append(want[name], "\x00NULL")
					return
				}
				appendValue()
				want[name] = append(want[name], text)
			}
			low := []string{"a", "b", "", "ü", "c"}[r.IntN(5)]
			add(0, "low", low, null(), func() { b.Field(0).(*array.StringBuilder).Append(low) })
			high := fmt.Sprintf("id-%d", r.IntN(n))
			add(1, "high", high, null(), func() { b.Field(1).(*array.StringBuilder).Append(high) })
			b.Field(2).(*array.StringBuilder).Append("x")
			i := []int64{r.Int64N(100), -r.Int64N(5), r.Int64() - 1<<62, 4095, 4096}[r.IntN(5)]
			add(3, "int", strconv.FormatInt(i, 10), null(), func() { b.Field(3).(*array.Int64Builder).Append(i) })
			h := int32(r.IntN(24))
			add(4, "hour", strconv.Itoa(int(h)), null(), func() { b.Field(4).(*array.Int32Builder).Append(h) })
			ts := int64(1_700_000_000+r.IntN(5)*3600)*1e6 + int64(r.IntN(2))*250_000
			add(5, "ts", time.UnixMicro(ts).UTC().Format(time.RFC3339Nano), null(), func() {
				b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
			})
			bin := []byte{byte(r.IntN(3)), 0xff}
			add(6, "bin", string(bin), null(), func() { b.Field(6).(*array.BinaryBuilder).Append(bin) })
		}
		rec := b.NewRecord()
		b.Release()
		var buf bytes.Buffer
		props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(1000), parquet.WithDictionaryPageSizeLimit(256),
			parquet.WithDataPageSize(512))
		w, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.DefaultWriterProps())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		src, err := Read("t.parquet", bytes.NewReader(buf.Bytes()), ReadOptions{BatchSize: 1 + r.IntN(700)})
		if err != nil {
			t.Fatal(err)
		}
		// The test is only worth its name if both kinds of chunks occur.
		kinds := map[bool]int{}
		for _, field := range []int{0, 1} {
			leaves := src.pq.leaves(field)
			if src.pq.pageKind(field, leaves) != pqText {
				t.Fatalf("field %d is not decoded from its pages", field)
			}
			for g := range src.pq.pf.NumRowGroups() {
				kinds[allDictionary(src.pq, leaves[0], g)]++
			}
		}
		if kinds[true] == 0 || kinds[false] == 0 {
			t.Fatalf("seed %d: chunks all dictionary-encoded or none: %v", seed, kinds)
		}
		spec := Spec{QI: []string{"hour", "low", "int"}, Sensitive: []string{"bin"}, Subject: "high", Insensitive: []string{"ts"}}
		tbl, err := Encode(context.Background(), src, spec, EncodeOptions{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if tbl.Rows != n || tbl.Column("skip") != nil {
			t.Fatalf("seed %d: %d rows, want %d; columns %d", seed, tbl.Rows, n, len(tbl.Columns))
		}
		for _, c := range tbl.Columns {
			next := uint32(0)
			for i, code := range c.Codes {
				got := c.Dict.Value(code)
				if c.Dict.IsNull(code) {
					got = "\x00NULL"
				}
				if got != want[c.Name][i] {
					t.Fatalf("seed %d: column %s row %d: %q, want %q", seed, c.Name, i, got, want[c.Name][i])
				}
				if code > next {
					t.Fatalf("seed %d: column %s row %d: code %d before code %d", seed, c.Name, i, code, next)
				}
				if code == next {
					next++
				}
			}
			if int(next) != c.Dict.Len() {
				t.Fatalf("seed %d: column %s: %d codes used, dictionary of %d", seed, c.Name, next, c.Dict.Len())
			}
		}
	}
}

// TestParquetWithout checks that Without works on a Parquet source, whose
// record reader is made on first use: the dropped column is gone and the
// others read as before.
func TestParquetWithout(t *testing.T) {
	rec := typedRecord(memory.DefaultAllocator)
	defer rec.Release()
	var buf bytes.Buffer
	w, err := newRecordWriter(&buf, Parquet, rec.Schema(), memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	src, err := Read("w.parquet", bytes.NewReader(buf.Bytes()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Without(src, []string{"score"})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if got := out.Columns(); !reflect.DeepEqual(got, []string{"zip", "age", "flag", "day"}) {
		t.Fatalf("columns %q", got)
	}
	tbl, err := Encode(context.Background(), out, Spec{QI: []string{"zip", "age"}}, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"zip", "age"} {
		if got := values(tbl.Column(name)); !reflect.DeepEqual(got, typedWant[name]) {
			t.Errorf("%s: %q, want %q", name, got, typedWant[name])
		}
	}
}

// allDictionary reports whether every data page of leaf column c in row
// group g is dictionary-encoded, as far as the metadata tells (a chunk
// whose dictionary grew too large falls back to plain pages). The page
// encoding statistics say which encodings the data pages use, but Arrow Go's writer does not always
// list the plain pages there; the chunk's list of encodings then has
// PLAIN a second time (once for the dictionary page).
func allDictionary(p *parquetFile, c, g int) bool {
	md, err := p.pf.MetaData().RowGroup(g).ColumnChunk(c)
	if err != nil || !md.HasDictionaryPage() {
		return false
	}
	plain := 0
	for _, enc := range md.Encodings() {
		if enc == parquet.Encodings.Plain {
			plain++
		}
	}
	if plain > 1 {
		return false
	}
	const dictionaryPage = 2 // PageType DICTIONARY_PAGE of the Parquet format
	for _, st := range md.EncodingStats() {
		if int(st.PageType) == dictionaryPage {
			continue
		}
		if st.Encoding != parquet.Encodings.RLEDict && st.Encoding != parquet.Encodings.PlainDict {
			return false
		}
	}
	return true
}
