package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/internal/htmlreport"
	"github.com/reidrisk/reidrisk/internal/safeout"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/reidrisk/reidrisk/temporal"
)

// temporalFlags are the flags of `reidrisk temporal`.
type temporalFlags struct {
	in             inputFlags
	time           string
	slot           string
	minWeeks       int
	attrs          string
	durationCol    string
	durationBucket float64
	tz             string
	timeUnit       string
	maxP           int
	sampleSize     int
	seed           uint64
	traceAttrs     bool
	policy         string
	maxEvaluations int
	out            string
	columns        outputColumnFlags
}

func (f *temporalFlags) input() *inputFlags { return &f.in }

func (f *temporalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.time, "time", "", "timestamp column: ISO 8601 (offset honoured; none = UTC, or local with --tz), integer Unix time (see --time-unit) or an Arrow timestamp (required)")
	fs.StringVar(&f.slot, "slot", "60m", "time-of-day slot width, a whole number of minutes dividing a day: 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24, 30, 32, 36, 40, 45, 48, 60, 72, 80, 90, 96, 120, 144, 160, 180, 240, 288, 360 (day parts), 480, 720 or 1440 (no time of day); as minutes or a duration (30m, 2h)")
	fs.IntVar(&f.minWeeks, "min-weeks", 4, "distinct ISO weeks in which an event key must occur to be a habit")
	fs.StringVar(&f.attrs, "attrs", "", "attribute columns joining the event key, comma-separated (e.g. media_type)")
	fs.StringVar(&f.durationCol, "duration-col", "", "duration column (numbers); needs --duration-bucket")
	fs.Float64Var(&f.durationBucket, "duration-bucket", 0, "duration bucket width, in the duration column's unit")
	fs.StringVar(&f.tz, "tz", "", "IANA time zone for local weekday and time of day (default UTC), e.g. Europe/Amsterdam; times written without an offset are local times in it")
	fs.StringVar(&f.timeUnit, "time-unit", "", "unit of an integer (Unix epoch) time column: s, ms, us or ns (default: from the magnitude)")
	fs.IntVar(&f.maxP, "max-p", 4, "trace unicity ε_p for p = 1..max-p (0: none)")
	fs.IntVar(&f.sampleSize, "sample-size", 2000, "subjects sampled per p for ε_p")
	fs.Uint64Var(&f.seed, "seed", 1, "sampling seed")
	fs.BoolVar(&f.traceAttrs, "trace-attrs", false, "trace points carry the key's attributes and duration bucket")
	fs.StringVar(&f.policy, "policy", "", "temporal policy, e.g. 'unique_p1<=0.01,eps2<=0.2' (shares unique_p1, le_2, lt_5, unique_p2, eps1…; counts of subjects singled_out, le_2_subjects, lt_5_subjects): search the least coarsening meeting it that singles out nobody more, by one habit or by a pair of habits (exit 3 when none is found)")
	fs.IntVar(&f.maxEvaluations, "max-evaluations", 200, "at most this many generalizations measured by the --policy search")
	f.columns.register(fs)
	fs.StringVar(&f.out, "out", "", "with --policy, write the coarsened event table to FILE (.parquet, .arrow, .arrows or .csv): times become their slot's start on the week's Monday (Saturday for weekends), durations their bucket's lower bound, so that reidrisk temporal can check it")
}

// options maps the flags to reidrisk.TemporalOptions (Validate checks
// them); --slot is parsed here.
func (f *temporalFlags) options(set map[string]bool) (reidrisk.TemporalOptions, error) {
	var opt reidrisk.TemporalOptions
	slot, err := cliflags.Slot(f.slot)
	if err != nil {
		return opt, err
	}
	if f.maxP < 0 {
		return opt, usagef("--max-p %d: want 0 to 16", f.maxP)
	}
	if (f.durationCol == "") != !set["duration-bucket"] {
		return opt, usagef("--duration-col and --duration-bucket go together")
	}
	if f.out != "" {
		if f.policy == "" {
			return opt, usagef("--out needs --policy: the coarsening to apply is the one found for the policy")
		}
		if _, err := quasiid.FormatFromName(f.out); err != nil || f.out == "-" {
			return opt, usagef("--out %s: want a .parquet, .arrow, .arrows or .csv file", f.out)
		}
	}
	attrs, err := splitList("--attrs", f.attrs)
	if err != nil {
		return opt, err
	}
	opt = reidrisk.TemporalOptions{
		Subject: f.in.Subject, Time: f.time, Attrs: attrs,
		DurationColumn: f.durationCol, DurationBucket: cliflags.Given(set, "duration-bucket", f.durationBucket),
		SlotMinutes: slot, MinWeeks: cliflags.Given(set, "min-weeks", f.minWeeks), TimeZone: f.tz, TimeUnit: f.timeUnit,
		MaxP: f.maxP, SampleSize: cliflags.Given(set, "sample-size", f.sampleSize), Seed: f.seed, TraceAttrs: f.traceAttrs,
		Policy: f.policy, MaxEvaluations: cliflags.Given(set, "max-evaluations", f.maxEvaluations),
	}
	if f.maxP == 0 {
		opt.MaxP = -1
	}
	if opt.Identifiers, opt.Keep, err = f.columns.lists(); err != nil {
		return opt, err
	}
	if (len(opt.Identifiers) > 0 || len(opt.Keep) > 0) && f.out == "" {
		return opt, usagef("--identifiers and --keep need --out: they say what the coarsened event table holds")
	}
	return opt, nil
}

