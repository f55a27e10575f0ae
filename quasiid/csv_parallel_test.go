package quasiid

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// randomCSV returns a CSV text of rows rows and ncol columns whose fields
// mix plain values, empty fields, quoted fields holding the delimiter,
// quotes, \n and \r\n, with \n or \r\n line ends and blank lines.
func randomCSV(r *rand.Rand, rows, ncol int) string {
	var b strings.Builder
	eol := "\n"
	if r.IntN(2) == 0 {
		eol = "\r\n"
	}
	for i := range ncol {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("c" + string(rune('a'+i)))
	}
	b.WriteString(eol)
	for range rows {
		if r.IntN(20) == 0 {
			b.WriteString(eol) // a blank line
		}
		for j := range ncol {
			if j > 0 {
				b.WriteByte(',')
			}
			switch r.IntN(8) {
			case 0: // empty
			case 1:
				b.WriteString(`"a,b"`)
			case 2:
				b.WriteString(`"say ""hi"""`)
			case 3:
				b.WriteString("\"two\nlines\"")
			case 4:
				b.WriteString("\"crlf\r\nin quotes\"")
			case 5:
				b.WriteString("é" + string(rune('0'+r.IntN(3))))
			default:
				b.WriteString(string(rune('a' + r.IntN(5))))
			}
		}
		b.WriteString(eol)
	}
	if r.IntN(2) == 0 {
		return strings.TrimSuffix(b.String(), eol) // no newline at the end
	}
	return b.String()
}

// referenceCodes encodes columns of data with encoding/csv alone: codes
// in order of first appearance, per column.
func referenceCodes(t *testing.T, data string, cols []int) (codes [][]uint32, values [][]string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	codes, values = make([][]uint32, len(cols)), make([][]string, len(cols))
	index := make([]map[string]uint32, len(cols))
	for k := range index {
		index[k] = map[string]uint32{}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return codes, values
		}
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range cols {
			v := rec[c]
			code, ok := index[k][v]
			if !ok {
				code = uint32(len(values[k]))
				index[k][v] = code
				values[k] = append(values[k], v)
			}
			codes[k] = append(codes[k], code)
		}
	}
}

// checkParallelCSV encodes data through the fast path, in blocks of the
// usual size and in blocks of 64 bytes, and compares it with encoding/csv.
func checkParallelCSV(t *testing.T, data string, cols []int) {
	t.Helper()
	checkParallelCSVBlocks(t, data, cols, 0)
	checkParallelCSVBlocks(t, data, cols, 64)
}

// openCSVBlocks reads data as comma-separated CSV named name, to be read
// by the fast path in blocks of block bytes (0: the usual size).
func openCSVBlocks(t *testing.T, name, data string, block int) *Source {
	t.Helper()
	src, err := Read(name, strings.NewReader(data), ReadOptions{Delimiter: ','})
	if err != nil {
		t.Fatal(err)
	}
	c := src.rr.(*csvReader)
	if c.raw == nil {
		t.Fatal("the fast path is not taken")
	}
	c.blockSize = block
	return src
}

// checkParallelCSVBlocks is checkParallelCSV with blocks of block bytes
// (0: the usual size).
func checkParallelCSVBlocks(t *testing.T, data string, cols []int, block int) {
	t.Helper()
	src := openCSVBlocks(t, "p.csv", data, block)
	defer src.Close()
	names := src.Columns()
	var spec Spec
	for _, c := range cols {
		spec.QI = append(spec.QI, names[c])
	}
	tbl, err := Encode(context.Background(), src, spec, EncodeOptions{})
	if err != nil {
		t.Fatalf("%v\n%q", err, data)
	}
	codes, values := referenceCodes(t, data, cols)
	for k, c := range tbl.Columns {
		if len(codes[k]) == 0 && len(c.Codes) == 0 {
			continue
		}
		if !reflect.DeepEqual(c.Codes, codes[k]) || !reflect.DeepEqual(c.Dict.values, values[k]) {
			t.Fatalf("column %s:\n got %v %q\nwant %v %q\ndata %q", c.Name, c.Codes, c.Dict.values, codes[k], values[k], data)
		}
	}
}

