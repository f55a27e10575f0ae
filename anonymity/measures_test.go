package anonymity_test

import (
	"context"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// measNull stands for a null value in the hand-built tables below.
const measNull = "\x00null"

// measVC is one value of a class histogram with its count.
type measVC struct {
	v string
	n int64
}

// measMultiset builds a Multiset by hand: one slice of (value, count) per
// class. Codes are handed out in order of first appearance; measNull gets
// the dictionary's null code.
func measMultiset(name string, classes ...[]measVC) *anonymity.Multiset {
	d := quasiid.NewDictionary()
	m := &anonymity.Multiset{Name: name, Dict: d, Offsets: []int{0}}
	for _, class := range classes {
		type cc struct {
			code uint32
			n    int64
		}
		var row []cc
		for _, vc := range class {
			var code uint32
			if vc.v == measNull {
				code = d.NullCode()
			} else {
				code = d.Code(vc.v)
			}
			row = append(row, cc{code, vc.n})
		}
		slices.SortFunc(row, func(a, b cc) int { return int(a.code) - int(b.code) })
		for _, x := range row {
			m.Values = append(m.Values, x.code)
			m.Counts = append(m.Counts, x.n)
		}
		m.Offsets = append(m.Offsets, len(m.Values))
	}
	return m
}

// measSizes builds Classes holding sizes only.
func measSizes(sizes ...int64) *anonymity.Classes {
	c := &anonymity.Classes{Sizes: sizes}
	for _, s := range sizes {
		c.Rows += s
	}
	return c
}

func measClose(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	switch {
	case math.IsInf(want, 0) || math.IsNaN(want):
		if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	case math.Abs(got-want) > tol:
		t.Errorf("%s = %.10g, want %.10g (±%g)", what, got, want, tol)
	}
}

func measCloseAll(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values %v, want %d %v", what, len(got), got, len(want), want)
	}
	for i := range want {
		measClose(t, what+"["+string(rune('0'+i))+"]", got[i], want[i], tol)
	}
}

// Six classes, 15 rows: sizes 1, 2, 2, 5, 4, 1 (two sample uniques, a tie
// at the minimum, a class of exactly 5 on the 0.2 boundary).
func TestClassSizeMeasures(t *testing.T) {
	c := measSizes(1, 2, 2, 5, 4, 1)
	if got := anonymity.K(c); got != 1 {
		t.Errorf("K = %d, want 1", got)
	}
	if got := anonymity.SampleUniques(c); got != 2 {
		t.Errorf("SampleUniques = %d, want 2", got)
	}
	want := map[int64]int64{1: 2, 2: 2, 4: 1, 5: 1}
	if got := anonymity.SizeHistogram(c); !reflect.DeepEqual(got, want) {
		t.Errorf("SizeHistogram = %v, want %v", got, want)
	}
	for _, tc := range []struct{ k, want int64 }{{1, 0}, {2, 2}, {3, 6}, {5, 10}, {6, 15}, {100, 15}} {
		if got := anonymity.RecordsBelow(c, tc.k); got != tc.want {
			t.Errorf("RecordsBelow(%d) = %d, want %d", tc.k, got, tc.want)
		}
	}
	// Without a subject column every row is a subject.
	if got := anonymity.KSubjects(c); got != 1 {
		t.Errorf("KSubjects without subjects = %d, want K = 1", got)
	}
	if got := anonymity.SubjectsInSeveralClasses(c); got != 0 {
		t.Errorf("SubjectsInSeveralClasses without subjects = %d, want 0", got)
	}

	c = measSizes(7, 3, 3) // tie at the minimum, no uniques
	if got := anonymity.K(c); got != 3 {
		t.Errorf("K = %d, want 3", got)
	}
	if got := anonymity.SampleUniques(c); got != 0 {
		t.Errorf("SampleUniques = %d, want 0", got)
	}
}

func TestProsecutor(t *testing.T) {
	c := measSizes(1, 2, 2, 5, 4, 1)
	r := anonymity.Prosecutor(c, anonymity.DefaultRiskThreshold)
	measClose(t, "Highest", r.Highest, 1, 0)
	measClose(t, "Average", r.Average, 6.0/15, 1e-15)
	// 1/|E| > 0.2 strictly: classes of 1, 2, 2, 4 (10 records); the class
	// of 5 has risk exactly 0.2 and is not at risk.
	measClose(t, "RecordsAtRisk", r.RecordsAtRisk, 10.0/15, 1e-15)
	measClose(t, "Threshold", r.Threshold, 0.2, 0)

	r = anonymity.Prosecutor(c, 0.5) // 1/2 = 0.5 is not > 0.5: uniques only
	measClose(t, "RecordsAtRisk(0.5)", r.RecordsAtRisk, 2.0/15, 1e-15)
	r = anonymity.Prosecutor(c, 0) // every record has a positive risk
	measClose(t, "RecordsAtRisk(0)", r.RecordsAtRisk, 1, 0)

	// A single class of 7.
	r = anonymity.Prosecutor(measSizes(7), 0.2)
	measClose(t, "single Highest", r.Highest, 1.0/7, 1e-15)
	measClose(t, "single Average", r.Average, 1.0/7, 1e-15)
	measClose(t, "single RecordsAtRisk", r.RecordsAtRisk, 0, 0)
}

