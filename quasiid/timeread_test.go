package quasiid

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// encodeTimes reads the CSV data with EncodeOptions opt and returns its
// Time column "ts".
func encodeTimes(t *testing.T, data string, opt EncodeOptions) (*Column, error) {
	t.Helper()
	src, err := Read("t.csv", strings.NewReader(data), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tbl, err := Encode(context.Background(), src, Spec{Time: "ts"}, opt)
	if err != nil {
		return nil, err
	}
	return tbl.Column("ts"), nil
}

// TestTimeLocal reads offsetless times as Berlin wall-clock times: the
// spring gap (2024-03-31 02:00 → 03:00 CEST at 01:00Z) moves 02:30 forward
// to 03:30 CEST = 01:30Z; the autumn repeat (2024-10-27 03:00 CEST → 02:00
// CET at 01:00Z) takes the earlier 02:30, CEST = 00:30Z. Times with an offset
// stay absolute. Instants from `date -u -d ... +%s`.
func TestTimeLocal(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	const at = 1709287200 // 2024-03-01T10:00:00Z
	data := "ts\n2024-03-01T10:00:00\n2024-03-01T10:00:00Z\n2024-03-01t11:00:00+01:00\n2024-03-31 02:30\n2024-10-27 02:30\n2024-03-01\n2024-03-01t10:00:00z\n"
	for _, tc := range []struct {
		loc          *time.Location
		want         []int64
		gap, repeats int64
	}{
		{nil, []int64{at, at, at, 1711852200, 1729996200, at - 10*3600, at}, 0, 0},
		{berlin, []int64{at - 3600, at, at, 1711848600, 1729989000, at - 11*3600, at}, 1, 1},
	} {
		c, err := encodeTimes(t, data, EncodeOptions{Location: tc.loc})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.Times, tc.want) || c.DSTGapTimes != tc.gap || c.DSTRepeatedTimes != tc.repeats {
			t.Errorf("%v: times %v gaps %d repeats %d, want %v %d %d", tc.loc, c.Times, c.DSTGapTimes, c.DSTRepeatedTimes, tc.want, tc.gap, tc.repeats)
		}
	}
}

// TestTimeEmpty: an empty time cell is no time (Valid false), not an error.
func TestTimeEmpty(t *testing.T) {
	c, err := encodeTimes(t, "ts,x\n2024-03-01,1\n,2\n", EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Times, []int64{1709251200, 0}) || !reflect.DeepEqual(c.Valid, []bool{true, false}) {
		t.Errorf("times %v valid %v", c.Times, c.Valid)
	}
}

// TestTimeEpoch reads integer times in each unit, detected and given.
func TestTimeEpoch(t *testing.T) {
	const at = 1709287200 // 2024-03-01T10:00:00Z
	for _, tc := range []struct {
		data, unit string
		want       []int64
		wantUnit   string
		err        string
	}{
		{"ts\n1709287200\n-1\n1709287201\n", "", []int64{at, -1, at + 1}, "s", ""},
		{"ts\n1709287200999\n1709287201000\n", "", []int64{at, at + 1}, "ms", ""},
		{"ts\n1709287200000000\n", "", []int64{at}, "us", ""},
		{"ts\n1709287200000000000\n-1\n", "", []int64{at, -1}, "ns", ""},
		{"ts\n2024-03-01T10:00:00Z\n+1709287200\n", "", []int64{at, at}, "s", ""},
		{"ts\n12345\n", "ms", []int64{12}, "ms", ""},
		{"ts\n12345\n", "", nil, "", `t.csv: row 1 (line 2), column "ts": integer time too small to tell its unit`},
		{"ts\n1709287200\n1709287200000\n", "", nil, "", `t.csv: row 2 (line 3), column "ts": integer time in the range of unit ms but the column's first integer time was in s`},
		{"ts\n1709287200000\n", "s", nil, "", `t.csv: row 1 (line 2), column "ts": integer time in unit s is outside the years 0001–9999`},
		{"ts\n99999999999999999999\n", "", nil, "", `row 1 (line 2), column "ts": cannot read the value as a time`},
		{"ts\n1\n", "minutes", nil, "", `t.csv: time unit "minutes": want s, ms, us or ns`},
	} {
		c, err := encodeTimes(t, tc.data, EncodeOptions{TimeUnit: tc.unit})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q unit %q: error %v, want %s", tc.data, tc.unit, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.data, err)
			continue
		}
		if !reflect.DeepEqual(c.Times, tc.want) || c.TimeUnit != tc.wantUnit {
			t.Errorf("%q unit %q: times %v unit %q, want %v %q", tc.data, tc.unit, c.Times, c.TimeUnit, tc.want, tc.wantUnit)
		}
	}
}