func (f *temporalFlags) files(file string) (inputs, outputs []namedPath) {
	return fileAndOut(file, f.out)
}

func (f *temporalFlags) run(ctx context.Context, e env, s *started[reidrisk.TemporalOptions]) error {
	opt := s.opt
	open, err := reopener(e, s.file, f.in, f.out != "")
	if err != nil {
		return err
	}
	rep, err := onInput(e, s, f.in, open, &opt.Progress, func(src *quasiid.Source) (*reidrisk.TemporalReport, error) { return reidrisk.Temporal(ctx, src, opt) })
	if err != nil {
		return err
	}
	var written *quasiid.RewriteStats
	if s.outs[0] != nil && rep.Err() == nil { // an unmet policy: nothing to write, exit 3 after the report
		if err := rep.CheckOutput(); err != nil {
			return err
		}
		st, err := writeSafe(ctx, rep, open, s.outs[0])
		if err != nil {
			return err
		}
		written = &st
	}
	return writeOut(e, f.in.format, rep,
		func(w io.Writer) error { return writeTemporalHTML(w, rep) },
		func(w io.Writer) error { return writeTemporalText(w, rep, f.out, written) })
}

// writeSafe writes the coarsened table to out and commits it; on error
// the caller's deferred Abort removes the partial file.
func writeSafe(ctx context.Context, rep *reidrisk.TemporalReport, open func() (*quasiid.Source, error), out *safeout.File) (quasiid.RewriteStats, error) {
	var st quasiid.RewriteStats
	path := out.Name()
	format, err := quasiid.FormatFromName(path)
	if err != nil {
		return st, err
	}
	if rep.Suggestion == nil || !rep.Suggestion.Met {
		return st, fmt.Errorf("no coarsening within %d trials meets the policy: %s not written", rep.Suggestion.Evaluated, path)
	}
	src, err := open()
	if err != nil {
		return st, err
	}
	defer src.Close()
	if st, err = rep.WriteSafe(ctx, src, out, format); err != nil {
		return st, err
	}
	return st, out.Commit()
}

// keyText describes an event key in the report's terms (see
// temporal.Generalization.Describe): "ISO weekday × 60-min slot × media_type".
func keyText(slot int, weekday string, dur float64, attrs []string) string {
	days, err := temporal.ParseDayLevel(weekday)
	if err != nil {
		days = temporal.AnyDay
	}
	return temporal.Generalization{SlotMinutes: slot, Days: days, DurationBucket: dur, Attrs: attrs}.Describe()
}

