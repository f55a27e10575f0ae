package anonymity

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// pairsIdentity is a cmap numbering n chunk classes as themselves.
func pairsIdentity(n int) []uint32 {
	cmap := make([]uint32, n)
	for c := range cmap {
		cmap[c] = uint32(c)
	}
	return cmap
}

// pairsFeed counts (class[i], values[i]) in chunks cut at cuts and returns
// the Multiset of nclass classes.
func pairsFeed(t testing.TB, class, values []uint32, cuts []int, nclass int, card uint32) *Multiset {
	t.Helper()
	h := &pairCounts{name: "s"}
	cmap := pairsIdentity(nclass)
	lo := 0
	for _, hi := range append(slices.Clone(cuts), len(values)) {
		if i := h.add(class[lo:hi], cmap, values[lo:hi], card); i >= 0 {
			t.Fatalf("rows %d..%d: value %d of row %d out of range", lo, hi, values[lo+i], lo+i)
		}
		lo = hi
	}
	return h.multiset(nclass)
}

// pairsReference is the Multiset of (class[i], values[i]) built from a map.
func pairsReference(class, values []uint32, nclass int) *Multiset {
	rows := map[[2]uint32]int64{}
	for i := range values {
		rows[[2]uint32{class[i], values[i]}]++
	}
	keys := make([][2]uint32, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]uint32) int {
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		return int(a[1]) - int(b[1])
	})
	m := &Multiset{Name: "s", Offsets: make([]int, nclass+1), Values: []uint32{}, Counts: []int64{}}
	for _, k := range keys {
		m.Values, m.Counts = append(m.Values, k[1]), append(m.Counts, rows[k])
		m.Offsets[k[0]+1]++
	}
	for c := 1; c <= nclass; c++ {
		m.Offsets[c] += m.Offsets[c-1]
	}
	return m
}

// TestPairCountsHand counts a table small enough to count by hand: subjects
// ascending, the rows of subject 2 straddling the first cut, an empty
// chunk, then a chunk out of order.
func TestPairCountsHand(t *testing.T) {
	//            chunk 1           | empty | chunk 2        | chunk 3
	class := []uint32{0, 1, 0, 2, 1 /*|*/, 1, 1, 2, 0 /*|*/, 2, 0, 2}
	value := []uint32{0, 0, 1, 2, 2 /*|*/, 2, 2, 3, 3 /*|*/, 0, 1, 3}
	got := pairsFeed(t, class, value, []int{5, 5, 9}, 3, 4)
	want := &Multiset{Name: "s",
		// class 0: subject 0 (1 row), 1 (1 + 1 rows in chunk 3), 3 (1);
		// class 1: subject 0 (1), 2 (1 in chunk 1 + 2 in chunk 2);
		// class 2: subject 0 (1, chunk 3), 2 (1), 3 (1 + 1 in chunk 3).
		Offsets: []int{0, 3, 5, 8},
		Values:  []uint32{0, 1, 3, 0, 2, 0, 2, 3},
		Counts:  []int64{1, 2, 1, 1, 3, 1, 1, 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if got := pairsFeed(t, nil, nil, nil, 2, 4); !reflect.DeepEqual(got, &Multiset{Name: "s", Offsets: []int{0, 0, 0},
		Values: []uint32{}, Counts: []int64{}}) {
		t.Fatalf("no rows: got %+v", got)
	}
}

// TestPairCountsOrders checks pairCounts against a map on tables whose
// values ascend (whole or per chunk), descend, come in ascending blocks
// of descending values (many runs to gather), or in no order, cut into
// chunks of every size.
func TestPairCountsOrders(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 7))
	for trial := range 60 {
		n := []int{1, 2, 40, 3000, 50000}[r.IntN(5)]
		nclass := 1 + r.IntN(300)
		class, value := make([]uint32, n), make([]uint32, n)
		for i := range n {
			class[i] = uint32(r.IntN(nclass))
			value[i] = uint32(r.IntN(n/3 + 1))
		}
		var cuts []int
		switch order := trial % 4; order {
		case 0:
			slices.Sort(value)
		case 1:
			slices.Sort(value)
			slices.Reverse(value)
		case 2: // 64 ascending blocks, each descending: each chunk a run of its own
			slices.Sort(value)
			for b := range 64 {
				lo, hi := b*n/64, (b+1)*n/64
				slices.Reverse(value[lo:hi])
				if lo > 0 && lo < n && (len(cuts) == 0 || cuts[len(cuts)-1] < lo) {
					cuts = append(cuts, lo)
				}
			}
		}
		if trial%4 != 2 {
			cuts = randomCuts(r, n)
		}
		got := pairsFeed(t, class, value, cuts, nclass, uint32(n/3+1))
		if want := pairsReference(class, value, nclass); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d (%d rows, order %d, cuts %v): got %d pairs, want %d", trial, n, trial%4, head(cuts),
				len(got.Values), len(want.Values))
		}
	}
}

