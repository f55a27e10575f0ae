package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/demo"
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
	Seed     uint64     `json:"seed"`
	Steps    []demoStep `json:"steps"`
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
	accounts := fs.Int("accounts", 1500, "number of synthetic accounts")
	seed := fs.Uint64("seed", 1, "generator seed")
	writeCSV := fs.String("write-csv", "", "also write the generated usage table to FILE, to try `reidrisk analyze` on it")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("demo takes no FILE (got %q); it builds its own table", pos)
	}
	in := inputFlags{format: *format}
	if err := in.check(); err != nil {
		return err
	}
	if *accounts < 10 || *accounts > 1_000_000 {
		return usagef("--accounts %d: want 10 to 1000000", *accounts)
	}
	sessions := demo.Generate(demo.Options{Seed: *seed, Accounts: *accounts})
	var csv bytes.Buffer
	if err := demo.WriteCSV(&csv, sessions); err != nil {
		return err
	}
	if *writeCSV != "" {
		if err := os.WriteFile(*writeCSV, csv.Bytes(), 0o644); err != nil {
			return err
		}
	}
	res := demoResult{Dataset: "synthetic media-server usage log", Accounts: *accounts, Sessions: len(sessions), Seed: *seed}
	bar := newProgress(e, *quiet)
	defer bar.done()
	analyze := func(qi []string, qiMax int) (*reidrisk.Report, error) {
		src, err := quasiid.Read("usage.csv", bytes.NewReader(csv.Bytes()), quasiid.ReadOptions{Delimiter: ','})
		if err != nil {
			return nil, err
		}
		defer src.Close()
		return reidrisk.Analyze(ctx, src, reidrisk.Options{
			QI: qi, Subject: "account_id", QIMaxColumns: qiMax, Progress: bar.update,
			ShowValues: true, // QI values of the smallest classes; account ids are never shown
		})
	}
	steps := []struct {
		title string
		qi    []string
		story func(r *reidrisk.Report) string
	}{
		{"Everything in the log", demoAll, func(r *reidrisk.Report) string {
			return fmt.Sprintf("On all eight usage fields %s of the %s sessions are unique, and %s of %s accounts (%s) "+
				"have a session no other account shares: whoever knows one session of theirs finds their whole history.",
				pct(float64(r.SampleUniquesFraction)), group(r.Rows), group(*r.SubjectsSingledOut), group(*r.Subjects),
				pct(ratio(*r.SubjectsSingledOut, *r.Subjects)))
		}},
		{"Without the exact numbers", demoCoarse, func(r *reidrisk.Report) string {
			return fmt.Sprintf("Dropping duration and bit rate leaves six categorical fields. Still %s of sessions are unique "+
				"and %s accounts (%s) are alone in some class: device, codec, resolution, media type, country and hour "+
				"form a fingerprint.",
				pct(float64(r.SampleUniquesFraction)), group(*r.SubjectsSingledOut), pct(ratio(*r.SubjectsSingledOut, *r.Subjects)))
		}},
		{"Three harmless-looking fields", demoFew, func(r *reidrisk.Report) string {
			return fmt.Sprintf("Country, device type and hour of day alone: %s sessions (%s) unique, %s accounts (%s) singled out, "+
				"k_subjects = %d.%s",
				group(r.SampleUniques), pct(float64(r.SampleUniquesFraction)), group(*r.SubjectsSingledOut),
				pct(ratio(*r.SubjectsSingledOut, *r.Subjects)), *r.KSubjects, smallestStory(r))
		}},
	}
	for _, s := range steps {
		r, err := analyze(s.qi, len(s.qi))
		if err != nil {
			return err
		}
		res.Steps = append(res.Steps, demoStep{Title: s.title, Story: s.story(r), Report: r})
	}
	bar.done()
	switch *format {
	case "json":
		return writeJSON(e.stdout, res)
	case "html":
		return writeHTML(e.stdout, htmlPage{Title: "reidrisk demo: " + res.Dataset, Intro: demoIntro(res), Analyze: res.Steps[0].Report, Demo: res.Steps})
	}
	return writeDemoText(e.stdout, res)
}

func demoIntro(res demoResult) string {
	return fmt.Sprintf("%s: %s playback sessions of %s accounts (seed %d). Columns: account_id (the subject: never shown), %s.",
		res.Dataset, group(int64(res.Sessions)), group(int64(res.Accounts)), res.Seed, strings.Join(demoAll, ", "))
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
	p.f("\nTry it on the same table:\n")
	p.f("  reidrisk demo --write-csv usage.csv\n")
	p.f("  reidrisk analyze usage.csv --subject account_id --qi %s\n", strings.Join(demoFew, ","))
	p.f("  reidrisk analyze usage.csv --subject account_id --qi %s --format html > report.html\n", strings.Join(demoCoarse, ","))
	return p.err
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

// smallestStory names a few of the smallest classes by their QI values.
func smallestStory(r *reidrisk.Report) string {
	if len(r.RiskiestClasses) == 0 {
		return ""
	}
	var ex []string
	for _, c := range r.RiskiestClasses[:min(3, len(r.RiskiestClasses))] {
		var kv []string
		for _, q := range r.QI {
			kv = append(kv, c.Values[q])
		}
		ex = append(ex, strings.Join(kv, "/"))
	}
	if r.RiskiestClasses[0].Size == 1 {
		return fmt.Sprintf(" Classes of one session include %s.", strings.Join(ex, ", "))
	}
	return fmt.Sprintf(" The smallest classes include %s.", strings.Join(ex, ", "))
}
