package anonymity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

func TestAnalyzeQIHand(t *testing.T) {
	// Six rows on A, B, C. By hand, with C(6,2) = 15 pairs:
	//   ABC: classes ax1 ax2 ay1 by1(2) bz2 -> 5; pairs 1 -> 14/15
	//   AB: ax(2) ay by(2) bz -> 4; pairs 2 -> 13/15
	//   AC: a1(2) a2 b1(2) b2 -> 4; pairs 2 -> 13/15
	//   BC: x1 x2 y1(3) z2 -> 4; pairs 3 -> 12/15
	//   B: x(2) y(3) z -> 3; pairs 4 -> 11/15
	//   A: a(3) b(3) -> 2; pairs 6 -> 9/15
	//   C: 1(4) 2(2) -> 2; pairs 7 -> 8/15
	c := qiCount(t, qiHandTable())
	want := []struct {
		cols    string
		classes int
		sep     float64
	}{
		{"A,B,C", 5, 14.0 / 15}, {"A,B", 4, 13.0 / 15}, {"A,C", 4, 13.0 / 15}, {"B,C", 4, 12.0 / 15},
		{"B", 3, 11.0 / 15}, {"A", 2, 9.0 / 15}, {"C", 2, 8.0 / 15},
	}
	for _, maxSize := range []int{0, 2} {
		got, err := AnalyzeQI(context.Background(), c, QIOptions{MaxSize: maxSize})
		if err != nil {
			t.Fatal(err)
		}
		w := want
		if maxSize == 2 {
			w = want[1:]
		}
		if len(got) != len(w) {
			t.Fatalf("max size %d: %d scores, want %d", maxSize, len(got), len(w))
		}
		for i, s := range got {
			if strings.Join(s.Columns, ",") != w[i].cols || s.Classes != w[i].classes ||
				math.Abs(s.Distinction-float64(w[i].classes)/6) > 1e-12 || math.Abs(s.Separation-w[i].sep) > 1e-12 {
				t.Errorf("max size %d, rank %d: got %+v, want %s with %d classes, separation %v", maxSize, i, s, w[i].cols, w[i].classes, w[i].sep)
			}
		}
	}
}

// qiHandTable returns the six rows of TestAnalyzeQIHand on A, B, C.
func qiHandTable() *quasiid.Table {
	return &quasiid.Table{Source: "hand", Rows: 6, Columns: []*quasiid.Column{
		kernColumn("A", quasiid.QuasiIdentifier, []string{"a", "a", "a", "b", "b", "b"}),
		kernColumn("B", quasiid.QuasiIdentifier, []string{"x", "x", "y", "y", "y", "z"}),
		kernColumn("C", quasiid.QuasiIdentifier, []string{"1", "2", "1", "1", "1", "2"}),
	}}
}

