package quasiid

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

const people = "zip,age,name\n01234,39,Ann\n02139,50,Bob\n01234,NA,Cy\n02139,23,Di\n01250,61,Ed\n"

// bandAge rewrites age into ten-year bands and zip into its first three
// digits, and drops the rows with zip 02139.
func bandAge(row int64, v []string, null []bool) (bool, error) {
	if v[0] == "02139" {
		return false, nil
	}
	v[0] = v[0][:3] + "**"
	if !null[1] {
		a, err := strconv.Atoi(v[1])
		if err != nil {
			return false, err
		}
		v[1] = strconv.Itoa(a/10*10) + "-" + strconv.Itoa(a/10*10+9)
	}
	return true, nil
}

func TestRewriteCSV(t *testing.T) {
	src, err := Read("people.csv", strings.NewReader(people), ReadOptions{NullValues: []string{"NA"}, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out bytes.Buffer
	var rows []int64
	stats, err := Rewrite(context.Background(), src, &out, CSV, []string{"zip", "age"}, func(row int64, v []string, null []bool) (bool, error) {
		rows = append(rows, row)
		return bandAge(row, v, null)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (RewriteStats{Rows: 5, Kept: 3, Dropped: 2}); stats != want {
		t.Errorf("stats %+v, want %+v", stats, want)
	}
	if want := []int64{0, 1, 2, 3, 4}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows seen %v, want %v", rows, want)
	}
	want := "zip,age,name\n012**,30-39,Ann\n012**,,Cy\n012**,60-69,Ed\n"
	if out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", out.String(), want)
	}
}

// TestRewriteFormats rewrites into each binary format, reads the result
// back and checks its values; passing columns keep their type.
func TestRewriteFormats(t *testing.T) {
	for _, format := range []Format{Parquet, IPCFile, IPCStream} {
		t.Run(format.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := typedRecord(mem)
			src := FromRecord("typed", rec)
			src.mem = mem
			rec.Release()
			var out bytes.Buffer
			stats, err := Rewrite(context.Background(), src, &out, format, []string{"zip"}, func(row int64, v []string, null []bool) (bool, error) {
				if null[0] {
					v[0], null[0] = "none", false
				}
				return row != 1, nil
			})
			src.Close()
			if err != nil {
				t.Fatal(err)
			}
			if want := (RewriteStats{Rows: 5, Kept: 4, Dropped: 1}); stats != want {
				t.Errorf("stats %+v, want %+v", stats, want)
			}
			back, err := Read("out", bytes.NewReader(out.Bytes()), ReadOptions{Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			if got := back.Schema().Field(1).Type.String(); got != "int64" {
				t.Errorf("age type after rewrite %s, want int64", got)
			}
			tbl, err := Encode(context.Background(), back, typedSpec, EncodeOptions{})
			back.Close()
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{
				"zip":  {"01234", "none", "01234", ""},
				"age":  {"39", "39", "NULL", "-7"},
				"flag": {"true", "true", "true", "NULL"},
				"day":  {"2024-03-01", "2024-03-01", "1969-12-31", "1970-01-02"},
			}
			for name, w := range want {
				if got := values(tbl.Column(name)); !reflect.DeepEqual(got, w) {
					t.Errorf("%s: %q, want %q", name, got, w)
				}
			}
		})
	}
}

func TestRewriteRecords(t *testing.T) {
	src, err := Read("people.csv", strings.NewReader(people), ReadOptions{NullValues: []string{"NA"}, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	recs, stats, err := RewriteRecords(context.Background(), src, []string{"zip", "age"}, bandAge)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Kept != 3 || stats.Dropped != 2 {
		t.Errorf("stats %+v", stats)
	}
	var names []string
	var n int64
	for _, r := range recs {
		n += r.NumRows()
		names = append(names, r.Column(2).(*array.String).ValueStr(0))
		r.Release()
	}
	// Batches of 2 rows: {Ann, Bob} keeps Ann, {Cy, Di} keeps Cy, {Ed}.
	if n != 3 || !reflect.DeepEqual(names, []string{"Ann", "Cy", "Ed"}) {
		t.Errorf("%d rows, first names per batch %q", n, names)
	}
}

func TestRewriteErrors(t *testing.T) {
	src, err := Read("people.csv", strings.NewReader(people), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Rewrite(context.Background(), src, &bytes.Buffer{}, CSV, []string{"postcode"}, bandAge)
	if want := `people.csv: column "postcode": no such column; available: "zip", "age", "name"`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	src.Close()
	// The RowFunc's error stops the rewrite: "NA" is not a number.
	src, err = Read("people.csv", strings.NewReader(people), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	stats, err := Rewrite(context.Background(), src, &bytes.Buffer{}, CSV, []string{"zip", "age"}, bandAge)
	var ne *strconv.NumError
	if !errors.As(err, &ne) || stats.Rows != 2 {
		t.Errorf("error %v after %d rows, want a strconv error after 2", err, stats.Rows)
	}
}

func TestWriteTable(t *testing.T) {
	cols := []OutColumn{
		{Name: "row", Int64: []int64{1, 2, 3}},
		{Name: "risk", Float64: []float64{0.5, 1, 1.0 / 3}},
		{Name: "unique", Bool: []bool{false, true, false}},
		{Name: "class", String: []string{"a,b", "c", `"d"`}},
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, CSV, cols); err != nil {
		t.Fatal(err)
	}
	want := "row,risk,unique,class\n1,0.5,false,\"a,b\"\n2,1,true,c\n3,0.3333333333333333,false,\"\"\"d\"\"\"\n"
	if buf.String() != want {
		t.Errorf("CSV\n%s\nwant\n%s", buf.String(), want)
	}
	for _, format := range []Format{Parquet, IPCFile, IPCStream} {
		buf.Reset()
		if err := WriteTable(&buf, format, cols); err != nil {
			t.Fatal(err)
		}
		src, err := Read("out", bytes.NewReader(buf.Bytes()), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := Encode(context.Background(), src, Spec{QI: []string{"row", "risk", "unique", "class"}}, EncodeOptions{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := values(tbl.Column("risk")); !reflect.DeepEqual(got, []string{"0.5", "1", "0.3333333333333333"}) {
			t.Errorf("%v: risk %q", format, got)
		}
		if got := values(tbl.Column("class")); !reflect.DeepEqual(got, []string{"a,b", "c", `"d"`}) {
			t.Errorf("%v: class %q", format, got)
		}
	}
	for _, tc := range []struct {
		cols []OutColumn
		want string
	}{
		{nil, "quasiid: WriteTable: no columns"},
		{[]OutColumn{{Name: "a", Int64: []int64{1}, Bool: []bool{true}}}, `quasiid: WriteTable: column "a" must hold exactly one value slice, holds 2`},
		{[]OutColumn{{Name: "a"}}, `quasiid: WriteTable: column "a" must hold exactly one value slice, holds 0`},
		{[]OutColumn{{Name: "a", Int64: []int64{1}}, {Name: "b", String: []string{"x", "y"}}}, `quasiid: WriteTable: column "b" has 2 values, column "a" 1`},
		{[]OutColumn{{Name: "a", Int64: []int64{1}}, {Name: "a", Int64: []int64{2}}}, `quasiid: WriteTable: column "a" named twice`},
	} {
		err := WriteTable(&bytes.Buffer{}, CSV, tc.cols)
		if err == nil || err.Error() != tc.want {
			t.Errorf("error %v, want %s", err, tc.want)
		}
	}
}

func TestFormatFromName(t *testing.T) {
	for name, want := range map[string]Format{
		"out.csv": CSV, "-": CSV, "OUT.CSV": CSV, "a.parquet": Parquet, "a.pq": Parquet,
		"a.arrow": IPCFile, "a.ipc": IPCFile, "a.feather": IPCFile, "a.arrows": IPCStream,
	} {
		got, err := FormatFromName(name)
		if err != nil || got != want {
			t.Errorf("FormatFromName(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := FormatFromName("out.xlsx"); err == nil || !strings.Contains(err.Error(), "out.xlsx: cannot tell the output format") {
		t.Errorf("xlsx: error %v", err)
	}
}
