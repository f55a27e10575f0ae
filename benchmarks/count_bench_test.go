package benchmarks

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// countRows is the size of the synthetic tables of BenchmarkCount.
const countRows = 10_000_000

// naiveRows is the subset the naive map[string]int counter is timed on;
// its time is scaled per row.
const naiveRows = 1_000_000

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
	tbl      *quasiid.Table
	cols     [][]uint32
	sum      time.Duration // best plain sum over all code columns
	naiveRow float64       // ns per row of the naive map[string]int counter
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
	ct.sum = best(5, func() { plainSum(ct.cols) })
	ct.naiveRow = float64(best(2, func() { naiveCount(ct.cols, naiveRows) }).Nanoseconds()) / naiveRows
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

// best returns the shortest of k timings of f.
func best(k int, f func()) time.Duration {
	var b time.Duration
	for i := range k {
		t := time.Now()
		f()
		if d := time.Since(t); i == 0 || d < b {
			b = d
		}
	}
	return b
}

// cpuTime is the user and system time of the process so far (all
// threads): on a loaded machine it is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sink keeps results alive.
var sink uint64

// plainSum is the roofline: one read of every code, over GOMAXPROCS
// goroutines like the counter.
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
			var s uint64
			for _, c := range cols {
				for _, v := range c[lo:hi] {
					s += uint64(v)
				}
			}
			sums[k] = s
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

// BenchmarkCount times anonymity.Count on 10M synthetic rows × 6 QIs and
// reports ns/row, x-roofline (Count's time over a plain parallel sum of the
// same code columns) and x-naive (how many times faster than the naive
// map[string]int counter, timed on the first 1M rows and scaled per row).
func BenchmarkCount(b *testing.B) {
	for _, reg := range countRegimes {
		b.Run(reg.name, func(b *testing.B) {
			ct := loadCount(reg.name, reg.cards)
			var classes int
			b.ResetTimer()
			cpu := cpuTime()
			for range b.N {
				c, err := anonymity.Count(context.Background(), ct.tbl, anonymity.CountOptions{})
				if err != nil {
					b.Fatal(err)
				}
				classes = c.Len()
			}
			perRow := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / countRows
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/countRows, "cpu-ns/row")
			b.ReportMetric(perRow, "ns/row")
			b.ReportMetric(perRow/(float64(ct.sum.Nanoseconds())/countRows), "x-roofline")
			b.ReportMetric(ct.naiveRow/perRow, "x-naive")
			b.ReportMetric(float64(ct.sum.Nanoseconds())/countRows, "sum-ns/row")
			b.ReportMetric(float64(classes), "classes")
		})
	}
}
