package temporal

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// CoarsenOptions control Coarsen.
type CoarsenOptions struct {
	// Options holds the starting (finest) generalization and how to measure.
	Options
	// Policy is what the result must meet.
	Policy Policy
	// DurationWidths are the duration bucket widths to try after the
	// starting one, before leaving the duration out; nil means 2w, 4w, 8w
	// for a starting width w.
	DurationWidths []float64
	// MaxEvaluations bounds the number of generalizations measured;
	// 0 means 200.
	MaxEvaluations int
	// Progress, if not nil, is called after each measured generalization
	// with the number measured so far and the lattice size.
	Progress func(evaluated, nodes int)
}

// Suggestion is the result of Coarsen.
type Suggestion struct {
	// Generalization is the least coarsening found that meets the policy,
	// or, if none was found within the budget, the one closest to it.
	Generalization Generalization
	// Met reports whether Generalization meets the policy.
	Met bool
	// Cost is the information loss of Generalization (see Coarsen).
	Cost float64
	// Evaluated counts the generalizations measured.
	Evaluated int
	// Before and After are the figures at the start and at Generalization.
	Before, After *Report
	// Warnings name figures that are worse at Generalization than at the
	// start although the policy is met: more subjects with a(s) ≤ 2 or
	// < 5 (never more singled out by one habit or by a pair of habits).
	Warnings []string
}

// node is one point of the coarsening lattice, by level per dimension.
type node struct {
	slot, days, dur int
	drop            []bool // per starting attribute
	cost            float64
	drops           int
}

// Coarsen searches the least coarsening of opt.Generalization that meets
// opt.Policy. The lattice has one dimension per part of the event key:
//
//   - slot width: the starting width, then the wider widths of
//     15 → 30 → 60 → 120 → 240 → 360 (day parts) → 1440 (no time of day);
//   - day: the starting level, then ISO weekday → weekday/weekend → none;
//   - duration: the starting bucket width w, then 2w, 4w, 8w (or
//     DurationWidths), then no duration;
//   - each starting attribute: kept or dropped.
//
// The cost of a node is the sum over dimensions of level / (levels − 1), so
// that each fully coarsened dimension costs 1 and the cost is the number
// of key parts given up, fractional parts counting proportionally.
// Nodes are measured in increasing cost (ties: fewer dropped attributes,
// then finer slot, day, duration) and the first that meets the policy is
// returned: no cheaper node meets it. Habit anonymity is not monotone
// under coarsening (merging slots can create new, rarer habits), so no node
// is skipped on account of another.
//
// The shares unique_p1, le_2 and lt_5 are of the subjects with habits, and
// coarsening usually gives many more subjects habits: a share can fall
// while more people are singled out. So a node counts as meeting the
// policy only if, besides every limit, its number of subjects singled out
// by one habit (a(s) = 1) and its number singled out by a pair of habits
// (counted in unique_p2) are each at most that of the start; the excess
// over them (divided by the number of subjects) adds to the node's
// distance from the policy. When no node within the budget qualifies,
// Suggestion.Met is false. Other counts that rise (a(s) ≤ 2, a(s) < 5) do
// not block a node but are reported in Suggestion.Warnings; policies on
// the counts (singled_out, le_2_subjects, lt_5_subjects) bound them
// outright.
func Coarsen(ctx context.Context, ev *Events, opt CoarsenOptions) (*Suggestion, error) {
	if ev == nil {
		return nil, errors.New("temporal: nil events")
	}
	if len(opt.Policy) == 0 {
		return nil, errors.New("temporal: coarsening needs a policy")
	}
	if err := ev.validate(); err != nil {
		return nil, err
	}
	mopt := opt.Options.withDefaults()
	if err := mopt.Generalization.check(ev); err != nil {
		return nil, err
	}
	if q := opt.Policy.MaxP(); q > mopt.MaxP {
		mopt.MaxP = q
	}
	budget := opt.MaxEvaluations
	if budget == 0 {
		budget = 200
	}
	p, err := prepare(ctx, ev, mopt.Location, mopt.Workers)
	if err != nil {
		return nil, err
	}
	lat := newLattice(mopt.Generalization, opt.DurationWidths)
	nodes, gen := lat.nodes, lat.generalization
	before, err := p.analyze(ctx, mopt, true)
	if err != nil {
		return nil, err
	}
	sg := &Suggestion{Before: before, Evaluated: 1}
	excess := func(r *Report) float64 {
		e := opt.Policy.Excess(r)
		for _, up := range []int{r.Habits.SingledOut - before.Habits.SingledOut, pairUnique(r) - pairUnique(before)} {
			if up > 0 {
				e += float64(up) / float64(max(r.Subjects, 1))
			}
		}
		return e
	}
	best, bestExcess := nodes[0], excess(before)
	if bestExcess > 0 {
		eopt := mopt
		eopt.Progress = nil // the search reports nodes, not subjects
		eopt.MaxP = opt.Policy.MaxP()
		if eopt.MaxP == 0 {
			eopt.MaxP = -1
		}
		for _, n := range nodes[1:] {
			if sg.Evaluated >= budget {
				break
			}
			eopt.Generalization = gen(n)
			r, err := p.analyze(ctx, eopt, false)
			if err != nil {
				return nil, err
			}
			sg.Evaluated++
			if opt.Progress != nil {
				opt.Progress(sg.Evaluated, len(nodes))
			}
			if e := excess(r); e < bestExcess {
				best, bestExcess = n, e
				if e == 0 {
					break
				}
			}
		}
	}
	sg.Generalization = gen(best)
	sg.Met = bestExcess == 0
	sg.Cost = best.cost
	if best.cost == 0 {
		sg.After = before
		return sg, nil
	}
	mopt.Generalization = sg.Generalization
	if sg.After, err = p.analyze(ctx, mopt, true); err != nil {
		return nil, err
	}
	sg.Warnings = worse(sg.Before, sg.After)
	return sg, nil
}

