package anonymity_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
)

// measDiseases is the hand-computed table used by the l-diversity,
// t-closeness, β-likeness and δ-disclosure tests: 20 rows in 5 classes.
//
//	E0: flu 3, cancer 1
//	E1: flu 4, cancer 1, hiv 1
//	E2: hiv 2                        (one sensitive value)
//	E3: flu 2, null 2                (a null sensitive value; a tie)
//	E4: cancer 1, flu 1, hiv 1, null 1
//
// Whole table: flu 10, cancer 3, hiv 4, null 3 → q = .5, .15, .2, .15.
func measDiseases() *anonymity.Multiset {
	return measMultiset("disease",
		[]measVC{{"flu", 3}, {"cancer", 1}},
		[]measVC{{"flu", 4}, {"cancer", 1}, {"hiv", 1}},
		[]measVC{{"hiv", 2}},
		[]measVC{{"flu", 2}, {measNull, 2}},
		[]measVC{{"cancer", 1}, {"flu", 1}, {"hiv", 1}, {measNull, 1}},
	)
}

func TestDistinctL(t *testing.T) {
	if got, want := anonymity.DistinctL(measDiseases()), []int{2, 3, 1, 2, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("DistinctL = %v, want %v", got, want)
	}
	// A zero count is not a value.
	m := measMultiset("s", []measVC{{"a", 2}, {"b", 0}})
	if got := anonymity.DistinctL(m); !reflect.DeepEqual(got, []int{1}) {
		t.Errorf("DistinctL with a zero count = %v, want [1]", got)
	}
}

func TestEntropyL(t *testing.T) {
	// E0: exp(−(¾ ln ¾ + ¼ ln ¼)) = 1.75476535…, unrounded (pyCANON would
	// floor the table's minimum to an integer). E2 has one value: exactly 1.
	// E3 is a tie 2/2: exactly 2; E4 four equal values: 4.
	want := []float64{1.7547653506033232, 2.381101577952299, 1, 2, 4}
	measCloseAll(t, "EntropyL", anonymity.EntropyL(measDiseases()), want, 1e-12)
	if got := anonymity.EntropyL(measDiseases())[2]; got != 1 {
		t.Errorf("EntropyL of a one-value class = %v, want exactly 1", got)
	}
}

func TestRecursiveC(t *testing.T) {
	m := measDiseases()
	// l = 2, counts sorted descending: E0 3,1 → 3/1; E1 4,1,1 → 4/(1+1);
	// E2 has 1 < 2 values → +Inf; E3 2,2 → 1; E4 1,1,1,1 → 1/3.
	measCloseAll(t, "RecursiveC(l=2)", anonymity.RecursiveC(m, 2),
		[]float64{3, 2, math.Inf(1), 1, 1.0 / 3}, 1e-15)
	// l = 3: E1 4/1; E4 1/(1+1).
	measCloseAll(t, "RecursiveC(l=3)", anonymity.RecursiveC(m, 3),
		[]float64{math.Inf(1), 4, math.Inf(1), math.Inf(1), 0.5}, 1e-15)
	// l = 1: r1 / n.
	measCloseAll(t, "RecursiveC(l=1)", anonymity.RecursiveC(m, 1),
		[]float64{0.75, 4.0 / 6, 1, 0.5, 0.25}, 1e-15)
	for _, c := range anonymity.RecursiveC(m, 0) {
		if !math.IsNaN(c) {
			t.Errorf("RecursiveC(l=0) = %v, want NaN", c)
		}
	}
}

// The counts are sorted descending, as Machanavajjhala et al. define it.
// pyCANON sorts them ascending: for E1 (4, 1, 1) and l = 2 it takes
// r_1 = 1 and r_2+r_3 = 1+4, giving 1/5 (reported as floor(1/5)+1 = 1),
// where the definition gives 4/(1+1) = 2. So does sdcMicro's ordering
// (descending) and ARX's.
func TestRecursiveCDescendingNotAscending(t *testing.T) {
	m := measMultiset("s", []measVC{{"a", 1}, {"b", 4}, {"c", 1}})
	got := anonymity.RecursiveC(m, 2)[0]
	if got != 2 {
		t.Fatalf("RecursiveC = %v, want 2 (descending order; ascending would give 0.2)", got)
	}
	// (c,l) = (2,2) fails (4 < 2·2 is false); (2.01, 2) holds.
	if anonymity.SatisfiesRecursiveCL(m, 2, 2) {
		t.Error("SatisfiesRecursiveCL(c=2, l=2) = true, want false: the test is strict")
	}
	if !anonymity.SatisfiesRecursiveCL(m, 2.01, 2) {
		t.Error("SatisfiesRecursiveCL(c=2.01, l=2) = false, want true")
	}
}

