package reidrisk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/reidrisk/reidrisk/temporal"
)

// TemporalOptions control Temporal. Subject and Time are required; zero
// values of the others take the defaults of `reidrisk temporal`.
type TemporalOptions struct {
	// Subject and Time name the subject (account) and timestamp columns.
	Subject, Time string
	// Attrs are attribute columns joining the event key, in order.
	Attrs []string
	// DurationColumn and DurationBucket add ⌊duration / DurationBucket⌋
	// to the key (durations in the column's unit).
	DurationColumn string
	DurationBucket float64
	// SlotMinutes is the slot width (it must divide 1440); 0 means 60.
	SlotMinutes int
	// MinWeeks is the number of distinct ISO weeks making a habit; 0 means 4.
	MinWeeks int
	// TimeZone is an IANA zone for local weekday and time ("" = UTC); times
	// written without an offset are local times in it (see
	// quasiid.EncodeOptions.Location for the DST rule).
	TimeZone string
	// TimeUnit is the unit of an integer time column: "s", "ms", "us", "ns",
	// or "" to detect it from the magnitude (quasiid.EncodeOptions.TimeUnit).
	TimeUnit string
	// MaxP is the largest p of the trace unicity ε_p; 0 means 4, negative
	// skips trace unicity.
	MaxP int
	// SampleSize is the number of subjects sampled per p; 0 means 2000.
	SampleSize int
	// Seed seeds the sampling.
	Seed uint64
	// TraceAttrs makes trace points carry the attributes and duration bucket.
	TraceAttrs bool
	// Policy, if not empty, asks for the least coarsening meeting it,
	// e.g. "unique_p1<=0.01,eps2<=0.2" (see temporal.ParsePolicy).
	Policy string
	// MaxEvaluations bounds the coarsening search; 0 means 200.
	MaxEvaluations int
	// Identifiers and Keep say what WriteSafe does with the columns it
	// would otherwise write unchanged (every column but Time, Attrs and
	// DurationColumn): Identifiers are dropped, Keep are carried through on
	// purpose; the subject column, or another column quasiid.Profile's
	// rule at IdentifierRatio calls a direct identifier, makes WriteSafe
	// (and CheckOutput) return an *IdentifierError before writing. With a
	// Policy, Temporal profiles those columns while it reads the events.
	Identifiers, Keep []string
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Progress, if not nil, is called as work advances: stage "read" with
	// rows; "habits" and "traces" with subjects processed out of all;
	// "coarsen" with generalizations measured out of the lattice.
	Progress func(Progress)
}

// TemporalReport is the result of Temporal; its JSON field names are a
// stable contract.
type TemporalReport struct {
	Source string `json:"source"`
	// Events is the number of rows; SkippedEvents had no subject or time.
	Events        int64 `json:"events"`
	SkippedEvents int64 `json:"skipped_events"`
	// OffsetlessTimes says how times without an offset were read: "local"
	// (in the zone of the key, with TimeZone given) or "utc".
	OffsetlessTimes string `json:"offsetless_times"`
	// DSTGapTimes and DSTRepeatedTimes count the offsetless local times the
	// zone skips (moved forward by the gap) or shows twice (the earlier
	// instant taken).
	DSTGapTimes      int64 `json:"dst_gap_times"`
	DSTRepeatedTimes int64 `json:"dst_repeated_times"`
	// TimeUnit is the unit integer times were read in ("s", "ms", "us",
	// "ns"), given or detected; absent when no integer time was read.
	TimeUnit string `json:"time_unit,omitempty"`
	// Key describes the event key measured.
	Key TemporalKey `json:"key"`
	// Subjects counts distinct subjects with events.
	Subjects           int `json:"subjects"`
	SubjectsWithHabits int `json:"subjects_with_habits"`
	DistinctHabits     int `json:"distinct_habits"`
	// HabitAnonymity summarises a(s) = min over s's habits h of |S(h)|.
	HabitAnonymity TemporalHabits `json:"habit_anonymity"`
	// TraceUnicity holds ε_p keyed by p ("1", "2", …).
	TraceUnicity map[string]TemporalTrace `json:"trace_unicity"`
	// Suggestion is the least coarsening meeting Policy, if one was given.
	Suggestion *TemporalSuggestion `json:"suggestion,omitempty"`
	// IdentifiersDropped and ColumnsKept are TemporalOptions.Identifiers
	// and Keep: the columns WriteSafe leaves out and those it carries
	// through unchanged on purpose.
	IdentifiersDropped []string `json:"identifiers_dropped"`
	ColumnsKept        []string `json:"columns_kept"`
	// Warnings name figures the suggested coarsening makes worse: more
	// subjects with a(s) ≤ 2 or < 5 (see temporal.Coarsen; a suggestion
	// that meets its policy never singles out more subjects by one habit
	// or by a pair of habits than the measured key).
	Warnings []string `json:"warnings,omitempty"`
	// Provenance: reidrisk_version, generated_at, input_sha256.
	Provenance

	events *temporal.Events
	loc    *time.Location
	opt    TemporalOptions
	pass   error // why WriteSafe must not write (an *IdentifierError), or nil
}

