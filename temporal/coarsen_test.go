package temporal

import (
	"context"
	"math"
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	p, err := ParsePolicy("unique_p1<=0.01, lt_5 < 5% and eps2<=0.3")
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 3 || p[0] != (Limit{"unique_p1", 0.01, false}) || p[1] != (Limit{"lt_5", 0.05, true}) || p[2] != (Limit{"eps2", 0.3, false}) {
		t.Errorf("got %+v", p)
	}
	if p.MaxP() != 2 || p.String() != "unique_p1<=0.01,lt_5<0.05,eps2<=0.3" {
		t.Errorf("MaxP %d, String %q", p.MaxP(), p.String())
	}
	for _, bad := range []string{"", "k>=5", "unique_p1", "unique_p3<=0.1", "eps0<=0.1", "le_2<=x", "lt_5<=1.5"} {
		if _, err := ParsePolicy(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	r := &Report{Habits: HabitAnonymity{UniqueP1: 0.02, Lt5: 0.05}, Trace: []TraceUnicity{{}, {FractionUnique: 0.3}}}
	if p.Met(r) {
		t.Error("unique_p1 0.02 met <= 0.01")
	}
	r.Habits.UniqueP1 = 0.01
	if p.Met(r) {
		t.Error("lt_5 0.05 met < 0.05")
	}
	r.Habits.Lt5 = 0.04
	if !p.Met(r) {
		t.Errorf("not met: excess %v", p.Excess(r))
	}
}

// TestCoarsenHandComputed: A and B watch on Mondays at 20:10 and 20:40,
// C on Tuesdays at 20:10, four weeks each; policy unique_p1<=0 from slot
// 30. Slot levels 30…1440 (6) cost 1/5 each, day levels 1/2 each. Cheaper
// nodes fail: slot 60 (1/5), 120 (2/5), 240 (3/5) leave C alone on
// Tuesdays; weekday/weekend at slot 30 (1/2) puts A with C but leaves B
// alone at 20:30. Slot 60 with weekday/weekend (7/10) puts all three in
// "weekday 20:00-21:00": a = 3 for all.
func TestCoarsenHandComputed(t *testing.T) {
	ev := build(t, concat(
		weekly("A", "2024-01-01T20:10:00Z", 4, "tv", nan),
		weekly("B", "2024-01-01T20:40:00Z", 4, "tv", nan),
		weekly("C", "2024-01-02T20:10:00Z", 4, "tv", nan),
	))
	pol, _ := ParsePolicy("unique_p1<=0")
	sg, err := Coarsen(context.Background(), ev, CoarsenOptions{Options: Options{Generalization: Generalization{SlotMinutes: 30}, MaxP: -1}, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	want := Generalization{SlotMinutes: 60, Days: WeekdayWeekend}
	if !sg.Met || sg.Generalization.String() != want.String() {
		t.Fatalf("got %v (met %v), want %v", sg.Generalization, sg.Met, want)
	}
	if sg.Before.Habits.UniqueP1 != 1 || sg.After.Habits.UniqueP1 != 0 || sg.After.Anonymity[2] != 3 {
		t.Errorf("before %v after %v, a(C) = %d", sg.Before.Habits.UniqueP1, sg.After.Habits.UniqueP1, sg.After.Anonymity[2])
	}
	// slots 30,60,120,240,360,1440 (6 levels), days 3 levels: slot 60 costs
	// 1/5, weekday/weekend 1/2; cheaper nodes (slot ≤ 240 alone, cost ≤ 3/5)
	// — slot 120 = 2/5 leaves C alone; weekday/weekend at slot 30 leaves
	// A and B apart.
	if want := 0.2 + 0.5; sg.Cost != want {
		t.Errorf("cost %v, want %v", sg.Cost, want)
	}
	if sg.Evaluated < 2 {
		t.Errorf("evaluated %d", sg.Evaluated)
	}
}

func TestRewriter(t *testing.T) {
	ev := build(t, []row{
		{"A", "2024-01-07T23:30:00Z", "tv", 59},   // Sunday W01 UTC; Monday 00:30 W02 in Amsterdam
		{"A", "2024-01-10T20:45:10Z", "tv", nan},  // Wednesday
		{"B", "2024-07-06T18:30:00Z", "radio", 0}, // Saturday; 20:30 CEST
	})
	ams, _ := LoadLocation("Europe/Amsterdam")
	for _, c := range []struct {
		g      Generalization
		loc    bool
		times  []string
		durs   []string
		starts []string // representatives, hand-computed
		dstart []string
	}{
		{Generalization{SlotMinutes: 60, DurationBucket: 15, Attrs: []string{"media"}}, false,
			[]string{"2024-01-07 23:00-24:00", "2024-01-10 20:00-21:00", "2024-07-06 18:00-19:00"}, []string{"[45,60)", "", "[0,15)"},
			[]string{"2024-01-07T23:00:00Z", "2024-01-10T20:00:00Z", "2024-07-06T18:00:00Z"}, []string{"45", "", "0"}},
		{Generalization{SlotMinutes: 60, Days: WeekdayWeekend}, true,
			[]string{"2024-W02 weekday 00:00-01:00", "2024-W02 weekday 21:00-22:00", "2024-W27 weekend 20:00-21:00"}, []string{"", "", ""},
			// Weekdays → the week's Monday, weekend → its Saturday, local offset.
			[]string{"2024-01-08T00:00:00+01:00", "2024-01-08T21:00:00+01:00", "2024-07-06T20:00:00+02:00"}, []string{"", "", ""}},
		{Generalization{SlotMinutes: DayParts, Days: AnyDay}, false,
			[]string{"2024-W01 evening", "2024-W02 evening", "2024-W27 evening"}, []string{"", "", ""},
			[]string{"2024-01-01T18:00:00Z", "2024-01-08T18:00:00Z", "2024-07-01T18:00:00Z"}, []string{"", "", ""}},
		{Generalization{SlotMinutes: WholeDay, Days: WeekdayWeekend}, false,
			[]string{"2024-W01 weekend", "2024-W02 weekday", "2024-W27 weekend"}, []string{"", "", ""},
			[]string{"2024-01-06T00:00:00Z", "2024-01-08T00:00:00Z", "2024-07-06T00:00:00Z"}, []string{"", "", ""}},
	} {
		loc := ams
		if !c.loc {
			loc = nil
		}
		rw, err := NewRewriter(ev, c.g, loc)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if got, _ := rw.Time(i); got != c.times[i] {
				t.Errorf("%v: time %d = %q, want %q", c.g, i, got, c.times[i])
			}
			if got, _ := rw.Duration(i); got != c.durs[i] {
				t.Errorf("%v: duration %d = %q, want %q", c.g, i, got, c.durs[i])
			}
			if got, _ := rw.Start(i); got != c.starts[i] {
				t.Errorf("%v: start %d = %q, want %q", c.g, i, got, c.starts[i])
			}
			if got, _ := rw.DurationStart(i); got != c.dstart[i] {
				t.Errorf("%v: duration start %d = %q, want %q", c.g, i, got, c.dstart[i])
			}
		}
		if got := strings.Join(rw.Dropped(), ","); (len(c.g.Attrs) == 0) != (got == "media") {
			t.Errorf("%v: dropped %q", c.g, got)
		}
	}
}

func TestPolicyCounts(t *testing.T) {
	p, err := ParsePolicy("singled_out<=0, lt_5_subjects<3 and unique_p1<=1%")
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{Subjects: 10, Habits: HabitAnonymity{SingledOut: 2, Lt5Subjects: 3, UniqueP1: 0.01}}
	// (2 − 0)/10 + tiny (3 < 3 fails with equality) + 0.
	if got, want := p.Excess(r), 0.2+1e-12; math.Abs(got-want) > 1e-15 {
		t.Errorf("excess %v, want %v", got, want)
	}
	r.Habits.SingledOut, r.Habits.Lt5Subjects = 0, 2
	if !p.Met(r) {
		t.Errorf("%s not met by %+v", p, r.Habits)
	}
	for _, bad := range []string{"singled_out<=1%", "singled_out<=-1", "lt_5_subjects<=x"} {
		if _, err := ParsePolicy(bad); err == nil {
			t.Errorf("ParsePolicy(%q): no error", bad)
		}
	}
	if _, err := ParsePolicy("le_2_subjects<=25"); err != nil {
		t.Errorf("a count above 1: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	for g, want := range map[*Generalization]string{
		{SlotMinutes: 60, Attrs: []string{"media_type"}, DurationBucket: 15}: "ISO weekday × 60-min slot × media_type × duration/15",
		{SlotMinutes: DayParts, Days: WeekdayWeekend}:                        "weekday/weekend × day part",
		{SlotMinutes: WholeDay, Days: AnyDay}:                                "ISO week only",
		{SlotMinutes: WholeDay, Days: AnyDay, DurationBucket: 7.5}:           "duration/7.5",
	} {
		if got := g.Describe(); got != want {
			t.Errorf("%v: %q, want %q", *g, got, want)
		}
	}
}