// lattice is the coarsening lattice from a starting key: the levels of
// each dimension and its nodes in the order Coarsen measures them.
type lattice struct {
	slots []int
	days  []DayLevel
	durs  []float64
	attrs []string // the starting attributes
	nodes []node
}

func newLattice(start Generalization, durationWidths []float64) *lattice {
	l := &lattice{slots: []int{start.SlotMinutes}, durs: []float64{start.DurationBucket}, attrs: start.Attrs}
	for _, s := range slotLadder {
		if s > start.SlotMinutes {
			l.slots = append(l.slots, s)
		}
	}
	for d := start.Days; d <= AnyDay; d++ {
		l.days = append(l.days, d)
	}
	if w := start.DurationBucket; w > 0 {
		widths := durationWidths
		if widths == nil {
			widths = []float64{2 * w, 4 * w, 8 * w}
		}
		for _, x := range widths {
			if x > l.durs[len(l.durs)-1] {
				l.durs = append(l.durs, x)
			}
		}
		l.durs = append(l.durs, 0)
	}
	frac := func(level, n int) float64 {
		if n <= 1 {
			return 0
		}
		return float64(level) / float64(n-1)
	}
	na := len(start.Attrs)
	for s := range l.slots {
		for d := range l.days {
			for u := range l.durs {
				for mask := 0; mask < 1<<na; mask++ {
					n := node{slot: s, days: d, dur: u, drop: make([]bool, na)}
					for j := range na {
						if mask>>j&1 == 1 {
							n.drop[j] = true
							n.drops++
						}
					}
					n.cost = frac(s, len(l.slots)) + frac(d, len(l.days)) + frac(u, len(l.durs)) + float64(n.drops)
					l.nodes = append(l.nodes, n)
				}
			}
		}
	}
	slices.SortStableFunc(l.nodes, func(a, b node) int {
		return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.drops, b.drops),
			cmp.Compare(a.slot, b.slot), cmp.Compare(a.days, b.days), cmp.Compare(a.dur, b.dur))
	})
	return l
}

// generalization returns the key of node n.
func (l *lattice) generalization(n node) Generalization {
	g := Generalization{SlotMinutes: l.slots[n.slot], Days: l.days[n.days], DurationBucket: l.durs[n.dur]}
	for j, a := range l.attrs {
		if !n.drop[j] {
			g.Attrs = append(g.Attrs, a)
		}
	}
	return g
}

// worse lists the subject counts that are higher in a than in b.
func worse(b, a *Report) []string {
	var w []string
	add := func(what string, before, after int) {
		if after > before {
			w = append(w, fmt.Sprintf("more subjects %s after coarsening: %d, before %d", what, after, before))
		}
	}
	add("singled out by a habit (a(s) = 1)", b.Habits.SingledOut, a.Habits.SingledOut)
	add("with a(s) ≤ 2", b.Habits.Le2Subjects, a.Habits.Le2Subjects)
	add("with a(s) < 5", b.Habits.Lt5Subjects, a.Habits.Lt5Subjects)
	add("singled out by a pair of habits", pairUnique(b), pairUnique(a))
	return w
}

// pairUnique is the number of subjects counted in UniqueP2.
func pairUnique(r *Report) int {
	return int(math.Round(r.Habits.UniqueP2 * float64(r.Habits.SubjectsWithTwoHabits)))
}
