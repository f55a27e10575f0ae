package groupby

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/reidrisk/reidrisk/internal/rusage"
)

// benchCols draws n rows of uniform codes.
func benchCols(cards []uint32, n int) [][]uint32 {
	r := rand.New(rand.NewPCG(9, 10))
	cols := make([][]uint32, len(cards))
	for j := range cols {
		cols[j] = make([]uint32, n)
		for i := range cols[j] {
			cols[j][i] = r.Uint32N(cards[j])
		}
	}
	return cols
}

var sink uint64

// BenchmarkGroup reports ns/row; run with -benchmem: allocations per
// operation stay a few hundred for millions of rows (none per row).
func BenchmarkGroup(b *testing.B) {
	const n = 2_000_000
	regimes := []struct {
		name  string
		cards []uint32
	}{
		{"small", []uint32{90, 2, 5, 16, 41, 9}},
		{"huge", []uint32{100000, 365, 24, 7, 50, 10}},
		{"mid", []uint32{3, 2, 5, 100000, 7}},
	}
	for _, reg := range regimes {
		cols := benchCols(reg.cards, n)
		b.Run(reg.name+"/sum", func(b *testing.B) {
			cpu := rusage.CPU()
			var s uint64
			for range b.N {
				for _, c := range cols {
					for _, v := range c {
						s += uint64(v)
					}
				}
			}
			sink += s
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
			b.ReportMetric(float64((rusage.CPU()-cpu).Nanoseconds())/float64(b.N)/n, "cpu-ns/row")
		})
		b.Run(reg.name+"/one-table", func(b *testing.B) {
			// One hash table for all keys (no partitions), for comparison.
			cpu := rusage.CPU()
			for range b.N {
				if _, err := Group(cols, reg.cards, Options{Workers: 1, force: 2, pbits: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
			b.ReportMetric(float64((rusage.CPU()-cpu).Nanoseconds())/float64(b.N)/n, "cpu-ns/row")
		})
		for _, w := range []int{1, 0} {
			for _, force := range []counterKind{kindAuto, kindDirect, kindHash, kindDense} {
				name := fmt.Sprintf("%s/workers=%d/counter=%d", reg.name, w, force)
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					mallocs := ms.Mallocs
					cpu := rusage.CPU()
					for range b.N {
						if _, err := Group(cols, reg.cards, Options{Workers: w, force: force}); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
					b.ReportMetric(float64((rusage.CPU()-cpu).Nanoseconds())/float64(b.N)/n, "cpu-ns/row")
					runtime.ReadMemStats(&ms)
					b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(b.N)/n, "allocs/row")
				})
			}
		}
	}
}
