package quasiid

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// typedRecord builds a five-row record with one column of each common
// Arrow type, nulls included.
func typedRecord(mem memory.Allocator) arrow.Record {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "zip", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "age", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"01234", "02139", "", "01234", ""}, []bool{true, true, false, true, true})
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{39, 50, 39, 0, -7}, []bool{true, true, true, false, true})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{0.5, 39, math.NaN(), 1e20, 39}, nil)
	b.Field(3).(*array.BooleanBuilder).AppendValues([]bool{true, false, true, true, false}, []bool{true, true, true, true, false})
	b.Field(4).(*array.Date32Builder).AppendValues([]arrow.Date32{19783, 0, 19783, -1, 1}, nil)
	return b.NewRecord()
}

var typedSpec = Spec{QI: []string{"zip", "age", "score", "flag", "day"}}

// typedWant holds the values Encode must give for typedRecord.
var typedWant = map[string][]string{
	"zip":   {"01234", "02139", "NULL", "01234", ""},
	"age":   {"39", "50", "39", "NULL", "-7"},
	"score": {"0.5", "39", "NaN", "1e+20", "39"},
	"flag":  {"true", "false", "true", "true", "NULL"},
	"day":   {"2024-03-01", "1970-01-01", "2024-03-01", "1969-12-31", "1970-01-02"},
}

func checkTyped(t *testing.T, tbl *Table) {
	t.Helper()
	if tbl.Rows != 5 {
		t.Fatalf("Rows = %d, want 5", tbl.Rows)
	}
	for name, want := range typedWant {
		if got := values(tbl.Column(name)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	// Null and "" have distinct codes.
	zip := tbl.Column("zip")
	if zip.Codes[2] == zip.Codes[4] || !zip.Dict.IsNull(zip.Codes[2]) {
		t.Errorf("zip codes %v: null and empty not distinct", zip.Codes)
	}
}

func TestEncodeArrowTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := typedRecord(mem)
	src := FromRecord("typed", rec)
	rec.Release()
	tbl, err := Encode(context.Background(), src, typedSpec, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	checkTyped(t, tbl)
}

func TestEncodeArrowDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	typ := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, typ).(*array.BinaryDictionaryBuilder)
	for _, v := range []string{"M", "F", "", "F"} {
		if err := b.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	b.AppendNull()
	arr := b.NewArray()
	b.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "sex", Type: typ, Nullable: true}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{arr}, 5)
	arr.Release()
	src := FromRecord("dict", rec)
	rec.Release()
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"sex"}}, EncodeOptions{})
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := tbl.Column("sex")
	if want := []uint32{0, 1, 2, 1, 3}; !reflect.DeepEqual(c.Codes, want) {
		t.Errorf("codes %v, want %v", c.Codes, want)
	}
	if got, want := values(c), []string{"M", "F", "", "F", "NULL"}; !reflect.DeepEqual(got, want) {
		t.Errorf("values %q, want %q", got, want)
	}
}

// TestRoundTrip writes typedRecord as Parquet, Arrow IPC file and stream
// (and CSV), reads each back from a file, a bytes.Reader and a plain
// io.Reader (which goes through a temporary file for the random-access
// formats) and checks the same codes come out, with no Arrow memory left
// allocated.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	spool := t.TempDir()
	t.Setenv("TMPDIR", spool)
	for _, format := range []Format{Parquet, IPCFile, IPCStream, CSV} {
		t.Run(format.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := typedRecord(mem)
			var buf bytes.Buffer
			rw, err := newRecordWriter(&buf, format, rec.Schema(), mem)
			if err != nil {
				t.Fatal(err)
			}
			if err := rw.Write(rec); err != nil {
				t.Fatal(err)
			}
			if err := rw.Close(); err != nil {
				t.Fatal(err)
			}
			rec.Release()
			path := filepath.Join(dir, "t."+format.String())
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			opt := ReadOptions{Allocator: mem, BatchSize: 2}
			if format == CSV {
				// CSV has no null: the writer leaves nulls empty.
				opt.NullValues = []string{""}
			}
			for _, how := range []string{"file", "reader", "pipe"} {
				var src *Source
				switch how {
				case "file":
					src, err = Open(path, opt)
				case "reader":
					src, err = Read("buffer", bytes.NewReader(buf.Bytes()), opt)
				default: // no ReadAt: spooled to a temporary file
					src, err = Read("pipe", struct{ io.Reader }{bytes.NewReader(buf.Bytes())}, opt)
				}
				if err != nil {
					t.Fatal(err)
				}
				if src.Format() != format {
					t.Errorf("%s: detected %v, want %v", how, src.Format(), format)
				}
				tbl, err := Encode(context.Background(), src, typedSpec, EncodeOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if err := src.Close(); err != nil {
					t.Error(err)
				}
				if left, _ := os.ReadDir(spool); len(left) != 0 {
					t.Errorf("%s: temporary file left after Close: %v", how, left[0].Name())
				}
				if format == CSV {
					// Empty and null fold together in CSV with NullValues [""].
					if got := values(tbl.Column("zip")); !reflect.DeepEqual(got, []string{"01234", "02139", "NULL", "01234", "NULL"}) {
						t.Errorf("csv zip %q", got)
					}
					continue
				}
				checkTyped(t, tbl)
			}
		})
	}
}