// A table of 0 rows gives zeros everywhere, never NaN.
func TestMeasuresEmptyTable(t *testing.T) {
	for _, c := range []*anonymity.Classes{nil, {}, {Subjects: &anonymity.Multiset{Offsets: []int{0}}}} {
		if anonymity.K(c) != 0 || anonymity.KSubjects(c) != 0 || anonymity.SampleUniques(c) != 0 ||
			anonymity.RecordsBelow(c, 5) != 0 || len(anonymity.SizeHistogram(c)) != 0 ||
			anonymity.SubjectsInSeveralClasses(c) != 0 {
			t.Errorf("empty table %+v: non-zero measure", c)
		}
		r := anonymity.Prosecutor(c, 0.2)
		if r != (anonymity.ProsecutorRisk{Threshold: 0.2}) {
			t.Errorf("Prosecutor(empty) = %+v, want zeros", r)
		}
	}
}

// Three classes with a subject column: one account with 50 rows, a class
// of 4 rows from 3 accounts, a class of 6 rows from 2 accounts. Accounts a
// and b each fall in two classes.
func TestSubjects(t *testing.T) {
	c := measSizes(50, 4, 6)
	c.Subjects = measMultiset("account",
		[]measVC{{"a", 50}},
		[]measVC{{"a", 1}, {"b", 2}, {"c", 1}},
		[]measVC{{"b", 3}, {"d", 3}},
	)
	if got := anonymity.K(c); got != 4 {
		t.Errorf("K = %d, want 4", got)
	}
	if got := anonymity.KSubjects(c); got != 1 {
		t.Errorf("KSubjects = %d, want 1 (50 rows of one account)", got)
	}
	if got := anonymity.SubjectsInSeveralClasses(c); got != 2 {
		t.Errorf("SubjectsInSeveralClasses = %d, want 2 (a and b)", got)
	}
	c.Sizes[0] = 5 // now two accounts in the first class
	c.Subjects = measMultiset("account",
		[]measVC{{"a", 3}, {"e", 2}},
		[]measVC{{"a", 1}, {"b", 2}, {"c", 1}},
		[]measVC{{"b", 3}, {"d", 3}},
	)
	if got := anonymity.KSubjects(c); got != 2 {
		t.Errorf("KSubjects = %d, want 2", got)
	}
}

// Subjects counted by Count: 8 rows of 4 accounts over two QIs. Account u1
// has 3 rows in class (A,x); class (B,y) holds u2 twice and u3; u3 and u4
// also fall in (A,x) and (B,z).
func TestSubjectsThroughCount(t *testing.T) {
	qi1 := []string{"A", "A", "A", "B", "B", "B", "A", "B"}
	qi2 := []string{"x", "x", "x", "y", "y", "y", "x", "z"}
	sub := []string{"u1", "u1", "u1", "u2", "u2", "u3", "u3", "u4"}
	tbl := &quasiid.Table{Source: "accounts", Rows: len(sub)}
	for _, col := range []struct {
		name   string
		role   quasiid.Role
		values []string
	}{{"a", quasiid.QuasiIdentifier, qi1}, {"b", quasiid.QuasiIdentifier, qi2}, {"account", quasiid.Subject, sub}} {
		c := &quasiid.Column{Name: col.name, Role: col.role, Dict: quasiid.NewDictionary()}
		for _, v := range col.values {
			c.Codes = append(c.Codes, c.Dict.Code(v))
		}
		tbl.Columns = append(tbl.Columns, c)
	}
	c, err := anonymity.Count(context.Background(), tbl, anonymity.CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Classes: (A,x) rows u1 u1 u1 u3 → 4 rows, 2 subjects; (B,y) u2 u2 u3
	// → 3 rows, 2 subjects; (B,z) u4 → 1 row, 1 subject.
	if got := anonymity.K(c); got != 1 {
		t.Errorf("K = %d, want 1", got)
	}
	if got := anonymity.KSubjects(c); got != 1 {
		t.Errorf("KSubjects = %d, want 1", got)
	}
	if got := anonymity.SubjectsInSeveralClasses(c); got != 1 {
		t.Errorf("SubjectsInSeveralClasses = %d, want 1 (u3)", got)
	}
	// Without the single-row class the smallest class has 3 rows but 2 people.
	tbl.Rows = 7
	for _, col := range tbl.Columns {
		col.Codes = col.Codes[:7]
	}
	if c, err = anonymity.Count(context.Background(), tbl, anonymity.CountOptions{}); err != nil {
		t.Fatal(err)
	}
	if k, ks := anonymity.K(c), anonymity.KSubjects(c); k != 3 || ks != 2 {
		t.Errorf("K, KSubjects = %d, %d, want 3, 2", k, ks)
	}
}

// TestHistogramMeasures: the prosecutor risk and the records below k
// computed from a class-size histogram equal those computed from the
// classes: sizes 1, 1, 2, 5 (histogram {1: 2, 2: 1, 5: 1}) give highest
// 1, average 4/9, records at risk (1/|E| > 0.2) 4/9, and 4 records below 5.
func TestHistogramMeasures(t *testing.T) {
	c := &anonymity.Classes{Sizes: []int64{1, 1, 2, 5}, Rows: 9}
	h := anonymity.SizeHistogram(c)
	got, want := anonymity.HistogramProsecutor(h, 0.2), anonymity.Prosecutor(c, 0.2)
	if got != want || got.Highest != 1 || got.Average != 4.0/9 || got.RecordsAtRisk != 4.0/9 {
		t.Errorf("HistogramProsecutor %+v, Prosecutor %+v; want highest 1, average and at risk 4/9", got, want)
	}
	if n := anonymity.HistogramRecordsBelow(h, 5); n != 4 || n != anonymity.RecordsBelow(c, 5) {
		t.Errorf("HistogramRecordsBelow(5) = %d, want 4", n)
	}
	if r := anonymity.HistogramProsecutor(nil, 0.2); r != (anonymity.ProsecutorRisk{Threshold: 0.2}) {
		t.Errorf("empty histogram: %+v", r)
	}
}
