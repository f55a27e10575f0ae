// Command reidrisk-beam computes reidrisk's equivalence classes and
// disclosure-risk figures of tables too large for one machine on Apache
// Beam: locally on the Prism runner (the default), or on Dataflow, Flink or
// Spark with --runner.
//
// Usage:
//
//	reidrisk-beam --input 'data/part-*.csv' --qi age,sex,zip [--sensitive diagnosis] [--subject patient]
//	              [--delimiter ';'] [--shards 16] [--l 2] [--threshold 0.2] [--output summary.json]
//	              [--classes classes.bin] [--runner prism|dataflow|flink|spark] [Beam's runner flags]
//	reidrisk-beam --mode temporal --input 'events/part-*.parquet' --subject account --time ts
//	              [--attrs media_type] [--duration-col duration --duration-bucket 15] [--slot 60m]
//	              [--day-level day|weekday_weekend|none] [--min-weeks 4] [--tz Europe/Amsterdam]
//	              [--trace-attrs] [--shards 16] [--output temporal.json] [runner flags]
//
// --mode classes (the default) counts equivalence classes; its JSON names
// the figures as `reidrisk analyze --format json` does (rows, classes, k,
// k_subjects with --subject only, prosecutor.risk_threshold, …), and
// prints rows 0 for an input without rows. --mode temporal measures habit
// anonymity and the exact p = 1 trace unicity of an event log (package
// temporal's definitions); its JSON uses the field names of `reidrisk
// temporal --format json` but is not an instance of
// schema/temporal-report.schema.json: the sampled trace unicity is not
// computed, so trace_unicity."1" holds only eligible and
// expected_fraction_unique_all_subjects. --shards must be at least 1.
//
// The input pattern is expanded on the launching machine through Beam's
// filesystems (local paths, gs://); every matching file (CSV, Parquet or
// Arrow IPC) is read whole by one worker. The summary is printed as JSON,
// or written to --output. --classes writes the merged class table
// (anonymity.Classes.MarshalBinary), for the lattice search of the
// generalize package, when it fits in one worker's memory.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"

	"github.com/reidrisk/reidrisk"
	rbeam "github.com/reidrisk/reidrisk/beam"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/internal/safeout"
)

var (
	input     = flag.String("input", "", "file pattern of the table's shards (local path or gs://…), required")
	shards    = flag.Int("shards", rbeam.DefaultShards, "shards the classes are spread over")
	threshold = flag.Float64("threshold", 0.2, "prosecutor risk threshold for records at risk")
	output    = flag.String("output", "", "write the summary JSON here (local or gs://) instead of standard output")
	classes   = flag.String("classes", "", "also write the merged class table here")
	mode      = flag.String("mode", "classes", "what to compute (see modes)")

	// The flags reidrisk-beam shares with reidrisk (package cliflags):
	// --delimiter, --null and --subject; --qi and --sensitive; the policy
	// of --mode suggest, whose --k and --l --mode classes reads too.
	in     cliflags.Input
	cols   cliflags.Columns
	policy cliflags.Policy
)

func init() {
	in.Register(flag.CommandLine, "")
	cols.Register(flag.CommandLine, "")
	policy.Register(flag.CommandLine, cliflags.PolicyDefaults{Prefix: "suggest: ", L: 2, Metric: "dm_star"})
	flag.Lookup("k").Usage = "suggest: least class size (in subjects when --subject is given); classes: a further k of records_in_classes_below_k"
	flag.Lookup("l").Usage = "classes: l of recursive (c,l)-diversity (a whole number); suggest: least l-diversity of every sensitive column"
}

// modes maps each --mode to the function that builds and runs its
// pipeline. Modes in other files of this command register themselves from
// an init function.
var modes = map[string]func(context.Context) error{"classes": run, "temporal": runTemporal}

