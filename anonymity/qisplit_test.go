package anonymity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// qiFirstHeavyTable draws n rows over m QIs where the first walk holds
// most of the work: q0 has many values, skewed (3 hold a third of the
// rows, the rest spread over n/by values, many holding one), the others 1
// to 6 values each; some rows repeat whole and some cells are null.
func qiFirstHeavyTable(r *rand.Rand, n, m, by int) (*quasiid.Table, [][]string) {
	wide := max(2, n/by)
	return qiDrawTable(r, n, m, 30, func(j int) func() string {
		card := 1 + r.IntN(6)
		return func() string {
			switch {
			case j == 0 && r.IntN(3) == 0:
				return fmt.Sprint("h", r.IntN(3)) // the heavy values
			case j == 0:
				return fmt.Sprint("v", r.IntN(wide))
			}
			return fmt.Sprint("v", r.IntN(card))
		}
	})
}

// TestAnalyzeQISplit: with every walk that computes every figure split
// by the values of its first QI, AnalyzeQI gives the same scores, in the
// same order, as without splitting, with 1, 2 and 7 workers, and they are
// qiReference's: on random tables whose first walk dominates, with and
// without a size limit. In every third trial the walks of the most
// combinations are bounded instead (sharing a budget), the later ones
// split: bounds are no less than the truth.
func TestAnalyzeQISplit(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 1))
	var spans, mixed int64 // mixed: spans walked beside bounded walks
	bounded := 0
	for trial := range 48 {
		n := []int{1, 2, 40, 300, 1500}[trial%5]
		m := 1 + r.IntN(7)
		tbl, rows := qiFirstHeavyTable(r, n, m, []int{3, 10, 40}[r.IntN(3)])
		names, c := qiNames(m), qiCount(t, tbl)
		limit := []int{m, 1 + r.IntN(m)}[trial%2]
		want := qiReference(names, rows, limit)
		work := qiWork{exactItems: math.MaxInt64}
		if trial%3 == 2 {
			// Walks of more than 2 combinations bounded.
			work = qiWork{exactWork: 2 * int64(n), perItem: int64(r.IntN(2)), shared: 1}
		}
		var first []QIScore
		for _, workers := range []int{1, 1, 2, 7} {
			var walked atomic.Int64
			got, err := AnalyzeQI(context.Background(), c, QIOptions{MaxSize: limit, Workers: workers, work: work, spans: &walked})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				// Unsplit; from now on, every walk worth it is split.
				first, work.split = got, 1
				if walked.Load() != 0 {
					t.Fatalf("trial %d: %d spans walked with no split", trial, walked.Load())
				}
				continue
			}
			spans += walked.Load()
			if work.exactItems == 0 {
				mixed += walked.Load()
			}
			if !reflect.DeepEqual(got, first) {
				t.Fatalf("trial %d (%d rows, %d QIs, limit %d): %d workers, split\n%+v\nunsplit\n%+v", trial, n, m, limit, workers, got, first)
			}
		}
		if len(first) != len(want) {
			t.Fatalf("trial %d: %d combinations, want %d", trial, len(first), len(want))
		}
		truth := map[string]QIScore{}
		for _, w := range want {
			truth[fmt.Sprint(w.Columns)] = w
		}
		for i, g := range first {
			w := truth[fmt.Sprint(g.Columns)]
			switch {
			case g.Bounded && (g.Classes < w.Classes || g.Separation < w.Separation-1e-12):
				t.Fatalf("trial %d (%d rows, %d QIs, limit %d): bound %+v below %+v", trial, n, m, limit, g, w)
			case g.Bounded:
				bounded++
			case g.Classes != w.Classes || math.Abs(g.Distinction-w.Distinction) > 1e-12 ||
				math.Abs(g.Separation-w.Separation) > 1e-12:
				t.Fatalf("trial %d (%d rows, %d QIs, limit %d): got %+v, want %+v", trial, n, m, limit, g, w)
			case work.exactItems > 0 && !slices.Equal(g.Columns, want[i].Columns):
				t.Fatalf("trial %d: rank %d %v, want %v", trial, i, g.Columns, want[i].Columns)
			}
		}
	}
	if spans < 100 || mixed < 20 || bounded < 20 {
		t.Fatalf("%d spans walked, %d beside %d bounds: the split was not exercised, or not beside bounded walks", spans, mixed, bounded)
	}
	t.Logf("%d spans walked, %d beside bounded walks; %d bounds", spans, mixed, bounded)
}

// TestAnalyzeQISplitDefaults: with the default work bounds, a table whose
// first walk is large enough (60,000 rows, 63 combinations) is split, and
// its ranking — figures, ties and bounds — is the unsplit walk's, with 1,
// 2 and 7 workers; cancelled, it returns the context's error.
func TestAnalyzeQISplitDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("60,000 rows")
	}
	r := rand.New(rand.NewPCG(17, 2))
	tbl, _ := qiFirstHeavyTable(r, 60_000, 6, 2)
	c := qiCount(t, tbl)
	unsplit := qiWork{}.orDefaults()
	unsplit.split = 0
	want, err := AnalyzeQI(context.Background(), c, QIOptions{Workers: 1, work: unsplit})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 7} {
		var walked atomic.Int64
		got, err := AnalyzeQI(context.Background(), c, QIOptions{Workers: workers, spans: &walked})
		if err != nil {
			t.Fatal(err)
		}
		if walked.Load() < 2 {
			t.Fatalf("%d workers walked %d spans", workers, walked.Load())
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%d workers: a ranking other than the unsplit walk's", workers)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := AnalyzeQI(ctx, c, QIOptions{Workers: workers}); !errors.Is(err, context.Canceled) {
			t.Fatalf("%d workers, cancelled: %v", workers, err)
		}
	}
}
