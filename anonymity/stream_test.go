package anonymity

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// streamChunks re-encodes whole chunk by chunk into fresh dictionaries
// that grow between chunks, as quasiid.EncodeChunks hands them over: the
// chunks hold rows cuts[i-1]..cuts[i]. tune, when not nil, sets the
// Counter's knobs first. It returns the classes the Counter gives, and the
// whole table encoded with the same (final) dictionaries.
func streamChunks(t *testing.T, whole *quasiid.Table, cuts []int, opt CountOptions, tune func(*Counter)) (*Classes, *quasiid.Table) {
	t.Helper()
	re := &quasiid.Table{Source: whole.Source, Rows: whole.Rows}
	for _, c := range whole.Columns {
		re.Columns = append(re.Columns, &quasiid.Column{Name: c.Name, Role: c.Role, Dict: quasiid.NewDictionary(),
			Codes: make([]uint32, whole.Rows)})
	}
	s := NewCounter(opt)
	if tune != nil {
		tune(s)
	}
	lo := 0
	for _, hi := range append(cuts, whole.Rows) {
		chunk := &quasiid.Table{Source: whole.Source, Rows: hi - lo}
		for k, c := range whole.Columns {
			d := re.Columns[k].Dict
			codes := re.Columns[k].Codes[lo:hi]
			for i := range codes {
				if v := c.Codes[lo+i]; c.Dict.IsNull(v) {
					codes[i] = d.NullCode()
				} else {
					codes[i] = d.Code(c.Dict.Value(v))
				}
			}
			chunk.Columns = append(chunk.Columns, &quasiid.Column{Name: c.Name, Role: c.Role, Dict: d,
				Codes: append([]uint32(nil), codes...)})
		}
		if err := s.Add(context.Background(), chunk); err != nil {
			t.Fatal(err)
		}
		for _, c := range chunk.Columns { // the encoder reuses its buffers
			clear(c.Codes)
		}
		lo = hi
	}
	got, err := s.Classes(re)
	if err != nil {
		t.Fatal(err)
	}
	return got, re
}

// randomCuts cuts n rows into chunks of random sizes, often of one row.
func randomCuts(r *rand.Rand, n int) []int {
	var cuts []int
	for at := 0; ; {
		switch r.IntN(3) {
		case 0:
			at++
		case 1:
			at += 1 + r.IntN(10)
		default:
			at += 1 + r.IntN(max(n/3, 1))
		}
		if at >= n {
			return cuts
		}
		cuts = append(cuts, at)
	}
}

// sameAsCount checks that streaming whole in chunks gives what Count gives
// on the whole table, field by field.
func sameAsCount(t *testing.T, whole *quasiid.Table, cuts []int, opt CountOptions) *Classes {
	t.Helper()
	return sameAsCountTuned(t, whole, cuts, opt, nil)
}

// sameAsCountTuned is sameAsCount with the streaming Counter's knobs set
// by tune (Count's are left as NewCounter sets them).
func sameAsCountTuned(t *testing.T, whole *quasiid.Table, cuts []int, opt CountOptions, tune func(*Counter)) *Classes {
	t.Helper()
	got, re := streamChunks(t, whole, cuts, opt, tune)
	want, err := Count(context.Background(), re, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("chunks %v: streamed classes differ from Count's:\n got %d classes sizes %v\nwant %d classes sizes %v",
			cuts, got.Len(), head(got.Sizes), want.Len(), head(want.Sizes))
	}
	return got
}

func head[T any](s []T) []T { return s[:min(len(s), 10)] }

