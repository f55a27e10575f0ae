package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/quasiid"
)

// demoStep is one analysis of the demo's story.
type demoStep struct {
	Title  string           `json:"title"`
	Story  string           `json:"story"`
	Report *reidrisk.Report `json:"report"`
}

// demoResult is what `reidrisk demo --format json` writes.
type demoResult struct {
	Dataset  string     `json:"dataset"`
	Accounts int        `json:"accounts"`
	Sessions int        `json:"sessions"`
	Events   int        `json:"events"` // events in the generated log, of the same number of accounts
	Seed     uint64     `json:"seed"`
	Steps    []demoStep `json:"steps"`
	// Suggest makes the three fields of the last step safe.
	SuggestStory string                  `json:"suggest_story"`
	Suggest      *reidrisk.SuggestReport `json:"suggest"`
	// Temporal is the Monday-20:00 story on a generated event log.
	TemporalStory string                   `json:"temporal_story"`
	Temporal      *reidrisk.TemporalReport `json:"temporal"`
}

var (
	demoAll    = []string{"device_type", "duration_s", "bit_rate_kbps", "media_format", "resolution", "media_type", "country", "hour_of_day"}
	demoCoarse = []string{"device_type", "media_format", "resolution", "media_type", "country", "hour_of_day"}
	demoFew    = []string{"country", "device_type", "hour_of_day"}
)

func runDemo(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "text", "output format: text, json or html")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	accounts := fs.Int("accounts", 1500, "number of synthetic accounts, in the usage table and in the event log")
	seed := fs.Uint64("seed", 1, "generator seed")
	writeCSV := fs.String("write-csv", "", "write the generated usage table to `FILE`, to try reidrisk analyze on it, and stop (no story)")
	writeEvents := fs.String("write-events", "", "write the generated event log to `FILE`, to try reidrisk temporal on it, and stop (no story)")
	showValues := fs.Bool("show-values", false, "show the QI values of the smallest classes and name the planted accounts of the event log by their account ids")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("demo takes no FILE (got %q); it builds its own table", pos)
	}
	in := inputFlags{format: *format, maxField: quasiid.DefaultMaxFieldBytes}
	if err := in.check(); err != nil {
		return err
	}
	// The event log plants habit groups of 1, 2, 5 and 20 accounts.
	if *accounts < 30 || *accounts > 1_000_000 {
		return usagef("--accounts %d: want 30 to 1000000 (the event log plants habit groups of 1, 2, 5 and 20 accounts)", *accounts)
	}
	outs, err := createOutputs(ctx, e, nil, namedPath{Flag: "--write-csv", Path: *writeCSV}, namedPath{Flag: "--write-events", Path: *writeEvents})
	if err != nil {
		return err
	}
	defer outs.Abort()
	sessions := demo.Generate(demo.Options{Seed: *seed, Accounts: *accounts})
	var csv bytes.Buffer
	if err := demo.WriteCSV(&csv, sessions); err != nil {
		return err
	}
	if outs[0] != nil || outs[1] != nil {
		return demoWrite(e, outs[0], outs[1], *writeCSV, *writeEvents, csv.Bytes(), len(sessions), *seed, *accounts)
	}
	res := demoResult{Dataset: "synthetic media-server usage log", Accounts: *accounts, Sessions: len(sessions), Seed: *seed}
	bar := newProgress(e, *quiet)
	defer bar.done()
	if res.Steps, err = demoSteps(ctx, csv.Bytes(), *showValues, bar); err != nil {
		return err
	}
	src, err := quasiid.Read("usage.csv", bytes.NewReader(csv.Bytes()), quasiid.ReadOptions{Delimiter: ','})
	if err != nil {
		return err
	}
	res.Suggest, res.SuggestStory, err = demoSuggest(ctx, src, sessions)
	src.Close()
	if err != nil {
		return err
	}
	res.Temporal, res.TemporalStory, res.Events, err = demoTemporal(ctx, *seed, *accounts, *showValues, bar)
	if err != nil {
		return err
	}
	bar.done()
	switch *format {
	case "json":
		return writeJSON(e.stdout, res)
	case "html":
		return writeHTML(e.stdout, htmlPage{Title: "reidrisk demo: " + res.Dataset, Intro: demoIntro(res),
			Analyze: res.Steps[1].Report, Demo: res.Steps, Suggest: res.Suggest, Temporal: res.Temporal})
	}
	return writeDemoText(e.stdout, res)
}

