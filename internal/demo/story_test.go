package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/textfmt"
)

func TestStory(t *testing.T) {
	ev, truth, err := GenerateEvents(EventOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Story(context.Background(), ev, truth, StoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"The Monday-20:00 story: 1,000 accounts, ",
		"28 accounts have a weekly habit; 1 of them (3.6%) is alone in one (a(s) = 1), 3 (10.7%) share it with fewer than 5.",
		"every Monday ~20:00 a movie of 55–65 minutes, 10 weeks in a row — group of 1 viewer: SINGLED OUT (a = 1)",
		"group of 2 viewers: nearly singled out (a = 2)",
		"group of 20 viewers: hidden in a group of 20",
		"Key: ISO weekday × 60-min slot × media_type; habit = same key in ≥ 4 ISO weeks.",
		"Least coarsening meeting lt_5<=0 (21 generalisations tried): media_type.",
		"then 1,000 accounts have habits, 0 singled out"} {
		if !strings.Contains(s, want) {
			t.Errorf("story lacks %q:\n%s", want, s)
		}
	}
	// Subjects are identifiers: no planted subject's label by default.
	for _, p := range truth.Habits {
		for _, sub := range p.Subjects {
			if l := ev.SubjectLabel(sub); strings.Contains(s, l) {
				t.Errorf("story shows subject %q without ShowSubjects:\n%s", l, s)
			}
		}
	}
	s, err = Story(context.Background(), ev, truth, StoryOptions{ShowSubjects: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "group of 1 viewer (" + ev.SubjectLabel(truth.Habits[0].Subjects[0]) + "): SINGLED OUT"; !strings.Contains(s, want) {
		t.Errorf("story with ShowSubjects lacks %q:\n%s", want, s)
	}
}

func TestPercentThousands(t *testing.T) {
	for v, want := range map[float64]string{0: "0%", 0.002: "0.2%", 0.00004: "0.004%", 0.036: "3.6%", 1: "100.0%", 0.0004: "0.04%"} {
		if got := percent(v); got != want {
			t.Errorf("percent(%v) = %q, want %q", v, got, want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 30280: "30,280", 10000000: "10,000,000", -1234: "-1,234"} {
		if got := textfmt.Thousands(n); got != want {
			t.Errorf("textfmt.Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
