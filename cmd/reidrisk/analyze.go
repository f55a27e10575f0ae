package main

import (
	"context"
	"flag"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/quasiid"
)

// analyzeFlags are the flags of `reidrisk analyze`.
type analyzeFlags struct {
	in          inputFlags
	cols        cliflags.Columns
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
	hierarchies cliflags.Hierarchies
}

// loadHierarchies reads each hierarchy file (ARX format:
// value;level1;…;top) into the value → path-to-root form of
// reidrisk.Options.Hierarchies.
func loadHierarchies(h cliflags.Hierarchies) (map[string]map[string][]string, error) {
	if len(h) == 0 {
		return nil, nil
	}
	hs, err := h.Read()
	if err != nil {
		return nil, err
	}
	out := map[string]map[string][]string{}
	for col, hier := range hs {
		m := map[string][]string{}
		for _, row := range hier.Rows() {
			m[row[0]] = row[1:]
		}
		out[col] = m
	}
	return out, nil
}

func (f *analyzeFlags) input() *inputFlags { return &f.in }

func (f *analyzeFlags) register(fs *flag.FlagSet) {
	f.cols.Register(fs, "")
	fs.StringVar(&f.identifiers, "identifiers", "", "direct-identifier columns, comma-separated: checked, never analysed or printed")
	fs.IntVar(&f.k, "k", reidrisk.DefaultK, "smallest acceptable class size")
	fs.Float64Var(&f.threshold, "risk-threshold", reidrisk.DefaultRiskThreshold, "prosecutor risk above which a record is at risk")
	fs.IntVar(&f.l, "l", reidrisk.DefaultL, "l of recursive (c,l)-diversity, checked with --c (alone: a usage error)")
	fs.Float64Var(&f.c, "c", 0, "check recursive (c,l)-diversity with this c")
	fs.Float64Var(&f.t, "t", 0, "check t-closeness (equal distance) with this t")
	fs.StringVar(&f.population, "population", "", "population table FILE with the same QI columns (journalist/marketer risk)")
	fs.StringVar(&f.weights, "weights", "", "column of per-record sampling weights")
	fs.Float64Var(&f.fraction, "sampling-fraction", 0, "fraction of the population in the sample, 0 < f ≤ 1")
	fs.BoolVar(&f.suda, "suda", false, "compute SUDA2 minimal sample uniques and DIS-SUDA scores")
	fs.IntVar(&f.sudaMax, "suda-max-size", 0, "largest minimal sample unique searched by --suda (default: all QIs)")
	fs.IntVar(&f.qiMax, "qi-max-columns", reidrisk.DefaultQIMaxColumns, "score every combination of the QIs when there are at most this many (beyond, combinations of up to as many QIs as keep their number within 2^N−1, at least 3); 0 turns the QI analysis off")
	fs.BoolVar(&f.qiAnalysis, "qi-analysis", true, "rank the combinations of QIs by distinction and separation (--qi-analysis=false turns it off)")
	f.hierarchies = cliflags.Hierarchies{}
	fs.Var(f.hierarchies, "hierarchy", "COLUMN=FILE: ARX hierarchy (value;level1;…;*) of a sensitive column, for hierarchical t-closeness; repeat per column")
	fs.StringVar(&f.records, "records", "", "write the per-record risk table to FILE (.arrow, .arrows, .parquet or .csv)")
}

// options turns the flags into reidrisk.Options (Validate checks them);
// set holds the names of the flags given on the command line.
func (f *analyzeFlags) options(set map[string]bool) (reidrisk.Options, error) {
	var opt reidrisk.Options
	var err error
	if opt.QI, opt.Sensitive, err = f.cols.Lists(); err != nil {
		return opt, err
	}
	if opt.Identifiers, err = splitList("--identifiers", f.identifiers); err != nil {
		return opt, err
	}
	if set["l"] && !set["c"] {
		return opt, usagef("--l %d alone checks nothing: it is the l of recursive (c,l)-diversity and needs --c (distinct and entropy l are always reported for each --sensitive column)", f.l)
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
	if f.records != "" {
		if err := checkRecordsPath(f.records); err != nil {
			return opt, err
		}
	}
	opt.Subject = f.in.Subject
	opt.K, opt.RiskThreshold, opt.L = cliflags.Given(set, "k", f.k), cliflags.Given(set, "risk-threshold", f.threshold), cliflags.Given(set, "l", f.l)
	opt.C, opt.T = cliflags.Given(set, "c", f.c), cliflags.Given(set, "t", f.t)
	opt.Weights, opt.SamplingFraction = f.weights, cliflags.Given(set, "sampling-fraction", f.fraction)
	opt.SUDA, opt.SUDAMaxSize, opt.QIMaxColumns = f.suda, cliflags.Given(set, "suda-max-size", f.sudaMax), f.qiMax
	opt.SkipQIAnalysis = !f.qiAnalysis || f.qiMax == 0
	opt.Records = f.records != ""
	opt.ShowValues = f.in.showValues
	opt.Hierarchies = map[string]map[string][]string{} // the columns, for Validate; read once the outputs exist
	for col := range f.hierarchies {
		opt.Hierarchies[col] = nil
	}
	return opt, nil
}

func (f *analyzeFlags) files(file string) (inputs, outputs []namedPath) {
	return append(cliflags.HierarchyInputs(f.hierarchies), namedPath{Path: file}, namedPath{Flag: "--population", Path: f.population}),
		[]namedPath{{Flag: "--records", Path: f.records}}
}

func (f *analyzeFlags) run(ctx context.Context, e env, s *started[reidrisk.Options]) error {
	opt := s.opt
	var err error
	if opt.Hierarchies, err = loadHierarchies(f.hierarchies); err != nil {
		return err
	}
	if f.population == "-" && s.file == "-" {
		return usagef("--population - and FILE - cannot both read standard input")
	}
	rep, err := onInput(e, s, f.in, nil, &opt.Progress, func(src *quasiid.Source) (*reidrisk.Report, error) {
		if f.population != "" {
			pop, err := openInput(e, f.population, f.in)
			if err != nil {
				return nil, err
			}
			defer pop.Close()
			opt.Population = pop
		}
		return reidrisk.Analyze(ctx, src, opt)
	})
	if err != nil {
		return err
	}
	if s.outs[0] != nil {
		if err := writeRecords(s.outs[0], rep.Records); err != nil {
			return err
		}
	}
	return writeReport(e, f.in.format, rep)
}
