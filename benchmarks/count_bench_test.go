package benchmarks

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/internal/rusage"
	"github.com/reidrisk/reidrisk/quasiid"
)

// countRows is the size of the synthetic tables of BenchmarkCount.
const countRows = 10_000_000

// countRegimes are issue 2's two key-space regimes.
var countRegimes = []struct {
	name  string
	cards []uint32
}{
	{"small", []uint32{90, 2, 5, 16, 41, 9}},
	{"huge", []uint32{100000, 365, 24, 7, 50, 10}},
}

// countData caches, per regime, the generated table and the baseline
// timings, so that every b.N round of a process reuses them.
var countData struct {
	sync.Mutex
	tables map[string]*countTable
}

type countTable struct {
	tbl  *quasiid.Table
	cols [][]uint32
	// naive is the time of the naive counter on all the rows, measured
	// once per process (10–15 s a regime).
	naive time.Duration
}

// syntheticTable draws n rows of uniform codes, seeded per regime.
func syntheticTable(name string, cards []uint32, n int) *countTable {
	r := rand.New(rand.NewPCG(uint64(len(name)), 42))
	ct := &countTable{tbl: &quasiid.Table{Source: "synthetic-" + name, Rows: n}}
	for j, card := range cards {
		d := quasiid.NewDictionary()
		for v := range card {
			d.Code(fmt.Sprint(v))
		}
		codes := make([]uint32, n)
		for i := range codes {
			codes[i] = r.Uint32N(card)
		}
		ct.cols = append(ct.cols, codes)
		ct.tbl.Columns = append(ct.tbl.Columns, &quasiid.Column{
			Name: fmt.Sprint("q", j), Role: quasiid.QuasiIdentifier, Codes: codes, Dict: d})
	}
	return ct
}

func loadCount(name string, cards []uint32) *countTable {
	countData.Lock()
	defer countData.Unlock()
	if countData.tables == nil {
		countData.tables = map[string]*countTable{}
	}
	ct, ok := countData.tables[name]
	if !ok {
		ct = syntheticTable(name, cards, countRows)
		countData.tables[name] = ct
	}
	return ct
}

// sink keeps results alive.
var sink uint64

// plainSum is the roofline: one read of every code, over GOMAXPROCS
// goroutines like the counter. Four sums at once keep it bound by memory
// rather than by the loop: a one-sum loop ran 2× slower in some builds
// than in others (code placement), which moved x-roofline with it.
func plainSum(cols [][]uint32) {
	w := runtime.GOMAXPROCS(0)
	n := len(cols[0])
	sums := make([]uint64, w)
	var wg sync.WaitGroup
	for k := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := n*k/w, n*(k+1)/w
			var s0, s1, s2, s3 uint64
			for _, c := range cols {
				c = c[lo:hi]
				i := 0
				for ; i+4 <= len(c); i += 4 {
					x := c[i : i+4 : i+4]
					s0 += uint64(x[0])
					s1 += uint64(x[1])
					s2 += uint64(x[2])
					s3 += uint64(x[3])
				}
				for ; i < len(c); i++ {
					s0 += uint64(c[i])
				}
			}
			sums[k] = s0 + s1 + s2 + s3
		}()
	}
	wg.Wait()
	for _, s := range sums {
		sink += s
	}
}

// naiveCount is the naive counter: a map from the row's codes as a string
// to a count, on one goroutine.
func naiveCount(cols [][]uint32, n int) {
	m := map[string]int{}
	buf := make([]byte, 4*len(cols))
	for i := range n {
		for j, c := range cols {
			binary.LittleEndian.PutUint32(buf[4*j:], c[i])
		}
		m[string(buf)]++
	}
	sink += uint64(len(m))
}

// BenchmarkCount times anonymity.Count on 10M synthetic rows × 6 QIs of
// uniform codes and reports:
//
//   - ns/row: Count's wall time per row;
//   - cpu-ns/row: the process's CPU time (all threads, GC included) per row
//     during Count;
//   - x-roofline: Count's time over the time of a plain parallel sum of the
//     same code columns, the fastest of three run just before Count in
//     every iteration so that both see the same machine load;
//   - x-naive: how many times faster Count is than a naive map[string]int
//     counter on one goroutine over the same rows, timed once per process
//     and regime (10–15 s), after Count's first call;
//   - sys-ns/row and fault-MB/op (diagnostics): the part of cpu-ns/row
//     spent in the kernel, and the memory Count touched for the first time
//     (minor page faults × page size), fresh from the operating system
//     rather than reused from the Go heap (it depends on when the garbage
//     collector ran and how far the heap had grown before).
func BenchmarkCount(b *testing.B) {
	for _, reg := range countRegimes {
		b.Run(reg.name, func(b *testing.B) {
			ct := loadCount(reg.name, reg.cards)
			var classes int
			var sum, count, cpu, sys time.Duration
			var faults int64
			b.ResetTimer()
			for range b.N {
				// The roofline is the fastest of three sums: a single
				// one varies up to 2× from process to process.
				best := time.Duration(math.MaxInt64)
				for range 3 {
					t0 := time.Now()
					plainSum(ct.cols)
					best = min(best, time.Since(t0))
				}
				t1 := time.Now()
				c0 := rusage.CPU()
				s0, f0 := rusage.Faults()
				c, err := anonymity.Count(context.Background(), ct.tbl, anonymity.CountOptions{})
				if err != nil {
					b.Fatal(err)
				}
				cpu += rusage.CPU() - c0
				s1, f1 := rusage.Faults()
				sys += s1 - s0
				faults += f1 - f0
				sum += best
				count += time.Since(t1)
				classes = c.Len()
			}
			if ct.naive == 0 {
				// After Count, so that the first Count of a process
				// does not find the naive map's freed heap; outside
				// the benchmark's timer.
				b.StopTimer()
				t := time.Now()
				naiveCount(ct.cols, countRows)
				ct.naive = time.Since(t)
				b.StartTimer()
			}
			rows := float64(b.N) * countRows
			perRow := float64(count.Nanoseconds()) / rows
			naivePerRow := float64(ct.naive.Nanoseconds()) / countRows
			b.ReportMetric(perRow, "ns/row")
			b.ReportMetric(float64(cpu.Nanoseconds())/rows, "cpu-ns/row")
			b.ReportMetric(float64(count)/float64(sum), "x-roofline")
			b.ReportMetric(naivePerRow/perRow, "x-naive")
			b.ReportMetric(float64(sum.Nanoseconds())/rows, "sum-ns/row")
			b.ReportMetric(naivePerRow, "naive-ns/row")
			b.ReportMetric(float64(classes), "classes")
			b.ReportMetric(float64(sys.Nanoseconds())/rows, "sys-ns/row")
			b.ReportMetric(float64(faults)*float64(os.Getpagesize())/(1<<20)/float64(b.N), "fault-MB/op")
		})
	}
}