func TestTimeColumnText(t *testing.T) {
	const at = 1709287200 // 2024-03-01T10:00:00Z (date -u -d 2024-03-01T10:00:00Z +%s)
	data := "ts\n" +
		"2024-03-01T10:00:00Z\n" +
		"2024-03-01T11:00:00+01:00\n" +
		"2024-03-01T10:00:00\n" +
		"2024-03-01 10:00:00\n" +
		"2024-03-01 10:00\n" +
		"2024-03-01T10:00:00.75Z\n" +
		"2024-03-01T05:00:00-0500\n" +
		"NA\n" +
		"2024-03-01\n"
	tbl, err := encodeString("t.csv", data, ReadOptions{NullValues: []string{"NA"}}, Spec{Time: "ts"})
	if err != nil {
		t.Fatal(err)
	}
	c := tbl.Column("ts")
	want := []int64{at, at, at, at, at, at, at, 0, at - 10*3600}
	if !reflect.DeepEqual(c.Times, want) {
		t.Errorf("times %v, want %v", c.Times, want)
	}
	if wantValid := []bool{true, true, true, true, true, true, true, false, true}; !reflect.DeepEqual(c.Valid, wantValid) {
		t.Errorf("valid %v, want %v", c.Valid, wantValid)
	}
	if c.Codes != nil || c.Dict != nil || c.Role != Time {
		t.Errorf("time column has codes or dictionary or role %v", c.Role)
	}
}

func TestTimeColumnArrow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const at = 1709287200
	tsType := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "Europe/Berlin"}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "ms", Type: tsType, Nullable: true},
		{Name: "ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
		{Name: "d32", Type: arrow.FixedWidthTypes.Date32},
		{Name: "d64", Type: arrow.FixedWidthTypes.Date64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{at * 1000, at*1000 + 999, -1}, []bool{true, true, true})
	b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{at * 1e9, 0, -1}, []bool{true, false, true})
	b.Field(2).(*array.Date32Builder).AppendValues([]arrow.Date32{19783, 0, -1}, nil)
	b.Field(3).(*array.Date64Builder).AppendValues([]arrow.Date64{at * 1000, 0, -1}, nil)
	rec := b.NewRecord()
	b.Release()
	for _, tc := range []struct {
		col   string
		times []int64
		valid []bool
	}{
		// The zone does not move the instant; -1 ms floors to -1 s.
		{"ms", []int64{at, at, -1}, nil},
		{"ns", []int64{at, 0, -1}, []bool{true, false, true}},
		{"d32", []int64{1709251200, 0, -86400}, nil},
		{"d64", []int64{at, 0, -1}, nil},
	} {
		src := FromRecord("times", rec)
		tbl, err := Encode(context.Background(), src, Spec{Time: tc.col}, EncodeOptions{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		c := tbl.Column(tc.col)
		if !reflect.DeepEqual(c.Times, tc.times) || !reflect.DeepEqual(c.Valid, tc.valid) {
			t.Errorf("%s: times %v valid %v, want %v %v", tc.col, c.Times, c.Valid, tc.times, tc.valid)
		}
	}
	// As a QI the Berlin timestamp is formatted in its zone.
	src := FromRecord("times", rec)
	rec.Release()
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"ms"}}, EncodeOptions{})
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := values(tbl.Column("ms")), []string{"2024-03-01T11:00:00+01:00", "2024-03-01T11:00:00.999+01:00", "1970-01-01T00:59:59.999+01:00"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ms as QI: %q, want %q", got, want)
	}
}

