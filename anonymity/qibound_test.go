package anonymity

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// qiNoBudget makes every walk bounded, with no items to visit beyond the
// single QIs it starts with.
var qiNoBudget = qiWork{exactItems: 0, exactWork: 1, perItem: 0}

func TestAnalyzeQIBoundedHand(t *testing.T) {
	// The six rows of TestAnalyzeQIHand: 5 classes on A, B, C (by1 holds
	// 2 rows; 1 pair). QIs by decreasing values: B (3), A (2), C (2).
	// With no budget, only B, A and C are refined; beyond:
	//   B: x {ax1, ax2} (weight 2), y {ay1, by1} (weight 3), z alone.
	//   B,A: bounded. From B's groups: each splits in at most
	//     min(2 items, 2 values) = 2 classes: 1 + 2 + 2 = 5; pairs at
	//     least those of weight 2 split in 2 (0) and of weight 3 split in
	//     2 (1): 1. B's chain from A (B,A,C; B,C) gives 5 and 1 too.
	//     True: 4 classes, 2 pairs.
	//   B,C: B's chain from A holds B,C exactly, C being the last QI:
	//     x1 x2 y1(3) z2 -> 4 classes, 3 pairs.
	//   A,C: A's chain from C, exactly: a1(2) a2 b1(2) b2 -> 4, 2 pairs.
	//   A,B,C: every QI, c's own figures: exact.
	c := qiCount(t, qiHandTable())
	want := []struct {
		cols    string
		classes int
		sep     float64
		bounded bool
	}{
		{"A,B,C", 5, 14.0 / 15, false}, {"A,B", 5, 14.0 / 15, true}, {"A,C", 4, 13.0 / 15, false},
		{"B,C", 4, 12.0 / 15, false}, {"B", 3, 11.0 / 15, false}, {"A", 2, 9.0 / 15, false}, {"C", 2, 8.0 / 15, false},
	}
	for _, workers := range []int{1, 2} {
		got, err := AnalyzeQI(context.Background(), c, QIOptions{Workers: workers, work: qiNoBudget})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d scores, want %d", len(got), len(want))
		}
		for i, s := range got {
			w := want[i]
			if strings.Join(s.Columns, ",") != w.cols || s.Classes != w.classes || s.Bounded != w.bounded ||
				math.Abs(s.Distinction-float64(w.classes)/6) > 1e-12 || math.Abs(s.Separation-w.sep) > 1e-12 {
				t.Errorf("%d workers, rank %d: got %+v, want %+v", workers, i, s, w)
			}
		}
	}
}

// TestAnalyzeQIBoundedReference checks AnalyzeQI with small budgets against
// qiReference on random tables: an exact figure equals the reference's, a
// bounded one is no less than it, single QIs are always exact, and the
// ranking follows the figures shown.
func TestAnalyzeQIBoundedReference(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 5))
	bounded, exactAfterAll := 0, 0
	for trial := range 60 {
		n := []int{2, 3, 17, 60, 300}[trial%5]
		m := 2 + r.IntN(6)
		tbl, rows := qiRandomTable(r, n, m)
		if trial%10 == 0 {
			// Dictionaries of 2^17 values: the chains pack only the
			// last three QIs' codes into 64 bits.
			size := 1 << 17
			for _, col := range tbl.Columns {
				for i := 0; col.Dict.Len() < size; i++ {
					col.Dict.Code(fmt.Sprint("pad", i))
				}
			}
		}
		names, c := qiNames(m), qiCount(t, tbl)
		limit := []int{m, 1 + r.IntN(m)}[trial%2]
		truth := map[string]QIScore{}
		for _, s := range qiReference(names, rows, limit) {
			truth[strings.Join(s.Columns, ",")] = s
		}
		work := qiWork{exactItems: 0, exactWork: 1, perItem: int64(r.IntN(3)), shared: []int64{0, 1, 3}[r.IntN(3)], split: 1}
		got, err := AnalyzeQI(context.Background(), c, QIOptions{MaxSize: limit, Workers: []int{1, 2, 7}[trial%3], work: work})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(truth) {
			t.Fatalf("trial %d: %d combinations, want %d", trial, len(got), len(truth))
		}
		for i, g := range got {
			w, ok := truth[strings.Join(g.Columns, ",")]
			switch {
			case !ok:
				t.Fatalf("trial %d: %v scored twice or unknown", trial, g.Columns)
			case g.Bounded && (len(g.Columns) == 1 || g.Classes < w.Classes || g.Separation < w.Separation-1e-12 ||
				math.Abs(g.Distinction-float64(g.Classes)/float64(n)) > 1e-12):
				t.Fatalf("trial %d (%d rows, %d QIs, %+v): bound %+v below %+v", trial, n, m, work, g, w)
			case !g.Bounded && (g.Classes != w.Classes || math.Abs(g.Distinction-w.Distinction) > 1e-12 ||
				math.Abs(g.Separation-w.Separation) > 1e-12):
				t.Fatalf("trial %d (%d rows, %d QIs, %+v): %+v, want %+v", trial, n, m, work, g, w)
			}
			if i > 0 && (got[i-1].Distinction < g.Distinction ||
				got[i-1].Distinction == g.Distinction && got[i-1].Separation < g.Separation) {
				t.Fatalf("trial %d: rank %d %+v after %+v", trial, i, g, got[i-1])
			}
			delete(truth, strings.Join(g.Columns, ","))
			if g.Bounded {
				bounded++
			} else if len(g.Columns) > 1 && len(g.Columns) < m && work.perItem == 0 {
				exactAfterAll++
			}
		}
	}
	if bounded < 100 || exactAfterAll < 10 {
		t.Fatalf("%d bounded figures, %d settled exact by a subset: the bounds were not exercised", bounded, exactAfterAll)
	}
}

