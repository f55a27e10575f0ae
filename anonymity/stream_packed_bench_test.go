package anonymity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/reidrisk/reidrisk/internal/rusage"
	"github.com/reidrisk/reidrisk/quasiid"
)

// usageChunks draws n rows over the cardinalities of the usage table's
// six QIs (device, codec, resolution, media_type, country, hour): classes
// distinct tuples, rows spread over them unevenly (tuple r.IntN(r.IntN(
// classes)+1)), cut into chunks of chunk rows.
func usageChunks(n, classes int, subject bool, chunk int) []*quasiid.Table {
	cards := []uint32{6, 7, 5, 5, 24, 24}
	r := rand.New(rand.NewPCG(16, 1))
	tuples := make([][]uint32, len(cards))
	for j, c := range cards {
		tuples[j] = make([]uint32, classes)
		for k := range tuples[j] {
			tuples[j][k] = r.Uint32N(c)
		}
	}
	cols := make([]*quasiid.Column, len(cards))
	for j, c := range cards {
		d := quasiid.NewDictionary()
		for v := range c {
			d.Code(fmt.Sprint(v))
		}
		cols[j] = &quasiid.Column{Name: fmt.Sprint("q", j), Role: quasiid.QuasiIdentifier, Dict: d, Codes: make([]uint32, n)}
	}
	if subject {
		d := quasiid.NewDictionary()
		for v := range 100_000 {
			d.Code(fmt.Sprint("u", v))
		}
		cols = append(cols, &quasiid.Column{Name: "subject", Role: quasiid.Subject, Dict: d, Codes: make([]uint32, n)})
	}
	for i := range n {
		k := r.IntN(r.IntN(classes) + 1)
		for j := range cards {
			cols[j].Codes[i] = tuples[j][k]
		}
		if subject {
			cols[len(cards)].Codes[i] = r.Uint32N(100_000)
		}
	}
	var chunks []*quasiid.Table
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		t := &quasiid.Table{Source: "usage", Rows: hi - lo}
		for _, c := range cols {
			v := *c
			v.Codes = c.Codes[lo:hi]
			t.Columns = append(t.Columns, &v)
		}
		chunks = append(chunks, t)
	}
	return chunks
}

// BenchmarkCounterPacked times Counter.Add on 4M rows of the usage
// table's shape (93,173 classes, as on the 10M-row file) in chunks of
// chunk rows (quasiid.ChunkRows, as EncodeChunks hands them over, and
// 2^18, as the Parquet reader does), through the packed table and, for
// comparison, through groupby (packedLimit 0), with GOMAXPROCS workers;
// run with -benchmem:
// allocs/row stays 0.00 (a few allocations per chunk, none per row).
func BenchmarkCounterPacked(b *testing.B) {
	const n = 4 << 20
	for _, subject := range []bool{false, true} {
		for _, chunk := range []int{quasiid.ChunkRows, 1 << 18} {
			chunks := usageChunks(n, 93_173, subject, chunk)
			for _, path := range []string{"packed", "groupby"} {
				b.Run(fmt.Sprintf("%s/subject=%v/chunk=%d", path, subject, chunk), func(b *testing.B) {
					benchCounter(b, chunks, n, func(s *Counter) {
						if path == "groupby" {
							s.packedLimit = 0
						}
					})
				})
			}
		}
	}
}

// benchCounter adds chunks, n rows in all, to a Counter set up by tune,
// b.N times, and reports CPU and wall time and allocations per row.
func benchCounter(b *testing.B, chunks []*quasiid.Table, n int, tune func(*Counter)) {
	b.ReportAllocs()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mallocs, cpu := ms.Mallocs, rusage.CPU()
	for range b.N {
		s := NewCounter(CountOptions{})
		tune(s)
		for _, c := range chunks {
			if err := s.Add(context.Background(), c); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu = rusage.CPU() - cpu
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/row")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
	b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(b.N)/float64(n), "allocs/row")
}
