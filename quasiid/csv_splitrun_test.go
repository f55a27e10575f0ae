package quasiid

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSplitRun checks the records splitRun splits and where it stops: at
// a blank line, a record of another number of fields (also when a
// missing and an extra delimiter make up ncol bounds across two lines),
// the record holding the next quote, a record longer than the field
// limit, and a record ending in the last seven bytes; the fields of the
// records split, a \r before the newline dropped from the last.
func TestSplitRun(t *testing.T) {
	const pad = "zzzzzzzz" // keeps the records before it clear of the end
	for _, c := range []struct {
		data  string
		ncol  int
		limit int // -1: the end of data
		max   int
		want  []string // the fields of the records split, row by row
		next  int      // where it stops
	}{
		{data: "a,bb,\nccc,d,e\r\n" + pad, ncol: 3, limit: -1, max: 100, want: []string{"a", "bb", "", "ccc", "d", "e"}, next: 15},
		{data: "x,1\n\ny,2\n" + pad, ncol: 2, limit: -1, max: 100, want: []string{"x", "1"}, next: 4},           // blank line
		{data: "x,1\n\r\ny,2\n" + pad, ncol: 2, limit: -1, max: 100, want: []string{"x", "1"}, next: 4},         // blank line
		{data: "x,1\ny,2,3\n" + pad, ncol: 2, limit: -1, max: 100, want: []string{"x", "1"}, next: 4},           // an extra field
		{data: "x,1,0\ny\nz,2,3\n" + pad, ncol: 3, limit: -1, max: 100, want: []string{"x", "1", "0"}, next: 6}, // missing fields
		{data: "x,1,0\ny\nz,2\n" + pad, ncol: 3, limit: -1, max: 100, want: []string{"x", "1", "0"}, next: 6},   // y\nz,2: three bounds
		{data: "x,1\nyy,22\nz,\"2\"\n" + pad, ncol: 2, limit: 12, max: 100, want: []string{"x", "1"}, next: 4},  // the quote at 12: yy,22 ends past the words before it
		{data: "x,1\nyyyyyy,2\n" + pad, ncol: 2, limit: -1, max: 5, want: []string{"x", "1"}, next: 4},          // 8 bytes > 5
		{data: "x,1\ny,22\n", ncol: 2, limit: -1, max: 100, want: []string{"x", "1"}, next: 4},                  // y,22 ends in the last 7 bytes
		{data: "x\n" + pad, ncol: 2, limit: -1, max: 100, want: nil, next: 0},                                   // a missing field
	} {
		data := []byte(c.data)
		p := newCSVFields(',', c.ncol, int64(c.max))
		limit := c.limit
		if limit < 0 {
			limit = len(data)
		}
		next, n := p.splitRun(data, 0, limit, 0)
		var got []string
		for o := range n * c.ncol {
			got = append(got, string(field(data, p.bounds[:n*c.ncol+1], o, o%c.ncol == c.ncol-1)))
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) || next != c.next || p.lines != n {
			t.Errorf("%q: %d rows %q, next %d, lines %d; want %q, next %d", c.data, n, got, next, p.lines, c.want, c.next)
		}
	}
}

// TestSplitRunBatches checks that splitRun fills a batch exactly and that
// the next call goes on from the record where it stopped, in a batch
// whose rows share their bounds.
func TestSplitRunBatches(t *testing.T) {
	var b strings.Builder
	for i := range csvBatchRows + 10 {
		fmt.Fprintf(&b, "r%d,%s\n", i, strings.Repeat("v", i%13))
	}
	b.WriteString("end,padding\n")
	data := []byte(b.String())
	p := newCSVFields(',', 2, 100)
	pos, n := p.splitRun(data, 0, len(data), 0)
	if n != csvBatchRows {
		t.Fatalf("%d rows in the first batch, want %d", n, csvBatchRows)
	}
	for r := range n {
		if got, want := string(field(data, p.bounds, 2*r, false))+"|"+string(field(data, p.bounds, 2*r+1, true)), fmt.Sprintf("r%d|%s", r, strings.Repeat("v", r%13)); got != want {
			t.Fatalf("row %d: %s, want %s", r, got, want)
		}
	}
	p.lines = 0
	pos, n = p.splitRun(data, pos, len(data), 5) // rows 5... of a batch
	if n != 5+10 || string(field(data, p.bounds, 2*5, false)) != fmt.Sprintf("r%d", csvBatchRows) || pos != len(data)-len("end,padding\n") {
		t.Fatalf("second call: n %d, pos %d, first field %q", n, pos, field(data, p.bounds, 10, false))
	}
}

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

// TestSplitRunMatchesSplit checks splitRun against split record by record
// on random text of letters, delimiters, \r and \n: each record splitRun
// splits is one split splits alike (same fields, the \r before its
// newline dropped from the last), neither blank nor ragged, and
// splitRun stops only at a record it may not split (blank, ragged, long,
// or ending in the last seven bytes) or a full batch.
func TestSplitRunMatchesSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 4))
	split := 0 // records split
	for range 20000 {
		ncol := 2 + r.IntN(3)
		data := make([]byte, r.IntN(200))
		for i := range data {
			data[i] = "aaab,,\n\r"[r.IntN(8)]
		}
		p := newCSVFields(',', ncol, int64(5+r.IntN(30)))
		q := newCSVFields(',', ncol, int64(p.max))
		next, n := p.splitRun(data, 0, len(data), 0)
		split += n
		pos := 0
		for row := range n {
			end := bytes.IndexByte(data[pos:], '\n') + pos
			if end < pos || !q.split(data, pos, end) || end-pos > p.max {
				t.Fatalf("%q: row %d at %d split by splitRun, not by split", data, row, pos)
			}
			for f := range ncol {
				if got, want := field(data, p.bounds, row*ncol+f, f == ncol-1), field(data, q.bounds, f, f == ncol-1); !bytes.Equal(got, want) {
					t.Fatalf("%q: row %d field %d: %q, split %q", data, row, f, got, want)
				}
			}
			if blank := q.bounds[ncol] == q.bounds[0]+1 || (q.bounds[ncol] == q.bounds[0]+2 && data[pos] == '\r'); blank {
				t.Fatalf("%q: blank line at %d split", data, pos)
			}
			pos = end + 1
		}
		if next != pos || p.lines != n {
			t.Fatalf("%q: next %d, lines %d, want %d, %d", data, next, p.lines, pos, n)
		}
		// Where it stopped: a record it may not split (the words read
		// are data[8i:8i+8]).
		end := bytes.IndexByte(data[pos:], '\n') + pos
		if n < p.batch && end >= pos && end/8*8+8 <= len(data) && q.split(data, pos, end) && end-pos <= p.max {
			t.Fatalf("%q: stopped at %d before a plain record", data, pos)
		}
	}
	if split < 2000 {
		t.Errorf("%d records split: the test checks too little", split)
	}
}

// TestParallelCSVWide checks the fast path on records of more fields than
// a batch of csvBatchRows records holds bounds for (batches of fewer
// records) against the sequential read.
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
	if p := newCSVFields(',', ncol, 100); p.batch != csvBatchBounds/ncol || len(p.bounds) > csvBatchBounds+ncol+65 {
		t.Fatalf("batch of %d records, %d bounds", p.batch, len(p.bounds))
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