// TemporalKey describes an event key and how habits were counted. Weekday
// is "day" (the ISO weekday 1–7 is kept), "weekday_weekend" or "none";
// SlotMinutes 360 means day parts and 1440 no time of day; DurationBucket 0
// means the duration is not in the key.
type TemporalKey struct {
	SlotMinutes    int      `json:"slot_minutes"`
	Weekday        string   `json:"weekday"`
	DurationBucket float64  `json:"duration_bucket"`
	Attrs          []string `json:"attrs"`
	MinWeeks       int      `json:"min_weeks"`
	TimeZone       string   `json:"time_zone"`
}

// TemporalHabits holds the habit anonymity shares (see package temporal).
// UniqueP1, Le2 and Lt5 are shares of the subjects with habits; SingledOut,
// Le2Subjects and Lt5Subjects are the numbers of subjects behind them
// (SingledOut / Subjects is the share of all subjects singled out).
type TemporalHabits struct {
	HabitShares
	// SubjectsWithTwoHabits is the denominator of UniqueP2.
	SubjectsWithTwoHabits int `json:"subjects_with_two_habits"`
	// MinAnonymityHistogram maps a(s) to the number of subjects.
	MinAnonymityHistogram Histogram `json:"min_anonymity_histogram"`
}

// TemporalTrace is ε_p with its sample and 95 % Wilson score interval.
type TemporalTrace struct {
	Eligible       int      `json:"eligible"`
	Sampled        int      `json:"sampled"`
	FractionUnique Float    `json:"fraction_unique"`
	CI95           [2]Float `json:"ci95"`
	// ExpectedAllSubjects is the exact p = 1 expectation (absent for p > 1).
	ExpectedAllSubjects *Float `json:"expected_fraction_unique_all_subjects,omitempty"`
}

// TemporalSuggestion is the least coarsening that meets the policy, in the
// terms of TemporalKey. Met is false when no generalization within the
// search budget meets it; the fields then describe the closest one.
type TemporalSuggestion struct {
	Policy         string   `json:"policy"`
	Met            bool     `json:"met"`
	SlotMinutes    int      `json:"slot_minutes"`
	Weekday        string   `json:"weekday"`
	DurationBucket float64  `json:"duration_bucket"`
	Attrs          []string `json:"attrs"`
	// Cost is the information loss (key parts given up, see temporal.Coarsen).
	Cost      Float `json:"cost"`
	Evaluated int   `json:"evaluated"`
	// Before and After are the figures at the measured and suggested key.
	Before TemporalFigures `json:"before"`
	After  TemporalFigures `json:"after"`

	gen temporal.Generalization
}

// TemporalFigures are the policy figures of one key.
type TemporalFigures struct {
	SubjectsWithHabits int `json:"subjects_with_habits"`
	DistinctHabits     int `json:"distinct_habits"`
	HabitShares
	FractionUnique map[string]Float `json:"fraction_unique"`
}