// demoSteps analyses the usage table (csv) on all eight fields, on the six
// categorical ones and on three, and tells what each shows.
func demoSteps(ctx context.Context, csv []byte, showValues bool, bar *progressBar) ([]demoStep, error) {
	analyze := func(qi []string, qiMax int) (*reidrisk.Report, error) {
		src, err := quasiid.Read("usage.csv", bytes.NewReader(csv), quasiid.ReadOptions{Delimiter: ','})
		if err != nil {
			return nil, err
		}
		defer src.Close()
		return reidrisk.Analyze(ctx, src, reidrisk.Options{
			QI: qi, Subject: "account_id", QIMaxColumns: qiMax, Progress: bar.update,
			ShowValues: showValues, // QI values of the smallest classes; account ids are never shown
		})
	}
	steps := []struct {
		title string
		qi    []string
		story func(r *reidrisk.Report) string
	}{
		{"Everything in the log", demoAll, func(r *reidrisk.Report) string {
			return fmt.Sprintf("On all eight usage fields %s of the %s sessions are unique, and %s of %s accounts (%s) "+
				"%s a session no other account shares: whoever knows one session of theirs finds their whole history.",
				pct(float64(r.SampleUniquesFraction)), textfmt.Thousands(r.Rows), textfmt.Thousands(*r.SubjectsSingledOut), textfmt.Thousands(*r.Subjects),
				pct(ratio(*r.SubjectsSingledOut, *r.Subjects)), pick(*r.SubjectsSingledOut, "has", "have"))
		}},
		{"Without the exact numbers", demoCoarse, func(r *reidrisk.Report) string {
			return fmt.Sprintf("Dropping duration and bit rate leaves six categorical fields. Still %s of sessions are unique "+
				"and %s (%s) %s alone in some class: device, codec, resolution, media type, country and hour "+
				"form a fingerprint.",
				pct(float64(r.SampleUniquesFraction)), plural(*r.SubjectsSingledOut, "account", "accounts"),
				pct(ratio(*r.SubjectsSingledOut, *r.Subjects)), be(*r.SubjectsSingledOut))
		}},
		{"Three harmless-looking fields", demoFew, func(r *reidrisk.Report) string {
			return fmt.Sprintf("Country, device type and hour of day alone: %s (%s) unique, %s (%s) singled out, "+
				"k_subjects = %d.%s",
				plural(r.SampleUniques, "session", "sessions"), pct(float64(r.SampleUniquesFraction)), plural(*r.SubjectsSingledOut, "account", "accounts"),
				pct(ratio(*r.SubjectsSingledOut, *r.Subjects)), *r.KSubjects, smallestStory(r))
		}},
	}
	var out []demoStep
	for _, s := range steps {
		r, err := analyze(s.qi, len(s.qi))
		if err != nil {
			return nil, err
		}
		out = append(out, demoStep{Title: s.title, Story: s.story(r), Report: r})
	}
	return out, nil
}

func demoIntro(res demoResult) string {
	return fmt.Sprintf("%s: %s playback sessions of %s accounts (seed %d). Columns: account_id (the subject: its values shown only with --show-values), %s.",
		res.Dataset, textfmt.Thousands(int64(res.Sessions)), textfmt.Thousands(int64(res.Accounts)), res.Seed, strings.Join(demoAll, ", "))
}

