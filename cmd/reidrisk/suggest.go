package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/quasiid"
)

// suggestFlags are the flags of `reidrisk suggest`.
type suggestFlags struct {
	in            inputFlags
	cols          cliflags.Columns
	policy        cliflags.Policy // with --hierarchy COLUMN=FILE
	auto          bool
	out           string
	star          bool
	saveTransform string
	budget        time.Duration
	columns       outputColumnFlags
	local         bool
}

func (f *suggestFlags) input() *inputFlags { return &f.in }

func (f *suggestFlags) register(fs *flag.FlagSet) {
	f.cols.Register(fs, "")
	f.policy.Register(fs, cliflags.PolicyDefaults{Metric: "dm"})
	fs.BoolVar(&f.auto, "auto-hierarchies", false, "build a hierarchy from the data for every QI without one")
	fs.StringVar(&f.out, "out", "", "write the anonymised table to FILE (.csv, .parquet, .arrow, .arrows)")
	f.columns.register(fs)
	fs.BoolVar(&f.star, "star", false, "keep suppressed records with every QI set to * instead of removing them")
	fs.StringVar(&f.saveTransform, "save-transform", "", "save the chosen transformation as JSON to FILE (for reidrisk apply)")
	fs.DurationVar(&f.budget, "budget", 0, "time budget of the lattice search (0: none); a search cut short reports cut_short and is not proven optimal")
	fs.BoolVar(&f.local, "local-suppression", false, "with --k only: keep every record and blank single QI cells (*, matching any value) after generalising, as reidrisk suppress; --max-suppression is then the share of QI cells that may be blanked")
}

// options turns the flags into reidrisk.SuggestOptions (Validate checks
// them), with a placeholder for each hierarchy, read once the outputs
// exist.
func (f *suggestFlags) options(set map[string]bool) (reidrisk.SuggestOptions, error) {
	var opt reidrisk.SuggestOptions
	var err error
	if opt.QI, opt.Sensitive, err = f.cols.Lists(); err != nil {
		return opt, err
	}
	if opt.Identifiers, opt.Keep, err = f.columns.lists(); err != nil {
		return opt, err
	}
	if (len(opt.Identifiers) > 0 || len(opt.Keep) > 0) && f.out == "" {
		return opt, usagef("--identifiers and --keep need --out: they say what the anonymised table holds")
	}
	if opt.Policy, opt.Metric, err = f.policy.Policy(set, f.in.Subject != ""); err != nil {
		return opt, err
	}
	opt.Policy.LocalSuppression = f.local
	opt.Subject, opt.AutoHierarchies, opt.Star = f.in.Subject, f.auto, f.star
	opt.Hierarchies = f.policy.Hierarchies.Placeholders()
	opt.Search = generalize.Options{Budget: f.budget, MaxOptimalNodes: f.policy.MaxOptimalNodes}
	if f.out != "" {
		if opt.OutputFormat, err = quasiid.FormatFromName(f.out); err != nil {
			return opt, usagef("--out %s: %v", f.out, err)
		}
	}
	return opt, nil
}

func (f *suggestFlags) files(file string) (inputs, outputs []namedPath) {
	return append(cliflags.HierarchyInputs(f.policy.Hierarchies), namedPath{Path: file}),
		[]namedPath{{Flag: "--out", Path: f.out}, {Flag: "--save-transform", Path: f.saveTransform}}
}

func (f *suggestFlags) run(ctx context.Context, e env, s *started[reidrisk.SuggestOptions]) error {
	opt, out, transform := s.opt, s.outs[0], s.outs[1]
	var err error
	if opt.Hierarchies, err = f.policy.Hierarchies.Read(); err != nil {
		return err
	}
	if out != nil {
		opt.Output = out
	}
	rep, err := onInput(e, s, f.in, nil, &opt.Progress, func(src *quasiid.Source) (*reidrisk.SuggestReport, error) { return reidrisk.Suggest(ctx, src, opt) })
	if err != nil {
		return err
	}
	// Without a solution nothing is written: the deferred Abort leaves an
	// existing --out and --save-transform as they were.
	if out != nil && rep.Output != nil {
		if err := out.Commit(); err != nil {
			return err
		}
	}
	if transform != nil && rep.Transform != nil {
		if err := rep.Transform.WriteJSON(transform); err != nil {
			return err
		}
		if err := transform.Commit(); err != nil {
			return err
		}
	}
	return writeOut(e, f.in.format, rep,
		func(w io.Writer) error {
			return writeHTML(w, htmlPage{Title: "reidrisk suggest: " + rep.Source, Suggest: rep})
		},
		func(w io.Writer) error { writeSuggestText(w, rep, f.out, f.saveTransform); return nil })
}

