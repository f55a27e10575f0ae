package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/temporal"
)

// storyPolicy is the policy of the Monday-20:00 story: nobody's rarest
// habit is shared by fewer than five accounts.
const storyPolicy = "lt_5<=0"

// storyMinWeeks is the story's habit: the same key in at least 4 ISO weeks.
const storyMinWeeks = 4

// StoryOptions control Story.
type StoryOptions struct {
	// Seed seeds the trace-unicity sample.
	Seed uint64
	// Location is the zone the log was generated in; nil means UTC.
	Location *time.Location
	// ShowSubjects lets Story name the planted subjects by their labels
	// (Events.SubjectLabel). Subjects are identifiers: leave it false
	// unless the user asked to see values (the CLI's --show-values).
	ShowSubjects bool
}

// Story measures a generated log the way the media-server debate put it
// and returns a short text: which planted viewers are singled out by their
// weekly habit at ISO weekday × 60-minute slot × media type (habits over at
// least 4 weeks, trace unicity for p ≤ 2), and which least coarsening
// (policy lt_5<=0) hides them.
//
// Planted viewers are described by their habit and group size only
// ("group of 1 viewer: SINGLED OUT"); their subject labels appear only when
// opt.ShowSubjects is set.
func Story(ctx context.Context, ev *temporal.Events, truth *Truth, opt StoryOptions) (string, error) {
	if ev == nil || truth == nil || len(truth.Habits) == 0 {
		return "", errors.New("demo: the story needs a generated log and its truth")
	}
	pol, err := temporal.ParsePolicy(storyPolicy)
	if err != nil {
		return "", err
	}
	sg, err := temporal.Coarsen(ctx, ev, temporal.CoarsenOptions{Policy: pol, Options: temporal.Options{
		Generalization: temporal.Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}},
		MinWeeks:       storyMinWeeks, MaxP: 2, Seed: opt.Seed, Location: opt.Location,
	}})
	if err != nil {
		return "", err
	}
	b, a := sg.Before, sg.After
	var w strings.Builder
	fmt.Fprintf(&w, "The Monday-20:00 story: %s accounts, %s events over %s weeks.\n",
		textfmt.Thousands(int64(b.Subjects)), textfmt.Thousands(b.Events), textfmt.Thousands(int64(truth.Habits[0].Weeks)))
	fmt.Fprintf(&w, "No single field singles anyone out; the rhythm does. Key: %s; habit = same key in ≥ %d ISO weeks.\n",
		sg.Before.Generalization.Describe(), storyMinWeeks)
	fmt.Fprintf(&w, "  %s a weekly habit; %s of them (%s) %s alone in one (a(s) = 1), %s (%s) %s it with fewer than 5.\n",
		plural(b.SubjectsWithHabits, "account has", "accounts have"),
		textfmt.Thousands(int64(b.Habits.SingledOut)), percent(b.Habits.UniqueP1), verb(b.Habits.SingledOut, "is", "are"),
		textfmt.Thousands(int64(b.Habits.Lt5Subjects)), percent(b.Habits.Lt5), verb(b.Habits.Lt5Subjects, "shares", "share"))
	for _, p := range truth.Habits {
		fmt.Fprintf(&w, "  planted: %s — group of %s\n", p.Label(), plantedVerdict(ev, p, b.Anonymity[p.Subjects[0]], opt.ShowSubjects))
	}
	if len(b.Trace) >= 2 {
		fmt.Fprintf(&w, "  trace unicity: %s of accounts are unique from 1 random hour of viewing, %s from 2.\n",
			percent(b.Trace[0].FractionUnique), percent(b.Trace[1].FractionUnique))
	}
	if !sg.Met {
		fmt.Fprintf(&w, "No coarsening within %d trials meets %s.\n", sg.Evaluated, storyPolicy)
		return w.String(), nil
	}
	fmt.Fprintf(&w, "Least coarsening meeting %s (%d generalisations tried): %s.\n", storyPolicy, sg.Evaluated, sg.Generalization.Describe())
	fmt.Fprintf(&w, "  then %s habits, %s singled out (a(s) = 1: %s), %s with a(s) < 5 (%s); the Monday viewer's rarest habit is shared by %s accounts.\n",
		plural(a.SubjectsWithHabits, "account has", "accounts have"), textfmt.Thousands(int64(a.Habits.SingledOut)), percent(a.Habits.UniqueP1),
		textfmt.Thousands(int64(a.Habits.Lt5Subjects)), percent(a.Habits.Lt5), textfmt.Thousands(int64(a.Anonymity[truth.Habits[0].Subjects[0]])))
	if len(a.Trace) >= 2 {
		fmt.Fprintf(&w, "  trace unicity then: %s from 1 point, %s from 2.\n", percent(a.Trace[0].FractionUnique), percent(a.Trace[1].FractionUnique))
	}
	return w.String(), nil
}

// plantedVerdict describes a planted group — its size, its first three
// labels when show is set — and its members' habit anonymity an:
// "1 viewer: SINGLED OUT (a = 1)".
func plantedVerdict(ev *temporal.Events, p Planted, an int32, show bool) string {
	who := plural(len(p.Subjects), "viewer", "viewers")
	if show {
		var names []string
		for i, s := range p.Subjects {
			if i == 3 {
				names = append(names, "…")
				break
			}
			names = append(names, textfmt.Escape(ev.SubjectLabel(s)))
		}
		who += " (" + strings.Join(names, ", ") + ")"
	}
	verdict := "hidden in a group of %d"
	switch {
	case an == 1:
		verdict = "SINGLED OUT (a = %d)"
	case an < 5:
		verdict = "nearly singled out (a = %d)"
	}
	return who + ": " + fmt.Sprintf(verdict, an)
}

// plural returns n with thousands separators and the singular or plural
// noun: plural(1, "habit", "habits") = "1 habit".
func plural(n int, one, many string) string {
	return textfmt.Thousands(int64(n)) + " " + verb(n, one, many)
}

// verb returns one when n = 1 and many otherwise.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// percent formats a share as a percentage with one decimal, or with two
// significant digits when that would round a non-zero share to 0.0 %:
// 0.036 → "3.6%", 0.002 → "0.2%", 0.00004 → "0.004%", 0 → "0%".
func percent(v float64) string {
	switch x := 100 * v; {
	case x == 0:
		return "0%"
	case x < 0.05 && x > -0.05:
		return strconv.FormatFloat(x, 'g', 2, 64) + "%"
	default:
		return strconv.FormatFloat(x, 'f', 1, 64) + "%"
	}
}
