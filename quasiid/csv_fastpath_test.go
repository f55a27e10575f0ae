package quasiid

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestParallelCSVRaggedInBatch checks that a record of another number of
// fields in the middle of a batch of plain records, in a later block, is
// an error naming its row and line (and the missing column), as the
// sequential reader names it.
func TestParallelCSVRaggedInBatch(t *testing.T) {
	for _, c := range []struct{ bad, want string }{
		{"7,8,9\r\n", `r.csv: row 2901 (line 2902): extra field: the row has 3 fields, the header 2`},
		{"7\r\n", `r.csv: row 2901 (line 2902), column "b": missing field: the row has 1 fields, the header 2`},
	} {
		var b strings.Builder
		b.WriteString("a,b\r\n")
		for i := range 3000 {
			if i == 2900 {
				b.WriteString(c.bad)
				continue
			}
			fmt.Fprintf(&b, "%d,x%d\r\n", i%7, i%3)
		}
		for _, sequential := range []bool{false, true} {
			src, err := Read("r.csv", strings.NewReader(b.String()), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cr := src.rr.(*csvReader)
			cr.blockSize = 4000
			if sequential {
				cr.parser() // Encode reads on with encoding/csv
			}
			_, err = Encode(context.Background(), src, Spec{QI: []string{"a", "b"}}, EncodeOptions{})
			src.Close()
			if err == nil || err.Error() != c.want {
				t.Errorf("sequential %v: error %v, want %s", sequential, err, c.want)
			}
		}
	}
}

// TestParallelCSVMatchesSequential checks the fast path against this
// package's sequential reader on random files of mostly plain records of
// fields from 0 to 20 bytes (so that records start and end anywhere in
// the words splitRun reads), with \n or \r\n line ends, blank lines,
// quoted fields, and in some files one record of another number of
// fields: the same codes, dictionaries, row and blank-line counts, or
// the same error, in blocks of several sizes.
func TestParallelCSVMatchesSequential(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 3))
	var errs, blanks int // files that err, and that read with blank lines
	for file := range 40 {
		ncol := 2 + r.IntN(5)
		eol := []string{"\n", "\r\n"}[r.IntN(2)]
		ragged := -1
		if file%3 == 0 {
			ragged = r.IntN(3000)
		}
		var b strings.Builder
		for c := range ncol {
			if c > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "c%d", c)
		}
		b.WriteString(eol)
		for i := range 3000 {
			switch {
			case r.IntN(60) == 0:
				b.WriteString(eol)
			case i == ragged:
				b.WriteString(strings.Repeat("x,", ncol+r.IntN(2)*-2) + "y" + eol) // ncol+1 or ncol-1 fields
				continue
			}
			for c := range ncol {
				if c > 0 {
					b.WriteByte(',')
				}
				if r.IntN(100) == 0 {
					b.WriteString("\"q,\n\"")
					continue
				}
				b.WriteString(strings.Repeat(string(rune('a'+r.IntN(3))), r.IntN(21)))
			}
			b.WriteString(eol)
		}
		data := b.String()
		cols := []string{"c0", fmt.Sprintf("c%d", ncol-1)}
		want, wantBlank, wantErr := encodeCSVForTest(t, data, cols, 0, true)
		if wantErr != nil {
			errs++
		} else if wantBlank > 0 {
			blanks++
		}
		for _, block := range []int{0, 300, 4096} {
			got, gotBlank, gotErr := encodeCSVForTest(t, data, cols, block, false)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || (wantErr == nil && gotBlank != wantBlank) {
				t.Fatalf("file %d, blocks of %d: error %v, %d blank lines; sequential %v, %d", file, block, gotErr, gotBlank, wantErr, wantBlank)
			}
			if wantErr != nil {
				continue
			}
			for k, c := range got.Columns {
				w := want.Columns[k]
				if fmt.Sprint(c.Codes) != fmt.Sprint(w.Codes) || fmt.Sprint(c.Dict.values) != fmt.Sprint(w.Dict.values) {
					t.Fatalf("file %d, blocks of %d, column %s differs from the sequential read", file, block, c.Name)
				}
			}
		}
	}
	if errs == 0 || blanks == 0 {
		t.Errorf("%d files err, %d read with blank lines: the test checks too little", errs, blanks)
	}
}

// encodeCSVForTest encodes the columns cols of data as quasi-identifiers,
// through the fast path in blocks of block bytes (0: the usual size) or
// sequentially, and returns the table, the blank lines skipped and the
// error.
func encodeCSVForTest(t *testing.T, data string, cols []string, block int, sequential bool) (*Table, int64, error) {
	t.Helper()
	src, err := Read("s.csv", strings.NewReader(data), ReadOptions{Delimiter: ','})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c := src.rr.(*csvReader)
	c.blockSize = block
	if sequential {
		c.parser()
	}
	tbl, err := Encode(context.Background(), src, Spec{QI: cols}, EncodeOptions{})
	return tbl, src.SkippedLines(), err
}

// TestParallelCSVWide checks the fast path on records of 3,000 fields
// (fewer records in a batch and a block) against the sequential read.
func TestParallelCSVWide(t *testing.T) {
	const ncol = 3000
	var b strings.Builder
	for c := range ncol {
		if c > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "c%d", c)
	}
	b.WriteByte('\n')
	for i := range 200 {
		for c := range ncol {
			if c > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%d", (i*c)%7)
		}
		b.WriteByte('\n')
	}
	cols := []string{"c1", "c2999"}
	want, _, err := encodeCSVForTest(t, b.String(), cols, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := encodeCSVForTest(t, b.String(), cols, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range got.Columns {
		if fmt.Sprint(c.Codes) != fmt.Sprint(want.Columns[k].Codes) || fmt.Sprint(c.Dict.values) != fmt.Sprint(want.Columns[k].Dict.values) || len(c.Codes) != 200 {
			t.Fatalf("column %s differs from the sequential read", c.Name)
		}
	}
}