// writeSuggestText writes the human-readable suggestion.
func writeSuggestText(w io.Writer, r *reidrisk.SuggestReport, out, transform string) {
	fmt.Fprintf(w, "%s: %d records, quasi-identifiers %s\n", r.Source, r.Rows, strings.Join(r.QI, ", "))
	for _, h := range r.Hierarchies {
		auto := ""
		if h.Auto {
			auto = " (automatic)"
		}
		fmt.Fprintf(w, "  %-20s %d levels from %s%s\n", h.Column, h.Levels, h.Source, auto)
	}
	how := "optimal (Flash-style search, pruned by monotonicity)"
	switch {
	case r.Heuristic && r.CutShort:
		how = "heuristic (greedy best-first), cut short by --budget, not proven optimal"
	case r.Heuristic:
		how = "heuristic (greedy best-first: the lattice exceeds --max-optimal-nodes), not proven optimal"
	case r.CutShort:
		how = "optimal search cut short by --budget: best node found, not proven optimal"
	}
	fmt.Fprintf(w, "lattice of %d nodes, %d evaluated by rolling up class tables (0 rows re-read), %s, %.1f ms\n",
		r.LatticeSize, r.NodesEvaluated, how, float64(r.SearchMillis))
	if r.TReference == "input" {
		fmt.Fprintln(w, "t-closeness is measured against the whole input's distribution (suppressed records included, as ARX);\n  an output with suppressed records removed, re-analysed alone, may exceed t (--star keeps that distribution)")
	}
	fmt.Fprintf(w, "before: %d classes, highest risk %.4g, average risk %.4g\n", r.Before.Classes, float64(r.Before.HighestRisk), float64(r.Before.AverageRisk))
	if r.Optimum == nil {
		fmt.Fprintln(w, "no node of the lattice meets the policy")
		return
	}
	line := func(label string, s reidrisk.Suggestion) {
		var lv []string
		for _, q := range r.QI {
			lv = append(lv, fmt.Sprintf("%s=%d", q, s.Levels[q]))
		}
		cells := ""
		if s.SuppressedCells > 0 {
			cells = fmt.Sprintf(", %d cells blanked", s.SuppressedCells)
		}
		fmt.Fprintf(w, "%s %s\n    %s %s, %d classes, %d suppressed%s; risk highest %.4g average %.4g; DM %d, DM* %d, loss %.4f, precision %.4f, AECS %.4g, entropy %.4g\n",
			label, strings.Join(lv, " "), r.Metric, metricValue(r.Metric, s), s.Classes, s.Suppressed, cells,
			float64(s.HighestRisk), float64(s.AverageRisk), s.DM, s.DMStar, float64(s.Loss), float64(s.Precision), float64(s.AECS), float64(s.Entropy))
	}
	line("optimum:", *r.Optimum)
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", wn)
	}
	for i, a := range r.Alternatives {
		line(fmt.Sprintf("alternative %d:", i+1), a)
	}
	if r.Output != nil {
		verb := "removed"
		if r.Output.Starred {
			verb = "starred"
		}
		if r.Output.SuppressedCells > 0 {
			verb += fmt.Sprintf("; %d QI cells blanked, * matching any value", r.Output.SuppressedCells)
		}
		fmt.Fprintf(w, "wrote %s: %d records, %d suppressed (%s), k = %d\n", out, r.Output.Written, r.Output.Suppressed, verb, r.Output.K)
		writeOutputColumns(func(format string, a ...any) { fmt.Fprintf(w, "  "+format, a...) }, r.Output.IdentifiersDropped, r.Output.ColumnsKept)
		if err := r.Output.Err(); err != nil {
			fmt.Fprintf(w, "warning: %s\n", strings.TrimPrefix(err.Error(), "reidrisk: "))
		}
	}
	if transform != "" {
		fmt.Fprintf(w, "saved the transformation to %s\n", transform)
	}
}

func metricValue(m string, s reidrisk.Suggestion) string {
	switch m {
	case "dm":
		return fmt.Sprint(s.DM)
	case "dm_star":
		return fmt.Sprint(s.DMStar)
	case "loss":
		return fmt.Sprintf("%.4f", float64(s.Loss))
	case "precision":
		return fmt.Sprintf("%.4f", float64(s.Precision))
	case "aecs":
		return fmt.Sprintf("%.4g", float64(s.AECS))
	}
	return fmt.Sprintf("%.4g", float64(s.Entropy))
}
