package quasiid

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// chunkedCSV is what EncodeChunks handed over, put end to end.
type chunkedCSV struct {
	table    *Table
	cols     []Column // codes, times and valid of every chunk, appended
	sizes    []int    // rows of each chunk
	progress []int64
	first    *uint32 // the first code of the first column of each chunk, to see buffers reused
	reused   int     // chunks whose first column used the first chunk's buffer
}

// readCSVChunks encodes data with EncodeChunks, forcing blocks of block
// bytes and chunks of chunk rows, and appends the chunks.
func readCSVChunks(t *testing.T, data string, spec Spec, block, chunk int, opt EncodeOptions, fn func(*Table, int64) error) (*chunkedCSV, error) {
	t.Helper()
	src := openCSVBlocks(t, "c.csv", data, block)
	defer src.Close()
	src.rr.(*csvReader).chunkRows = chunk
	out := &chunkedCSV{}
	var next int64
	opt.Progress = func(rows int64) { out.progress = append(out.progress, rows) }
	var err error
	out.table, err = EncodeChunks(context.Background(), src, spec, opt, func(ch *Table, first int64) error {
		if first != next {
			t.Fatalf("chunk at row %d, want %d", first, next)
		}
		next += int64(ch.Rows)
		out.sizes = append(out.sizes, ch.Rows)
		if out.cols == nil {
			out.cols = make([]Column, len(ch.Columns))
		}
		for k, col := range ch.Columns {
			if n := max(len(col.Codes), len(col.Times)); n != ch.Rows || (col.Valid != nil && len(col.Valid) != n) {
				t.Fatalf("chunk of %d rows: column %s holds %d", ch.Rows, col.Name, n)
			}
			o := &out.cols[k]
			if col.Valid != nil && o.Valid == nil {
				o.Valid = make([]bool, len(o.Times))
				for i := range o.Valid {
					o.Valid[i] = true
				}
			}
			o.Codes, o.Times = append(o.Codes, col.Codes...), append(o.Times, col.Times...)
			if o.Valid != nil && col.Valid == nil {
				col.Valid = make([]bool, len(col.Times))
				for i := range col.Valid {
					col.Valid[i] = true
				}
			}
			o.Valid = append(o.Valid, col.Valid...)
		}
		if len(ch.Columns) > 0 && len(ch.Columns[0].Codes) > 0 {
			if out.first == nil {
				out.first = &ch.Columns[0].Codes[0]
			} else if out.first == &ch.Columns[0].Codes[0] {
				out.reused++
			}
		}
		if fn != nil {
			return fn(ch, first)
		}
		return nil
	})
	return out, err
}

// encodeCSVString is Encode of data.
func encodeCSVString(t *testing.T, data string, spec Spec, opt EncodeOptions) (*Table, error) {
	t.Helper()
	src := openCSVBlocks(t, "c.csv", data, 0)
	defer src.Close()
	return Encode(context.Background(), src, spec, opt)
}

// checkCSVChunks checks that the chunks of data, put end to end, are the
// table Encode gives (codes, times, dictionaries, rows, progress), that
// every chunk but the last holds at least chunk rows, and that the
// returned table holds no rows' codes.
func checkCSVChunks(t *testing.T, data string, spec Spec, block, chunk int, opt EncodeOptions) *chunkedCSV {
	t.Helper()
	var progress []int64
	opt.Progress = func(rows int64) { progress = append(progress, rows) }
	want, err := encodeCSVString(t, data, spec, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readCSVChunks(t, data, spec, block, chunk, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.table.Rows != want.Rows {
		t.Fatalf("rows %d, want %d", got.table.Rows, want.Rows)
	}
	for i, n := range got.sizes {
		if n == 0 || (n < chunk && i < len(got.sizes)-1) {
			t.Fatalf("chunk %d of %d holds %d rows (chunks of %d)", i, len(got.sizes), n, chunk)
		}
	}
	for k, w := range want.Columns {
		g := got.table.Columns[k]
		if g.Codes != nil || g.Times != nil || g.Valid != nil {
			t.Fatalf("column %s: the returned table holds rows", g.Name)
		}
		var c Column
		if got.cols != nil {
			c = got.cols[k]
		}
		if len(w.Codes) > 0 && (!reflect.DeepEqual(c.Codes, w.Codes) || !reflect.DeepEqual(g.Dict, w.Dict)) {
			t.Fatalf("column %s: chunks differ from Encode", w.Name)
		}
		if len(w.Times) > 0 && (!reflect.DeepEqual(c.Times, w.Times) || !reflect.DeepEqual(c.Valid, w.Valid)) {
			t.Fatalf("column %s: chunks' times differ from Encode:\n%v %v\n%v %v", w.Name, c.Times, c.Valid, w.Times, w.Valid)
		}
		if g.TimeUnit != w.TimeUnit {
			t.Fatalf("column %s: time unit %q, want %q", w.Name, g.TimeUnit, w.TimeUnit)
		}
	}
	if !reflect.DeepEqual(got.progress, progress) {
		t.Fatalf("progress %v, want %v", got.progress, progress)
	}
	return got
}

// TestCSVChunksEqualEncode streams random CSV (quoted delimiters, quotes,
// newlines and \r\n inside quotes, blank lines) in blocks of 1000 bytes
// and chunks of 100 rows, so that quoted newlines fall across block
// boundaries and chunks across blocks, and checks it against Encode; the
// chunks' code buffers are reused.
func TestCSVChunksEqualEncode(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2))
	for _, rows := range []int{0, 1, 99, 100, 101, 5000} {
		data := randomCSV(r, rows, 4)
		got := checkCSVChunks(t, data, Spec{QI: []string{"cc", "ca"}, Subject: "cd"}, 1000, 100, EncodeOptions{})
		if rows == 5000 && (len(got.sizes) < 20 || got.reused < len(got.sizes)-2) {
			t.Errorf("%d chunks, %d reusing the first chunk's buffer", len(got.sizes), got.reused)
		}
		checkCSVChunks(t, data, Spec{QI: []string{"cb"}}, 1000, 7, EncodeOptions{})
	}
}

