package generalize

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTransformRoundTrip(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	c := classesOf(header, rows, adultQI, nil, "")
	res, err := Search(context.Background(), c, adultHierarchies(t, adultQI), Policy{K: 5, MaxSuppression: 0.05}, Options{Metric: DMStar})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTransform(res, res.Optimum)
	var buf bytes.Buffer
	if err := tr.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTransform("t.json", bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Levels, []int{0, 1, 1, 2, 1, 1, 0, 2}) || back.Policy != tr.Policy || len(back.Hierarchies) != 8 {
		t.Fatalf("read back %+v", back)
	}
	// Reapplying to the original rows and counting the failing classes
	// gives the optimum's suppression.
	g, err := back.Generalizer()
	if err != nil {
		t.Fatal(err)
	}
	var gen [][]string
	for _, r := range rows {
		vals := make([]string, len(adultQI))
		for j, q := range adultQI {
			vals[j] = r[slices.Index(header, q)]
		}
		if !g.Generalize(vals, make([]bool, len(vals))) {
			t.Fatalf("row %q not covered", r)
		}
		gen = append(gen, vals)
	}
	gc := classesOf(adultQI, gen, adultQI, nil, "")
	fail, err := Failing(gc, back.Policy)
	if err != nil {
		t.Fatal(err)
	}
	var suppressed int64
	for k, f := range fail {
		if f {
			suppressed += gc.Sizes[k]
		}
	}
	if suppressed != 813 || gc.Len() != res.Optimum.Classes+res.Optimum.SuppressedClasses {
		t.Errorf("reapplied: %d suppressed in %d classes, want 813 in %d", suppressed, gc.Len(), res.Optimum.Classes+res.Optimum.SuppressedClasses)
	}
}

func TestReadTransformErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"version":2}`, "transform version 2"},
		{`{"version":1,"qi":["a"],"levels":[0],"hierarchies":[]}`, "1 QIs, 1 levels and 0 hierarchies"},
		{`{"version":1,"qi":["a"],"levels":[3],"hierarchies":[{"column":"a","source":"x","rows":[["1","*"]]}]}`, "level 3 of \"a\" out of range"},
		{`{"version":1,"qi":["a"],"levels":[0],"hierarchies":[{"column":"b","source":"x","rows":[["1","*"]]}]}`, "is for \"b\""},
		{`{"version":1,"bogus":1}`, "unknown field"},
		{`{"version":1,"qi":["a"],"levels":[0],"hierarchies":[{"column":"a","source":"x","rows":[["1","*"]]}],"policy":{"max_suppression":2}}`, "MaxSuppression: 2: want a share in [0, 1]"},
	} {
		_, err := ReadTransform("t.json", strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzReadTransform(f *testing.F) {
	f.Add(`{"version":1,"qi":["a"],"levels":[1],"hierarchies":[{"column":"a","source":"x","rows":[["1","*"],["2","*"]]}],"policy":{"k":2}}`)
	f.Add(`{"version":1,"qi":["a","b"],"levels":[0,1],"hierarchies":[]}`)
	f.Fuzz(func(t *testing.T, in string) {
		tr, err := ReadTransform("f.json", strings.NewReader(in))
		if err != nil {
			return
		}
		g, err := tr.Generalizer()
		if err != nil {
			t.Fatalf("a transform that reads must give a generalizer: %v", err)
		}
		vals := make([]string, len(tr.QI))
		g.Generalize(vals, make([]bool, len(vals)))
	})
}

// TestFailingSensitive pins Failing on a policy with l and t: classes are
// marked from their sensitive histograms (a regression: Failing once read the
// l/t marks before computing them and panicked).
func TestFailingSensitive(t *testing.T) {
	header := []string{"q", "s"}
	rows := [][]string{
		{"a", "x"}, {"a", "y"}, // class a: 2 distinct values
		{"b", "x"}, {"b", "x"}, // class b: 1 distinct value
		{"c", "x"}, {"c", "y"}, {"c", "y"}, // class c: 2 distinct values
	}
	c := classesOf(header, rows, []string{"q"}, []string{"s"}, "")
	fail, err := Failing(c, Policy{L: 2, LVariant: DistinctL})
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, true, false}; !slices.Equal(fail, want) {
		t.Errorf("distinct l = 2: failing %v, want %v", fail, want)
	}
	// Q = (x 4/7, y 3/7). Equal-distance EMD: a = |1/2-4/7| = 1/14,
	// b = 3/7, c = |1/3-4/7| = 5/21. With t = 0.3 only b fails.
	fail, err = Failing(c, Policy{T: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, true, false}; !slices.Equal(fail, want) {
		t.Errorf("t = 0.3: failing %v, want %v", fail, want)
	}
	fail, err = Failing(c, Policy{T: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, true, true}; !slices.Equal(fail, want) {
		t.Errorf("t = 0.2: failing %v, want %v", fail, want)
	}
}