// modeNames lists the modes, sorted, for flag help and errors.
func modeNames() string {
	names := make([]string, 0, len(modes))
	for m := range modes {
		names = append(names, m)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func init() {
	register.DoFn2x1[context.Context, []byte, error](&writeFn{})
	register.DoFn2x1[context.Context, rbeam.Summary, error](&summaryFn{})
}

// checkShards rejects a --shards below 1.
func checkShards() error {
	if *shards < 1 {
		return fmt.Errorf("--shards %d: want at least 1", *shards)
	}
	return nil
}

func main() {
	flag.Lookup("mode").Usage = "what to compute: " + modeNames() // after every file's init
	flag.Parse()
	beam.Init() // a worker started by a runner never returns from here
	runMode, ok := modes[*mode]
	if !ok {
		fmt.Fprintf(os.Stderr, "reidrisk-beam: unknown --mode %q (modes: %s)\n", *mode, modeNames())
		os.Exit(2)
	}
	if err := runMode(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "reidrisk-beam:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	if *input == "" || cols.QI == "" {
		return fmt.Errorf("--input and --qi are required")
	}
	if err := checkShards(); err != nil {
		return err
	}
	if policy.K < 0 {
		return fmt.Errorf("--k %d: want a class size of at least 1", policy.K)
	}
	if policy.L != math.Trunc(policy.L) {
		return fmt.Errorf("--l %g: --mode classes wants a whole number", policy.L)
	}
	opt, err := countOptions()
	if err != nil {
		return err
	}
	p, s, files, err := pipeline(ctx)
	if err != nil {
		return err
	}
	partials := rbeam.CountFiles(s, files, opt)
	summary := rbeam.Measures(s, partials, rbeam.MeasureOptions{Shards: *shards, L: int(policy.L)})
	beam.ParDo0(s, &summaryFn{Path: *output, Threshold: *threshold, Subject: in.Subject != "", K: policy.K}, summary)
	if *classes != "" {
		beam.ParDo0(s, &writeFn{Path: *classes}, rbeam.MergeClasses(s, partials))
	}
	return beamx.Run(ctx, p)
}

// inputs expands the --input pattern and checks the outputs against the
// files it names and the hierarchies h (see checkOutputs).
func inputs(ctx context.Context, h cliflags.Hierarchies) ([]string, error) {
	paths, err := expand(ctx, *input)
	if err != nil {
		return nil, err
	}
	return paths, checkOutputs(paths, h)
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

// pipeline starts a pipeline over the input files (see inputs).
func pipeline(ctx context.Context) (*beam.Pipeline, beam.Scope, beam.PCollection, error) {
	paths, err := inputs(ctx, nil)
	if err != nil {
		return nil, beam.Scope{}, beam.PCollection{}, err
	}
	p, s := beam.NewPipelineWithRoot()
	return p, s, fileList(s, paths), nil
}

// fileList is the collection of the input files, spread over the workers.
func fileList(s beam.Scope, paths []string) beam.PCollection {
	return beam.Reshuffle(s, beam.CreateList(s, paths))
}

// checkOutputs refuses an --output or --classes on the local disk that is
// the same file as an input (the files of --input, and hierarchies) or as
// the other, before any pipeline runs; outputs elsewhere (gs://…) are
// Beam's filesystems' to write.
func checkOutputs(inputs []string, hierarchies cliflags.Hierarchies) error {
	var ins, outs []cliflags.Path
	for _, p := range inputs {
		ins = append(ins, cliflags.Path{Flag: "--input", Path: p})
	}
	ins = append(ins, cliflags.HierarchyInputs(hierarchies)...)
	for _, o := range []cliflags.Path{{Flag: "--output", Path: *output}, {Flag: "--classes", Path: *classes}} {
		if local(o.Path) {
			outs = append(outs, o)
		}
	}
	return cliflags.Check(nil, ins, outs...)
}

// local reports whether path names a file on the local disk, not one of
// another of Beam's filesystems (gs://…).
func local(path string) bool { return path != "" && !strings.Contains(path, "://") }

// report is the JSON the command writes, with the names of `reidrisk
// analyze --format json` for the same figures (but for sensitive).
type report struct {
	Rows                     int64           `json:"rows"`
	Classes                  int64           `json:"classes"`
	K                        int64           `json:"k"`
	KSubjects                *int64          `json:"k_subjects,omitempty"` // with a subject column only
	SampleUniques            int64           `json:"sample_uniques"`
	SampleUniquesFraction    float64         `json:"sample_uniques_fraction"`
	RecordsInClassesBelowK   reidrisk.Counts `json:"records_in_classes_below_k"`
	SubjectsInSeveralClasses int64           `json:"subjects_in_several_classes"`
	Prosecutor               prosecutor      `json:"prosecutor"`
	SizeHistogram            reidrisk.Counts `json:"class_size_histogram"`
	Sensitive                []sensitiveJSON `json:"sensitive,omitempty"`
}

type prosecutor struct {
	Highest       float64 `json:"highest"`
	Average       float64 `json:"average"`
	RecordsAtRisk float64 `json:"records_at_risk"`
	RiskThreshold float64 `json:"risk_threshold"`
}

type sensitiveJSON struct {
	Column     string `json:"column"`
	DistinctL  int    `json:"distinct_l"`
	EntropyL   any    `json:"entropy_l"`
	L          int    `json:"recursive_l"`
	RecursiveC any    `json:"recursive_c"`
	TEqual     any    `json:"t_equal"`
	TOrdered   any    `json:"t_ordered"`
}

// jsonFloat writes infinities as the string "Infinity".
func jsonFloat(f float64) any {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	return f
}

// summaryFn renders the summary as JSON to a file or standard output.
type summaryFn struct {
	Path      string
	Threshold float64
	Subject   bool  // the table has a subject column
	K         int64 // --k: a further bound of records_in_classes_below_k
}

// classesReport builds the JSON report of s; k_subjects is set only with
// a subject column. records_in_classes_below_k holds k = 2, 3, 5, 10 and
// k itself when it is above 0, as `reidrisk analyze` with --k.
func classesReport(s rbeam.Summary, threshold float64, subject bool, k int64) report {
	p := s.Prosecutor(threshold)
	r := report{
		Rows: s.Rows, Classes: s.Classes, K: s.K,
		SampleUniques: s.SampleUniques(), SubjectsInSeveralClasses: s.SubjectsInSeveralClasses,
		RecordsInClassesBelowK: reidrisk.Counts{},
		Prosecutor:             prosecutor{p.Highest, p.Average, p.RecordsAtRisk, p.Threshold},
		SizeHistogram:          s.Histogram,
	}
	if s.Rows > 0 {
		r.SampleUniquesFraction = float64(r.SampleUniques) / float64(s.Rows)
	}
	for _, b := range []int64{2, 3, 5, 10, k} {
		if b > 0 {
			r.RecordsInClassesBelowK[b] = s.RecordsBelow(b)
		}
	}
	if subject {
		r.KSubjects = &s.KSubjects
	}
	if r.SizeHistogram == nil {
		r.SizeHistogram = reidrisk.Counts{}
	}
	for _, c := range s.Sensitive {
		r.Sensitive = append(r.Sensitive, sensitiveJSON{c.Name, c.DistinctL, jsonFloat(c.EntropyL), c.L,
			jsonFloat(c.RecursiveC), jsonFloat(c.TEqual), jsonFloat(c.TOrdered)})
	}
	return r
}

func (f *summaryFn) ProcessElement(ctx context.Context, s rbeam.Summary) error {
	return writeJSON(ctx, f.Path, classesReport(s, f.Threshold, f.Subject, f.K))
}

// countOptions are the counting options given by --qi, --sensitive,
// --subject, --null and --delimiter (classes and suggest modes).
func countOptions() (rbeam.Options, error) {
	q, sens, err := cols.Lists()
	if err != nil {
		return rbeam.Options{}, err
	}
	d, err := cliflags.Delimiter(in.Delimiter)
	return rbeam.Options{QI: q, Sensitive: sens, Subject: in.Subject, NullValues: cliflags.Nulls(in.Nulls), Delimiter: d}, err
}

// writeJSON writes v as indented JSON to path through Beam's filesystems,
// or to standard output when path is empty.
func writeJSON(ctx context.Context, path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "" {
		_, err = os.Stdout.Write(b)
		return err
	}
	return (&writeFn{Path: path}).ProcessElement(ctx, b)
}

// writeFn writes its element to Path: a file on the local disk through
// internal/safeout (a temporary file renamed over Path once complete),
// anything else through Beam's filesystems.
type writeFn struct{ Path string }

func (f *writeFn) ProcessElement(ctx context.Context, b []byte) error {
	if local(f.Path) {
		out, err := safeout.Create(f.Path)
		if err != nil {
			return err
		}
		defer out.Abort()
		if _, err := out.Write(b); err != nil {
			return err
		}
		return out.Commit()
	}
	fs, err := filesystem.New(ctx, f.Path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, f.Path)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
