package generalize

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// TestSearchSensitive runs l-diversity and t-closeness policies through
// the search on a hand-made table.
func TestSearchSensitive(t *testing.T) {
	header := []string{"zip", "disease"}
	rows := [][]string{
		{"v0", "flu"}, {"v0", "flu"}, {"v1", "cold"}, {"v1", "cold"},
		{"v2", "flu"}, {"v2", "cold"}, {"v3", "flu"}, {"v3", "cancer"},
	}
	h, err := NewHierarchy("zip", "zip.csv", [][]string{
		{"v0", "a", "*"}, {"v1", "a", "*"}, {"v2", "b", "*"}, {"v3", "b", "*"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := classesOf(header, rows, []string{"zip"}, []string{"disease"}, "")
	// The table holds flu 1/2, cold 3/8, cancer 1/8. Class a = (flu ½,
	// cold ½) and class b = (flu ½, cold ¼, cancer ¼) are both at equal
	// distance ½(0 + 1/8 + 1/8) = 1/8 from it; v0 (flu only) at 1/2.
	for _, tc := range []struct {
		p      Policy
		metric Metric
		level  int
	}{
		{Policy{L: 2}, DM, 1},                          // v0 and v1 alone are 1-diverse
		{Policy{L: 3}, DM, 2},                          // only * holds flu, cold and cancer
		{Policy{L: 2, MaxSuppression: 0.5}, DM, 1},     // suppressing v0, v1 costs DM 40 > 32
		{Policy{L: 2, MaxSuppression: 0.5}, DMStar, 0}, // DM* 16 < 32
		// Entropy: a = (2, 2) has H = ln 2 exactly (2-diverse, not 2.1);
		// * = (4, 3, 1) has exp H = 2.65.
		{Policy{L: 2, LVariant: EntropyL}, DM, 1},
		{Policy{L: 2.1, LVariant: EntropyL}, DM, 2},
		// Recursive (2,2): a 2 < 2·2, b 2 < 2·(1+1); v0 holds one value.
		{Policy{L: 2, LVariant: RecursiveCL, C: 2}, DM, 1},
		{Policy{T: 0.3}, DM, 1},
		{Policy{T: 0.1}, DM, 2},
	} {
		res, err := Search(context.Background(), c, []*Hierarchy{h}, tc.p, Options{Metric: tc.metric})
		if err != nil {
			t.Fatal(err)
		}
		if res.Optimum == nil || res.Optimum.Levels[0] != tc.level {
			t.Errorf("%+v: optimum %+v, want level %d", tc.p, res.Optimum, tc.level)
		}
	}
	// Recursive (1,2): (2, 2) fails 2 < 1·2 and * (4, 3, 1) fails 4 < 4.
	res, err := Search(context.Background(), c, []*Hierarchy{h}, Policy{L: 2, LVariant: RecursiveCL, C: 1}, Options{Metric: DM})
	if err != nil || res.Optimum != nil {
		t.Errorf("recursive (1,2): optimum %+v, err %v; want none", res.Optimum, err)
	}
}

func TestSearchCancelled(t *testing.T) {
	c := classesOf([]string{"q"}, [][]string{{"v0"}, {"v1"}}, []string{"q"}, nil, "")
	h, _ := NewHierarchy("q", "q.csv", [][]string{{"v0", "*"}, {"v1", "*"}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Search(ctx, c, []*Hierarchy{h}, Policy{K: 2}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestPolicyJSON(t *testing.T) {
	p := Policy{K: 5, L: 2, LVariant: EntropyL, T: 0.2, TDistance: OrderedDistance, MaxSuppression: 0.05}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"k":5,"l":2,"l_variant":"entropy","t":0.2,"t_distance":"ordered","max_suppression":0.05}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Errorf("read back %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"l_variant":"fancy"}`), &back); err == nil {
		t.Error("unknown l variant accepted")
	}
}

// TestSubjectK counts k in distinct subjects: a class of 4 rows from one
// person is not 2-anonymous.
func TestSubjectK(t *testing.T) {
	header := []string{"zip", "person"}
	rows := [][]string{{"v0", "p1"}, {"v0", "p1"}, {"v0", "p1"}, {"v0", "p1"}, {"v1", "p2"}, {"v1", "p3"}}
	h, _ := NewHierarchy("zip", "zip.csv", [][]string{{"v0", "*"}, {"v1", "*"}})
	c := classesOf(header, rows, []string{"zip"}, nil, "person")
	for _, tc := range []struct {
		p     Policy
		level int
	}{{Policy{K: 2}, 0}, {Policy{K: 2, SubjectK: true}, 1}} {
		res, err := Search(context.Background(), c, []*Hierarchy{h}, tc.p, Options{Metric: DM})
		if err != nil {
			t.Fatal(err)
		}
		if res.Optimum == nil || res.Optimum.Levels[0] != tc.level {
			t.Errorf("%+v: optimum %+v, want level %d", tc.p, res.Optimum, tc.level)
		}
	}
}

// TestBefore pins the figures of the ungeneralised table, which the search
// reports next to its suggestions even when the bottom node is infeasible.
func TestBefore(t *testing.T) {
	header := []string{"zip"}
	rows := [][]string{{"v0"}, {"v0"}, {"v0"}, {"v1"}, {"v2"}, {"v2"}}
	h, _ := NewHierarchy("zip", "zip.csv", [][]string{{"v0", "a", "*"}, {"v1", "a", "*"}, {"v2", "b", "*"}})
	c := classesOf(header, rows, []string{"zip"}, nil, "")
	res, err := Search(context.Background(), c, []*Hierarchy{h}, Policy{K: 2}, Options{Metric: DM})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Before
	// Classes 3, 1, 2: DM = DM* = 9+1+4 = 14; AECS 6/3; average risk 3/6.
	if b.DM != 14 || b.DMStar != 14 || b.Classes != 3 || b.Suppressed != 0 || b.AECS != 2 ||
		b.Precision != 1 || b.Loss != 0 || b.Entropy != 0 || b.HighestRisk != 1 || b.AverageRisk != 0.5 || b.Feasible {
		t.Errorf("before = %+v", *b)
	}
	// The optimum a/b: classes 4 and 2, DM 20; loss: 4 records cover 2 of
	// 3 values, (2−1)/(3−1) each: 4·0.5/6 = 1/3; precision 1 − 1/2.
	o := res.Optimum
	if o == nil || o.Levels[0] != 1 || o.DM != 20 || math.Abs(o.Loss-1.0/3) > 1e-12 || o.Precision != 0.5 {
		t.Errorf("optimum = %+v", o)
	}
}

// TestTReferenceIsInput pins the reference distribution of t-closeness:
// the whole input, suppressed records included (as ARX), not the records
// a node keeps. The input holds x 2/5, y 2/5, z 1/5; class a = (x ½, y ½)
// is at equal distance ½(0.1 + 0.1 + 0.2) = 0.2 from it, and at 0 from the
// distribution of the kept records once b is suppressed.
func TestTReferenceIsInput(t *testing.T) {
	header := []string{"zip", "s"}
	rows := [][]string{{"a", "x"}, {"a", "x"}, {"a", "y"}, {"a", "y"}, {"b", "z"}}
	h, _ := NewHierarchy("zip", "zip.csv", [][]string{{"a", "*"}, {"b", "*"}})
	c := classesOf(header, rows, []string{"zip"}, []string{"s"}, "")
	for _, tc := range []struct {
		t          float64
		level      int
		suppressed int64
	}{
		{0.15, 1, 0}, // against the kept records level 0 would do
		{0.2, 0, 1},
	} {
		res, err := Search(context.Background(), c, []*Hierarchy{h}, Policy{K: 2, T: tc.t, MaxSuppression: 0.2}, Options{Metric: DM})
		if err != nil {
			t.Fatal(err)
		}
		if o := res.Optimum; o == nil || o.Levels[0] != tc.level || o.Suppressed != tc.suppressed {
			t.Errorf("t = %g: optimum %+v, want level %d suppressing %d", tc.t, o, tc.level, tc.suppressed)
		}
	}
}