// TestParallelCSVMatchesEncodingCSV checks the block-parallel CSV reader
// against encoding/csv on random inputs large enough to span many blocks
// (quoted fields with delimiters, quotes, newlines and \r\n inside, empty
// fields, blank lines, CRLF line ends), reading some columns only.
func TestParallelCSVMatchesEncodingCSV(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	for _, rows := range []int{0, 1, 7, 300_000} {
		data := randomCSV(r, rows, 4)
		checkParallelCSV(t, data, []int{2, 0})
		checkParallelCSV(t, data, []int{3})
	}
}

// TestRecordEnd checks the block split on quoted newlines.
func TestRecordEnd(t *testing.T) {
	for _, tc := range []struct {
		data string
		want int
	}{
		{"a,b\nc,d", 4},
		{"a,\"b\nc\"\nd", 8},
		{"a,\"b\nc", 0},
		{"x\n\"\"\"\n\"\n", 8},
		{"no newline", 0},
	} {
		if got := recordEnd([]byte(tc.data)); got != tc.want {
			t.Errorf("recordEnd(%q) = %d, want %d", tc.data, got, tc.want)
		}
	}
}

// FuzzParallelCSV compares the fast path with encoding/csv on arbitrary
// input: where encoding/csv reads it, codes must be equal; where it
// fails, or the text is not UTF-8, Encode must fail too.
func FuzzParallelCSV(f *testing.F) {
	f.Add("a,b\n1,\"x\ny\"\n\n2,\"\"\"\"\r\n")
	f.Add("a,b\r\n1,2\r\n3,4")
	f.Add("a,b\n1,x\"y\n")
	f.Fuzz(func(t *testing.T, body string) {
		data := "h1,h2\n" + body
		r := csv.NewReader(strings.NewReader(data))
		r.FieldsPerRecord = 2
		// encoding/csv does not check UTF-8; this package rejects text
		// that is not, in any field.
		if _, err := r.ReadAll(); err != nil || !utf8.ValidString(data) {
			src, err := Read("f.csv", bytes.NewReader([]byte(data)), ReadOptions{Delimiter: ','})
			if err != nil {
				return
			}
			defer src.Close()
			if _, err := Encode(context.Background(), src, Spec{QI: []string{"h2"}}, EncodeOptions{}); err == nil {
				t.Fatalf("encoding/csv fails, Encode does not: %q", data)
			}
			return
		}
		checkParallelCSV(t, data, []int{1, 0})
	})
}

// TestParallelCSVLongRecord checks that a record longer than the fast
// path holds hands the rest of the input to encoding/csv with the right
// rows, lines and codes, and errors after it name their row and line.
func TestParallelCSVLongRecord(t *testing.T) {
	long := strings.Repeat("x", 5000)
	data := "a,b\n1,p\n\n2,\"" + long + "\n" + long + "\"\n1,q\n3,p\n"
	encode := func(data string) (*Table, error) {
		src, err := Read("l.csv", strings.NewReader(data), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		c := src.rr.(*csvReader)
		c.maxBlock, c.blockSize = 1000, 100
		return Encode(context.Background(), src, Spec{QI: []string{"a", "b"}}, EncodeOptions{})
	}
	tbl, err := encode(data)
	if err != nil {
		t.Fatal(err)
	}
	checkParallelCSV(t, data, []int{1, 0}) // the usual path, for comparison
	if got := values(tbl.Column("a")); !reflect.DeepEqual(got, []string{"1", "2", "1", "3"}) {
		t.Errorf("a = %q", got)
	}
	if got := tbl.Column("b").Codes; !reflect.DeepEqual(got, []uint32{0, 1, 2, 0}) {
		t.Errorf("b codes = %v", got)
	}
	_, err = encode(data + "4\n")
	if want := `l.csv: row 5 (line 8), column "b": missing field: the row has 1 fields, the header 2`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestParallelCSVFieldLimit checks that a field over ReadOptions.MaxFieldBytes
// in a later block is an error naming its row, line and column, as the
// sequential reader names it.
func TestParallelCSVFieldLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 3000 {
		if i == 2500 {
			b.WriteString("1,\"0123456789\n\"\n") // 14 bytes in the file
			continue
		}
		b.WriteString("1,22\n")
	}
	src, err := Read("m.csv", strings.NewReader(b.String()), ReadOptions{MaxFieldBytes: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.rr.(*csvReader).blockSize = 1000
	_, err = Encode(context.Background(), src, Spec{QI: []string{"a"}}, EncodeOptions{})
	if want := `m.csv: row 2501 (line 2502), column "b": field longer than 12 bytes, the limit on a CSV field`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}