func TestCounterEqualsCountAdult(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 3))
	for _, qi := range [][]string{kernAdultQI, {"sex", "race"}, {"age", "native-country", "education"}, {}} {
		tbl := kernReadAdult(t, qi, "occupation", "salary-class", "marital-status")
		tbl.Columns[len(tbl.Columns)-1].Role = quasiid.Subject // a subject column: marital-status
		for _, cuts := range [][]int{nil, {1}, {1, 2, 3, 10000, 10001, 30000}, randomCuts(r, tbl.Rows)} {
			c := sameAsCount(t, tbl, cuts, CountOptions{RowClass: len(cuts) == 1})
			if len(qi) == len(kernAdultQI) && (c.Len() != 12458 || c.Rows != 30162) {
				// Figures given by pyCANON, sdcMicro, DuckDB and Polars (issue 2).
				t.Fatalf("Adult: %d classes of %d rows, want 12458 of 30162", c.Len(), c.Rows)
			}
			if c.Subjects == nil || len(c.Sensitive) != 2 {
				t.Fatal("subjects or sensitive histograms missing")
			}
		}
	}
}

func TestCounterEqualsCountRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 4))
	ns := []int{0, 1, 2, 3, 50, 3000, 70000}
	for trial := range 80 {
		n := ns[r.IntN(len(ns))]
		nqi := r.IntN(6)
		subject := r.IntN(2) == 0
		nsens := r.IntN(3)
		tbl, rows := kernRandomTable(r, n, nqi, subject, nsens)
		cuts := randomCuts(r, n)
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			c := sameAsCount(t, tbl, cuts, CountOptions{Workers: 1 + r.IntN(3), RowClass: r.IntN(2) == 0})
			extra := nsens
			if subject {
				extra++
			}
			kernEqual(t, c, kernReference(rows, nqi, extra), int64(n), true)
		})
	}
}

// TestCounterCompacts feeds many chunks that repeat the same pairs, so
// that the runs are merged while chunks still come.
func TestCounterCompacts(t *testing.T) {
	n := 400_000
	values := make([]string, n)
	subj := make([]string, n)
	for i := range values {
		values[i] = fmt.Sprint(i % 5)
		subj[i] = fmt.Sprint(i % 40000)
	}
	tbl := &quasiid.Table{Source: "t", Rows: n, Columns: []*quasiid.Column{
		kernColumn("q", quasiid.QuasiIdentifier, values), kernColumn("s", quasiid.Subject, subj)}}
	cuts := make([]int, 0, 40)
	for at := 10000; at < n; at += 10000 {
		cuts = append(cuts, at)
	}
	c := sameAsCount(t, tbl, cuts, CountOptions{})
	if len(c.Subjects.Values) != 40000 || c.Subjects.Counts[0] != 10 {
		t.Fatalf("%d (class, subject) pairs, first of %d rows; want 40000 of 10", len(c.Subjects.Values), c.Subjects.Counts[0])
	}
}

func TestCounterErrors(t *testing.T) {
	s := NewCounter(CountOptions{})
	ok := &quasiid.Table{Source: "f.csv", Rows: 2, Columns: []*quasiid.Column{kernColumn("q", quasiid.QuasiIdentifier, []string{"a", "b"})}}
	if err := s.Add(context.Background(), ok); err != nil {
		t.Fatal(err)
	}
	bad := &quasiid.Table{Source: "f.csv", Rows: 2, Columns: []*quasiid.Column{{Name: "q", Role: quasiid.QuasiIdentifier,
		Dict: ok.Columns[0].Dict, Codes: []uint32{0, 9}}}}
	err := s.Add(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), "row 4") || !strings.Contains(err.Error(), `"q"`) {
		t.Fatalf("got %v, want an error naming row 4 (of the whole table) and column q", err)
	}
	if _, err := s.Classes(&quasiid.Table{Source: "f.csv", Rows: 3, Columns: ok.Columns}); err == nil {
		t.Fatal("3 rows claimed, 2 counted: want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewCounter(CountOptions{}).Add(ctx, ok); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: got %v", err)
	}
}

