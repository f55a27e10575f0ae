package temporal_test

// Tests on logs from the demo's generator (internal/demo), which imports
// temporal: so they are external tests, and reach the package's unexported
// helpers through export_test.go.

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/reidrisk/reidrisk/internal/demo"
	. "github.com/reidrisk/reidrisk/temporal"
)

// TestUnicityMatchesExpectation: ε_1 from a sample of 1500 of 3000
// subjects (expectations about 0.004 at slot 15 and 0.30 at slot 60 with
// media type, device and 10-minute durations in the points) lies within four binomial standard errors of the exact
// expectation; results are equal for one and four workers.
func TestUnicityMatchesExpectation(t *testing.T) {
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Subjects: 3000, EventsPerSubject: 40, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []Generalization{{SlotMinutes: 15}, {SlotMinutes: 60, Attrs: []string{"media_type", "device"}, DurationBucket: 10}} {
		slot := g.SlotMinutes
		opt := Options{Generalization: g, TraceAttrs: true, MaxP: 4, SampleSize: 1500, Seed: 11, Workers: 1}
		r := MustAnalyze(t, ev, opt)
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
		r4 := MustAnalyze(t, ev, opt)
		if !slices.Equal(r.Trace, r4.Trace) && !traceEqual(r.Trace, r4.Trace) {
			t.Errorf("workers 1 vs 4: %+v vs %+v", r.Trace, r4.Trace)
		}
		opt.Seed = 12
		if r12 := MustAnalyze(t, ev, opt); traceEqual(r.Trace, r12.Trace) {
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

// TestAnalyzeErrors: mismatched slices and bad generalizations are errors.
func TestAnalyzeErrors(t *testing.T) {
	if _, err := Analyze(context.Background(), &Events{Time: []int64{1}, Subject: nil}, Options{Generalization: Generalization{SlotMinutes: 60}}); err == nil {
		t.Error("mismatched lengths accepted")
	}
	ev, _, _ := demo.GenerateEvents(demo.EventOptions{Subjects: 50, Groups: []int{1}})
	for _, g := range []Generalization{{SlotMinutes: 7}, {SlotMinutes: 60, Attrs: []string{"nope"}}, {SlotMinutes: 60, DurationBucket: -1}} {
		if _, err := Analyze(context.Background(), ev, Options{Generalization: g}); err == nil {
			t.Errorf("%v accepted", g)
		}
	}
}

// TestWideKeys: with attribute dictionaries so large that key × week does
// not fit in 64 bits, the unpacked path gives the same habits.
func TestWideKeys(t *testing.T) {
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Subjects: 300, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	// Weekday/weekend × 2 h lets background viewing form habits too; trace
	// points with attributes take the hash-map path when keys are wide.
	g := Generalization{SlotMinutes: 120, Days: WeekdayWeekend, Attrs: []string{"media_type", "device"}}
	narrow := MustAnalyze(t, ev, Options{Generalization: g, MinWeeks: 2, MaxP: 2, TraceAttrs: true})
	if narrow.SubjectsWithHabits <= 28 {
		t.Fatalf("only %d subjects with habits", narrow.SubjectsWithHabits)
	}
	wide := *ev
	wide.Attrs = slices.Clone(ev.Attrs)
	for j := range wide.Attrs {
		labels := make([]string, 1<<21)
		copy(labels, wide.Attrs[j].Labels)
		wide.Attrs[j].Labels = labels
	}
	space, err := HabitSpace(&wide, g)
	if err != nil {
		t.Fatal(err)
	}
	if space <= 1<<40 {
		t.Fatalf("key space %d does not force the wide path", space)
	}
	r := MustAnalyze(t, &wide, Options{Generalization: g, MinWeeks: 2, MaxP: 2, TraceAttrs: true})
	if r.SubjectsWithHabits != narrow.SubjectsWithHabits || r.DistinctHabits != narrow.DistinctHabits ||
		!slices.Equal(r.Anonymity, narrow.Anonymity) || !habitsEqual(r.Habits, narrow.Habits) {
		t.Errorf("wide %+v, narrow %+v", r.Habits, narrow.Habits)
	}
	if !traceEqual(r.Trace, narrow.Trace) {
		t.Errorf("trace wide %+v narrow %+v", r.Trace, narrow.Trace)
	}
}

func habitsEqual(a, b HabitAnonymity) bool {
	return a.UniqueP1 == b.UniqueP1 && a.Le2 == b.Le2 && a.Lt5 == b.Lt5 && a.UniqueP2 == b.UniqueP2 &&
		a.SubjectsWithTwoHabits == b.SubjectsWithTwoHabits && MapsEqual(a.Histogram, b.Histogram)
}

// TestProgress: subjects processed are reported per stage, in order,
// ending at the number of subject codes.
func TestProgress(t *testing.T) {
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Subjects: 300, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]int{}
	var stages []string
	opt := Options{Generalization: Generalization{SlotMinutes: 60}, MaxP: 1, Workers: 2,
		Progress: func(stage string, done, total int) {
			if total != 300 || done < last[stage] || done > total {
				t.Errorf("%s: %d of %d after %d", stage, done, total, last[stage])
			}
			if _, ok := last[stage]; !ok {
				stages = append(stages, stage)
			}
			last[stage] = done
		}}
	if _, err := Analyze(context.Background(), ev, opt); err != nil {
		t.Fatal(err)
	}
	if len(stages) != 2 || stages[0] != "habits" || stages[1] != "traces" || last["habits"] != 300 || last["traces"] != 300 {
		t.Errorf("stages %v, last %v", stages, last)
	}
}

// TestCoarsenLeast checks on a generated log that no cheaper node meets the
// policy, by measuring every node of the lattice.
func TestCoarsenLeast(t *testing.T) {
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Subjects: 300, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pol, _ := ParsePolicy("unique_p1<=0,le_2<=0.05")
	start := Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}}
	sg, err := Coarsen(ctx, ev, CoarsenOptions{Options: Options{Generalization: start, MaxP: -1}, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if !sg.Met || !pol.Met(sg.After) || pol.Met(sg.Before) {
		t.Fatalf("met %v: before %+v after %+v", sg.Met, sg.Before.Habits, sg.After.Habits)
	}
	slots := []int{60, 120, 240, 360, 1440}
	for si, s := range slots {
		for d := ISODay; d <= AnyDay; d++ {
			for _, attrs := range [][]string{{"media_type"}, nil} {
				cost := float64(si)/4 + float64(d)/2 + float64(2-2*len(attrs))/2
				if cost >= sg.Cost {
					continue
				}
				r := MustAnalyze(t, ev, Options{Generalization: Generalization{SlotMinutes: s, Days: d, Attrs: attrs}, MaxP: -1})
				// Coarsen accepts a node meeting the policy that singles out
				// no more subjects by one habit or by a pair of habits.
				if pol.Met(r) && r.Habits.SingledOut <= sg.Before.Habits.SingledOut && PairUnique(r) <= PairUnique(sg.Before) {
					t.Errorf("cheaper node slot %d %v %v (cost %v < %v) meets the policy", s, d, attrs, cost, sg.Cost)
				}
			}
		}
	}
}

// TestCoarsenNeverSinglesOutMore pins review item 6: on the generated log
// (1 subject singled out at slot 60 × ISO day × media type, 28 with habits)
// weekday/weekend × day parts × media type meets unique_p1 ≤ 0.01 only by
// giving hundreds of subjects habits, while singling out more of them.
// Coarsen must not return such a node.
func TestCoarsenNeverSinglesOutMore(t *testing.T) {
	ctx := context.Background()
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	start := Options{Generalization: Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}}, MaxP: -1}
	diluted := start
	diluted.Generalization = Generalization{SlotMinutes: DayParts, Days: WeekdayWeekend, Attrs: []string{"media_type"}}
	r, err := Analyze(ctx, ev, diluted)
	if err != nil {
		t.Fatal(err)
	}
	if r.Habits.UniqueP1 > 0.01 || r.Habits.SingledOut <= 1 {
		t.Fatalf("day parts × weekday/weekend: unique_p1 %v, %d singled out; the test needs ≤ 0.01 and > 1", r.Habits.UniqueP1, r.Habits.SingledOut)
	}
	pol, err := ParsePolicy("unique_p1<=0.01")
	if err != nil {
		t.Fatal(err)
	}
	sg, err := Coarsen(ctx, ev, CoarsenOptions{Options: start, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if sg.Before.Habits.SingledOut != 1 || sg.Before.SubjectsWithHabits != 28 {
		t.Fatalf("before: %d singled out of %d, want 1 of 28", sg.Before.Habits.SingledOut, sg.Before.SubjectsWithHabits)
	}
	if !sg.Met {
		t.Fatalf("no node met %s (closest %s)", pol, sg.Generalization)
	}
	if sg.After.Habits.SingledOut > sg.Before.Habits.SingledOut || sg.After.Habits.UniqueP1 > 0.01 {
		t.Errorf("%s: %d singled out (unique_p1 %v), before %d", sg.Generalization, sg.After.Habits.SingledOut,
			sg.After.Habits.UniqueP1, sg.Before.Habits.SingledOut)
	}
	if sg.Generalization.String() == diluted.Generalization.String() {
		t.Errorf("returned the diluting node %s", sg.Generalization)
	}
	// The count policy: nobody singled out.
	pol, err = ParsePolicy("singled_out<=0")
	if err != nil {
		t.Fatal(err)
	}
	sg, err = Coarsen(ctx, ev, CoarsenOptions{Options: start, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if !sg.Met || sg.After.Habits.SingledOut != 0 {
		t.Errorf("singled_out<=0: met %v, %d singled out at %s", sg.Met, sg.After.Habits.SingledOut, sg.Generalization)
	}
	for _, w := range sg.Warnings {
		t.Logf("warning: %s", w)
	}
}

// Issue 12, case 7: on the README's event log (the demo's, seed 1) with
// --attrs media_type, the policy lt_5<=0 used to return weekday/weekend ×
// media_type, which singles out 2 subjects by a pair of habits where the
// input singled out none. A node that singles out more subjects by a pair
// of habits than the start is not accepted: the least one that qualifies
// is media_type alone (cost 2: slot and day given up).
func TestCoarsenNeverSinglesOutMorePairs(t *testing.T) {
	ctx := context.Background()
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Seed: 1, Subjects: 1500})
	if err != nil {
		t.Fatal(err)
	}
	start := Options{Generalization: Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}}, MaxP: -1}
	old := start
	old.Generalization = Generalization{SlotMinutes: WholeDay, Days: WeekdayWeekend, Attrs: []string{"media_type"}}
	r, err := Analyze(ctx, ev, old)
	if err != nil {
		t.Fatal(err)
	}
	if got := PairUnique(r); got != 2 || r.Habits.Lt5Subjects != 0 {
		t.Fatalf("weekday/weekend × media_type: %d pair-unique, %d with a(s) < 5; the test needs 2 and 0", got, r.Habits.Lt5Subjects)
	}
	pol, err := ParsePolicy("lt_5<=0")
	if err != nil {
		t.Fatal(err)
	}
	sg, err := Coarsen(ctx, ev, CoarsenOptions{Options: start, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if !sg.Met {
		t.Fatalf("no node met %s (closest %s)", pol, sg.Generalization)
	}
	if b, a := PairUnique(sg.Before), PairUnique(sg.After); b != 0 || a != 0 {
		t.Errorf("%s: %d subjects singled out by a pair of habits, before %d; want 0 and 0", sg.Generalization, a, b)
	}
	if g := sg.Generalization; g.SlotMinutes != WholeDay || g.Days != AnyDay || g.DurationBucket != 0 || len(g.Attrs) != 1 || g.Attrs[0] != "media_type" || sg.Cost != 2 {
		t.Errorf("got %s at cost %v, want media_type alone at cost 2", g, sg.Cost)
	}
	for _, w := range sg.Warnings {
		t.Errorf("warning on a suggestion that meets the policy: %s", w)
	}
	// With a budget too small to reach it, the search says it found none.
	sg, err = Coarsen(ctx, ev, CoarsenOptions{Options: start, Policy: pol, MaxEvaluations: 15})
	if err != nil {
		t.Fatal(err)
	}
	if sg.Met {
		t.Errorf("15 evaluations: met at %s, want not met (the only qualifying node is the 21st)", sg.Generalization)
	}
}

func TestCancelled(t *testing.T) {
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Subjects: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, ev, Options{Generalization: Generalization{SlotMinutes: 60}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Analyze: %v, want context.Canceled", err)
	}
	pol, _ := ParsePolicy("unique_p1<=0")
	if _, err := Coarsen(ctx, ev, CoarsenOptions{Options: Options{Generalization: Generalization{SlotMinutes: 60}}, Policy: pol}); !errors.Is(err, context.Canceled) {
		t.Errorf("Coarsen: %v, want context.Canceled", err)
	}
}
