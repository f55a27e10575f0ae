package temporal

import (
	"context"
	"math"
	"slices"
	"testing"
)

var nan = math.NaN()

func concat(parts ...[]row) []row { return slices.Concat(parts...) }

func analyze(t *testing.T, ev *Events, opt Options) *Report {
	t.Helper()
	r, err := Analyze(context.Background(), ev, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestHabitAnonymityHandComputed pins a(s), the shares and unique_p2 on a
// log computed by hand. 2024-01-01 is a Monday (ISO week 2024-W01).
//
//	H1 = Mon 20-21: A, B, C     |S(H1)| = 3
//	H2 = Tue 08-09: A, B, D     |S(H2)| = 3
//	H3 = Wed 12-13: C, D        |S(H3)| = 2
//	H4 = Fri 22-23: F           |S(H4)| = 1
//	E has Thu 10-11 in 3 weeks only: no habit.
//
// a = A 3, B 3, C 2, D 2, F 1 → unique_p1 1/5, le_2 3/5, lt_5 5/5.
// Pairs: A {H1,H2} shared with B; B likewise; C {H1,H3} = {C}; D {H2,H3} =
// {D}; F has one habit → unique_p2 = 2/4.
func TestHabitAnonymityHandComputed(t *testing.T) {
	rows := concat(
		weekly("A", "2024-01-01T20:05:00Z", 4, "movie", 60),
		weekly("A", "2024-01-02T08:15:00Z", 4, "news", 10),
		weekly("B", "2024-01-01T20:55:59Z", 4, "series", 45),
		weekly("B", "2024-01-02T08:00:00Z", 4, "news", 10),
		weekly("C", "2024-01-01T20:30:00Z", 4, "movie", 90),
		weekly("C", "2024-01-03T12:10:00Z", 4, "music", 3),
		weekly("D", "2024-01-09T08:40:00Z", 4, "news", 12), // weeks 2-5
		weekly("D", "2024-01-03T12:59:00Z", 4, "music", 4),
		weekly("E", "2024-01-04T10:00:00Z", 3, "movie", 100),
		weekly("F", "2024-01-05T22:00:00Z", 4, "movie", 100),
	)
	ev := build(t, rows)
	r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60}, MinWeeks: 4, MaxP: -1})
	if r.Subjects != 6 || r.SubjectsWithHabits != 5 || r.DistinctHabits != 4 {
		t.Fatalf("subjects %d, with habits %d, habits %d; want 6, 5, 4", r.Subjects, r.SubjectsWithHabits, r.DistinctHabits)
	}
	want := map[string]int32{"A": 3, "B": 3, "C": 2, "D": 2, "E": 0, "F": 1}
	for s, a := range r.Anonymity {
		if w := want[ev.SubjectLabel(uint32(s))]; a != w {
			t.Errorf("a(%s) = %d, want %d", ev.SubjectLabel(uint32(s)), a, w)
		}
	}
	h := r.Habits
	if h.UniqueP1 != 0.2 || h.Le2 != 0.6 || h.Lt5 != 1 || h.UniqueP2 != 0.5 || h.SubjectsWithTwoHabits != 4 {
		t.Errorf("got %+v", h)
	}
	if want := map[int]int{1: 1, 2: 2, 3: 2}; !mapsEqual(h.Histogram, want) {
		t.Errorf("histogram %v, want %v", h.Histogram, want)
	}
	labels := map[string][]string{}
	for _, hs := range r.HabitSets {
		labels[hs.Label] = subjectsOf(ev, hs)
	}
	wantSets := map[string][]string{
		"Mon 20:00-21:00": {"A", "B", "C"},
		"Tue 08:00-09:00": {"A", "B", "D"},
		"Wed 12:00-13:00": {"C", "D"},
		"Fri 22:00-23:00": {"F"},
	}
	for l, s := range wantSets {
		if !slices.Equal(labels[l], s) {
			t.Errorf("S(%s) = %v, want %v (all: %v)", l, labels[l], s, labels)
		}
	}

	// With the media attribute in the key, A's and C's Monday movies stay
	// together but B's series splits off: S(Mon 20 movie) = {A, C}.
	r = analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60, Attrs: []string{"media"}}, MinWeeks: 4, MaxP: -1})
	labels = map[string][]string{}
	for _, hs := range r.HabitSets {
		labels[hs.Label] = subjectsOf(ev, hs)
	}
	if got := labels["Mon 20:00-21:00 media=movie"]; !slices.Equal(got, []string{"A", "C"}) {
		t.Errorf("S(Mon 20 movie) = %v, want [A C]; all %v", got, labels)
	}
	if got := labels["Mon 20:00-21:00 media=series"]; !slices.Equal(got, []string{"B"}) {
		t.Errorf("S(Mon 20 series) = %v, want [B]", got)
	}
}

