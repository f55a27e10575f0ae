package anonymity

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/quasiid"
)

// qiReference scores every combination of at most limit QIs of rows (one
// string per QI) with a map of string tuples per combination, and ranks
// them as AnalyzeQI documents: the obviously correct, slow way.
func qiReference(names []string, rows [][]string, limit int) []QIScore {
	m, n := len(names), len(rows)
	var out []QIScore
	for mask := 1; mask < 1<<m; mask++ {
		var idx []int
		for j := range m {
			if mask&(1<<j) != 0 {
				idx = append(idx, j)
			}
		}
		if len(idx) > limit {
			continue
		}
		sizes := map[string]int{}
		for _, row := range rows {
			key := make([]string, len(idx))
			for k, j := range idx {
				key[k] = row[j]
			}
			sizes[strings.Join(key, "\x1f")]++
		}
		s := QIScore{Classes: len(sizes)}
		for _, j := range idx {
			s.Columns = append(s.Columns, names[j])
		}
		switch {
		case n == 1:
			s.Distinction, s.Separation = 1, 1
		case n > 1:
			var pairs int
			for _, c := range sizes {
				pairs += c * (c - 1) / 2
			}
			s.Distinction = float64(len(sizes)) / float64(n)
			s.Separation = 1 - float64(pairs)/float64(n*(n-1)/2)
		}
		out = append(out, s)
	}
	index := func(s QIScore) []int {
		var idx []int
		for _, c := range s.Columns {
			idx = append(idx, slices.Index(names, c))
		}
		return idx
	}
	slices.SortFunc(out, func(x, y QIScore) int {
		switch {
		case x.Distinction != y.Distinction:
			return -cmpF(x.Distinction, y.Distinction)
		case x.Separation != y.Separation:
			return -cmpF(x.Separation, y.Separation)
		case len(x.Columns) != len(y.Columns):
			return len(x.Columns) - len(y.Columns)
		}
		return slices.Compare(index(x), index(y))
	})
	return out
}

func cmpF(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}

// qiRandomTable draws n rows over m QIs whose numbers of values range from
// 1 to about n, so that some combinations tell every row apart (their
// supersets are settled without work), others tell every class apart
// with duplicate rows left, and others split rows only partly.
func qiRandomTable(r *rand.Rand, n, m int) (*quasiid.Table, [][]string) {
	cards := []int{1, 2, 3, 5, 10, n / 3, n}
	return qiDrawTable(r, n, m, 20, func(int) func() string {
		card := max(1, cards[r.IntN(len(cards))])
		return func() string { return fmt.Sprint("v", r.IntN(card)) }
	})
}

// qiDrawTable draws n rows over m QIs, column j's values from column(j),
// one in nulls null, and then copies some rows whole over others.
func qiDrawTable(r *rand.Rand, n, m, nulls int, column func(j int) func() string) (*quasiid.Table, [][]string) {
	t := &quasiid.Table{Source: "random", Rows: n}
	rows := make([][]string, n)
	for j := range m {
		draw := column(j)
		values := make([]string, n)
		for i := range values {
			values[i] = draw()
			if r.IntN(nulls) == 0 {
				values[i] = "\x00" // null is a value of its own
			}
			rows[i] = append(rows[i], values[i])
		}
		t.Columns = append(t.Columns, kernColumn(fmt.Sprint("q", j), quasiid.QuasiIdentifier, values))
	}
	// Duplicate some rows whole: classes of several rows on every QI.
	for i := 0; i < n/10; i++ {
		a, b := r.IntN(n), r.IntN(n)
		for j, col := range t.Columns {
			col.Codes[b] = col.Codes[a]
			rows[b][j] = rows[a][j]
		}
	}
	return t, rows
}

// TestAnalyzeQIReference checks AnalyzeQI against qiReference on random
// tables, for every combination and for size limits, with one worker and
// with 2 and 7 among which every walk is split: every figure, the number
// of combinations and their order.
func TestAnalyzeQIReference(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 4))
	pruned := 0
	for trial := range 60 {
		n := []int{0, 1, 2, 3, 17, 60, 300}[trial%7]
		m := 1 + r.IntN(7)
		tbl, rows := qiRandomTable(r, n, m)
		names, c := qiNames(m), qiCount(t, tbl)
		for _, limit := range []int{m, 1 + r.IntN(m)} {
			want := qiReference(names, rows, limit)
			for _, workers := range []int{1, 2, 7} {
				// Beyond one worker, every walk split (see qiSplit).
				got, err := AnalyzeQI(context.Background(), c, QIOptions{MaxSize: limit, Workers: workers,
					work: qiWork{exactItems: math.MaxInt64, split: int64(min(workers-1, 1))}})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("trial %d (%d rows, %d QIs, limit %d): %d combinations, want %d", trial, n, m, limit, len(got), len(want))
				}
				for i := range want {
					g, w := got[i], want[i]
					if !slices.Equal(g.Columns, w.Columns) || g.Classes != w.Classes ||
						math.Abs(g.Distinction-w.Distinction) > 1e-12 || math.Abs(g.Separation-w.Separation) > 1e-12 {
						t.Fatalf("trial %d (%d rows, %d QIs, limit %d, %d workers), rank %d: got %+v, want %+v",
							trial, n, m, limit, workers, i, g, w)
					}
				}
			}
			// A combination that singles out every row, with a larger
			// one scored: the larger one's figures came without work.
			for _, w := range want {
				if w.Classes == n && n > 1 && len(w.Columns) < limit {
					pruned++
					break
				}
			}
		}
	}
	if pruned < 10 {
		t.Fatalf("only %d cases exercised supersets of a combination that singles out every row", pruned)
	}
}