// FuzzCounter checks the Counter against Count on small tables drawn from
// the input: one to three QIs, a subject and a sensitive column over tiny
// alphabets (null included), cut where the input says.
func FuzzCounter(f *testing.F) {
	f.Add([]byte("\x02\x01abcabcaabbcc\x00\x05"))
	f.Add([]byte("\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		nqi, width := int(data[0]%4), 2+int(data[0]%4)
		body := data[2:]
		n := len(body) / width
		cols := make([][]string, width)
		for k, b := range body[:n*width] { // row k/width, column k%width
			v := string(rune('a' + b%5))
			if b%7 == 0 {
				v = "\x00"
			}
			cols[k%width] = append(cols[k%width], v)
		}
		tbl := &quasiid.Table{Source: "fuzz", Rows: n}
		for j := range width {
			role := quasiid.QuasiIdentifier
			switch {
			case j == width-2:
				role = quasiid.Subject
			case j == width-1:
				role = quasiid.Sensitive
			case j >= nqi:
				role = quasiid.Insensitive
			}
			tbl.Columns = append(tbl.Columns, kernColumn(fmt.Sprint("c", j), role, cols[j]))
		}
		var cuts []int
		for i := 1; i < n; i++ {
			if body[i*width]&1 == 1 || data[1]&1 == 1 {
				cuts = append(cuts, i)
			}
		}
		sameAsCount(t, tbl, cuts, CountOptions{RowClass: data[1]&2 == 2})
	})
}

