package temporal

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// storyPolicy is the policy of the Monday-20:00 story: nobody's rarest
// habit is shared by fewer than five accounts.
const storyPolicy = "lt_5<=0"

// Story measures a generated log the way the media-server debate put it
// and returns a short text: which planted viewers are singled out by their
// weekly habit at ISO weekday × 60-minute slot × media type (habits over at
// least 4 weeks, UTC unless the log was generated in a zone: pass the same
// location in loc), and which least coarsening (policy lt_5<=0) hides them.
func Story(ctx context.Context, ev *Events, truth *Truth, opt Options) (string, error) {
	if ev == nil || truth == nil || len(truth.Habits) == 0 {
		return "", errors.New("temporal: the story needs a generated log and its truth")
	}
	if opt.SlotMinutes == 0 {
		opt.Generalization = Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}}
	}
	if opt.MaxP == 0 {
		opt.MaxP = 2
	}
	pol, err := ParsePolicy(storyPolicy)
	if err != nil {
		return "", err
	}
	sg, err := Coarsen(ctx, ev, CoarsenOptions{Options: opt, Policy: pol})
	if err != nil {
		return "", err
	}
	b, a := sg.Before, sg.After
	var w strings.Builder
	fmt.Fprintf(&w, "The Monday-20:00 story: %d accounts, %d events over %d weeks.\n", b.Subjects, b.Events, truth.Habits[0].Weeks)
	fmt.Fprintf(&w, "No single field singles anyone out; the rhythm does. Key: %s, habit = same key in ≥ %d ISO weeks.\n",
		sg.Before.Generalization, opt.withDefaults().MinWeeks)
	fmt.Fprintf(&w, "  %d accounts have a weekly habit; %d of them (%.1f%%) are alone in one (a(s) = 1), %d (%.1f%%) share it with fewer than 5.\n",
		b.SubjectsWithHabits, int(b.Habits.UniqueP1*float64(b.SubjectsWithHabits)+0.5), 100*b.Habits.UniqueP1,
		int(b.Habits.Lt5*float64(b.SubjectsWithHabits)+0.5), 100*b.Habits.Lt5)
	for _, p := range truth.Habits {
		var names []string
		for i, s := range p.Subjects {
			if i == 3 {
				names = append(names, "…")
				break
			}
			names = append(names, ev.SubjectLabel(s))
		}
		verdict := "hidden in a group of %d"
		switch an := b.Anonymity[p.Subjects[0]]; {
		case an == 1:
			verdict = "SINGLED OUT (a = %d)"
		case an < 5:
			verdict = "nearly singled out (a = %d)"
		}
		fmt.Fprintf(&w, "  planted: %s — %s: "+verdict+"\n", p.Label(), strings.Join(names, ", "), b.Anonymity[p.Subjects[0]])
	}
	if len(b.Trace) >= 2 {
		fmt.Fprintf(&w, "  trace unicity: %.0f%% of accounts are unique from 1 random hour of viewing, %.0f%% from 2.\n",
			100*b.Trace[0].FractionUnique, 100*b.Trace[1].FractionUnique)
	}
	if !sg.Met {
		fmt.Fprintf(&w, "No coarsening within %d trials meets %s.\n", sg.Evaluated, storyPolicy)
		return w.String(), nil
	}
	fmt.Fprintf(&w, "Least coarsening meeting %s (%d generalisations tried): %s.\n", storyPolicy, sg.Evaluated, sg.Generalization)
	fmt.Fprintf(&w, "  then %d accounts have habits, a(s) = 1 for %.1f%%, < 5 for %.1f%%; the Monday viewer's rarest habit is shared by %d accounts.\n",
		a.SubjectsWithHabits, 100*a.Habits.UniqueP1, 100*a.Habits.Lt5, a.Anonymity[truth.Habits[0].Subjects[0]])
	if len(a.Trace) >= 2 {
		fmt.Fprintf(&w, "  trace unicity then: %.0f%% from 1 point, %.0f%% from 2.\n", 100*a.Trace[0].FractionUnique, 100*a.Trace[1].FractionUnique)
	}
	return w.String(), nil
}
