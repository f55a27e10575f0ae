package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	rbeam "github.com/reidrisk/reidrisk/beam"
	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/reidrisk/reidrisk/temporal"
)

// Flags of --mode temporal, named as in `reidrisk temporal`; --subject,
// --input, --delimiter, --null, --shards and --output are shared.
var (
	timeCol        = flag.String("time", "", "temporal: timestamp column (ISO 8601, offset honoured, none = UTC or local with --tz; integer Unix time, see --time-unit; or an Arrow timestamp), required")
	attrs          = flag.String("attrs", "", "temporal: attribute columns joining the event key, comma-separated")
	durationCol    = flag.String("duration-col", "", "temporal: duration column (numbers); needs --duration-bucket")
	durationBucket = flag.Float64("duration-bucket", 0, "temporal: duration bucket width, in the duration column's unit")
	slot           = flag.String("slot", "60m", "temporal: time-of-day slot width dividing a day: 15m, 30m, 60m, 2h, … (or minutes)")
	dayLevel       = flag.String("day-level", "day", "temporal: day part of the key: day (ISO weekday), weekday_weekend or none")
	minWeeks       = flag.Int("min-weeks", 4, "temporal: distinct ISO weeks in which an event key must occur to be a habit")
	tz             = flag.String("tz", "", "temporal: IANA time zone for local weekday and time of day (default UTC); times written without an offset are local times in it")
	timeUnit       = flag.String("time-unit", "", "temporal: unit of an integer (Unix epoch) time column: s, ms, us or ns (default: from the magnitude)")
	traceAttrs     = flag.Bool("trace-attrs", false, "temporal: trace points carry the key's attributes and duration bucket")
)

func init() {
	register.DoFn2x1[context.Context, rbeam.TemporalSummary, error](&temporalSummaryFn{})
}

// parseSlot reads --slot: a duration of whole minutes ("30m", "2h") or a
// number of minutes, dividing a day.
func parseSlot(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		d, derr := time.ParseDuration(s)
		if derr != nil || d%time.Minute != 0 {
			return 0, fmt.Errorf("--slot %q: want a width in whole minutes (15m, 30m, 60m, 2h, …)", s)
		}
		n = int(d / time.Minute)
	}
	if n <= 0 || temporal.WholeDay%n != 0 {
		return 0, fmt.Errorf("--slot %s: want a width dividing a day (15m, 30m, 60m, 2h, …)", s)
	}
	return n, nil
}

// temporalOptions builds the transforms' options from the flags.
func temporalOptions(set map[string]bool) (rbeam.TemporalOptions, error) {
	var opt rbeam.TemporalOptions
	if *input == "" || *subject == "" || *timeCol == "" {
		return opt, fmt.Errorf("--mode temporal needs --input, --subject and --time")
	}
	n, err := parseSlot(*slot)
	if err != nil {
		return opt, err
	}
	days, err := temporal.ParseDayLevel(*dayLevel)
	if err != nil {
		return opt, fmt.Errorf("--day-level %q: want day, weekday_weekend or none", *dayLevel)
	}
	if *minWeeks < 1 {
		return opt, fmt.Errorf("--min-weeks %d: want at least 1", *minWeeks)
	}
	if (*durationCol == "") != !set["duration-bucket"] {
		return opt, fmt.Errorf("--duration-col and --duration-bucket go together")
	}
	if set["duration-bucket"] && !(*durationBucket > 0) {
		return opt, fmt.Errorf("--duration-bucket %g: want a width > 0", *durationBucket)
	}
	if _, err := temporal.LoadLocation(*tz); err != nil {
		return opt, fmt.Errorf("--tz %q: not an IANA time zone name (e.g. Europe/Amsterdam, UTC)", *tz)
	}
	if err := quasiid.CheckTimeUnit(*timeUnit); err != nil {
		return opt, fmt.Errorf("--time-unit: %v", err)
	}
	if err := checkShards(); err != nil {
		return opt, err
	}
	attrs, err := columns("--attrs", *attrs)
	if err != nil {
		return opt, err
	}
	opt = rbeam.TemporalOptions{
		Subject: *subject, Time: *timeCol, Attrs: attrs,
		DurationColumn: *durationCol, DurationBucket: *durationBucket,
		SlotMinutes: n, Days: days, MinWeeks: *minWeeks, TimeZone: *tz, TimeUnit: *timeUnit, TraceAttrs: *traceAttrs,
		NullValues: split(*nulls), Shards: *shards,
	}
	d, err := delimiterRune()
	opt.Delimiter = d
	return opt, err
}