func writeTemporalText(w io.Writer, r *reidrisk.TemporalReport, out string, written *quasiid.RewriteStats) error {
	p := &printer{w: w}
	k := r.Key
	p.f("%s: %s events (%s skipped: no subject or time), %s subjects\n", r.Source, textfmt.Thousands(r.Events), textfmt.Thousands(r.SkippedEvents), textfmt.Thousands(int64(r.Subjects)))
	p.f("  key = %s; habit = same key in ≥ %d distinct ISO weeks; times in %s\n  %s\n\n",
		keyText(k.SlotMinutes, k.Weekday, k.DurationBucket, k.Attrs), k.MinWeeks, k.TimeZone, timeRule(r))
	h := r.HabitAnonymity
	p.f("Weekly habits: %s (%s of all) %s one; %s.\n",
		plural(int64(r.SubjectsWithHabits), "subject", "subjects"), tpct(ratio(int64(r.SubjectsWithHabits), int64(r.Subjects))),
		map[bool]string{true: "has", false: "have"}[r.SubjectsWithHabits == 1], plural(int64(r.DistinctHabits), "distinct habit", "distinct habits"))
	p.f("  habit anonymity a(s) = fewest subjects sharing one of s's habits (subjects, share of those with habits):\n")
	p.f("    a = 1 (singled out by a habit) %s (%s)   a ≤ 2 %s (%s)   a < 5 %s (%s)\n",
		textfmt.Thousands(int64(h.SingledOut)), tpct(float64(h.UniqueP1)), textfmt.Thousands(int64(h.Le2Subjects)), tpct(float64(h.Le2)),
		textfmt.Thousands(int64(h.Lt5Subjects)), tpct(float64(h.Lt5)))
	p.f("    a pair of habits nobody else has: %s of the %s with ≥ 2 habits\n", tpct(float64(h.UniqueP2)), plural(int64(h.SubjectsWithTwoHabits), "subject", "subjects"))
	if len(h.MinAnonymityHistogram) > 0 {
		var as []int
		for a := range h.MinAnonymityHistogram {
			n, _ := strconv.Atoi(a)
			as = append(as, n)
		}
		slices.Sort(as)
		var parts []string
		for i, a := range as {
			if i == 12 {
				parts = append(parts, "…")
				break
			}
			parts = append(parts, fmt.Sprintf("%d:%s", a, textfmt.Thousands(int64(h.MinAnonymityHistogram[strconv.Itoa(a)]))))
		}
		p.f("    subjects by a(s): %s\n", strings.Join(parts, "  "))
	}
	if len(r.TraceUnicity) > 0 {
		p.f("\nTrace unicity ε_p (de Montjoye et al. 2013): share of subjects singled out by p random points of their trace\n")
		p.f("  (points = %s; 95%% Wilson score interval):\n", pointsText(k))
		for q := 1; q <= len(r.TraceUnicity); q++ {
			t, ok := r.TraceUnicity[strconv.Itoa(q)]
			if !ok {
				break
			}
			p.f("  p = %d  %7s  [%s, %s]  %s sampled of %s eligible", q, tpct(float64(t.FractionUnique)),
				tpct(float64(t.CI95[0])), tpct(float64(t.CI95[1])), textfmt.Thousands(int64(t.Sampled)), textfmt.Thousands(int64(t.Eligible)))
			if t.ExpectedAllSubjects != nil {
				p.f("  (exact over all subjects: %s)", tpct(float64(*t.ExpectedAllSubjects)))
			}
			p.f("\n")
		}
	}
	if s := r.Suggestion; s != nil {
		p.f("\nPolicy %s: ", s.Policy)
		if !s.Met {
			p.f("NOT met by any of the %d generalizations tried (the closest: %s).\n", s.Evaluated, keyText(s.SlotMinutes, s.Weekday, s.DurationBucket, s.Attrs))
		} else if s.Cost == 0 {
			p.f("already met; no coarsening needed.\n")
		} else {
			p.f("least coarsening found (%d tried, cost %s):\n  key = %s\n", s.Evaluated,
				costText(float64(s.Cost)), keyText(s.SlotMinutes, s.Weekday, s.DurationBucket, s.Attrs))
		}
		b, a := s.Before, s.After
		for _, m := range []struct {
			name string
			b, a int
		}{{"subjects with habits", b.SubjectsWithHabits, a.SubjectsWithHabits}, {"singled_out", b.SingledOut, a.SingledOut},
			{"le_2_subjects", b.Le2Subjects, a.Le2Subjects}, {"lt_5_subjects", b.Lt5Subjects, a.Lt5Subjects}} {
			p.f("  %-22s %10s → %s\n", m.name, textfmt.Thousands(int64(m.b)), textfmt.Thousands(int64(m.a)))
		}
		for _, m := range []struct {
			name string
			b, a reidrisk.Float
		}{{"unique_p1", b.UniqueP1, a.UniqueP1}, {"le_2", b.Le2, a.Le2}, {"lt_5", b.Lt5, a.Lt5}, {"unique_p2", b.UniqueP2, a.UniqueP2}} {
			p.f("  %-22s %10s → %s\n", m.name, tpct(float64(m.b)), tpct(float64(m.a)))
		}
		for q := 1; q <= len(b.FractionUnique); q++ {
			key := strconv.Itoa(q)
			p.f("  %-22s %10s → %s\n", "ε_"+key, tpct(float64(b.FractionUnique[key])), tpct(float64(a.FractionUnique[key])))
		}
	}
	for _, w := range r.Warnings {
		p.f("WARNING: %s.\n", w)
	}
	if written != nil {
		p.f("\nSafe event table written to %s: %s rows. Time → start of its coarsened slot on the week's Monday\n"+
			"  (weekday or any day), Saturday (weekend) or the day itself, in %s; duration → lower bound of its bucket;\n"+
			"  attributes left out of the key → null. Analyse it again with the same options to check the policy.\n",
			out, textfmt.Thousands(written.Kept), r.Key.TimeZone)
		writeOutputColumns(func(format string, a ...any) { p.f("  "+format, a...) }, r.IdentifiersDropped, r.ColumnsKept)
	}
	return p.err
}

