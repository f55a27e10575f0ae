package quasiid

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRowLine: blank lines are skipped and a quoted newline continues its
// record, as the loader counts; a row past the end is line 0.
func TestRowLine(t *testing.T) {
	text := "h1,h2\n\n\"a\nb\",1\r\n2,3\n\n\n4,\"5\"\"\n\"\n"
	for row, want := range map[int64]int64{1: 3, 2: 5, 3: 8, 4: 0} {
		if got := rowLine(bufio.NewReader(strings.NewReader(text)), row); got != want {
			t.Errorf("row %d: line %d, want %d", row, got, want)
		}
	}
}

// TestLocate: an *InputError about a row of a CSV file, wrapped, gets the
// line on which the row starts; one about another file, or with a line,
// is left alone; the cause still unwraps.
func TestLocate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.csv")
	if err := os.WriteFile(path, []byte("w,a\n\n2,1\n\"x\ny\",2\n0,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := Open(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cause := errors.New("not a number")
	ie := &InputError{File: path, Row: 3, Column: "w", Err: cause}
	err = src.Locate(wrapped{ie})
	if ie.Line != 6 || !errors.Is(err, cause) {
		t.Errorf("line %d (want 6), error %v", ie.Line, err)
	}
	if want := path + `: row 3 (line 6), column "w": not a number`; ie.Error() != want {
		t.Errorf("message %q, want %q", ie.Error(), want)
	}
	other := &InputError{File: "other.csv", Row: 3, Msg: "bad"}
	if src.Locate(other); other.Line != 0 {
		t.Errorf("another file's error got line %d", other.Line)
	}
	var none *Source
	if got := none.Locate(cause); got != cause {
		t.Errorf("nil source: %v", got)
	}
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }
