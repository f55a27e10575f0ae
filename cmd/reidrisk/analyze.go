package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"slices"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
)

// analyzeFlags are the flags of `reidrisk analyze`.
type analyzeFlags struct {
	in          inputFlags
	qi          string
	sensitive   string
	identifiers string
	k           int
	threshold   float64
	l           int
	c, t        float64
	population  string
	weights     string
	fraction    float64
	suda        bool
	sudaMax     int
	qiMax       int
	qiAnalysis  bool
	records     string
	hierarchies tHierarchies
}

// tHierarchies collects --hierarchy COLUMN=FILE for hierarchical t-closeness.
type tHierarchies map[string]string

func (h tHierarchies) String() string { return "" }

func (h tHierarchies) Set(s string) error {
	col, path, ok := strings.Cut(s, "=")
	if !ok || col == "" || path == "" {
		return fmt.Errorf("want COLUMN=FILE, got %q", s)
	}
	if _, dup := h[col]; dup {
		return fmt.Errorf("column %s given twice", textfmt.Name(col))
	}
	h[col] = path
	return nil
}

// load reads each hierarchy file (ARX format: value;level1;…;top) into
// the value → path-to-root form of reidrisk.Options.Hierarchies.
func (h tHierarchies) load() (map[string]map[string][]string, error) {
	if len(h) == 0 {
		return nil, nil
	}
	out := map[string]map[string][]string{}
	for col, path := range h {
		hier, err := generalize.ReadHierarchyFile(col, path)
		if err != nil {
			return nil, fmt.Errorf("--hierarchy %s=%s: %w", col, path, err)
		}
		m := map[string][]string{}
		for _, row := range hier.Rows() {
			m[row[0]] = row[1:]
		}
		out[col] = m
	}
	return out, nil
}

func (f *analyzeFlags) register(fs *flag.FlagSet) {
	f.in.register(fs)
	fs.StringVar(&f.qi, "qi", "", "quasi-identifier columns, comma-separated (required)")
	fs.StringVar(&f.sensitive, "sensitive", "", "sensitive columns, comma-separated (l-diversity, t-closeness, β-likeness, δ-disclosure)")
	fs.StringVar(&f.identifiers, "identifiers", "", "direct-identifier columns, comma-separated: checked, never analysed or printed")
	fs.IntVar(&f.k, "k", reidrisk.DefaultK, "smallest acceptable class size")
	fs.Float64Var(&f.threshold, "risk-threshold", reidrisk.DefaultRiskThreshold, "prosecutor risk above which a record is at risk")
	fs.IntVar(&f.l, "l", reidrisk.DefaultL, "l of recursive (c,l)-diversity")
	fs.Float64Var(&f.c, "c", 0, "check recursive (c,l)-diversity with this c")
	fs.Float64Var(&f.t, "t", 0, "check t-closeness (equal distance) with this t")
	fs.StringVar(&f.population, "population", "", "population table FILE with the same QI columns (journalist/marketer risk)")
	fs.StringVar(&f.weights, "weights", "", "column of per-record sampling weights")
	fs.Float64Var(&f.fraction, "sampling-fraction", 0, "fraction of the population in the sample, 0 < f ≤ 1")
	fs.BoolVar(&f.suda, "suda", false, "compute SUDA2 minimal sample uniques and DIS-SUDA scores")
	fs.IntVar(&f.sudaMax, "suda-max-size", 0, "largest minimal sample unique searched by --suda (default: all QIs)")
	fs.IntVar(&f.qiMax, "qi-max-columns", reidrisk.DefaultQIMaxColumns, "score every combination of the QIs when there are at most this many (beyond, combinations of up to as many QIs as keep their number within 2^N−1, at least 3); 0 turns the QI analysis off")
	fs.BoolVar(&f.qiAnalysis, "qi-analysis", true, "rank the combinations of QIs by distinction and separation (--qi-analysis=false turns it off)")
	f.hierarchies = tHierarchies{}
	fs.Var(f.hierarchies, "hierarchy", "COLUMN=FILE: ARX hierarchy (value;level1;…;*) of a sensitive column, for hierarchical t-closeness; repeat per column")
	fs.StringVar(&f.records, "records", "", "write the per-record risk table to FILE (.arrow, .arrows, .parquet or .csv)")
}

// options checks the flags and turns them into reidrisk.Options; set holds
// the names of the flags given on the command line.
func (f *analyzeFlags) options(set map[string]bool) (reidrisk.Options, error) {
	var opt reidrisk.Options
	if err := f.in.check(); err != nil {
		return opt, err
	}
	var err error
	if opt.QI, opt.Sensitive, err = qiLists(f.qi, f.sensitive); err != nil {
		return opt, err
	}
	if opt.Identifiers, err = splitList("--identifiers", f.identifiers); err != nil {
		return opt, err
	}
	opt.Subject = f.in.subject
	if err := checkRoles(roleFlag{"--qi", opt.QI}, roleFlag{"--sensitive", opt.Sensitive}, roleFlag{"--identifiers", opt.Identifiers},
		roleFlag{"--subject", []string{opt.Subject}}, roleFlag{"--weights", []string{f.weights}}); err != nil {
		return opt, err
	}
	if f.k < 1 {
		return opt, usagef("--k %d: want a class size of at least 1", f.k)
	}
	if !(f.threshold > 0 && f.threshold <= 1) {
		return opt, usagef("--risk-threshold %g: want 0 < t ≤ 1", f.threshold)
	}
	if f.l < 1 {
		return opt, usagef("--l %d: want at least 1", f.l)
	}
	if set["c"] && !(f.c > 0) {
		return opt, usagef("--c %g: want c > 0", f.c)
	}
	if set["t"] && !(f.t > 0 && f.t <= 1) {
		return opt, usagef("--t %g: want 0 < t ≤ 1", f.t)
	}
	if set["sampling-fraction"] && !(f.fraction > 0 && f.fraction <= 1) {
		return opt, usagef("--sampling-fraction %g: want 0 < f ≤ 1", f.fraction)
	}
	if set["suda-max-size"] && f.sudaMax < 1 {
		return opt, usagef("--suda-max-size %d: want at least 1", f.sudaMax)
	}
	if set["suda-max-size"] && !f.suda {
		return opt, usagef("--suda-max-size needs --suda")
	}
	if f.qiMax < 0 {
		return opt, usagef("--qi-max-columns %d: want at least 1, or 0 to turn the QI analysis off", f.qiMax)
	}
	n := 0
	for _, s := range []string{"population", "weights", "sampling-fraction"} {
		if set[s] {
			n++
		}
	}
	if n > 1 {
		return opt, usagef("give at most one of --population, --weights and --sampling-fraction")
	}
	if (set["c"] || set["t"]) && len(opt.Sensitive) == 0 {
		return opt, usagef("--c and --t need --sensitive")
	}
	for col := range f.hierarchies {
		if !slices.Contains(opt.Sensitive, col) {
			return opt, usagef("--hierarchy %s=…: %s is not a --sensitive column", textfmt.Name(col), textfmt.Name(col))
		}
	}
	if f.records != "" {
		if err := checkRecordsPath(f.records); err != nil {
			return opt, err
		}
	}
	opt.K, opt.RiskThreshold, opt.L, opt.C, opt.T = f.k, f.threshold, f.l, f.c, f.t
	opt.Weights, opt.SamplingFraction = f.weights, f.fraction
	opt.SUDA, opt.SUDAMaxSize, opt.QIMaxColumns = f.suda, f.sudaMax, f.qiMax
	opt.SkipQIAnalysis = !f.qiAnalysis || f.qiMax == 0
	opt.Records = f.records != ""
	opt.ShowValues = f.in.showValues
	return opt, nil
}

// flagPhrases maps the phrases with which reidrisk.Analyze starts an error
// about an option to the flag the user typed.
func (f *analyzeFlags) flagPhrases() map[string]string {
	m := map[string]string{}
	if f.weights != "" {
		m[fmt.Sprintf("weights column %q", f.weights)] = "--weights " + f.weights
	}
	if f.population != "" {
		m["population "] = "--population "
	}
	for col, path := range f.hierarchies {
		m[fmt.Sprintf("hierarchy of column %q", col)] = fmt.Sprintf("--hierarchy %s=%s: %s", col, path, path)
	}
	return m
}

func runAnalyze(ctx context.Context, e env, args []string) error {
	var f analyzeFlags
	file, set, err := parseCommand(e, "analyze", &f, args)
	if err != nil {
		return err
	}
	opt, err := f.options(set)
	if err != nil {
		return err
	}
	inputs := append(hierarchyInputs(f.hierarchies), namedPath{"", file}, namedPath{"--population", f.population})
	outs, err := createOutputs(ctx, e, inputs, namedPath{"--records", f.records})
	if err != nil {
		return err
	}
	defer outs.Abort()
	src, err := openInput(e, file, f.in)
	if err != nil {
		return err
	}
	defer src.Close()
	if f.population != "" {
		if f.population == "-" && file == "-" {
			return usagef("--population - and FILE - cannot both read standard input")
		}
		pop, err := openInput(e, f.population, f.in)
		if err != nil {
			return err
		}
		defer pop.Close()
		opt.Population = pop
	}
	if opt.Hierarchies, err = f.hierarchies.load(); err != nil {
		return reword(err, nil)
	}
	bar := newProgress(e, f.in.quiet)
	opt.Progress = bar.update
	rep, err := reidrisk.Analyze(ctx, src, opt)
	bar.done()
	if err != nil {
		return reword(withLine(err, file), f.flagPhrases())
	}
	if outs[0] != nil {
		if err := writeRecords(outs[0], rep.Records); err != nil {
			return err
		}
	}
	return writeReport(e, f.in.format, rep)
}