// TestCSVChunksSequential streams the inputs the block reader leaves to
// encoding/csv: a one-column file (blank lines are values), integer times
// (their unit detected) and offsetless times in a zone, a record longer
// than a block holds, and a block encoding/csv must judge.
func TestCSVChunksSequential(t *testing.T) {
	var one, ints, zoned, long strings.Builder
	one.WriteString("a\n")
	ints.WriteString("ts,q\n")
	zoned.WriteString("ts,q\n")
	long.WriteString("a,b\n")
	for i := range 3000 {
		one.WriteString([]string{"x", "", "y"}[i%3] + "\n")
		ints.WriteString("17000000" + string(rune('0'+i%10)) + "0," + string(rune('a'+i%5)) + "\n")
		fmt.Fprintf(&zoned, "2024-03-31 %02d:%02d:00,%c\n", i%24, i%60, 'a'+i%5)
		if i == 1700 {
			long.WriteString("1,\"" + strings.Repeat("z\n", 2000) + "\"\n")
		}
		long.WriteString(string(rune('a'+i%3)) + ",p\n")
	}
	checkCSVChunks(t, one.String(), Spec{QI: []string{"a"}}, 1000, 100, EncodeOptions{})
	got := checkCSVChunks(t, ints.String(), Spec{QI: []string{"q"}, Time: "ts"}, 1000, 100, EncodeOptions{})
	if got.table.Columns[1].TimeUnit != "s" {
		t.Errorf("time unit %q, want s", got.table.Columns[1].TimeUnit)
	}
	checkCSVChunks(t, long.String(), Spec{QI: []string{"b", "a"}}, 1000, 100, EncodeOptions{})
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	got = checkCSVChunks(t, zoned.String(), Spec{QI: []string{"q"}, Time: "ts"}, 1000, 100, EncodeOptions{Location: berlin})
	if c := got.table.Columns[1]; c.DSTGapTimes != 125 {
		t.Errorf("DST gap times %d, want 125 (02:00 to 02:59 on 2024-03-31 in Berlin)", c.DSTGapTimes)
	}
}

// TestCSVChunksLaterError checks that an error in a row of a later chunk
// and block names the row, line and column Encode names, after the
// chunks before it were handed over.
func TestCSVChunksLaterError(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 3000 {
		switch i {
		case 2500:
			b.WriteString("1,\"two\nlines\",3\n") // row 2501, line 2502: an extra field
		case 2000:
			b.WriteString("\n") // a blank line before it
		}
		b.WriteString("1,22\n")
	}
	data := b.String()
	const want = `c.csv: row 2501 (line 2503): extra field: the row has 3 fields, the header 2`
	_, err := encodeCSVString(t, data, Spec{QI: []string{"b"}}, EncodeOptions{})
	if err == nil || err.Error() != want {
		t.Fatalf("Encode: error %v, want %s", err, want)
	}
	got, err2 := readCSVChunks(t, data, Spec{QI: []string{"b"}}, 1000, 100, EncodeOptions{}, nil)
	if err2 == nil || err2.Error() != err.Error() {
		t.Fatalf("EncodeChunks error %v, Encode's %v", err2, err)
	}
	handed := 0
	for _, n := range got.sizes {
		handed += n
	}
	if handed < 2000 || handed > 2500 {
		t.Errorf("%d rows handed over before the error in row 2501", handed)
	}
}

// TestCSVChunksCallbackError checks that an error from the callback stops
// the read at once, is returned unchanged, and leaves no goroutine
// running.
func TestCSVChunksCallbackError(t *testing.T) {
	data := randomCSV(rand.New(rand.NewPCG(15, 3)), 20000, 4)
	before := runtime.NumGoroutine()
	stop := errors.New("stop")
	calls := 0
	_, err := readCSVChunks(t, data, Spec{QI: []string{"ca"}}, 1000, 100, EncodeOptions{}, func(*Table, int64) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || err != stop {
		t.Fatalf("error %v, want the callback's", err)
	}
	if calls != 3 {
		t.Errorf("callback called %d times, want 3", calls)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after the read, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
