package temporal

import (
	"context"
	"math"
	"testing"
)

// TestTraceHandComputed: points at slot 60 are absolute hours.
// X = {P1, P2}, Y = {P1, P3}, Z = {P1} with P1 = 2024-01-01 10h,
// P2 = 01-01 11h, P3 = 01-02 10h (same hour of day as P1, other day).
// Exact p = 1 expectation = (1/2 + 1/2 + 0) / 3 = 1/3. For p = 2 the
// eligible X and Y draw both their points, which nobody else holds: ε_2 = 1.
// With the media attribute in the points Z's radio at P1 is unique too:
// expectation (1/2 + 1/2 + 1) / 3 = 2/3.
func TestTraceHandComputed(t *testing.T) {
	ev := build(t, []row{
		{"X", "2024-01-01T10:05:00Z", "tv", nan},
		{"X", "2024-01-01T10:55:00Z", "tv", nan}, // same point twice
		{"X", "2024-01-01T11:00:00Z", "tv", nan},
		{"Y", "2024-01-01T10:30:00Z", "tv", nan},
		{"Y", "2024-01-02T10:30:00Z", "tv", nan},
		{"Z", "2024-01-01T10:59:59Z", "radio", nan},
	})
	r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60}, MaxP: 3})
	if got := r.Trace[0].Expected; math.Abs(got-1.0/3) > 1e-12 {
		t.Errorf("p=1 expectation %v, want 1/3", got)
	}
	if tu := r.Trace[0]; tu.Eligible != 3 || tu.Sampled != 3 {
		t.Errorf("p=1 eligible %d sampled %d, want 3 3", tu.Eligible, tu.Sampled)
	}
	if tu := r.Trace[1]; tu.Eligible != 2 || tu.Sampled != 2 || tu.Unique != 2 || tu.FractionUnique != 1 || !math.IsNaN(tu.Expected) {
		t.Errorf("p=2: %+v, want eligible 2, sampled 2, unique 2", tu)
	}
	if tu := r.Trace[2]; tu.Eligible != 0 || tu.Sampled != 0 {
		t.Errorf("p=3: %+v, want nobody eligible", tu)
	}
	r = analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60, Attrs: []string{"media"}}, TraceAttrs: true, MaxP: 1})
	if got := r.Trace[0].Expected; math.Abs(got-2.0/3) > 1e-12 {
		t.Errorf("p=1 expectation with attributes %v, want 2/3", got)
	}
	// A sample of one subject.
	r = analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60}, MaxP: 2, SampleSize: 1})
	if r.Trace[1].Sampled != 1 || r.Trace[1].Unique != 1 {
		t.Errorf("p=2 sample of one: %+v", r.Trace[1])
	}
}

// TestWilson checks the interval against values computed from the formula
// by hand: 5 of 10 → [0.2366, 0.7634]; 0 of 10 → [0, 0.2775].
func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{{5, 10, 0.23659, 0.76341}, {0, 10, 0, 0.27753}, {10, 10, 0.72247, 1}} {
		ci := wilson(c.k, c.n)
		if math.Abs(ci[0]-c.lo) > 1e-4 || math.Abs(ci[1]-c.hi) > 1e-4 {
			t.Errorf("wilson(%d,%d) = %v, want [%v %v]", c.k, c.n, ci, c.lo, c.hi)
		}
	}
}

func TestIntersectCount(t *testing.T) {
	a := []uint32{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21}
	b := []uint32{0, 3, 4, 9, 21, 22}
	c := []uint32{3, 9, 10, 21}
	pos := make([]int, 3)
	if n := intersectCount([][]uint32{c, b, a}, 10, pos); n != 3 {
		t.Errorf("|a∩b∩c| = %d, want 3", n)
	}
	if n := intersectCount([][]uint32{c, b, a}, 2, pos); n != 2 {
		t.Errorf("limit 2: %d", n)
	}
	if n := intersectCount([][]uint32{{2}, a}, 2, pos); n != 0 {
		t.Errorf("disjoint: %d", n)
	}
	for x := uint32(0); x < 25; x++ {
		i := search(a, 0, x)
		j := 0
		for j < len(a) && a[j] < x {
			j++
		}
		if i != j {
			t.Errorf("search(%d) = %d, want %d", x, i, j)
		}
	}
}

func TestEmptyAndOutOfRange(t *testing.T) {
	r := analyze(t, &Events{}, Options{Generalization: Generalization{SlotMinutes: 60}})
	if r.Subjects != 0 || r.SubjectsWithHabits != 0 || r.Trace[0].Sampled != 0 || r.Trace[0].Expected != 0 {
		t.Errorf("empty log: %+v", r)
	}
	ev := &Events{Source: "ms.csv", Subject: []uint32{0, 0}, Time: []int64{1704139200, 1704139200000}}
	_, err := Analyze(context.Background(), ev, Options{Generalization: Generalization{SlotMinutes: 60}})
	if err == nil || err.Error() != "ms.csv: row 2: time 1704139200000 s since 1970 lies outside the years 0001–9999 (milliseconds read as seconds?)" {
		t.Errorf("error %v", err)
	}
	// An invalid row's time is not looked at.
	ev.Valid = []bool{true, false}
	if r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60}}); r.SkippedEvents != 1 || r.Subjects != 1 {
		t.Errorf("skipped %d subjects %d", r.SkippedEvents, r.Subjects)
	}
}

func TestEmptyInZone(t *testing.T) {
	ams, _ := LoadLocation("Europe/Amsterdam")
	ev := &Events{Subject: []uint32{0}, Time: []int64{0}, Valid: []bool{false}}
	r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60}, Location: ams})
	if r.Subjects != 0 || r.SkippedEvents != 1 {
		t.Errorf("%+v", r)
	}
}