func TestFromTable(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r1, r2 := typedRecord(mem), typedRecord(mem)
	tbl := array.NewTableFromRecords(r1.Schema(), []arrow.Record{r1, r2})
	r1.Release()
	r2.Release()
	src := FromTable("table", tbl)
	tbl.Release()
	enc, err := Encode(context.Background(), src, Spec{QI: []string{"age"}}, EncodeOptions{})
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint32{0, 1, 0, 2, 3, 0, 1, 0, 2, 3}; enc.Rows != 10 || !reflect.DeepEqual(enc.Column("age").Codes, want) {
		t.Errorf("rows %d codes %v, want 10 %v", enc.Rows, enc.Column("age").Codes, want)
	}
}

// TestCorruptArrowData feeds string arrays whose offsets do not match
// their values, as a corrupt IPC file can produce (Arrow's reader does not
// check them): Encode must return an error, not panic.
func TestCorruptArrowData(t *testing.T) {
	offsets := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes([]int32{0, 5, 3, 4}))
	text := memory.NewBufferBytes([]byte("abcdef"))
	for _, tc := range []struct {
		name string
		data arrow.ArrayData
		want string
	}{
		{"falling offsets", array.NewData(arrow.BinaryTypes.String, 3, []*memory.Buffer{nil, offsets, text}, nil, 0, 0),
			`corrupt: after row 0: corrupt input: column "c": offsets fall at row 2`},
	} {
		arr := array.MakeFromData(tc.data)
		schema := arrow.NewSchema([]arrow.Field{{Name: "c", Type: arr.DataType()}}, nil)
		rec := array.NewRecord(schema, []arrow.Array{arr}, int64(arr.Len()))
		src := FromRecord("corrupt", rec)
		_, err := Encode(context.Background(), src, Spec{QI: []string{"c"}}, EncodeOptions{})
		src.Close()
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestTimeColumnDictionary(t *testing.T) {
	typ := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, typ).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	b.AppendString("2024-03-01")
	b.AppendNull()
	b.AppendString("2024-03-01T10:00:00Z")
	b.AppendString("2024-03-01")
	arr := b.NewArray()
	defer arr.Release()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "ts", Type: typ, Nullable: true}}, nil), []arrow.Array{arr}, 4)
	src := FromRecord("dict", rec)
	rec.Release()
	defer src.Close()
	tbl, err := Encode(context.Background(), src, Spec{Time: "ts"}, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := tbl.Column("ts")
	if want := []int64{1709251200, 0, 1709287200, 1709251200}; !reflect.DeepEqual(c.Times, want) || !reflect.DeepEqual(c.Valid, []bool{true, false, true, true}) {
		t.Errorf("times %v valid %v", c.Times, c.Valid)
	}
}

// TestArrowInvalidUTF8 checks that a utf8 column holding bytes that are
// not UTF-8 (Arrow's readers do not check) is an error naming the row and
// column, in a plain and in a dictionary-encoded column, and that a
// binary column may hold any bytes.
func TestArrowInvalidUTF8(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.BinaryTypes.String},
		{Name: "raw", Type: arrow.BinaryTypes.Binary},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"ok", "ok", "\xff", "\xfe"}, nil)
	b.Field(1).(*array.BinaryBuilder).AppendValues([][]byte{{0xff}, {0xfe}, {0xff}, {0}}, nil)
	rec := b.NewRecord()
	defer rec.Release()
	for _, tc := range []struct {
		qi   string
		want string
	}{
		{"a", `utf: row 3, column "a": invalid UTF-8`},
		{"raw", ""},
	} {
		src := FromRecord("utf", rec)
		tbl, err := Encode(context.Background(), src, Spec{QI: []string{tc.qi}}, EncodeOptions{})
		src.Close()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.qi, err)
		case tc.want == "" && tbl.Column("raw").Dict.Len() != 3:
			t.Errorf("raw: %d distinct values, want 3", tbl.Column("raw").Dict.Len())
		case tc.want != "" && (err == nil || err.Error() != tc.want):
			t.Errorf("%s: error %v, want %s", tc.qi, err, tc.want)
		}
	}

	typ := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	db := array.NewDictionaryBuilder(mem, typ).(*array.BinaryDictionaryBuilder)
	defer db.Release()
	for _, v := range []string{"M", "F", "M", "\xc3"} {
		if err := db.AppendString(v); err != nil {
			t.Fatal(err)
		}
	}
	arr := db.NewArray()
	defer arr.Release()
	drec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "sex", Type: typ}}, nil), []arrow.Array{arr}, 4)
	defer drec.Release()
	src := FromRecord("dict", drec)
	_, err := Encode(context.Background(), src, Spec{QI: []string{"sex"}}, EncodeOptions{})
	src.Close()
	if want := `dict: row 4, column "sex": invalid UTF-8`; err == nil || err.Error() != want {
		t.Errorf("dictionary column: error %v, want %s", err, want)
	}
}
