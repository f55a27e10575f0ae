package anonymity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// codeChunks returns a table of n rows over ncol QI columns c0, c1, …
// whose dictionaries hold card values, its codes drawn at random.
func codeChunks(r *rand.Rand, ncol, card, n int) *quasiid.Table {
	t := &quasiid.Table{Source: "e.csv", Rows: n}
	for j := range ncol {
		d := quasiid.NewDictionary()
		for v := range card {
			d.Code(fmt.Sprint(v))
		}
		codes := make([]uint32, n)
		for i := range codes {
			codes[i] = r.Uint32N(uint32(card))
		}
		t.Columns = append(t.Columns, &quasiid.Column{Name: fmt.Sprint("c", j), Role: quasiid.QuasiIdentifier,
			Dict: d, Codes: codes})
	}
	return t
}

// TestCounterPackedCodeErrorRandom puts a code out of range at a random
// row and column of the second chunk (often the first or last row of a
// block of packedBlock rows), and another at a later row, and checks that
// the packed table reports the first, with its row in the whole table.
func TestCounterPackedCodeErrorRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2))
	for trial := range 60 {
		ncol, card := 1+r.IntN(6), 2+r.IntN(40)
		n := 1 + r.IntN(20000)
		bad, col := r.IntN(n), r.IntN(ncol)
		if edge := bad / packedBlock * packedBlock; r.IntN(2) == 0 { // the first row of a block, or the last
			bad = min(edge+r.IntN(2)*(packedBlock-1), n-1)
		}
		want := fmt.Sprintf("anonymity: e.csv: row %d, column %q: code %d outside its dictionary of %d values",
			10+bad+1, fmt.Sprint("c", col), card+7, card)
		s := NewCounter(CountOptions{})
		first, chunk := codeChunks(r, ncol, card, 10), codeChunks(r, ncol, card, n)
		for j := range ncol {
			chunk.Columns[j].Dict = first.Columns[j].Dict
		}
		chunk.Columns[col].Codes[bad] = uint32(card + 7)
		if bad+1 < n {
			chunk.Columns[r.IntN(ncol)].Codes[bad+1+r.IntN(n-bad-1)] = uint32(card + 9)
		}
		if err := s.Add(context.Background(), first); err != nil {
			t.Fatal(err)
		}
		if err := s.Add(context.Background(), chunk); err == nil || err.Error() != want {
			t.Fatalf("trial %d: got %v, want %s", trial, err, want)
		}
	}
}

// cancelAfter is a context whose Err is nil for its first n calls and
// context.Canceled afterwards.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// TestCounterPackedCanceled cancels the context while the packed table
// counts a chunk of 2^21+ rows (Err is read every 2^20 rows), and checks
// that Add returns context.Canceled, and that the classes of an uncanceled
// Add equal Count's.
func TestCounterPackedCanceled(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 3))
	n := 1<<21 + 5
	for calls := range 2 {
		s := NewCounter(CountOptions{})
		s.packedSplit = math.MaxInt
		chunk := codeChunks(r, 3, 7, n)
		err := s.Add(&cancelAfter{Context: context.Background(), n: 1 + calls}, chunk)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%d calls: got %v, want context.Canceled", calls, err)
		}
	}
	s := NewCounter(CountOptions{RowClass: true})
	s.packedSplit = math.MaxInt
	chunk := codeChunks(r, 3, 7, n)
	if err := s.Add(context.Background(), chunk); err != nil {
		t.Fatal(err)
	}
	got, err := s.Classes(chunk)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Count(context.Background(), chunk, CountOptions{RowClass: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || got.Len() != 7*7*7 {
		t.Fatalf("%d classes, want Count's %d (343)", got.Len(), want.Len())
	}
}
