package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/temporal"
)

// TestGeneratedTruth: exactly the planted subjects have habits, and each
// habit is held by exactly its planted group, at slots 60 and 30, with and
// without the media type, in UTC and in Amsterdam.
func TestGeneratedTruth(t *testing.T) {
	ams, err := temporal.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []*locationCase{{"UTC", nil, 2}, {"Europe/Amsterdam", ams, 3}} {
		ev, truth, err := GenerateEvents(EventOptions{Subjects: 600, EventsPerSubject: 60, Seed: 7, Location: loc.loc})
		if err != nil {
			t.Fatal(err)
		}
		if len(truth.Habits) != 4 || truth.Habits[0].Label() != "every Monday ~20:00 a movie of 55–65 minutes, 10 weeks in a row" {
			t.Fatalf("truth %+v", truth.Habits)
		}
		for _, slot := range []int{60, 30} {
			for _, attrs := range [][]string{nil, {"media_type"}} {
				for _, minWeeks := range []int{loc.minWeeks, 10} {
					r, err := temporal.Analyze(context.Background(), ev, temporal.Options{Generalization: temporal.Generalization{SlotMinutes: slot, Attrs: attrs}, MinWeeks: minWeeks, Location: loc.loc, MaxP: -1})
					if err != nil {
						t.Fatal(err)
					}
					if r.DistinctHabits != len(truth.Habits) || r.SubjectsWithHabits != 28 {
						t.Errorf("%s slot %d attrs %v weeks %d: %d habits, %d subjects with habits; want 4, 28",
							loc.name, slot, attrs, minWeeks, r.DistinctHabits, r.SubjectsWithHabits)
						continue
					}
					for i, p := range truth.Habits {
						if got := r.HabitSets[slices.IndexFunc(r.HabitSets, func(h temporal.Habit) bool { return slices.Equal(h.Subjects, p.Subjects) })]; len(got.Subjects) != len(p.Subjects) {
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
					if slot == 60 && attrs != nil && r.HabitSets[slices.IndexFunc(r.HabitSets, func(h temporal.Habit) bool { return slices.Equal(h.Subjects, truth.Habits[0].Subjects) })].Label != "Mon 20:00-21:00 media_type=movie" {
						t.Errorf("Monday habit label wrong: %+v", r.HabitSets)
					}
				}
			}
		}
	}
}

type locationCase struct {
	name     string
	loc      *time.Location
	minWeeks int
}

// TestGenerateEventsErrors: bad sizes and groups are errors.
func TestGenerateEventsErrors(t *testing.T) {
	for _, o := range []EventOptions{{EventsPerSubject: 169}, {Subjects: 10, Groups: []int{20}}, {Groups: []int{0}}} {
		if _, _, err := GenerateEvents(o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
