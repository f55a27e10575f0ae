package reidrisk

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// eventsCSV: A and B watch on Mondays 20:10 and 20:40 UTC for four weeks,
// C on Tuesdays 21:10+01:00 (20:10 UTC); a row without time is skipped.
const eventsCSV = `account,ts,media,minutes
A,2024-01-01T20:10:00Z,movie,58
A,2024-01-08T20:10:00Z,movie,59
A,2024-01-15T20:10:00Z,movie,57
A,2024-01-22T20:10:00Z,movie,55
B,2024-01-01T20:40:00Z,movie,100
B,2024-01-08T20:40:00Z,movie,101
B,2024-01-15T20:40:00Z,movie,95
B,2024-01-22T20:40:00Z,movie,99
C,2024-01-02T21:10:00+01:00,series,40
C,2024-01-09T21:10:00+01:00,series,40
C,2024-01-16T21:10:00+01:00,series,41
C,2024-01-23T21:10:00+01:00,series,44
C,NA,series,44
`

func temporalSource(t *testing.T) *quasiid.Source {
	t.Helper()
	src, err := quasiid.Read("events.csv", strings.NewReader(eventsCSV), quasiid.ReadOptions{NullValues: []string{"NA"}})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestTemporalHandComputed: at slot 30 every subject is alone in its habit
// (unique_p1 = 1); at slot 60 A and B share Mon 20:00-21:00 and C (Tuesday
// 20:10 UTC) is alone: unique_p1 = 1/3. In Europe/Amsterdam C's habit is
// Tue 21:00-22:00, A's and B's Mon 21:00-22:00: the same figures.
// Trace points are absolute slots: at slot 30 each subject's are its own
// (ε_1 = 1); at slot 60 A and B share all theirs, C none: ε_1 = 1/3 exactly
// (the sample is everybody).
func TestTemporalHandComputed(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		slot  int
		tz    string
		u1    Float
		hist  map[string]int
		attrs []string
		eps1  Float
	}{
		{30, "", 1, map[string]int{"1": 3}, nil, 1},
		{60, "", 1.0 / 3, map[string]int{"1": 1, "2": 2}, nil, 1.0 / 3},
		{60, "Europe/Amsterdam", 1.0 / 3, map[string]int{"1": 1, "2": 2}, nil, 1.0 / 3},
		{60, "", 1.0 / 3, map[string]int{"1": 1, "2": 2}, []string{"media"}, 1.0 / 3},
	} {
		r, err := Temporal(ctx, temporalSource(t), TemporalOptions{Subject: "account", Time: "ts", SlotMinutes: c.slot, TimeZone: c.tz, Attrs: c.attrs, MaxP: 2})
		if err != nil {
			t.Fatal(err)
		}
		if r.Events != 13 || r.SkippedEvents != 1 || r.Subjects != 3 || r.SubjectsWithHabits != 3 {
			t.Errorf("events %d skipped %d subjects %d with habits %d", r.Events, r.SkippedEvents, r.Subjects, r.SubjectsWithHabits)
		}
		if r.HabitAnonymity.UniqueP1 != c.u1 || len(r.HabitAnonymity.MinAnonymityHistogram) != len(c.hist) {
			t.Errorf("slot %d tz %q: unique_p1 %v histogram %v", c.slot, c.tz, r.HabitAnonymity.UniqueP1, r.HabitAnonymity.MinAnonymityHistogram)
		}
		for k, v := range c.hist {
			if r.HabitAnonymity.MinAnonymityHistogram[k] != v {
				t.Errorf("histogram %v, want %v", r.HabitAnonymity.MinAnonymityHistogram, c.hist)
			}
		}
		if tu := r.TraceUnicity["1"]; tu.Eligible != 3 || tu.Sampled != 3 || tu.FractionUnique != c.eps1 || *tu.ExpectedAllSubjects != c.eps1 {
			t.Errorf("trace %+v", tu)
		}
	}
}

