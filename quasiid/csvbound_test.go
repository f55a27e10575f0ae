package quasiid

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

// TestCSVFieldTooLong pins the error of a field or column name longer than
// MaxFieldBytes: its row, the line where the row starts and its column,
// counted as encoding/csv counts them (blank lines skipped, quoted
// delimiters and line breaks inside the field), on both read paths.
func TestCSVFieldTooLong(t *testing.T) {
	long := strings.Repeat("x", 11)
	for _, tc := range []struct {
		name, data string
		delim      rune
		want       InputError
	}{
		{"header", "a," + long + ",c\n1,2,3\n", 0,
			InputError{File: "t.csv", Line: 1, Msg: "header: column 2: name longer than 10 bytes, the limit on a CSV field"}},
		{"unquoted", "a,b,c\n1,2,3\n\n\n4," + long + ",6\n", 0,
			InputError{File: "t.csv", Row: 2, Line: 5, Column: "b", Msg: "field longer than 10 bytes, the limit on a CSV field"}},
		// 9 bytes inside the quotes, with a comma and a line break; 11 with them.
		{"quoted", "a,b,c\n\"1,\n2\",2,3\n4,5,\"ab,\ncdefg\"\n", 0,
			InputError{File: "t.csv", Row: 2, Line: 4, Column: "c", Msg: "field longer than 10 bytes, the limit on a CSV field"}},
		{"beyond the header", "a,b\n1,2," + long + "\n", 0,
			InputError{File: "t.csv", Row: 1, Line: 2, Msg: "field 3 (beyond the header's 2): longer than 10 bytes, the limit on a CSV field"}},
		{"multi-byte delimiter", "a→b→c\n1→2→3\n12345→1234567890→x\n4→5→" + long + "\n", '→',
			InputError{File: "t.csv", Row: 3, Line: 4, Column: "c", Msg: "field longer than 10 bytes, the limit on a CSV field"}},
	} {
		for _, path := range []string{"encode", "arrow"} {
			opt := ReadOptions{MaxFieldBytes: 10, Delimiter: tc.delim}
			var err error
			if path == "encode" {
				_, err = encodeString("t.csv", tc.data, opt, Spec{QI: []string{"a"}})
			} else {
				err = readAll("t.csv", tc.data, opt)
			}
			var ie *InputError
			if !errors.As(err, &ie) || *ie != tc.want {
				t.Errorf("%s (%s): error %v,\nwant %v", tc.name, path, err, &tc.want)
			}
		}
	}
	// At the limit is fine: 10 bytes, quotes included.
	if _, err := encodeString("t.csv", "a,b\n\"12345678\",1234567890\n", ReadOptions{MaxFieldBytes: 10}, Spec{QI: []string{"a", "b"}}); err != nil {
		t.Errorf("fields of exactly MaxFieldBytes: %v", err)
	}
	if _, err := Read("t.csv", strings.NewReader("a\n1\n"), ReadOptions{MaxFieldBytes: -1}); err == nil || !strings.Contains(err.Error(), "MaxFieldBytes") {
		t.Errorf("MaxFieldBytes -1: error %v, want one naming the option", err)
	}
}

// readAll reads data through the Arrow record batches.
func readAll(name, data string, opt ReadOptions) error {
	src, err := Read(name, strings.NewReader(data), opt)
	if err != nil {
		return err
	}
	defer src.Close()
	rr, err := src.reader()
	if err != nil {
		return err
	}
	for rr.Next() {
	}
	return rr.Err()
}

// endless is a CSV text with a header, one row and then a field of n
// bytes, made up as it is read; it counts the bytes handed out.
type endless struct {
	head  string
	n     int64
	given int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.given < int64(len(e.head)) {
		k := copy(p, e.head[e.given:])
		e.given += int64(k)
		return k, nil
	}
	left := int64(len(e.head)) + e.n - e.given
	if left <= 0 {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), left))
	for i := range p[:k] {
		p[i] = 'y'
	}
	e.given += int64(k)
	return k, nil
}

// TestCSVFieldTooLongBounded reads a 1 GB field: the error comes after
// about MaxFieldBytes of it have been read, with memory to match (today's
// encoding/csv would hold the whole gigabyte, several times).
func TestCSVFieldTooLongBounded(t *testing.T) {
	in := &endless{head: "a,b\n1,2\n3,", n: 1 << 30}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := func() (*Table, error) {
		src, err := Read("big.csv", in, ReadOptions{})
		if err != nil {
			return nil, err
		}
		defer src.Close()
		return Encode(context.Background(), src, Spec{QI: []string{"a", "b"}}, EncodeOptions{})
	}()
	runtime.ReadMemStats(&after)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Row != 2 || ie.Line != 3 || ie.Column != "b" {
		t.Fatalf("error %v, want row 2 (line 3), column \"b\"", err)
	}
	if in.given > DefaultMaxFieldBytes+256<<10 {
		t.Errorf("%d bytes read before the error, want about DefaultMaxFieldBytes (%d)", in.given, DefaultMaxFieldBytes)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("%d MB allocated to find a field over 1 MiB, want under 32", alloc>>20)
	}
}

// FuzzFieldBound checks the field limit against encoding/csv on its own:
// a text whose every field is surely within the limit (its parsed length
// plus what quoting may add) never fails for length, and one with a
// parsed field over the limit always fails, no later than that field's row.
func FuzzFieldBound(f *testing.F) {
	for _, seed := range []string{
		"a,b\n1,2\n",
		"a,b\n\"1,\n2\",3\n",
		"a,bbbbbbbbbbb\n1,2\n",
		"a,b\n1,\"x\"\"y\"\"z\"\n\n3,4\r\n",
		"a\n\"q\nq\nq\nq\nq\"\n",
	} {
		f.Add([]byte(seed), uint8(4))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint8) {
		max := int64(limit%32) + 1
		if bytes.HasPrefix(data, []byte("\ufeff")) {
			return
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		surelyWithin, firstOver := true, int64(-1) // firstOver: row (0 = header) of the first parsed field over max
		for row := int64(0); ; row++ {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return // bad CSV: its own error may come first
			}
			for _, v := range rec {
				if int64(len(v))+2+int64(strings.Count(v, "\"")+strings.Count(v, "\n"))+1 > max {
					surelyWithin = false
				}
				if int64(len(v)) > max && firstOver < 0 {
					firstOver = row
				}
			}
		}
		src, err := Read("f.csv", bytes.NewReader(data), ReadOptions{Format: CSV, Delimiter: ',', MaxFieldBytes: max})
		if err == nil {
			cols := src.Columns()
			_, err = Encode(context.Background(), src, Spec{QI: cols[:1]}, EncodeOptions{})
			src.Close()
		}
		var ie *InputError
		long := errors.As(err, &ie) && strings.Contains(ie.Msg, "the limit on a CSV field")
		if surelyWithin && long {
			t.Fatalf("every field within %d bytes, yet: %v", max, err)
		}
		if firstOver >= 0 {
			if err == nil {
				t.Fatalf("a field of row %d is over %d bytes, yet no error", firstOver, max)
			}
			if long && ie.Row > firstOver {
				t.Fatalf("a field of row %d is over %d bytes, yet the error is at row %d: %v", firstOver, max, ie.Row, err)
			}
		}
	})
}
