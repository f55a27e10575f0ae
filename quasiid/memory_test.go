package quasiid

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
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

// TestEncodeMemoryBounded checks that reading CSV holds one batch of
// Arrow memory, not the file: 100,000 rows (about 3.5 MB of CSV) read in
// batches of 1,000 rows through Arrow arrays (the path of Profile and
// Rewrite) never hold more than 100 KB of Arrow buffers; Encode's direct
// CSV path holds none. All of it is released.
func TestEncodeMemoryBounded(t *testing.T) {
	data := bigCSV(100_000)
	for _, viaArrow := range []bool{false, true} {
		mem := &peakAllocator{CheckedAllocator: memory.NewCheckedAllocator(memory.NewGoAllocator())}
		src, err := Read("big.csv", strings.NewReader(data), ReadOptions{BatchSize: 1000, Allocator: mem})
		if err != nil {
			t.Fatal(err)
		}
		if viaArrow {
			src.rr = struct{ array.RecordReader }{src.rr}
		}
		tbl, err := Encode(context.Background(), src, Spec{QI: []string{"zip", "age", "sex", "city"}}, EncodeOptions{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		mem.AssertSize(t, 0)
		if tbl.Rows != 100_000 || tbl.Column("zip").Dict.Len() != 1000 || tbl.Column("city").Dict.Len() != 37 {
			t.Fatalf("rows %d, zips %d, cities %d", tbl.Rows, tbl.Column("zip").Dict.Len(), tbl.Column("city").Dict.Len())
		}
		t.Logf("via Arrow %v: file %d bytes, peak Arrow memory %d bytes", viaArrow, len(data), mem.peak)
		if viaArrow && (mem.peak == 0 || mem.peak > 100_000) {
			t.Errorf("via Arrow: peak Arrow memory %d bytes for a %d-byte file, want one batch (< 100 KB)", mem.peak, len(data))
		}
		if !viaArrow && mem.peak != 0 {
			t.Errorf("direct CSV path: %d bytes of Arrow memory, want none", mem.peak)
		}
	}
}

// bigCSV returns n rows of five columns, one of them (id) unique and
// incompressible.
func bigCSV(n int) string {
	var b strings.Builder
	b.WriteString("zip,age,sex,city,id\n")
	x := uint64(1)
	for i := range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		fmt.Fprintf(&b, "%05d,%d,%c,city%d,%016x\n", (i*7919)%1000, 20+(i*31)%60, "FM"[i%2], (i*13)%37, x)
	}
	return b.String()
}

// parquetPeak writes n rows as a Parquet file with one row group, reads
// it back in batches of 1,000 rows and returns the file size and the peak
// Arrow memory of the read.
func parquetPeak(t *testing.T, n int) (size, peak int) {
	src, err := Read("big.csv", strings.NewReader(bigCSV(n)), ReadOptions{BatchSize: n})
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if _, err := Rewrite(context.Background(), src, &file, Parquet, nil, func(int64, []string, []bool) (bool, error) { return true, nil }); err != nil {
		t.Fatal(err)
	}
	src.Close()
	mem := &peakAllocator{CheckedAllocator: memory.NewCheckedAllocator(memory.NewGoAllocator())}
	defer mem.AssertSize(t, 0)
	src, err = Read("big.parquet", bytes.NewReader(file.Bytes()), ReadOptions{BatchSize: 1000, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := Encode(context.Background(), src, Spec{QI: []string{"zip", "city"}, Insensitive: []string{"id"}}, EncodeOptions{})
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Rows != n || tbl.Column("zip").Dict.Len() != 1000 {
		t.Fatalf("rows %d, zips %d", tbl.Rows, tbl.Column("zip").Dict.Len())
	}
	return file.Len(), mem.peak
}

// TestParquetMemoryBounded reads Parquet files of 100,000 and 300,000
// rows, each one row group, in batches of 1,000: the Arrow memory held
// must not grow with the rows. (It is dominated by the dictionary page of
// the unique id column, which Parquet writers cap at 1 MB by default; the
// id column is encoded too, because Encode reads only the named columns
// and the data pages of the others hold all rows of a small file.)
func TestParquetMemoryBounded(t *testing.T) {
	size1, peak1 := parquetPeak(t, 100_000)
	size3, peak3 := parquetPeak(t, 300_000)
	t.Logf("Parquet %d bytes: peak %d; %d bytes: peak %d", size1, peak1, size3, peak3)
	if size3 < 2*size1 || 2*peak3 > 3*peak1 {
		t.Errorf("peak Arrow memory grew from %d to %d bytes for files of %d and %d bytes", peak1, peak3, size1, size3)
	}
}