// tpct formats a share as a percentage with one decimal, or two
// significant digits when one decimal would show a non-zero share as
// 0.0%: 0.002 → "0.2%", 0.0004 → "0.04%".
func tpct(f float64) string {
	if x := 100 * f; x > 0 && x < 0.05 {
		return strconv.FormatFloat(x, 'g', 2, 64) + "%"
	}
	return pct(f)
}

// costText describes a coarsening cost, the number of event-key parts
// given up (fractions for partly coarsened parts).
func costText(c float64) string {
	if c == 1 {
		return "1 key part given up"
	}
	return num(reidrisk.Float(c)) + " key parts given up"
}

// writeTemporalHTML writes the temporal report as a self-contained HTML
// page: the sections of temporalSections (summary, habit-anonymity
// histogram, ε_p against p with the suggestion's curve, before/after),
// with the numbers of subjects behind each share, the suggested key in
// words and the warnings of the coarsening added.
func writeTemporalHTML(w io.Writer, r *reidrisk.TemporalReport) error {
	secs, err := temporalSections(r)
	if err != nil {
		return err
	}
	h := r.HabitAnonymity
	for i := range secs {
		s := &secs[i]
		switch s.ID {
		case "temporal":
			if s.Table != nil {
				s.Table.Rows = append(s.Table.Rows,
					[]string{"subjects singled out by one habit (a(s) = 1)", textfmt.Thousands(int64(h.SingledOut))},
					[]string{"subjects with a(s) ≤ 2", textfmt.Thousands(int64(h.Le2Subjects))},
					[]string{"subjects with a(s) < 5", textfmt.Thousands(int64(h.Lt5Subjects))})
			}
		case "temporal-suggestion":
			sg := r.Suggestion
			if sg == nil {
				continue
			}
			key := keyText(sg.SlotMinutes, sg.Weekday, sg.DurationBucket, sg.Attrs)
			switch {
			case sg.Met && sg.Cost == 0:
				s.Verdict = "The measured key already meets the policy; no coarsening needed."
			case sg.Met:
				s.Verdict = "Coarsen the event key to " + key + " (" + costText(float64(sg.Cost)) + ")."
			default:
				s.Verdict = "No coarsening within the search budget meets the policy; the closest, " + key + ", is shown."
			}
			if t := outputColumnsText(r.IdentifiersDropped, r.ColumnsKept); t != "" {
				s.Paragraphs = append(s.Paragraphs, t)
			}
			if s.Table != nil {
				b, a := sg.Before, sg.After
				s.Table.Rows = append(s.Table.Rows,
					[]string{"subjects with habits", textfmt.Thousands(int64(b.SubjectsWithHabits)), textfmt.Thousands(int64(a.SubjectsWithHabits))},
					[]string{"subjects singled out by one habit", textfmt.Thousands(int64(b.SingledOut)), textfmt.Thousands(int64(a.SingledOut))},
					[]string{"subjects with a(s) ≤ 2", textfmt.Thousands(int64(b.Le2Subjects)), textfmt.Thousands(int64(a.Le2Subjects))},
					[]string{"subjects with a(s) < 5", textfmt.Thousands(int64(b.Lt5Subjects)), textfmt.Thousands(int64(a.Lt5Subjects))})
			}
			for _, warn := range r.Warnings {
				s.Paragraphs = append(s.Paragraphs, "Warning: "+warn+".")
			}
		}
	}
	return htmlreport.Render(w, htmlreport.Page{
		Title:    "reidrisk temporal report",
		Intro:    fmt.Sprintf("%s: %s events of %s subjects.", r.Source, textfmt.Thousands(r.Events), textfmt.Thousands(int64(r.Subjects))),
		Sections: secs,
		Footer: []string{"Generated by reidrisk. Self-contained: this file loads nothing from the network. " +
			"Subject values are never shown.", provenanceLine(&r.Provenance)},
	})
}

// pointsText says what a trace point is under key k: a slot of a local
// calendar day (or of an ISO week's weekdays, weekend, or whole week) in
// k's time zone, as temporal's point key takes it.
func pointsText(k reidrisk.TemporalKey) string {
	var day string
	switch k.Weekday {
	case "weekday_weekend":
		day = "ISO week and weekday-or-weekend"
	case "none":
		day = "ISO week"
	default:
		day = "calendar day"
	}
	return fmt.Sprintf("(%s, %d-minute slot of the day) in %s", day, k.SlotMinutes, k.TimeZone)
}