// TestPairCountsBatches feeds ascending chunks past batchRows, so that a
// batch is sorted while the next one fills, and the subject straddling
// the batches is counted once per class.
func TestPairCountsBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("2.5M rows")
	}
	n := batchRows + batchRows/4
	class, value := make([]uint32, n), make([]uint32, n)
	for i := range n {
		class[i], value[i] = uint32(i%7), uint32(i/10)
	}
	cuts := []int{}
	for at := 300_000; at < n; at += 300_000 {
		cuts = append(cuts, at)
	}
	got := pairsFeed(t, class, value, cuts, 7, uint32(n/10+1))
	if want := pairsReference(class, value, 7); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %d pairs, want %d", len(got.Values), len(want.Values))
	}
}

// TestPairCountsOutOfRange checks that add names the first value out of
// its dictionary, whether the chunk's values ascend or not, and that the
// Counter's error names the row of the whole table and the column.
func TestPairCountsOutOfRange(t *testing.T) {
	cmap := pairsIdentity(2)
	for _, values := range [][]uint32{{0, 1, 1, 5, 9}, {3, 1, 0, 5, 9}} {
		h := &pairCounts{}
		if i := h.add([]uint32{0, 1, 0, 1, 0}, cmap, values, 4); i != 3 {
			t.Fatalf("values %v, card 4: got row %d, want 3", values, i)
		}
	}
	s := NewCounter(CountOptions{})
	tbl := &quasiid.Table{Source: "u.csv", Rows: 3, Columns: []*quasiid.Column{
		kernColumn("q", quasiid.QuasiIdentifier, []string{"a", "b", "a"}),
		kernColumn("account", quasiid.Subject, []string{"x", "y", "x"}),
		kernColumn("dx", quasiid.Sensitive, []string{"p", "p", "q"})}}
	if err := s.Add(context.Background(), tbl); err != nil {
		t.Fatal(err)
	}
	bad := &quasiid.Table{Source: "u.csv", Rows: 2, Columns: []*quasiid.Column{
		{Name: "q", Role: quasiid.QuasiIdentifier, Dict: tbl.Columns[0].Dict, Codes: []uint32{0, 1}},
		{Name: "account", Role: quasiid.Subject, Dict: tbl.Columns[1].Dict, Codes: []uint32{1, 1}},
		{Name: "dx", Role: quasiid.Sensitive, Dict: tbl.Columns[2].Dict, Codes: []uint32{0, 7}}}}
	err := s.Add(context.Background(), bad)
	if err == nil || !strings.Contains(err.Error(), "row 5") || !strings.Contains(err.Error(), `"dx"`) {
		t.Fatalf("got %v, want an error naming row 5 and column dx", err)
	}
}

// TestCounterSubjectsSorted streams a table sorted by subject, with a
// sensitive column, cut so that subjects straddle chunks (and empty
// chunks come), and checks the Counter against Count.
func TestCounterSubjectsSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 9))
	n := 20000
	qi, subj, sens := make([]string, n), make([]string, n), make([]string, n)
	acct := 0
	for i := range n {
		if r.IntN(6) == 0 {
			acct++
		}
		subj[i] = "acct-" + string(rune('a'+acct%26)) + string(rune('a'+acct/26%26)) + string(rune('a'+acct/676))
		qi[i] = []string{"tv", "web", "phone"}[r.IntN(3)] + string(rune('0'+r.IntN(10)))
		sens[i] = []string{"movie", "episode", "\x00"}[r.IntN(3)]
	}
	tbl := &quasiid.Table{Source: "t", Rows: n, Columns: []*quasiid.Column{
		kernColumn("device", quasiid.QuasiIdentifier, qi), kernColumn("account", quasiid.Subject, subj),
		kernColumn("media", quasiid.Sensitive, sens)}}
	for _, cuts := range [][]int{nil, {1, 1, 2}, {5000, 5000, 10001, 15000}, randomCuts(r, n)} {
		c := sameAsCount(t, tbl, cuts, CountOptions{})
		if got := c.Subjects.Offsets[len(c.Subjects.Offsets)-1]; got < acct || got > n {
			t.Fatalf("%d (class, subject) pairs for %d subjects and %d rows", got, acct+1, n)
		}
	}
}

