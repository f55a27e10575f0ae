package temporal_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/quasiid"
	. "github.com/reidrisk/reidrisk/temporal"
)

// readCSV encodes a CSV event log as the CLI does.
func readCSV(t *testing.T, name string, data []byte, attrs []string, duration string, nulls []string) *Events {
	t.Helper()
	src, err := quasiid.Read(name, bytes.NewReader(data), quasiid.ReadOptions{Format: quasiid.CSV, NullValues: nulls})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ins := slices.Clone(attrs)
	if duration != "" {
		ins = append(ins, duration)
	}
	tbl, err := quasiid.Encode(context.Background(), src, quasiid.Spec{Subject: "account", Time: "time", Insensitive: ins}, quasiid.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := FromTable(tbl, "account", "time", attrs, duration)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// splitCSV deals the data rows of a CSV log round-robin into n logs, so
// that every subject's events, and the weeks of its habits, are spread
// over several logs encoded with different dictionaries; the last log
// takes no event before the log's third week, so that the logs start on
// different days and weeks.
func splitCSV(t *testing.T, data []byte, n int) [][]byte {
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	var first time.Time
	times := make([]time.Time, len(lines))
	for i, l := range lines[1:] {
		ts, err := time.Parse(time.RFC3339, strings.Split(l, ",")[1])
		if err != nil {
			t.Fatal(err)
		}
		times[i] = ts
		if first.IsZero() || ts.Before(first) {
			first = ts
		}
	}
	parts := make([]strings.Builder, n)
	for i := range parts {
		parts[i].WriteString(lines[0])
	}
	for i, l := range lines[1:] {
		p := i % n
		if p == n-1 && times[i].Before(first.AddDate(0, 0, 14)) {
			p = 0
		}
		parts[p].WriteString(l)
	}
	out := make([][]byte, n)
	for i := range parts {
		out[i] = []byte(parts[i].String())
	}
	return out
}

// fromDigest computes, from a digest, a(s) by label, the number of
// distinct habits and the exact p = 1 trace unicity, by the definitions of
// the package doc.
func fromDigest(d *Digest, minWeeks int) (anon map[string]int, distinct int, p1 float64) {
	size := map[string]int{}
	habits := map[string][]string{}
	holders := map[string]int{}
	for _, s := range d.Subjects {
		habits[s.Subject] = s.Habits(minWeeks)
		for _, h := range habits[s.Subject] {
			size[h]++
		}
		for _, pt := range s.Points {
			holders[pt]++
		}
	}
	anon = map[string]int{}
	for s, hs := range habits {
		if len(hs) == 0 {
			continue
		}
		a := math.MaxInt
		for _, h := range hs {
			a = min(a, size[h])
		}
		anon[s] = a
	}
	sum := 0.0
	for _, s := range d.Subjects {
		u := 0
		for _, pt := range s.Points {
			if holders[pt] == 1 {
				u++
			}
		}
		sum += float64(u) / float64(len(s.Points))
	}
	if len(d.Subjects) > 0 {
		p1 = sum / float64(len(d.Subjects))
	}
	return anon, len(size), p1
}

// TestDigestPartsEqualAnalyze digests a generated log in parts encoded
// separately, merges the parts and checks that the habits, a(s) and the
// exact p = 1 unicity computed from the merged digest equal Analyze's on
// the whole log, under several keys and a zone with daylight saving time.
func TestDigestPartsEqualAnalyze(t *testing.T) {
	ctx := context.Background()
	ams, err := LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	gen, _, err := demo.GenerateEvents(demo.EventOptions{Subjects: 400, Weeks: 8, EventsPerSubject: 40, Groups: []int{1, 2, 3, 7}, Location: ams, Start: time.Date(2024, 3, 4, 0, 0, 0, 0, ams), Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := gen.WriteCSV(&csv, ams); err != nil {
		t.Fatal(err)
	}
	attrs := []string{"media_type", "device"}
	whole := readCSV(t, "whole", csv.Bytes(), attrs, "duration", nil)
	var parts []*Events
	for i, b := range splitCSV(t, csv.Bytes(), 7) {
		parts = append(parts, readCSV(t, fmt.Sprint("part", i), b, attrs, "duration", nil))
	}
	for _, opt := range []Options{
		{Generalization: Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}, DurationBucket: 15}, MinWeeks: 4, Location: ams},
		{Generalization: Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}, DurationBucket: 15}, MinWeeks: 4, Location: ams, TraceAttrs: true},
		{Generalization: Generalization{SlotMinutes: 240, Days: WeekdayWeekend, Attrs: []string{"device"}}, MinWeeks: 3, Location: ams},
		{Generalization: Generalization{SlotMinutes: DayParts, Days: AnyDay}, MinWeeks: 5},
	} {
		t.Run(opt.Generalization.String()+fmt.Sprint(opt.TraceAttrs), func(t *testing.T) {
			opt.MaxP = 1
			r, err := Analyze(ctx, whole, opt)
			if err != nil {
				t.Fatal(err)
			}
			var ds []*Digest
			for _, ev := range parts {
				d, err := NewDigest(ctx, ev, opt)
				if err != nil {
					t.Fatal(err)
				}
				ds = append(ds, d)
			}
			d := MergeDigests(ds...)
			if d.Events != r.Events || d.SkippedEvents != r.SkippedEvents || len(d.Subjects) != r.Subjects {
				t.Fatalf("events %d/%d subjects %d, want %d/%d %d", d.Events, d.SkippedEvents, len(d.Subjects), r.Events, r.SkippedEvents, r.Subjects)
			}
			anon, distinct, p1 := fromDigest(d, opt.MinWeeks)
			if distinct != r.DistinctHabits || len(anon) != r.SubjectsWithHabits {
				t.Errorf("distinct habits %d, subjects with habits %d; want %d, %d", distinct, len(anon), r.DistinctHabits, r.SubjectsWithHabits)
			}
			if r.SubjectsWithHabits == 0 || r.DistinctHabits < 2 {
				t.Errorf("degenerate test: %d subjects with habits, %d habits", r.SubjectsWithHabits, r.DistinctHabits)
			}
			for s, a := range r.Anonymity {
				if got := anon[whole.SubjectLabel(uint32(s))]; got != int(a) {
					t.Errorf("a(%s) = %d, want %d", whole.SubjectLabel(uint32(s)), got, a)
				}
			}
			if want := r.Trace[0].Expected; math.Abs(p1-want) > 1e-12*want {
				t.Errorf("p = 1 unicity %v, want %v", p1, want)
			}
			// The whole log digested at once gives the same digest.
			all, err := NewDigest(ctx, whole, opt)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(all) != fmt.Sprint(d) {
				t.Error("merged digest of the parts differs from the digest of the whole log")
			}
		})
	}
}

