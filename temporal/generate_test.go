package temporal

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

// TestGeneratedTruth: exactly the planted subjects have habits, and each
// habit is held by exactly its planted group, at slots 60 and 30, with and
// without the media type, in UTC and in Amsterdam.
func TestGeneratedTruth(t *testing.T) {
	ams, err := LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []*LocationCase{{"UTC", nil, 2}, {"Europe/Amsterdam", ams, 3}} {
		ev, truth, err := Generate(GenerateOptions{Subjects: 600, EventsPerSubject: 60, Seed: 7, Location: loc.loc})
		if err != nil {
			t.Fatal(err)
		}
		if len(truth.Habits) != 4 || truth.Habits[0].Label() != "every Monday ~20:00 a movie of 55–65 minutes, 10 weeks in a row" {
			t.Fatalf("truth %+v", truth.Habits)
		}
		for _, slot := range []int{60, 30} {
			for _, attrs := range [][]string{nil, {"media_type"}} {
				for _, minWeeks := range []int{loc.minWeeks, 10} {
					r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: slot, Attrs: attrs}, MinWeeks: minWeeks, Location: loc.loc, MaxP: -1})
					if r.DistinctHabits != len(truth.Habits) || r.SubjectsWithHabits != 28 {
						t.Errorf("%s slot %d attrs %v weeks %d: %d habits, %d subjects with habits; want 4, 28",
							loc.name, slot, attrs, minWeeks, r.DistinctHabits, r.SubjectsWithHabits)
						continue
					}
					for i, p := range truth.Habits {
						if got := r.HabitSets[slices.IndexFunc(r.HabitSets, func(h Habit) bool { return slices.Equal(h.Subjects, p.Subjects) })]; len(got.Subjects) != len(p.Subjects) {
							t.Errorf("planted group %d not found", i)
						}
						for _, s := range p.Subjects {
							if r.Anonymity[s] != int32(len(p.Subjects)) {
								t.Errorf("a(%d) = %d, want %d", s, r.Anonymity[s], len(p.Subjects))
							}
						}
					}
					if h := r.Habits; h.UniqueP1 != 1.0/28 || h.Le2 != 3.0/28 || h.Lt5 != 3.0/28 {
						t.Errorf("%+v", h)
					}
					// Slot-60 labels name the planted hour.
					if slot == 60 && attrs != nil && r.HabitSets[slices.IndexFunc(r.HabitSets, func(h Habit) bool { return slices.Equal(h.Subjects, truth.Habits[0].Subjects) })].Label != "Mon 20:00-21:00 media_type=movie" {
						t.Errorf("Monday habit label wrong: %+v", r.HabitSets)
					}
				}
			}
		}
	}
}

type LocationCase struct {
	name     string
	loc      *time.Location
	minWeeks int
}

// TestUnicityMatchesExpectation: ε_1 from a sample of 1500 of 3000
// subjects (expectations about 0.004 at slot 15 and 0.30 at slot 60 with
// media type, device and 10-minute durations in the points) lies within four binomial standard errors of the exact
// expectation; results are equal for one and four workers.
func TestUnicityMatchesExpectation(t *testing.T) {
	ev, _, err := Generate(GenerateOptions{Subjects: 3000, EventsPerSubject: 40, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Generalization{{SlotMinutes: 15}, {SlotMinutes: 60, Attrs: []string{"media_type", "device"}, DurationBucket: 10}} {
		slot := g.SlotMinutes
		opt := Options{Generalization: g, TraceAttrs: true, MaxP: 4, SampleSize: 1500, Seed: 11, Workers: 1}
		r := analyze(t, ev, opt)
		e, f, n := r.Trace[0].Expected, r.Trace[0].FractionUnique, float64(r.Trace[0].Sampled)
		if se := math.Sqrt(e * (1 - e) / n); math.Abs(f-e) > 4*se || e <= 0 || e >= 1 {
			t.Errorf("slot %d: ε_1 = %v, expectation %v, 4σ = %v", slot, f, e, 4*se)
		}
		if ci := r.Trace[0].CI95; ci[0] > f || ci[1] < f {
			t.Errorf("CI %v does not hold %v", ci, f)
		}
		for p := 1; p < 4; p++ {
			if r.Trace[p].FractionUnique < r.Trace[p-1].FractionUnique-0.02 {
				t.Errorf("slot %d: ε_%d = %v below ε_%d = %v", slot, p+1, r.Trace[p].FractionUnique, p, r.Trace[p-1].FractionUnique)
			}
		}
		opt.Workers = 4
		r4 := analyze(t, ev, opt)
		if !slices.Equal(r.Trace, r4.Trace) && !traceEqual(r.Trace, r4.Trace) {
			t.Errorf("workers 1 vs 4: %+v vs %+v", r.Trace, r4.Trace)
		}
		opt.Seed = 12
		if r12 := analyze(t, ev, opt); traceEqual(r.Trace, r12.Trace) {
			t.Errorf("seeds 11 and 12 gave equal samples")
		}
	}
}

func traceEqual(a, b []TraceUnicity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Eligible != y.Eligible || x.Sampled != y.Sampled || x.Unique != y.Unique || x.CI95 != y.CI95 {
			return false
		}
	}
	return true
}

func TestGenerateErrors(t *testing.T) {
	for _, o := range []GenerateOptions{{EventsPerSubject: 169}, {Subjects: 10, Groups: []int{20}}, {Groups: []int{0}}} {
		if _, _, err := Generate(o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if _, err := Analyze(context.Background(), &Events{Time: []int64{1}, Subject: nil}, Options{Generalization: Generalization{SlotMinutes: 60}}); err == nil {
		t.Error("mismatched lengths accepted")
	}
	ev, _, _ := Generate(GenerateOptions{Subjects: 50, Groups: []int{1}})
	for _, g := range []Generalization{{SlotMinutes: 7}, {SlotMinutes: 60, Attrs: []string{"nope"}}, {SlotMinutes: 60, DurationBucket: -1}} {
		if _, err := Analyze(context.Background(), ev, Options{Generalization: g}); err == nil {
			t.Errorf("%v accepted", g)
		}
	}
}