// TestAnalyzeQIManyQIsMemory scores the combinations of up to 3 of 100 QIs
// (166,750 of them) on 10,000 rows, and checks that the live heap stays
// under a ceiling: the analysis once kept every table of a level (161,700
// tables of up to 10,000 classes) and died of out-of-memory at 6 GB.
// Figures of a sample of combinations are checked against the rows.
func TestAnalyzeQIManyQIsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("scores 166,750 combinations")
	}
	const n, m = 10_000, 100
	r := rand.New(rand.NewPCG(100, 10))
	tbl := &quasiid.Table{Source: "wide", Rows: n}
	rows := make([][]string, n)
	for j := range m {
		card := []int{3, 10, 30, 100, 1000}[j%5]
		values := make([]string, n)
		for i := range values {
			values[i] = fmt.Sprint(r.IntN(card))
			rows[i] = append(rows[i], values[i])
		}
		tbl.Columns = append(tbl.Columns, kernColumn(fmt.Sprint("q", j), quasiid.QuasiIdentifier, values))
	}
	c, err := Count(context.Background(), tbl, CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	base := liveHeap()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		for {
			peak.Store(max(peak.Load(), liveHeap()))
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	got, err := AnalyzeQI(context.Background(), c, QIOptions{})
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	if want := m + m*(m-1)/2 + m*(m-1)*(m-2)/6; len(got) != want {
		t.Fatalf("%d combinations, want %d", len(got), want)
	}
	// The result itself is about 25 MB (166,750 scores with their names);
	// the walk holds, per worker, one copy of the 10,000 classes' codes
	// (4 MB) and three partitions.
	const ceiling = 192 << 20
	grown := peak.Load() - min(peak.Load(), base)
	t.Logf("peak live heap %.1f MB above the %.1f MB before", float64(grown)/(1<<20), float64(base)/(1<<20))
	if grown > ceiling {
		t.Fatalf("live heap grew by %d MB, ceiling %d MB", grown>>20, ceiling>>20)
	}
	names := make([]string, m)
	for j := range names {
		names[j] = fmt.Sprint("q", j)
	}
	for i := 0; i < len(got); i += 997 {
		s := got[i]
		sizes := map[string]int{}
		for _, row := range rows {
			var key []string
			for _, name := range s.Columns {
				key = append(key, row[slices.Index(names, name)])
			}
			sizes[strings.Join(key, ",")]++
		}
		if s.Classes != len(sizes) {
			t.Fatalf("%v: %d classes, want %d", s.Columns, s.Classes, len(sizes))
		}
	}
}

// liveHeap returns the bytes of live and not yet swept heap objects.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestAnalyzeQIProgress: the progress of the QI analysis rises to the
// number of combinations scored (Σ_{s≤limit} C(m, s)), which is its total.
func TestAnalyzeQIProgress(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	for _, tc := range []struct{ m, limit int }{{1, 1}, {3, 3}, {5, 2}, {7, 7}, {7, 3}} {
		tbl, _ := qiRandomTable(r, 40, tc.m)
		c, err := Count(context.Background(), tbl, CountOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var last, total, calls int64
		got, err := AnalyzeQI(context.Background(), c, QIOptions{MaxSize: tc.limit, Workers: 2, Progress: func(done, tot int64) {
			if done <= last || (total != 0 && tot != total) {
				t.Errorf("m %d limit %d: progress %d/%d after %d/%d", tc.m, tc.limit, done, tot, last, total)
			}
			last, total = done, tot
			calls++
		}})
		if err != nil {
			t.Fatal(err)
		}
		if last != int64(len(got)) || total != int64(len(got)) || calls != int64(tc.m) {
			t.Errorf("m %d limit %d: progress ended at %d/%d after %d calls; %d combinations, %d QIs", tc.m, tc.limit, last, total, calls, len(got), tc.m)
		}
	}
}