// FuzzAnalyzeQIBounded checks AnalyzeQI on tables drawn from the input
// (first byte: QIs and budgets, and whether the walks of at most 2
// combinations are exact, and then split; then one byte per cell; the
// last byte also picks 1, 4 or 7 workers) against qiReference: exact
// figures equal, bounded ones no less.
func FuzzAnalyzeQIBounded(f *testing.F) {
	f.Add([]byte{0x23, 1, 2, 3, 1, 2, 4, 1, 1, 3, 2, 2, 3, 0, 0, 0})
	f.Add([]byte{0x04, 9, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 250, 251})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || len(data) > 400 {
			return
		}
		m := 1 + int(data[0]&7)%5
		work := qiWork{exactItems: 0, exactWork: 1, perItem: int64(data[0] >> 4 & 3), shared: int64(data[0] >> 6), split: 1}
		exactSmall := data[0]&8 != 0
		data = data[1:]
		n := len(data) / m
		if exactSmall {
			work.exactWork = 2 * int64(n)
		}
		names := qiNames(m)
		rows := make([][]string, n)
		tbl := &quasiid.Table{Source: "fuzz", Rows: n}
		for j := range m {
			values := make([]string, n)
			for i := range n {
				values[i] = fmt.Sprint(data[i*m+j] % (1 + byte(j)*3))
				rows[i] = append(rows[i], values[i])
			}
			tbl.Columns = append(tbl.Columns, kernColumn(names[j], quasiid.QuasiIdentifier, values))
		}
		workers := 1 + int(data[len(data)-1]%3)*3 // 1, 4 or 7
		got, err := AnalyzeQI(context.Background(), qiCount(t, tbl), QIOptions{Workers: workers, work: work})
		if err != nil {
			t.Fatal(err)
		}
		truth := map[string]QIScore{}
		for _, s := range qiReference(names, rows, m) {
			truth[strings.Join(s.Columns, ",")] = s
		}
		if len(got) != len(truth) {
			t.Fatalf("%d combinations, want %d", len(got), len(truth))
		}
		for _, g := range got {
			w := truth[strings.Join(g.Columns, ",")]
			if g.Bounded && (g.Classes < w.Classes || g.Separation < w.Separation-1e-12) ||
				!g.Bounded && (g.Classes != w.Classes || math.Abs(g.Separation-w.Separation) > 1e-12) {
				t.Fatalf("%+v, truth %+v", g, w)
			}
		}
	})
}

// TestQISortKeyed: the packed keys sort alike whether positions ride in
// their free low bits or pairs go through a comparison, and whether the
// codes are read as one run of bits of a packed word or column by column.
func TestQISortKeyed(t *testing.T) {
	// Two columns: a (bits 60–61 of the key) and b (the top 2 bits), as
	// chain shifts them.
	u := &qiUniverse{cols: []int{0, 1}, cards: []uint32{4, 4},
		codes: [][]uint32{{3, 1, 3, 0, 1}, {2, 0, 1, 3, 0}}, weights: []int64{1, 2, 3, 4, 5}}
	shift := []uint{60, 62}
	want := []qiKeyed{{0<<62 | 1<<60, 2}, {0<<62 | 1<<60, 5}, {1<<62 | 3<<60, 3}, {2<<62 | 3<<60, 1}, {3<<62 | 0<<60, 4}}
	// One word of weight, a, b (the walker sorts the items on a: item
	// 3 comes first), and one word per field, unsorted.
	one := newQIWalker(context.Background(), 2, qiScored{})
	one.use(u, true, 0)
	if _, _, ok := one.u.suffix(0); !ok {
		t.Fatal("a and b not found in one word")
	}
	words := [][]uint64{{1, 2, 3, 4, 5}, {3, 1, 3, 0, 1}, {2, 0, 1, 3, 0}}
	apart := &qiWalker{u: &qiPacked{cols: u.cols, cards: u.cards, n: 5, weight: qiField{words[0], 0, 7},
		fields: []qiField{{words[1], 0, 3}, {words[2], 0, 3}}}}
	if _, _, ok := apart.u.suffix(0); ok {
		t.Fatal("a and b found in one word")
	}
	for i, w := range []*qiWalker{one, apart} {
		for _, free := range []int{60, 0} {
			key := w.chainKey(0, shift, free)
			got := slices.Clone(w.sortKeyed([]uint32{0, 1, 2, 3, 4}, &key))
			if !slices.Equal(got, want) {
				t.Errorf("%s, free %d: %v, want %v", []string{"one word", "apart"}[i], free, got, want)
			}
		}
	}
}