// TestDigestNullApartFromText checks that a null attribute and the text
// "NULL", shown alike, make different keys, as they do for Analyze.
func TestDigestNullApartFromText(t *testing.T) {
	var b strings.Builder
	b.WriteString("account,time,media\n")
	for w := range 4 {
		day := time.Date(2024, 1, 1+7*w, 20, 0, 0, 0, time.UTC)
		fmt.Fprintf(&b, "a,%s,\n", day.Format(time.RFC3339))
		fmt.Fprintf(&b, "b,%s,NULL\n", day.Format(time.RFC3339))
	}
	ev := readCSV(t, "nulls", []byte(b.String()), []string{"media"}, "", []string{""})
	opt := Options{Generalization: Generalization{SlotMinutes: 60, Attrs: []string{"media"}}, MaxP: 1, TraceAttrs: true}
	r, err := Analyze(context.Background(), ev, opt)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDigest(context.Background(), ev, opt)
	if err != nil {
		t.Fatal(err)
	}
	anon, distinct, p1 := fromDigest(d, 4)
	// Two habits held by one subject each; with the attribute in the
	// trace points, every point is unique.
	if r.DistinctHabits != 2 || distinct != 2 || anon["a"] != 1 || anon["b"] != 1 || p1 != 1 || r.Trace[0].Expected != 1 {
		t.Errorf("core %d habits, p1 %v; digest %d habits, a %v, p1 %v; want 2 habits, a(s) = 1, p1 = 1",
			r.DistinctHabits, r.Trace[0].Expected, distinct, anon, p1)
	}
}