func mapsEqual(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestISOWeekBoundary: the ISO week ends on Sunday. Sun 2024-01-07 (W01),
// Mon 01-08 (W02), Sun 01-14 (W02), Mon 01-15 (W03) are three ISO weeks;
// with Sunday-first weeks they would be two.
func TestISOWeekBoundary(t *testing.T) {
	ev := build(t, []row{
		{"S", "2024-01-07T23:59:59Z", "tv", nan},
		{"S", "2024-01-08T00:00:00Z", "tv", nan},
		{"S", "2024-01-14T12:00:00Z", "tv", nan},
		{"S", "2024-01-15T12:00:00Z", "tv", nan},
	})
	g := Generalization{SlotMinutes: WholeDay, Days: AnyDay}
	if r := analyze(t, ev, Options{Generalization: g, MinWeeks: 3, MaxP: -1}); r.SubjectsWithHabits != 1 {
		t.Errorf("min weeks 3: %d subjects with habits, want 1 (three ISO weeks)", r.SubjectsWithHabits)
	}
	if r := analyze(t, ev, Options{Generalization: g, MinWeeks: 4, MaxP: -1}); r.SubjectsWithHabits != 0 {
		t.Errorf("min weeks 4: %d subjects with habits, want 0", r.SubjectsWithHabits)
	}
	for _, c := range []struct {
		day  string
		want string
	}{{"2021-01-01", "2020-W53"}, {"2024-12-30", "2025-W01"}, {"2024-01-07", "2024-W01"}, {"2024-01-08", "2024-W02"}} {
		ev := build(t, []row{{"x", c.day + "T12:00:00Z", "", nan}})
		cal := newCalendar(ev, nil)
		if got := isoWeekLabel(weekIndex(cal.day[0])); got != c.want {
			t.Errorf("ISO week of %s = %s, want %s", c.day, got, c.want)
		}
	}
}

// TestSeveralEventsOneWeek: four events of one key in one week are one week.
func TestSeveralEventsOneWeek(t *testing.T) {
	ev := build(t, concat(
		[]row{{"S", "2024-01-01T20:00:00Z", "tv", nan}, {"S", "2024-01-01T20:20:00Z", "tv", nan},
			{"S", "2024-01-01T20:40:00Z", "tv", nan}, {"S", "2024-01-01T20:59:00Z", "tv", nan}},
		weekly("T", "2024-01-01T20:10:00Z", 2, "tv", nan),
	))
	r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60}, MinWeeks: 2, MaxP: -1})
	if r.Anonymity[0] != 0 || r.Anonymity[1] != 1 || r.SubjectsWithHabits != 1 {
		t.Errorf("anonymity %v, want [0 1]", r.Anonymity)
	}
}