// BenchmarkPairCounts counts the (class, subject) pairs of 4M rows in
// chunks of 1M, as the Counter does, and lays them out by class: rows
// sorted by subject (as a usage log often is) and shuffled.
func BenchmarkPairCounts(b *testing.B) {
	const n, nclass, chunk = 4_000_000, 60_000, 1 << 20
	class, sorted, shuffled := pairBenchTable(n, nclass)
	cmap := pairsIdentity(nclass)
	for _, tc := range []struct {
		name   string
		values []uint32
	}{{"sorted", sorted}, {"shuffled", shuffled}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var pairs int
			for b.Loop() {
				h := &pairCounts{}
				for lo := 0; lo < n; lo += chunk {
					hi := min(lo+chunk, n)
					if i := h.add(class[lo:hi], cmap, tc.values[lo:hi], uint32(n)); i >= 0 {
						b.Fatal(i)
					}
				}
				pairs = len(h.multiset(nclass).Values)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
			b.ReportMetric(float64(pairs)/n, "pairs/row")
		})
	}
}

// pairBenchTable draws n rows of a usage table sorted by subject: about
// n/11 subjects of a geometric number of rows each, each row in one of
// its subject's three favourite classes seven times in ten, else in a
// class drawn over nclass with a skew. It returns the rows' classes and
// subjects, and the subjects shuffled (a table in no order).
func pairBenchTable(n, nclass int) (class, sorted, shuffled []uint32) {
	r := rand.New(rand.NewPCG(16, 1))
	class, sorted = make([]uint32, n), make([]uint32, n)
	skew := func() uint32 { x := r.Float64(); return uint32(x * x * x * float64(nclass)) }
	var fav [3]uint32
	subj := uint32(0)
	for i := range n {
		if i == 0 || r.IntN(11) == 0 {
			if i > 0 {
				subj++
			}
			for f := range fav {
				fav[f] = skew()
			}
		}
		sorted[i] = subj
		if r.IntN(10) < 7 {
			class[i] = fav[r.IntN(len(fav))]
		} else {
			class[i] = skew()
		}
	}
	shuffled = slices.Clone(sorted)
	r.Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	return class, sorted, shuffled
}

// TestCountRunInPlace checks countRun, which counts into the sorted keys
// themselves: the distinct keys and their rows, for a batch, then a longer
// one (its scratch grown), then a batch of one key.
func TestCountRunInPlace(t *testing.T) {
	var h pairCounts
	for _, tc := range []struct {
		keys, want []uint64
		n          []int64
	}{
		{[]uint64{1, 1, 2, 5, 5, 5, 9}, []uint64{1, 2, 5, 9}, []int64{2, 1, 3, 1}},
		{[]uint64{0, 3, 3, 4, 1 << 32, 1<<32 | 7, 1<<32 | 7, 1<<32 | 7, 2 << 32, 2 << 32, 2 << 32},
			[]uint64{0, 3, 4, 1 << 32, 1<<32 | 7, 2 << 32}, []int64{1, 2, 1, 1, 3, 3}},
		{[]uint64{6, 6, 6}, []uint64{6}, []int64{3}},
	} {
		run := h.countRun(slices.Clone(tc.keys))
		if !slices.Equal(run.keys, tc.want) || !slices.Equal(run.n, tc.n) {
			t.Errorf("countRun(%v) = %v %v, want %v %v", tc.keys, run.keys, run.n, tc.want, tc.n)
		}
		if cap(run.keys) != len(run.keys) || cap(run.n) != len(run.n) {
			t.Errorf("countRun(%v): capacities %d, %d for %d keys: not sized exactly", tc.keys, cap(run.keys), cap(run.n), len(run.keys))
		}
	}
}