// HabitShares are the habit anonymity figures of one key, as in
// TemporalHabits and TemporalFigures (their JSON fields are inlined there).
type HabitShares struct {
	UniqueP1    Float `json:"unique_p1"`
	Le2         Float `json:"le_2"`
	Lt5         Float `json:"lt_5"`
	UniqueP2    Float `json:"unique_p2"`
	SingledOut  int   `json:"singled_out"`
	Le2Subjects int   `json:"le_2_subjects"`
	Lt5Subjects int   `json:"lt_5_subjects"`
}

// habitShares copies the habit figures of a temporal report.
func habitShares(r *temporal.Report) HabitShares {
	h := r.Habits
	return HabitShares{UniqueP1: Float(h.UniqueP1), Le2: Float(h.Le2), Lt5: Float(h.Lt5), UniqueP2: Float(h.UniqueP2),
		SingledOut: h.SingledOut, Le2Subjects: h.Le2Subjects, Lt5Subjects: h.Lt5Subjects}
}

func (o TemporalOptions) check() (temporal.Options, temporal.Policy, *time.Location, error) {
	var to temporal.Options
	if err := o.Validate(); err != nil {
		return to, nil, nil, err
	}
	loc, err := temporal.LoadLocation(o.TimeZone)
	if err != nil {
		return to, nil, nil, err
	}
	slot := o.SlotMinutes
	if slot == 0 {
		slot = 60
	}
	to = temporal.Options{
		Generalization: temporal.Generalization{SlotMinutes: slot, DurationBucket: o.DurationBucket, Attrs: o.Attrs},
		MinWeeks:       o.MinWeeks, Location: loc, MaxP: o.MaxP, SampleSize: o.SampleSize,
		Seed: o.Seed, TraceAttrs: o.TraceAttrs, Workers: o.Workers,
	}
	var pol temporal.Policy
	if o.Policy != "" {
		if pol, err = temporal.ParsePolicy(o.Policy); err != nil {
			return to, nil, nil, err
		}
	}
	return to, pol, loc, nil
}

// Temporal reads an event log (one row per event) and measures how its
// timing singles subjects out: weekly habits and their anonymity, and the
// trace unicity ε_p of de Montjoye et al. (2013); with a policy it also
// searches the least coarsening of time, duration and attributes meeting it.
// See package temporal for the definitions.
func Temporal(ctx context.Context, src *quasiid.Source, opt TemporalOptions) (*TemporalReport, error) {
	to, pol, loc, err := opt.check()
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, errors.New("reidrisk: nil source")
	}
	insensitive := append([]string(nil), opt.Attrs...)
	if opt.DurationColumn != "" {
		insensitive = append(insensitive, opt.DurationColumn)
	}
	eopt := quasiid.EncodeOptions{TimeUnit: opt.TimeUnit, Location: loc}
	if opt.Progress != nil {
		eopt.Progress = func(rows int64) { opt.Progress(Progress{Stage: "read", Done: rows}) }
	}
	// With a policy WriteSafe may write the events: the columns it would
	// pass through unchanged are encoded too, to be profiled.
	rewritten := append([]string{opt.Time}, insensitive...)
	check, pass := planPassThrough(src.Name(), src.Columns(), rewritten, opt.Subject, opt.Identifiers, opt.Keep)
	var ie *IdentifierError
	if pass != nil && !errors.As(pass, &ie) {
		return nil, pass
	}
	if pol == nil {
		check = nil
	}
	tbl, err := quasiid.Encode(ctx, src, quasiid.Spec{Subject: opt.Subject, Time: opt.Time, Insensitive: append(insensitive, check...)}, eopt)
	if err != nil {
		return nil, err
	}
	if pass == nil && len(check) > 0 {
		var ps []quasiid.ColumnProfile
		for _, p := range quasiid.ProfileTable(tbl, quasiid.ProfileOptions{IdentifierRatio: IdentifierRatio}) {
			if slices.Contains(check, p.Name) {
				ps = append(ps, p)
			}
		}
		pass = identifierIn(ps)
	}
	ev, err := temporal.FromTable(tbl, opt.Subject, opt.Time, opt.Attrs, opt.DurationColumn)
	if err != nil {
		return nil, src.Locate(err) // a bad duration, known by its row
	}
	r, err := temporalReport(ctx, ev, to, pol, loc, opt)
	if err != nil {
		return nil, err
	}
	r.pass = pass
	r.Warnings = append(r.Warnings, blankLinesWarning(src)...)
	r.Provenance = provenance(src)
	r.OffsetlessTimes = "utc"
	if loc != time.UTC {
		r.OffsetlessTimes = "local"
	}
	if tc := tbl.Column(opt.Time); tc != nil {
		r.DSTGapTimes, r.DSTRepeatedTimes, r.TimeUnit = tc.DSTGapTimes, tc.DSTRepeatedTimes, tc.TimeUnit
	}
	return r, nil
}