// qiCount counts tbl's classes, failing t on error.
func qiCount(t testing.TB, tbl *quasiid.Table) *Classes {
	t.Helper()
	c, err := Count(context.Background(), tbl, CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// qiNames returns q0, q1, …: the names of m QIs of qiRandomTable.
func qiNames(m int) []string {
	names := make([]string, m)
	for j := range names {
		names[j] = fmt.Sprint("q", j)
	}
	return names
}

// TestAnalyzeQIMatchesRows checks every score against classes counted on
// the rows with a map, for all subsets (5 QIs) and for the size limit of
// 14 QIs.

// TestQISizeLimit: the sizes scored beyond maxColumns keep the number of
// combinations within 2^maxColumns − 1, and never drop below 3.
func TestQISizeLimit(t *testing.T) {
	for _, c := range []struct{ m, maxColumns, want int }{
		{0, 12, 0}, {1, 12, 1}, {12, 12, 12},
		{13, 12, 6},  // 13+78+286+715+1287+1716 = 4,095
		{14, 12, 5},  // 3,472; with size 6, 6,475
		{16, 12, 4},  // 2,516; with size 5, 6,884
		{20, 12, 3},  // 1,350; with size 4, 6,195
		{100, 12, 3}, // 166,750: never below 3
		{4, 2, 3}, {3, 2, 3}, {2, 1, 2},
		{62, 62, 62}, {80, 62, 19}, {200, 62, 11}, // no overflow
	} {
		if got := QISizeLimit(c.m, c.maxColumns); got != c.want {
			t.Errorf("QISizeLimit(%d, %d) = %d, want %d", c.m, c.maxColumns, got, c.want)
		}
	}
}
func TestAnalyzeQIMatchesRows(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, m := range []int{5, 14} {
		tbl, rows := kernRandomTable(r, 400, m, false, 0)
		c, err := Count(context.Background(), tbl, CountOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := AnalyzeQI(context.Background(), c, QIOptions{})
		if err != nil {
			t.Fatal(err)
		}
		wantN := 31 // 2^5 - 1
		if m == 14 {
			// Sizes 1 to 5: 3,472 combinations ≤ 4,095 (with size 6,
			// 6,475).
			wantN = 14 + 91 + 364 + 1001 + 2002
		}
		if len(got) != wantN {
			t.Fatalf("%d QIs: %d scores, want %d", m, len(got), wantN)
		}
		for i, s := range got {
			idx := make([]int, len(s.Columns))
			for k, name := range s.Columns {
				fmt.Sscanf(name, "q%d", &idx[k])
			}
			sizes := map[string]int64{}
			for _, row := range rows {
				var key []string
				for _, j := range idx {
					key = append(key, row[j])
				}
				sizes[strings.Join(key, "|")]++
			}
			var pairs float64
			for _, n := range sizes {
				pairs += float64(n*(n-1)) / 2
			}
			sep := 1 - pairs/(400*399/2)
			if s.Classes != len(sizes) || math.Abs(s.Distinction-float64(len(sizes))/400) > 1e-12 || math.Abs(s.Separation-sep) > 1e-12 {
				t.Fatalf("%v: got %+v, want %d classes, separation %v", s.Columns, s, len(sizes), sep)
			}
			if i > 0 && (got[i-1].Distinction < s.Distinction ||
				got[i-1].Distinction == s.Distinction && got[i-1].Separation < s.Separation) {
				t.Fatalf("rank %d: %+v after %+v", i, s, got[i-1])
			}
		}
	}
}

func TestAnalyzeQIEdges(t *testing.T) {
	empty := &Classes{QI: []string{"a"}, Dicts: []*quasiid.Dictionary{quasiid.NewDictionary()}, Codes: [][]uint32{{}}, Sizes: []int64{}}
	s, err := AnalyzeQI(context.Background(), empty, QIOptions{})
	if err != nil || len(s) != 1 || s[0].Distinction != 0 || s[0].Separation != 0 {
		t.Fatalf("no rows: %+v, %v", s, err)
	}
	tbl := &quasiid.Table{Source: "one", Rows: 1, Columns: []*quasiid.Column{kernColumn("a", quasiid.QuasiIdentifier, []string{"x"})}}
	c, _ := Count(context.Background(), tbl, CountOptions{})
	s, err = AnalyzeQI(context.Background(), c, QIOptions{})
	if err != nil || len(s) != 1 || s[0].Distinction != 1 || s[0].Separation != 1 {
		t.Fatalf("one row: %+v, %v", s, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tbl2, _ := kernRandomTable(rand.New(rand.NewPCG(2, 2)), 50, 4, false, 0)
	c2, _ := Count(context.Background(), tbl2, CountOptions{})
	if _, err := AnalyzeQI(ctx, c2, QIOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}

func TestAnalyzeQIAdult(t *testing.T) {
	c, err := Count(context.Background(), kernReadAdult(t, kernAdultQI), CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := AnalyzeQI(context.Background(), c, QIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 255 {
		t.Fatalf("%d combinations, want 255", len(s))
	}
	var pairs float64
	for _, n := range c.Sizes {
		pairs += float64(n*(n-1)) / 2
	}
	top := s[0]
	if len(top.Columns) != 8 || top.Classes != 12458 || math.Abs(top.Distinction-12458.0/30162) > 1e-12 ||
		math.Abs(top.Separation-(1-pairs/(30162.0*30161/2))) > 1e-12 {
		t.Fatalf("top combination %+v", top)
	}
	// The least identifying is salary-class: 2 values, the more skewed of
	// the two binary QIs (7,508 rows >50K in Adult's 30,162).
	last := s[len(s)-1]
	sep := 1 - (22654.0*22653/2+7508.0*7507/2)/(30162.0*30161/2)
	if strings.Join(last.Columns, ",") != "salary-class" || last.Classes != 2 || math.Abs(last.Separation-sep) > 1e-12 {
		t.Fatalf("last combination %+v, want salary-class with separation %v", last, sep)
	}
}