// TestTimeEpochArrow reads int64 epoch milliseconds (detected) and a naive
// timestamp as a Berlin wall-clock time.
func TestTimeEpochArrow(t *testing.T) {
	const at = 1709287200
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "ms", Type: arrow.PrimitiveTypes.Int64},
		{Name: "naive", Type: &arrow.TimestampType{Unit: arrow.Second}},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{at * 1000, at*1000 - 1}, nil)
	b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{at, at}, nil)
	rec := b.NewRecord()
	b.Release()
	defer rec.Release()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		col  string
		want []int64
	}{{"ms", []int64{at, at - 1}}, {"naive", []int64{at - 3600, at - 3600}}} {
		rec.Retain()
		src := FromRecord("times", rec)
		tbl, err := Encode(context.Background(), src, Spec{Time: tc.col}, EncodeOptions{Location: berlin})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if c := tbl.Column(tc.col); !reflect.DeepEqual(c.Times, tc.want) {
			t.Errorf("%s: times %v, want %v", tc.col, c.Times, tc.want)
		}
	}
}

// TestCSVOneColumnBlankLines: in a one-column file a blank line between
// rows is a row holding "" (lines 3, 5 and 6 here), with its line number
// kept for the rows after it; blank lines at the end are not rows.
func TestCSVOneColumnBlankLines(t *testing.T) {
	data := "a\nx\n\ny\n\n\nz\n\n"
	for _, arrowPath := range []bool{false, true} {
		src, err := Read("one.csv", strings.NewReader(data), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if arrowPath { // the Arrow batch path: read one record first
			if !src.rr.Next() {
				t.Fatal("no batch")
			}
			src.rr.Retain()
			rec := src.rr.Record()
			col := rec.Column(0).(*array.String)
			var got []string
			for i := 0; i < col.Len(); i++ {
				got = append(got, col.Value(i))
			}
			if want := []string{"x", "", "y", "", "", "z"}; !reflect.DeepEqual(got, want) {
				t.Errorf("arrow batch %q, want %q", got, want)
			}
			src.rr.Release()
			src.Close()
			continue
		}
		tbl, err := Encode(context.Background(), src, Spec{QI: []string{"a"}}, EncodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := values(tbl.Column("a")), []string{"x", "", "y", "", "", "z"}; !reflect.DeepEqual(got, want) || src.SkippedLines() != 0 {
			t.Errorf("values %q skipped %d, want %q 0", got, src.SkippedLines(), want)
		}
		src.Close()
	}
	// Line numbers after blank rows stay right: the bad time is on line 5.
	_, err := encodeTimes(t, "ts\n2024-03-01\n\n\nbad-time-value\n", EncodeOptions{})
	if err == nil || !strings.Contains(err.Error(), "row 4 (line 5)") {
		t.Errorf("error %v, want row 4 (line 5)", err)
	}
}

// TestSourceSHA256: the hash of a CSV read to its end equals that of its
// bytes (sha256sum); without the option, or before the end, there is none.
func TestSourceSHA256(t *testing.T) {
	data := "a\nx\ny\n"
	const sum = "b724768fe8c900e0f717075adade97308ee03a339e2785733f4be1322179789b" // printf 'a\nx\ny\n' | sha256sum
	src, err := Read("h.csv", strings.NewReader(data), ReadOptions{SHA256: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Encode(context.Background(), src, Spec{QI: []string{"a"}}, EncodeOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, ok := src.SHA256(); !ok || got != sum {
		t.Errorf("sha256 %q %v, want %q", got, ok, sum)
	}
	src.Close()
	src, _ = Read("h.csv", strings.NewReader(data), ReadOptions{})
	Encode(context.Background(), src, Spec{QI: []string{"a"}}, EncodeOptions{})
	if _, ok := src.SHA256(); ok {
		t.Error("hash without ReadOptions.SHA256")
	}
	src.Close()
}