// TestOffsetAndZone: 2024-01-08T00:30+01:00 is Sunday 23:30 UTC but Monday
// 00:30 in Amsterdam (CET); 2024-07-01T18:30Z is 20:30 in Amsterdam (CEST).
func TestOffsetAndZone(t *testing.T) {
	ev := build(t, concat(
		weekly("W", "2024-01-08T00:30:00+01:00", 4, "tv", nan),
		weekly("S", "2024-07-01T18:30:00Z", 4, "tv", nan),
	))
	ams, err := LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		loc  string
		want []string
	}{
		{"UTC", []string{"Sun 23:00-24:00", "Mon 18:00-19:00"}},
		{"Europe/Amsterdam", []string{"Mon 00:00-01:00", "Mon 20:00-21:00"}},
	} {
		loc := ams
		if c.loc == "UTC" {
			loc = nil
		}
		r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60}, Location: loc, MaxP: -1})
		var got []string
		for _, h := range r.HabitSets {
			got = append(got, h.Label)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: habits %v, want %v", c.loc, got, c.want)
		}
	}
	// The minute of day ignores seconds: 20:29:59 is in the 20:00-20:30 slot.
	ev = build(t, weekly("X", "2024-01-01T20:29:59Z", 4, "tv", nan))
	r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 30}, MaxP: -1})
	if r.HabitSets[0].Label != "Mon 20:00-20:30" {
		t.Errorf("slot %q, want Mon 20:00-20:30", r.HabitSets[0].Label)
	}
}

// TestDurationBuckets: durations 50, 52, 58, 59 minutes share the bucket
// [45,60) at width 15 (one habit over four weeks) but split into [50,55)
// and [55,60) at width 5 (two weeks each: no habit at min weeks 3).
func TestDurationBuckets(t *testing.T) {
	var rows []row
	for i, d := range []float64{50, 52, 58, 59} {
		rows = append(rows, weekly("S", "2024-01-01T20:00:00Z", i+1, "movie", d)[i])
	}
	ev := build(t, rows)
	r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60, DurationBucket: 15}, MinWeeks: 3, MaxP: -1})
	if len(r.HabitSets) != 1 || r.HabitSets[0].Label != "Mon 20:00-21:00 duration=[45,60)" {
		t.Errorf("width 15: habits %+v, want one Mon 20:00-21:00 duration=[45,60)", r.HabitSets)
	}
	r = analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60, DurationBucket: 5}, MinWeeks: 3, MaxP: -1})
	if r.SubjectsWithHabits != 0 {
		t.Errorf("width 5: %d subjects with habits, want 0", r.SubjectsWithHabits)
	}
	r = analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60, DurationBucket: 5}, MinWeeks: 2, MaxP: -1})
	if len(r.HabitSets) != 2 || r.HabitSets[0].Label != "Mon 20:00-21:00 duration=[50,55)" || r.HabitSets[1].Label != "Mon 20:00-21:00 duration=[55,60)" {
		t.Errorf("width 5, min weeks 2: habits %+v", r.HabitSets)
	}
}

// TestDayLevels: Saturday and Sunday merge at weekday_weekend.
func TestDayLevels(t *testing.T) {
	ev := build(t, concat(
		weekly("S", "2024-01-06T10:00:00Z", 2, "tv", nan), // Saturdays, weeks 1-2
		weekly("S", "2024-01-21T10:30:00Z", 2, "tv", nan), // Sundays, weeks 3-4
	))
	r := analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: 60, Days: WeekdayWeekend}, MinWeeks: 4, MaxP: -1})
	if len(r.HabitSets) != 1 || r.HabitSets[0].Label != "weekend 10:00-11:00" {
		t.Errorf("habits %+v, want weekend 10:00-11:00", r.HabitSets)
	}
	r = analyze(t, ev, Options{Generalization: Generalization{SlotMinutes: DayParts, Days: ISODay}, MinWeeks: 2, MaxP: -1})
	var got []string
	for _, h := range r.HabitSets {
		got = append(got, h.Label)
	}
	if !slices.Equal(got, []string{"Sat morning", "Sun morning"}) {
		t.Errorf("habits %v", got)
	}
}