func TestSatisfiesRecursiveCL(t *testing.T) {
	m := measDiseases()
	// E2 has a single value: no c makes the table (c,2)-diverse.
	if anonymity.SatisfiesRecursiveCL(m, 1000, 2) {
		t.Error("table with a one-value class satisfies (1000,2)")
	}
	// Without E2 the boundary is max(3, 2, 1, 1/3) = 3.
	m2 := measMultiset("disease",
		[]measVC{{"flu", 3}, {"cancer", 1}},
		[]measVC{{"flu", 4}, {"cancer", 1}, {"hiv", 1}},
		[]measVC{{"flu", 2}, {measNull, 2}},
	)
	for _, tc := range []struct {
		c    float64
		l    int
		want bool
	}{{3, 2, false}, {3.0001, 2, true}, {math.NaN(), 2, false}, {10, 0, false}, {10, 3, false}} {
		if got := anonymity.SatisfiesRecursiveCL(m2, tc.c, tc.l); got != tc.want {
			t.Errorf("SatisfiesRecursiveCL(c=%v, l=%d) = %v, want %v", tc.c, tc.l, got, tc.want)
		}
	}
	if !anonymity.SatisfiesRecursiveCL(measMultiset("empty"), 1, 2) {
		t.Error("a table without classes should satisfy (c,l) vacuously")
	}
}

func TestMalformedMultiset(t *testing.T) {
	bad := []*anonymity.Multiset{
		nil,
		{Offsets: []int{0, 2}, Values: []uint32{1}, Counts: []int64{1}},          // offset past values
		{Offsets: []int{0, 2}, Values: []uint32{1, 1}, Counts: []int64{1, 1}},    // repeated value
		{Offsets: []int{0, 1}, Values: []uint32{1}, Counts: []int64{-1}},         // negative count
		{Offsets: []int{0, 1}, Values: []uint32{1}, Counts: []int64{1, 2}},       // counts ≠ values
		{Offsets: []int{1, 2}, Values: []uint32{1, 2}, Counts: []int64{1, 2}},    // not from 0
		{Offsets: []int{0, 1}, Values: []uint32{1, 2}, Counts: []int64{1, 2}},    // values left over
		{Offsets: []int{0, 2, 1}, Values: []uint32{1, 2}, Counts: []int64{1, 2}}, // decreasing
	}
	for i, m := range bad {
		if anonymity.DistinctL(m) != nil || anonymity.EntropyL(m) != nil || anonymity.RecursiveC(m, 2) != nil ||
			anonymity.TCloseness(m, anonymity.EqualDistance()) != nil || anonymity.DeltaDisclosure(m) != nil {
			t.Errorf("malformed multiset %d: got a result, want nil", i)
		}
		if b, e := anonymity.BetaLikeness(m); b != nil || e != nil {
			t.Errorf("malformed multiset %d: BetaLikeness gave a result", i)
		}
		if _, err := anonymity.SummarizeSensitive(m, anonymity.SensitiveOptions{}); err == nil {
			t.Errorf("malformed multiset %d: SummarizeSensitive gave no error", i)
		}
	}
}

// TestAlpha checks α per class on a hand-made multiset: counts {3, 1}
// give 3/4, {2, 2} give 1/2, a single value 1, an empty class 0.
func TestAlpha(t *testing.T) {
	m := &anonymity.Multiset{
		Name:    "disease",
		Offsets: []int{0, 2, 4, 5, 5},
		Values:  []uint32{0, 1, 0, 2, 1},
		Counts:  []int64{3, 1, 2, 2, 4},
	}
	got := anonymity.Alpha(m)
	want := []float64{0.75, 0.5, 1, 0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Alpha = %v, want %v", got, want)
	}
	if anonymity.Alpha(&anonymity.Multiset{Offsets: []int{0, 2}, Values: []uint32{0}, Counts: []int64{1}}) != nil {
		t.Error("a malformed multiset gave figures")
	}
}