// runTemporal builds and runs the temporal pipeline (--mode temporal):
// habits and their anonymity, and the exact p = 1 trace unicity, of the
// event log in the files matching --input.
func runTemporal(ctx context.Context) error {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	opt, err := temporalOptions(set)
	if err != nil {
		return err
	}
	paths, err := expand(ctx, *input)
	if err != nil {
		return err
	}
	p, s := beam.NewPipelineWithRoot()
	files := beam.Reshuffle(s, beam.CreateList(s, paths))
	summary := rbeam.TemporalMeasures(s, rbeam.TemporalFiles(s, files, opt), opt)
	beam.ParDo0(s, &temporalSummaryFn{Path: *output, Source: *input, Opt: opt}, summary)
	return beamx.Run(ctx, p)
}

// expand lists the files matching a pattern through Beam's filesystems.
func expand(ctx context.Context, pattern string) ([]string, error) {
	fs, err := filesystem.New(ctx, pattern)
	if err != nil {
		return nil, err
	}
	paths, err := fs.List(ctx, pattern)
	fs.Close()
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no file matches", pattern)
	}
	return paths, nil
}

// temporalReport is the JSON of --mode temporal: the field names and
// layout of `reidrisk temporal --format json`, with only the figures
// computed on Beam. It is not an instance of
// schema/temporal-report.schema.json, which requires the sampled ε_p
// (sampled, fraction_unique, ci95): trace_unicity."1" holds only eligible
// and expected_fraction_unique_all_subjects, p = 1's exact expectation.
type temporalReport struct {
	Source             string                   `json:"source"`
	Events             int64                    `json:"events"`
	SkippedEvents      int64                    `json:"skipped_events"`
	OffsetlessTimes    string                   `json:"offsetless_times"`
	Key                temporalKey              `json:"key"`
	Subjects           int64                    `json:"subjects"`
	SubjectsWithHabits int64                    `json:"subjects_with_habits"`
	DistinctHabits     int64                    `json:"distinct_habits"`
	HabitAnonymity     rbeam.TemporalHabits     `json:"habit_anonymity"`
	TraceUnicity       map[string]temporalTrace `json:"trace_unicity"`
}

type temporalKey struct {
	SlotMinutes    int      `json:"slot_minutes"`
	Weekday        string   `json:"weekday"`
	DurationBucket float64  `json:"duration_bucket"`
	Attrs          []string `json:"attrs"`
	MinWeeks       int      `json:"min_weeks"`
	TimeZone       string   `json:"time_zone"`
}

type temporalTrace struct {
	Eligible            int64   `json:"eligible"`
	ExpectedAllSubjects float64 `json:"expected_fraction_unique_all_subjects"`
}

// temporalSummaryFn renders the summary as JSON to a file or standard
// output.
type temporalSummaryFn struct {
	Path, Source string
	Opt          rbeam.TemporalOptions
}

func (f *temporalSummaryFn) ProcessElement(ctx context.Context, s rbeam.TemporalSummary) error {
	o := f.Opt
	r := temporalReport{
		Source: f.Source, Events: s.Events, SkippedEvents: s.SkippedEvents,
		Key: temporalKey{SlotMinutes: o.SlotMinutes, Weekday: o.Days.String(), DurationBucket: o.DurationBucket,
			Attrs: o.Attrs, MinWeeks: o.MinWeeks, TimeZone: o.TimeZone},
		Subjects: s.Subjects, SubjectsWithHabits: s.SubjectsWithHabits, DistinctHabits: s.DistinctHabits,
		HabitAnonymity: s.Habits,
		TraceUnicity:   map[string]temporalTrace{"1": {Eligible: s.Subjects, ExpectedAllSubjects: s.ExpectedUniqueP1}},
	}
	if r.Key.Attrs == nil {
		r.Key.Attrs = []string{}
	}
	r.OffsetlessTimes = "local"
	if r.Key.TimeZone == "" || r.Key.TimeZone == "UTC" {
		r.Key.TimeZone, r.OffsetlessTimes = "UTC", "utc"
	}
	return writeJSON(ctx, f.Path, r)
}
