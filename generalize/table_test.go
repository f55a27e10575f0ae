package generalize

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRollUpMatchesMap rolls tables of 20,000 to 100,000+ classes up to
// several nodes, directly and through an intermediate node, and compares
// every class — its labels, size and sensitive histogram, in order of
// first appearance in the rows — with a plain map over the rows. Four QIs of 14–19 values form
// two or three QI groups; six of 70–89 values form six, whose keys are
// sparse (the open-addressing path); three of 50–65 values in 130,000
// rows make a source too large for 16-bit dense slots.
func TestRollUpMatchesMap(t *testing.T) {
	for _, tc := range []struct{ m, values, rows, classes int }{{4, 14, 40000, 20000}, {6, 70, 40000, 20000}, {3, 50, 130000, 66000}} {
		testRollUp(t, tc.m, tc.values, tc.rows, tc.classes)
	}
}

func testRollUp(t *testing.T, m, values, nrows, classes int) {
	r := rand.New(rand.NewPCG(7, uint64(m)))
	header := []string{"s"}
	var names []string
	var hs []*Hierarchy
	for j := range m {
		name := fmt.Sprintf("q%d", j)
		header = append(header, name)
		names = append(names, name)
		hs = append(hs, randomHierarchy(r, name, values+r.IntN(values/3)))
	}
	rows := make([][]string, nrows)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("s%d", r.IntN(5))}
		for j := range m {
			rows[i] = append(rows[i], fmt.Sprintf("v%d", r.IntN(len(hs[j].Values()))))
		}
	}
	c := classesOf(header, rows, names, []string{"s"}, "")
	if c.Len() < classes {
		t.Fatalf("%d classes, want ≥ %d", c.Len(), classes)
	}
	s, err := newTableEvaluator(c, hs, Policy{K: 2, L: 2}, 4<<20)
	if err != nil {
		t.Fatal(err)
	}
	if G := len(s.roll.groups); (m == 6) != (G == 6) || G > m {
		t.Fatalf("%d QIs of %d+ values: %d QI groups", m, values, G)
	}
	sdict := c.Sensitive[0].Dict
	check := func(name string, tb *table) {
		t.Helper()
		type class struct {
			size int64
			sens map[string]int64
		}
		classes := map[string]*class{}
		var order []string
		for _, row := range rows {
			var b strings.Builder
			for j := range m {
				l, _ := hs[j].Label(row[j+1], tb.levels[j])
				b.WriteString(l + "|")
			}
			k := b.String()
			cl := classes[k]
			if cl == nil {
				cl = &class{sens: map[string]int64{}}
				classes[k] = cl
				order = append(order, k)
			}
			cl.size++
			cl.sens[row[0]]++
		}
		if tb.len() != len(order) {
			t.Fatalf("%s %v: %d classes, want %d", name, tb.levels, tb.len(), len(order))
		}
		s.roll.gatherHists(tb) // histograms are merged on demand
		h := tb.sens[0]
		for g, k := range order {
			var b strings.Builder
			for j := range m {
				b.WriteString(s.roll.bs[j].label(tb.levels[j], s.roll.code(tb, j, g)) + "|")
			}
			if b.String() != k {
				t.Fatalf("%s %v: class %d is %q, want %q", name, tb.levels, g, b.String(), k)
			}
			want := classes[k]
			if tb.sizes[g] != want.size {
				t.Fatalf("%s %v: class %d (%s) size %d, want %d", name, tb.levels, g, k, tb.sizes[g], want.size)
			}
			got := map[string]int64{}
			for e := h.off[g]; e < h.off[g+1]; e++ {
				got[sdict.Value(h.vals[e])] += h.cnts[e]
			}
			if fmt.Sprint(got) != fmt.Sprint(want.sens) {
				t.Fatalf("%s %v: class %d (%s) sensitive %v, want %v", name, tb.levels, g, k, got, want.sens)
			}
		}
	}
	for range 6 {
		mid, top := make([]int, m), make([]int, m)
		for j := range m {
			mid[j] = r.IntN(len(s.roll.bs[j].dicts))
			top[j] = mid[j] + r.IntN(len(s.roll.bs[j].dicts)-mid[j])
		}
		x := mustRollUp(t, s.roll, s.bottom, mid)
		check("from the bottom", x)
		check("through "+fmt.Sprint(mid), mustRollUp(t, s.roll, x, top))
	}
}

// mustRollUp is r.rollUp, failing t on an error.
func mustRollUp(t *testing.T, r *roller, src *table, dst []int) *table {
	t.Helper()
	out, err := r.rollUp(src, dst)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
