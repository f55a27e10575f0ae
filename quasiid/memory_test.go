package quasiid

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// peakAllocator records the most Arrow memory held at once.
type peakAllocator struct {
	*memory.CheckedAllocator
	peak int
}

func (a *peakAllocator) Allocate(size int) []byte {
	b := a.CheckedAllocator.Allocate(size)
	a.peak = max(a.peak, a.CurrentAlloc())
	return b
}

func (a *peakAllocator) Reallocate(size int, b []byte) []byte {
	b = a.CheckedAllocator.Reallocate(size, b)
	a.peak = max(a.peak, a.CurrentAlloc())
	return b
}

// TestEncodeMemoryBounded checks that the Arrow memory Encode holds is one
// batch, not the file: 100,000 rows (about 1.8 MB of CSV) read in batches
// of 1,000 rows never hold more than 100 KB of Arrow buffers, and all of
// it is released.
func TestEncodeMemoryBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("zip,age,sex,city\n")
	for i := range 100_000 {
		fmt.Fprintf(&b, "%05d,%d,%c,city%d\n", i%1000, 20+i%60, "FM"[i%2], i%37)
	}
	data := b.String()
	mem := &peakAllocator{CheckedAllocator: memory.NewCheckedAllocator(memory.NewGoAllocator())}
	defer mem.AssertSize(t, 0)
	src, err := Read("big.csv", strings.NewReader(data), ReadOptions{BatchSize: 1000, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"zip", "age", "sex", "city"}}, EncodeOptions{})
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Rows != 100_000 || tbl.Column("zip").Dict.Len() != 1000 || tbl.Column("city").Dict.Len() != 37 {
		t.Fatalf("rows %d, zips %d, cities %d", tbl.Rows, tbl.Column("zip").Dict.Len(), tbl.Column("city").Dict.Len())
	}
	if mem.peak > 100_000 {
		t.Errorf("peak Arrow memory %d bytes for a %d-byte file, want at most one batch (< 100 KB)", mem.peak, len(data))
	}
	t.Logf("file %d bytes, peak Arrow memory %d bytes", len(data), mem.peak)
}