func writeDemoText(w io.Writer, res demoResult) error {
	p := &printer{w: w}
	p.f("reidrisk demo — %s\n", demoIntro(res))
	for i, s := range res.Steps {
		p.f("\n%d. %s  (--qi %s)\n", i+1, s.Title, strings.Join(s.Report.QI, ","))
		p.f("%s\n", wrap(s.Story, 96, "   "))
		if i == 0 && len(s.Report.QIAnalysis) > 0 {
			p.qiStory(s.Report)
		}
	}
	p.f("\n4. Making the three fields safe  (reidrisk suggest)\n%s\n", wrap(res.SuggestStory, 96, "   "))
	p.f("\n5. The rhythm gives people away  (reidrisk temporal, on a generated event log)\n")
	for _, line := range strings.Split(strings.TrimRight(res.TemporalStory, "\n"), "\n") {
		p.f("%s\n", wrap(line, 96, "   "))
	}
	p.f("\nTry it on the same table:\n")
	p.f("  reidrisk demo --write-csv usage.csv\n")
	p.f("  reidrisk analyze usage.csv --subject account_id --qi %s\n", strings.Join(demoFew, ","))
	p.f("  reidrisk analyze usage.csv --subject account_id --qi %s --format html > report.html\n", strings.Join(demoCoarse, ","))
	p.f("  reidrisk demo --write-events events.csv\n")
	p.f("  reidrisk temporal events.csv --subject account --time time --attrs media_type --policy 'lt_5<=0'\n")
	return p.err
}

// pick returns one for n = 1, else many.
func pick(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// wrap breaks s into lines of at most width characters, each prefixed.
func wrap(s string, width int, prefix string) string {
	var b strings.Builder
	line := prefix
	for _, word := range strings.Fields(s) {
		if len(line) > len(prefix) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = prefix
		}
		if len(line) > len(prefix) {
			line += " "
		}
		line += word
	}
	b.WriteString(line)
	return b.String()
}

// smallestStory names a few of the smallest classes by their QI values
// (only with --show-values: without it the report holds none).
func smallestStory(r *reidrisk.Report) string {
	if len(r.RiskiestClasses) == 0 {
		return ""
	}
	var ex []string
	for _, c := range r.RiskiestClasses[:min(3, len(r.RiskiestClasses))] {
		var kv []string
		for _, q := range r.QI {
			kv = append(kv, textfmt.Escape(c.Values[q]))
		}
		ex = append(ex, strings.Join(kv, "/"))
	}
	if r.RiskiestClasses[0].Size == 1 {
		return fmt.Sprintf(" Classes of one session include %s.", strings.Join(ex, ", "))
	}
	return fmt.Sprintf(" The smallest classes include %s.", strings.Join(ex, ", "))
}