// CheckOutput returns the *IdentifierError WriteSafe would return, before
// anything is opened for writing: a column it would pass through
// unchanged looks like a direct identifier (see
// TemporalOptions.Identifiers).
func (r *TemporalReport) CheckOutput() error { return r.pass }

func temporalReport(ctx context.Context, ev *temporal.Events, to temporal.Options, pol temporal.Policy, loc *time.Location, opt TemporalOptions) (*TemporalReport, error) {
	if opt.Progress != nil {
		to.Progress = func(stage string, done, total int) {
			opt.Progress(Progress{Stage: stage, Done: int64(done), Total: int64(total)})
		}
	}
	var r *temporal.Report
	var sg *temporal.Suggestion
	var err error
	if pol != nil {
		co := temporal.CoarsenOptions{Options: to, Policy: pol, MaxEvaluations: opt.MaxEvaluations}
		if opt.Progress != nil {
			co.Progress = func(done, total int) {
				opt.Progress(Progress{Stage: "coarsen", Done: int64(done), Total: int64(total)})
			}
		}
		sg, err = temporal.Coarsen(ctx, ev, co)
		if err != nil {
			return nil, err
		}
		r = sg.Before
	} else if r, err = temporal.Analyze(ctx, ev, to); err != nil {
		return nil, err
	}
	tz := opt.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	out := &TemporalReport{
		Source: ev.Source, Events: r.Events, SkippedEvents: r.SkippedEvents,
		Key: TemporalKey{SlotMinutes: r.Generalization.SlotMinutes, Weekday: r.Generalization.Days.String(),
			DurationBucket: r.Generalization.DurationBucket, Attrs: nonNil(r.Generalization.Attrs),
			MinWeeks: max(to.MinWeeks, 0), TimeZone: tz},
		Subjects: r.Subjects, SubjectsWithHabits: r.SubjectsWithHabits, DistinctHabits: r.DistinctHabits,
		HabitAnonymity: TemporalHabits{HabitShares: habitShares(r), SubjectsWithTwoHabits: r.Habits.SubjectsWithTwoHabits,
			MinAnonymityHistogram: map[string]int{}},
		TraceUnicity:       map[string]TemporalTrace{},
		IdentifiersDropped: nonNil(slices.Clone(opt.Identifiers)), ColumnsKept: nonNil(slices.Clone(opt.Keep)),
		events: ev, loc: loc, opt: opt,
	}
	if out.Key.MinWeeks == 0 {
		out.Key.MinWeeks = 4
	}
	for a, n := range r.Habits.Histogram {
		out.HabitAnonymity.MinAnonymityHistogram[strconv.Itoa(a)] = n
	}
	for _, t := range r.Trace {
		tt := TemporalTrace{Eligible: t.Eligible, Sampled: t.Sampled, FractionUnique: Float(t.FractionUnique),
			CI95: [2]Float{Float(t.CI95[0]), Float(t.CI95[1])}}
		if t.P == 1 {
			e := Float(t.Expected)
			tt.ExpectedAllSubjects = &e
		}
		out.TraceUnicity[strconv.Itoa(t.P)] = tt
	}
	if sg != nil {
		g := sg.Generalization
		out.Suggestion = &TemporalSuggestion{
			Policy: pol.String(), Met: sg.Met, SlotMinutes: g.SlotMinutes, Weekday: g.Days.String(),
			DurationBucket: g.DurationBucket, Attrs: nonNil(g.Attrs), Cost: Float(sg.Cost), Evaluated: sg.Evaluated,
			Before: figures(sg.Before), After: figures(sg.After), gen: g,
		}
		out.Warnings = sg.Warnings
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func figures(r *temporal.Report) TemporalFigures {
	f := TemporalFigures{
		SubjectsWithHabits: r.SubjectsWithHabits, DistinctHabits: r.DistinctHabits,
		HabitShares: habitShares(r), FractionUnique: map[string]Float{},
	}
	for _, t := range r.Trace {
		f.FractionUnique[strconv.Itoa(t.P)] = Float(t.FractionUnique)
	}
	return f
}

// WriteSafe writes the safe event table: src must read the same rows as the
// source r was computed from (open the file again). The time column becomes
// the representative time of the suggestion's coarsened class — the start
// of the slot on the week's Monday (weekday or any day), Saturday (weekend)
// or the day itself, ISO 8601 in the zone of the analysis — and the
// duration column the lower bound of its bucket (temporal.Rewriter.Start
// and DurationStart), so that the table analysed again with the same
// options shows the suggestion's habit figures; attributes left out of the
// key become null; every
// other column but TemporalOptions.Identifiers (dropped) and every row
// passes through; rows the analysis skipped (no
// subject or no time) get a null time. It fails without a suggestion or
// when the suggestion does not meet its policy, and with an
// *IdentifierError (see CheckOutput) before writing anything.
func (r *TemporalReport) WriteSafe(ctx context.Context, src *quasiid.Source, w io.Writer, format quasiid.Format) (quasiid.RewriteStats, error) {
	var stats quasiid.RewriteStats
	if r.Suggestion == nil {
		return stats, errors.New("reidrisk: no suggestion to apply: give a policy")
	}
	if !r.Suggestion.Met {
		return stats, fmt.Errorf("reidrisk: no coarsening within %d trials meets %s: nothing written", r.Suggestion.Evaluated, r.Suggestion.Policy)
	}
	if r.pass != nil {
		return stats, r.pass
	}
	rw, err := temporal.NewRewriter(r.events, r.Suggestion.gen, r.loc)
	if err != nil {
		return stats, err
	}
	if len(r.opt.Identifiers) > 0 {
		if src, err = quasiid.Without(src, r.opt.Identifiers); err != nil {
			return stats, err
		}
		defer src.Close()
	}
	cols := []string{r.opt.Time}
	if r.opt.DurationColumn != "" {
		cols = append(cols, r.opt.DurationColumn)
	}
	dropped := rw.Dropped()
	cols = append(cols, dropped...)
	n := int64(r.events.Len())
	stats, err = quasiid.Rewrite(ctx, src, w, format, cols, func(row int64, values []string, nulls []bool) (bool, error) {
		if row >= n {
			return false, fmt.Errorf("%s: row %d: more rows than the analysed source (%d)", src.Name(), row+1, n)
		}
		i := int(row)
		var ok bool
		values[0], ok = rw.Start(i)
		nulls[0] = !ok
		k := 1
		if r.opt.DurationColumn != "" {
			values[1], ok = rw.DurationStart(i)
			nulls[1] = !ok
			k = 2
		}
		for j := range dropped {
			values[k+j], nulls[k+j] = "", true
		}
		return true, nil
	})
	if err == nil && stats.Rows != n {
		err = fmt.Errorf("%s: %d rows, but the analysed source had %d", src.Name(), stats.Rows, n)
	}
	return stats, err
}
