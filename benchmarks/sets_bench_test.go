package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/reidrisk/reidrisk/internal/rusage"
	"github.com/reidrisk/reidrisk/itemsets"
)

// setsRows generates the scale: subjects accounts with 1–19 rows
// each (10 on average), items drawn from a Zipf distribution (s = 1.1) over
// nItems, so a few items are in most sets and most are rare; an item
// drawn twice for an account is a duplicate row.
func setsRows(subjects, nItems int) (subj, items []uint32) {
	rng := rand.New(rand.NewPCG(14, 2008))
	z := rand.NewZipf(rng, 1.1, 1, uint64(nItems-1))
	subj = make([]uint32, 0, subjects*10)
	items = make([]uint32, 0, subjects*10)
	for s := range subjects {
		for range 1 + rng.IntN(19) {
			subj = append(subj, uint32(s))
			items = append(items, uint32(z.Uint64()))
		}
	}
	return subj, items
}

var setsData struct {
	sync.Mutex
	rows map[int][2][]uint32
}

func setsInput(subjects int) (subj, items []uint32) {
	setsData.Lock()
	defer setsData.Unlock()
	if r, ok := setsData.rows[subjects]; ok {
		return r[0], r[1]
	}
	subj, items = setsRows(subjects, 10_000)
	if setsData.rows == nil {
		setsData.rows = map[int][2][]uint32{}
	}
	setsData.rows[subjects] = [2][]uint32{subj, items}
	return subj, items
}

// BenchmarkSets: building the sets and measuring k^m (k = 5) for m = 1, 2,
// 3 on ~10M rows of 1M accounts over 10k items, and m = 3 with k = 1000,
// where rare items (and the enumeration from their few sets) take part.
// Reports rows per second,
// CPU seconds per op (2 workers), the peak live heap (the generated rows,
// 80 MB, included) and that of the work alone, and the violating counts.
func BenchmarkSets(b *testing.B) {
	subj, items := setsInput(1_000_000)
	for _, c := range []struct{ m, k int }{{1, 5}, {2, 5}, {3, 5}, {3, 1000}} {
		m := c.m
		b.Run(fmt.Sprintf("m=%d/k=%d", m, c.k), func(b *testing.B) {
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			stop := heapPeak()
			b.ResetTimer()
			cpu0 := rusage.CPU().Seconds()
			var r *itemsets.Result
			for range b.N {
				s, err := itemsets.New(subj, items)
				if err != nil {
					b.Fatal(err)
				}
				if r, err = itemsets.Measure(context.Background(), s, itemsets.Options{K: c.k, M: m}); err != nil {
					b.Fatal(err)
				}
			}
			cpu := rusage.CPU().Seconds() - cpu0
			b.StopTimer()
			peak := stop()
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(len(subj))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
			b.ReportMetric(mb(peak), "peak-heap-MB")
			b.ReportMetric(mb(peak-min(peak, base.HeapAlloc)), "work-heap-MB")
			for j, n := range r.Violating {
				b.ReportMetric(float64(n), fmt.Sprintf("viol-%d", j+1))
			}
			b.ReportMetric(float64(r.SubjectsInViolations), "subj-viol")
		})
	}
}

// naiveSets is the plain count: every subset of at most m items of every
// set, as a string key in a map, then the supports below k.
func naiveSets(subj, items []uint32, k, m int) []int64 {
	sets := map[uint32][]string{}
	for i, s := range subj {
		sets[s] = append(sets[s], fmt.Sprint(items[i]))
	}
	support := map[string]int{}
	for _, set := range sets {
		slices.Sort(set)
		set = slices.Compact(set)
		var rec func(start int, cur []string)
		rec = func(start int, cur []string) {
			if len(cur) > 0 {
				support[strings.Join(cur, ",")]++
			}
			if len(cur) == m {
				return
			}
			for i := start; i < len(set); i++ {
				rec(i+1, append(cur, set[i]))
			}
		}
		rec(0, nil)
	}
	viol := make([]int64, m)
	for key, n := range support {
		if n < k {
			viol[strings.Count(key, ",")]++
		}
	}
	return viol
}

// BenchmarkSetsNaive: the fast path against naiveSets on 100k accounts
// (~1M rows; the naive count does not fit 10M rows in reasonable time),
// run alternately in one benchmark; x-naive is naive time / fast time.
func BenchmarkSetsNaive(b *testing.B) {
	subj, items := setsInput(100_000)
	for _, m := range []int{2, 3} {
		b.Run(fmt.Sprintf("m=%d", m), func(b *testing.B) {
			var fast, naive float64
			for range b.N {
				c0 := rusage.CPU().Seconds()
				s, err := itemsets.New(subj, items)
				if err != nil {
					b.Fatal(err)
				}
				r, err := itemsets.Measure(context.Background(), s, itemsets.Options{K: 5, M: m, Workers: 1})
				if err != nil {
					b.Fatal(err)
				}
				c1 := rusage.CPU().Seconds()
				v := naiveSets(subj, items, 5, m)
				c2 := rusage.CPU().Seconds()
				if !slices.Equal(v, r.Violating) {
					b.Fatalf("naive %v, fast %v", v, r.Violating)
				}
				fast += c1 - c0
				naive += c2 - c1
			}
			b.ReportMetric(fast/float64(b.N), "fast-cpu-s/op")
			b.ReportMetric(naive/float64(b.N), "naive-cpu-s/op")
			b.ReportMetric(naive/fast, "x-naive")
		})
	}
}