// demoSuggest searches the least generalisation of country, device type
// and hour of day that puts at least 5 accounts in every class.
func demoSuggest(ctx context.Context, src *quasiid.Source, sessions []demo.Session) (*reidrisk.SuggestReport, string, error) {
	seen := map[string]map[string]bool{"country": {}, "device_type": {}, "hour_of_day": {}}
	for _, s := range sessions {
		seen["country"][s.Country] = true
		seen["device_type"][s.Device] = true
		seen["hour_of_day"][strconv.Itoa(s.Hour)] = true
	}
	values := func(col string) []string {
		var v []string
		for x := range seen[col] {
			v = append(v, x)
		}
		slices.Sort(v)
		return v
	}
	country, err := generalize.Taxonomy("country", values("country"), demo.Region)
	if err != nil {
		return nil, "", err
	}
	device, err := generalize.Taxonomy("device_type", values("device_type"), demo.DeviceClass)
	if err != nil {
		return nil, "", err
	}
	hour, err := generalize.Intervals("hour_of_day", values("hour_of_day"),
		[]float64{0, 3, 6, 9, 12, 15, 18, 21}, []float64{0, 6, 12, 18})
	if err != nil {
		return nil, "", err
	}
	metric, err := generalize.ParseMetric("loss")
	if err != nil {
		return nil, "", err
	}
	rep, err := reidrisk.Suggest(ctx, src, reidrisk.SuggestOptions{
		QI: demoFew, Subject: "account_id",
		Hierarchies: map[string]*generalize.Hierarchy{"country": country, "device_type": device, "hour_of_day": hour},
		Policy:      generalize.Policy{K: 5, SubjectK: true, MaxSuppression: 0.02},
		Metric:      metric,
	})
	if err != nil {
		return nil, "", err
	}
	o := rep.Optimum
	if o == nil {
		return rep, "No generalisation of country, device type and hour meets k = 5 accounts with at most 2% of sessions suppressed.", nil
	}
	names := map[string][]string{
		"country":     {"country", "region", "suppressed (*)"},
		"device_type": {"device type", "device class (tv, mobile, desktop)", "suppressed (*)"},
		"hour_of_day": {"hour", "3-hour window", "6-hour day part", "suppressed (*)"},
	}
	var parts []string
	for _, q := range demoFew {
		if o.Levels[q] == 0 {
			parts = append(parts, q+" kept as is")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s → %s", q, names[q][min(o.Levels[q], len(names[q])-1)]))
	}
	story := fmt.Sprintf("To put at least 5 accounts in every class (at most 2%% of sessions suppressed), the least information "+
		"loss comes from %s: %s classes instead of %s, %s sessions suppressed, highest risk %s instead of %s "+
		"(%s of %s lattice nodes evaluated, by rolling up class tables without re-reading rows).",
		strings.Join(parts, ", "), textfmt.Thousands(int64(o.Classes)), textfmt.Thousands(int64(rep.Before.Classes)), textfmt.Thousands(o.Suppressed),
		num(o.HighestRisk), num(rep.Before.HighestRisk), textfmt.Thousands(int64(rep.NodesEvaluated)), textfmt.Thousands(rep.LatticeSize))
	return rep, story, nil
}

// demoTemporal generates an event log of the given number of accounts with
// planted weekly habits (the first group: one account watching a movie
// every Monday at 20:00) and measures it: who is singled out by a habit,
// and which coarsening hides everyone in a group of at least 5. The story
// names planted accounts by their ids only when showValues is set.
func demoTemporal(ctx context.Context, seed uint64, accounts int, showValues bool, bar *progressBar) (*reidrisk.TemporalReport, string, int, error) {
	ev, truth, err := demo.GenerateEvents(demo.EventOptions{Seed: seed, Subjects: accounts})
	if err != nil {
		return nil, "", 0, err
	}
	var buf bytes.Buffer
	if err := ev.WriteCSV(&buf, nil); err != nil {
		return nil, "", 0, err
	}
	src, err := quasiid.Read("events.csv", &buf, quasiid.ReadOptions{Delimiter: ','})
	if err != nil {
		return nil, "", 0, err
	}
	defer src.Close()
	rep, err := reidrisk.Temporal(ctx, src, reidrisk.TemporalOptions{
		Subject: "account", Time: "time", Attrs: []string{"media_type"}, Policy: "lt_5<=0", MaxP: 2, Seed: seed, Progress: bar.update,
	})
	if err != nil {
		return nil, "", 0, err
	}
	// Without --show-values the story describes planted accounts by their
	// habit and group size only; their labels are dropped as well, so that
	// not even a subject code can reach the text.
	ev2 := ev
	if !showValues {
		anon := *ev
		anon.SubjectLabels = nil
		ev2 = &anon
	}
	story, err := demo.Story(ctx, ev2, truth, demo.StoryOptions{Seed: seed, ShowSubjects: showValues})
	if err != nil {
		return nil, "", 0, err
	}
	return rep, story, ev.Len(), nil
}
