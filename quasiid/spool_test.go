package quasiid

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// spyReader is a pipe-like reader (no ReadAt, no Seek) that lists the
// temporary directory at each read after the first.
type spyReader struct {
	r     io.Reader
	dir   string
	reads int
	seen  []string // temporary files seen while the input was being copied
	fail  error    // returned after the first read when set
}

func (s *spyReader) Read(p []byte) (int, error) {
	s.reads++
	if s.reads > 1 {
		ents, _ := os.ReadDir(s.dir)
		for _, e := range ents {
			s.seen = append(s.seen, e.Name())
		}
		if s.fail != nil {
			return 0, s.fail
		}
	}
	return s.r.Read(p[:min(len(p), 512)])
}

// TestSpoolUnlinked reads Parquet from a pipe-like reader, which is copied
// to a temporary file: on Unix the file has no name from the moment it is
// created (so a signal or crash cannot leave the data behind), and on every
// platform nothing is left after Close or after a failed copy.
func TestSpoolUnlinked(t *testing.T) {
	spool := t.TempDir()
	t.Setenv("TMPDIR", spool)
	mem := memory.NewGoAllocator()
	rec := typedRecord(mem)
	var buf bytes.Buffer
	rw, err := newRecordWriter(&buf, Parquet, rec.Schema(), mem)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	unix := runtime.GOOS != "windows"

	spy := &spyReader{r: bytes.NewReader(buf.Bytes()), dir: spool}
	src, err := Read("pipe", spy, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if spy.reads < 3 {
		t.Fatalf("the input was read in %d reads; the test needs several", spy.reads)
	}
	if unix && len(spy.seen) != 0 {
		t.Errorf("temporary files visible while stdin was copied: %q", spy.seen)
	}
	if left, _ := os.ReadDir(spool); unix && len(left) != 0 {
		t.Errorf("temporary file visible while the source is open: %s", left[0].Name())
	}
	tbl, err := Encode(context.Background(), src, typedSpec, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkTyped(t, tbl)
	if err := src.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("temporary file left after Close: %s", left[0].Name())
	}

	broken := errors.New("broken pipe")
	spy = &spyReader{r: bytes.NewReader(buf.Bytes()), dir: spool, fail: broken}
	if _, err := Read("pipe", spy, ReadOptions{}); !errors.Is(err, broken) {
		t.Errorf("a failing copy: error %v, want %v", err, broken)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("temporary file left after a failed copy: %s", left[0].Name())
	}
}