// TestCounterPackedHand counts four chunks whose dictionaries grow, so
// that the packed keys widen (a from 1 to 9 bits, b from 0 to 1), with an
// empty chunk, and checks the classes against figures worked out by hand.
func TestCounterPackedHand(t *testing.T) {
	da, db, ds := quasiid.NewDictionary(), quasiid.NewDictionary(), quasiid.NewDictionary()
	chunk := func(rows ...string) *quasiid.Table { // each row "a b s"
		c := &quasiid.Table{Source: "hand.csv", Rows: len(rows), Columns: []*quasiid.Column{
			{Name: "a", Role: quasiid.QuasiIdentifier, Dict: da, Codes: []uint32{}},
			{Name: "b", Role: quasiid.QuasiIdentifier, Dict: db, Codes: []uint32{}},
			{Name: "s", Role: quasiid.Sensitive, Dict: ds, Codes: []uint32{}}}}
		for _, r := range rows {
			for j, v := range strings.Fields(r) {
				c.Columns[j].Codes = append(c.Columns[j].Codes, c.Columns[j].Dict.Code(v))
			}
		}
		return c
	}
	s := NewCounter(CountOptions{RowClass: true})
	add := func(c *quasiid.Table) {
		if err := s.Add(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	add(chunk("x p 1", "y p 2", "x p 1"))
	da.Code("z")
	da.Code("w") // a: 4 values, 2 bits
	add(chunk("z q 1", "x p 2", "y q 1", "z q 2"))
	add(chunk())
	for v := range 296 {
		da.Code(fmt.Sprint("v", v)) // a: 300 values, 9 bits
	}
	add(chunk("x q 1", "v295 p 1"))
	whole := chunk()
	whole.Rows = 9
	got, err := s.Classes(whole)
	if err != nil {
		t.Fatal(err)
	}
	// Classes by first row: (x,p) 3 rows, (y,p) 1, (z,q) 2, (y,q) 1,
	// (x,q) 1, (v295,p) 1.
	wantA := []string{"x", "y", "z", "y", "x", "v295"}
	wantB := []string{"p", "p", "q", "q", "q", "p"}
	wantSizes := []int64{3, 1, 2, 1, 1, 1}
	if got.Len() != 6 || !reflect.DeepEqual(got.Sizes, wantSizes) {
		t.Fatalf("%d classes, sizes %v; want 6, %v", got.Len(), got.Sizes, wantSizes)
	}
	for c := range 6 {
		if a, b := da.Value(got.Codes[0][c]), db.Value(got.Codes[1][c]); a != wantA[c] || b != wantB[c] {
			t.Fatalf("class %d is (%s, %s), want (%s, %s)", c, a, b, wantA[c], wantB[c])
		}
	}
	if want := []uint32{0, 1, 0, 2, 0, 3, 2, 4, 5}; !reflect.DeepEqual(got.RowClass, want) {
		t.Fatalf("RowClass %v, want %v", got.RowClass, want)
	}
	// Class (x,p) holds s = 1, 1, 2: values 1 (code 0) twice, 2 (code 1) once.
	m := got.Sensitive[0]
	if m.Offsets[1] != 2 || m.Values[0] != 0 || m.Counts[0] != 2 || m.Values[1] != 1 || m.Counts[1] != 1 {
		t.Fatalf("class 0's histogram: values %v counts %v, want [0 1] [2 1]", m.Values[:m.Offsets[1]], m.Counts[:m.Offsets[1]])
	}
}

// wideTable draws n rows over ncol QIs whose values run up to card-1 (so
// that the dictionaries of a stream grow while it runs), with a subject
// and a sensitive column, nulls included.
func wideTable(r *rand.Rand, n, ncol, card int) (*quasiid.Table, [][]string) {
	t := &quasiid.Table{Source: "wide", Rows: n}
	rows := make([][]string, n)
	for j := range ncol + 2 {
		values := make([]string, n)
		for i := range values {
			switch {
			case r.IntN(12) == 0:
				values[i] = "\x00"
			case r.IntN(3) == 0:
				values[i] = fmt.Sprint("v", r.IntN(1+card*i/n)) // later rows reach further
			default:
				values[i] = fmt.Sprint("v", r.IntN(3))
			}
			rows[i] = append(rows[i], values[i])
		}
		role := quasiid.QuasiIdentifier
		switch j {
		case ncol:
			role = quasiid.Subject
		case ncol + 1:
			role = quasiid.Sensitive
		}
		t.Columns = append(t.Columns, kernColumn(fmt.Sprint("c", j), role, values))
	}
	return t, rows
}

// TestCounterPackedWidths streams tables whose dictionaries grow chunk
// after chunk, so that the packed keys widen, cross 32 bits (narrow to
// wide slots) and, with 9 QIs of up to 256 values, 64 bits (the packed
// table given up for groupby mid-stream); chunks are cut anywhere, some
// empty. The classes must be Count's and the reference's, in order.
func TestCounterPackedWidths(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	for _, tc := range []struct{ n, ncol, card int }{
		{5000, 2, 300}, {5000, 5, 250}, {20000, 6, 256}, {20000, 9, 256}, {3000, 12, 40}, {1, 9, 256},
	} {
		tbl, rows := wideTable(r, tc.n, tc.ncol, tc.card)
		for _, cuts := range [][]int{nil, {0, 0, tc.n / 2, tc.n / 2, tc.n}, randomCuts(r, tc.n)} {
			t.Run(fmt.Sprint(tc, len(cuts)), func(t *testing.T) {
				c := sameAsCount(t, tbl, cuts, CountOptions{RowClass: true})
				kernEqual(t, c, kernReference(rows, tc.ncol, 2), int64(tc.n), true)
			})
		}
	}
}

// TestCounterPackedGivesUp sets packedLimit low, so that the first Add
// drops the packed table for groupby (which later chunks keep), and checks
// that both paths give the reference's classes, in the same order.
func TestCounterPackedGivesUp(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 3))
	for _, limit := range []int{0, 3, 1 << 18} {
		for trial := range 20 {
			n := []int{0, 1, 40, 3000, 9000, 40000}[r.IntN(6)]
			nqi := 1 + r.IntN(5)
			tbl, rows := kernRandomTable(r, n, nqi, true, 1)
			cuts := randomCuts(r, n)
			t.Run(fmt.Sprint(limit, trial), func(t *testing.T) {
				c := sameAsCountTuned(t, tbl, cuts, CountOptions{Workers: 1 + r.IntN(2), RowClass: r.IntN(2) == 0},
					func(s *Counter) { s.packedLimit = limit })
				kernEqual(t, c, kernReference(rows, nqi, 2), int64(n), true)
			})
		}
	}
}

// TestCounterPackedCodeErrors checks that a code out of its dictionary's
// range is reported with its row in the whole table and its column: in
// the packed table, in the first block of rows and a later one, the first
// row first; past 64 bits (9 columns of 257 values), through groupby.
func TestCounterPackedCodeErrors(t *testing.T) {
	for _, tc := range []struct {
		ncol, card, bad, col int
		want                 string
	}{
		{2, 2, 3, 1, `e.csv: row 14, column "c1": code 900 outside its dictionary of 2 values`},
		{2, 2, 5000, 0, `e.csv: row 5011, column "c0": code 900 outside its dictionary of 2 values`},
		{9, 257, 7, 4, `e.csv: row 18, column "c4": code 900 outside its dictionary of 257 values`},
	} {
		s := NewCounter(CountOptions{})
		first := &quasiid.Table{Source: "e.csv", Rows: 10}
		for j := range tc.ncol {
			d := quasiid.NewDictionary()
			for v := range tc.card {
				d.Code(fmt.Sprint(v))
			}
			first.Columns = append(first.Columns, &quasiid.Column{Name: fmt.Sprint("c", j), Role: quasiid.QuasiIdentifier,
				Dict: d, Codes: make([]uint32, 10)})
		}
		if err := s.Add(context.Background(), first); err != nil {
			t.Fatal(err)
		}
		chunk := &quasiid.Table{Source: "e.csv", Rows: 6000}
		for j, c := range first.Columns {
			codes := make([]uint32, 6000)
			for k := range codes {
				codes[k] = uint32(k*(j+1)) % uint32(tc.card)
			}
			if j == tc.col {
				codes[tc.bad] = 900
			}
			if tc.ncol < 9 {
				codes[tc.bad+1] = 901 // a later row in every column, never named
			}
			chunk.Columns = append(chunk.Columns, &quasiid.Column{Name: c.Name, Role: c.Role, Dict: c.Dict, Codes: codes})
		}
		err := s.Add(context.Background(), chunk)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("got %v, want an error ending %s", err, tc.want)
		}
	}
}

// TestCounterPackedAfterGroupby lowers packedSplit so that a first Add of
// more than 10 rows goes through groupby and the next ones through the
// packed table, rebuilt from the classes groupby counted, and checks the
// classes, their order, histograms and RowClass against the reference, and
// the error of a bad code.
func TestCounterPackedAfterGroupby(t *testing.T) {
	split := func(s *Counter) { s.packedSplit = 10 }
	r := rand.New(rand.NewPCG(16, 4))
	for trial := range 40 {
		n := []int{11, 50, 3000, 9000}[r.IntN(4)]
		nqi := 1 + r.IntN(5)
		tbl, rows := kernRandomTable(r, n, nqi, r.IntN(2) == 0, 1)
		extra := len(tbl.Columns) - nqi
		cuts := [][]int{nil, randomCuts(r, n)}[r.IntN(2)]
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			c := sameAsCountTuned(t, tbl, cuts, CountOptions{Workers: 1 + r.IntN(3), RowClass: r.IntN(2) == 0}, split)
			kernEqual(t, c, kernReference(rows, nqi, extra), int64(n), true)
		})
	}
	tbl, _ := wideTable(r, 100, 2, 5)
	tbl.Columns[1].Codes[77] = 50
	s := NewCounter(CountOptions{Workers: 3})
	split(s)
	err := s.Add(context.Background(), tbl)
	if want := `wide: row 78, column "c1": code 50 outside`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want an error with %s", err, want)
	}
}