func TestTemporalPolicyAndWriteSafe(t *testing.T) {
	ctx := context.Background()
	opt := TemporalOptions{Subject: "account", Time: "ts", SlotMinutes: 30, Attrs: []string{"media"},
		DurationColumn: "minutes", DurationBucket: 15, Policy: "unique_p1<=0", MaxP: 1, Keep: []string{"account"}}
	r, err := Temporal(ctx, temporalSource(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Suggestion
	if s == nil || !s.Met || s.After.UniqueP1 != 0 || s.Before.UniqueP1 != 1 {
		t.Fatalf("suggestion %+v", s)
	}
	// At slot 30 with media and 15-minute durations every habit is unique.
	// A (Mon 20:10, movie, 55-59) and B (Mon 20:40, movie, 95-101) meet at
	// slot 60 (cost 1/5) with 120-minute buckets (3/4); C (Tue 20:10,
	// series, 40-44) joins them only with weekday/weekend (1/2) and without
	// media (1): cost 2.45, and no cheaper node makes all three shared.
	if s.SlotMinutes != 60 || s.Weekday != "weekday_weekend" || s.DurationBucket != 120 || len(s.Attrs) != 0 || s.Cost != 2.45 {
		t.Errorf("suggestion slot %d weekday %s duration %v attrs %v", s.SlotMinutes, s.Weekday, s.DurationBucket, s.Attrs)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{`"subjects":3`, `"subjects_with_habits":3`, `"distinct_habits":3`, `"habit_anonymity":{"unique_p1":1,"le_2":1,"lt_5":1,"unique_p2":0`,
		`"min_anonymity_histogram":{"1":3}`, `"trace_unicity":{"1":{"eligible":3,"sampled":3,"fraction_unique":1,"ci95":[`,
		`"expected_fraction_unique_all_subjects":1`, `"suggestion":{`, `"slot_minutes":60`, `"weekday":"weekday_weekend"`,
		`"duration_bucket":120`, `"attrs":[]`, `"before":{`, `"after":{`} {
		if !bytes.Contains(js, []byte(f)) {
			t.Errorf("JSON lacks %s:\n%s", f, js)
		}
	}
	var out bytes.Buffer
	stats, err := r.WriteSafe(ctx, temporalSource(t), &out, quasiid.CSV)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Rows != 13 || stats.Kept != 13 {
		t.Errorf("stats %+v", stats)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := map[int]string{
		0: "account,ts,media,minutes",
		// Monday 20:10Z → W01 weekday, 20:00-21:00 → its Monday 20:00; [0,120) → 0.
		1: `A,2024-01-01T20:00:00Z,,0`,
		// Tuesday 21:10+01:00 = 20:10Z → the same class.
		9:  `C,2024-01-01T20:00:00Z,,0`,
		13: `C,,,0`,
	}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Errorf("line %d = %q, want %q\n%s", i, lines[min(i, len(lines)-1)], w, out.String())
		}
	}
	// The safe table analysed again with the starting options meets the
	// policy, with the suggestion's figures.
	// CSV has no null: the skipped event's empty time is read back as null.
	src, err := quasiid.Read("safe.csv", bytes.NewReader(out.Bytes()), quasiid.ReadOptions{NullValues: []string{""}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Temporal(ctx, src, opt)
	if err != nil {
		t.Fatal(err)
	}
	a := again.Suggestion
	if !a.Met || a.Cost != 0 || a.Before.UniqueP1 != 0 || a.Before.SubjectsWithHabits != s.After.SubjectsWithHabits ||
		a.Before.DistinctHabits != s.After.DistinctHabits || again.SkippedEvents != 1 {
		t.Errorf("re-analysis: met %v cost %v unique_p1 %v, %d with habits, %d habits, %d skipped; suggestion after %+v",
			a.Met, a.Cost, a.Before.UniqueP1, a.Before.SubjectsWithHabits, a.Before.DistinctHabits, again.SkippedEvents, s.After)
	}
}

func TestTemporalOptionErrors(t *testing.T) {
	for _, o := range []TemporalOptions{
		{Time: "ts"},
		{Subject: "account", Time: "ts", SlotMinutes: 7},
		{Subject: "account", Time: "ts", TimeZone: "Mars/Olympus"},
		{Subject: "account", Time: "ts", DurationColumn: "minutes"},
		{Subject: "account", Time: "ts", Policy: "k>=5"},
		{Subject: "account", Time: "nope"},
	} {
		if _, err := Temporal(context.Background(), temporalSource(t), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// TestTemporalBadDuration: a duration that is not a number is an error
// naming the file, the first row holding it and the column.
func TestTemporalBadDuration(t *testing.T) {
	data := "account,ts,minutes\nA,2024-01-01T20:00:00Z,60\nA,2024-01-08T20:00:00Z,1h\n"
	src, err := quasiid.Read("bad.csv", strings.NewReader(data), quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Temporal(context.Background(), src, TemporalOptions{Subject: "account", Time: "ts", DurationColumn: "minutes", DurationBucket: 15})
	if err == nil || !strings.Contains(err.Error(), `bad.csv: row 2, column "minutes": the duration is not a finite number`) {
		t.Errorf("error %v", err)
	}
}

// TestHistogramOrder: min_anonymity_histogram lists a(s) in numeric order,
// like class_size_histogram.
func TestHistogramOrder(t *testing.T) {
	h := TemporalHabits{MinAnonymityHistogram: map[string]int{"10": 3, "2": 5, "1": 7, "100": 1}}
	b, err := json.Marshal(h.MinAnonymityHistogram)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"1":7,"2":5,"10":3,"100":1}`; string(b) != want {
		t.Errorf("histogram %s, want %s", b, want)
	}
	var back map[string]int
	if err := json.Unmarshal(b, &back); err != nil || back["10"] != 3 {
		t.Errorf("round trip %v %v", back, err)
	}
}
