package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/reidrisk/reidrisk"
	rbeam "github.com/reidrisk/reidrisk/beam"
	"github.com/reidrisk/reidrisk/internal/cliflags"
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

// temporalOptions builds the transforms' options from the flags; the
// values are checked by reidrisk.TemporalOptions.Validate, as `reidrisk
// temporal`'s, and an error names the flags.
func temporalOptions(set map[string]bool) (rbeam.TemporalOptions, error) {
	var opt rbeam.TemporalOptions
	if *input == "" || in.Subject == "" || *timeCol == "" {
		return opt, fmt.Errorf("--mode temporal needs --input, --subject and --time")
	}
	n, err := cliflags.Slot(*slot)
	if err != nil {
		return opt, err
	}
	days, err := temporal.ParseDayLevel(*dayLevel)
	if err != nil {
		return opt, fmt.Errorf("--day-level %q: want day, weekday_weekend or none", *dayLevel)
	}
	if (*durationCol == "") != !set["duration-bucket"] {
		return opt, fmt.Errorf("--duration-col and --duration-bucket go together")
	}
	if err := checkShards(); err != nil {
		return opt, err
	}
	attrs, err := cliflags.SplitList("--attrs", *attrs)
	if err != nil {
		return opt, err
	}
	opt = rbeam.TemporalOptions{
		Subject: in.Subject, Time: *timeCol, Attrs: attrs,
		DurationColumn: *durationCol, DurationBucket: cliflags.Given(set, "duration-bucket", *durationBucket),
		SlotMinutes: n, Days: days, MinWeeks: cliflags.Given(set, "min-weeks", *minWeeks), TimeZone: *tz, TimeUnit: *timeUnit, TraceAttrs: *traceAttrs,
		NullValues: cliflags.Nulls(in.Nulls), Shards: *shards,
	}
	ro := reidrisk.TemporalOptions{Subject: opt.Subject, Time: opt.Time, Attrs: opt.Attrs, DurationColumn: opt.DurationColumn,
		DurationBucket: opt.DurationBucket, SlotMinutes: n, MinWeeks: opt.MinWeeks, TimeZone: opt.TimeZone, TimeUnit: opt.TimeUnit}
	if err := ro.Validate(); err != nil {
		return opt, cliflags.Mapper{FS: flag.CommandLine}.Usage(err)
	}
	opt.Delimiter, err = cliflags.Delimiter(in.Delimiter)
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
	p, s, files, err := pipeline(ctx)
	if err != nil {
		return err
	}
	summary := rbeam.TemporalMeasures(s, rbeam.TemporalFiles(s, files, opt), opt)
	beam.ParDo0(s, &temporalSummaryFn{Path: *output, Source: *input, Opt: opt}, summary)
	return beamx.Run(ctx, p)
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
	DSTGapTimes        int64                    `json:"dst_gap_times"`
	DSTRepeatedTimes   int64                    `json:"dst_repeated_times"`
	Key                reidrisk.TemporalKey     `json:"key"`
	Subjects           int64                    `json:"subjects"`
	SubjectsWithHabits int64                    `json:"subjects_with_habits"`
	DistinctHabits     int64                    `json:"distinct_habits"`
	HabitAnonymity     rbeam.TemporalHabits     `json:"habit_anonymity"`
	TraceUnicity       map[string]temporalTrace `json:"trace_unicity"`
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
		DSTGapTimes: s.DSTGapTimes, DSTRepeatedTimes: s.DSTRepeatedTimes,
		Key: reidrisk.TemporalKey{SlotMinutes: o.SlotMinutes, Weekday: o.Days.String(), DurationBucket: o.DurationBucket,
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
