package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

// suggestFlags are the flags of `reidrisk suggest`.
type suggestFlags struct {
	in              inputFlags
	qi, sensitive   string
	hierarchies     tHierarchies // COLUMN=FILE, shared with analyze
	auto            bool
	k               int64
	l, c, t         float64
	lVariant        string
	tDistance       string
	maxRisk         float64
	maxAverageRisk  float64
	maxAtRisk       float64
	riskThreshold   float64
	maxUniques      float64
	maxSuppression  float64
	metric          string
	out             string
	star            bool
	saveTransform   string
	budget          time.Duration
	maxOptimalNodes int64
	alpha           float64
	columns         outputColumnFlags
	local           bool
}

func (f *suggestFlags) register(fs *flag.FlagSet) {
	f.in.register(fs)
	f.hierarchies = tHierarchies{}
	fs.StringVar(&f.qi, "qi", "", "quasi-identifier columns, comma-separated (required)")
	fs.Var(f.hierarchies, "hierarchy", "COLUMN=FILE: ARX hierarchy (value;level1;…;*) for a QI, or for a sensitive column with --t-distance hierarchical; repeat per column")
	fs.BoolVar(&f.auto, "auto-hierarchies", false, "build a hierarchy from the data for every QI without one")
	fs.Int64Var(&f.k, "k", 0, "least class size (in subjects when --subject is given)")
	fs.StringVar(&f.sensitive, "sensitive", "", "sensitive columns, comma-separated (for --l and --t)")
	fs.Float64Var(&f.l, "l", 0, "least l-diversity of every sensitive column")
	fs.StringVar(&f.lVariant, "l-variant", "distinct", "l-diversity variant: distinct, entropy or recursive")
	fs.Float64Var(&f.c, "c", 0, "c of recursive (c,l)-diversity")
	fs.Float64Var(&f.t, "t", 0, "largest t-closeness distance of every sensitive column from the whole input's distribution (suppressed records included)")
	fs.StringVar(&f.tDistance, "t-distance", "equal", "t-closeness ground distance: equal, ordered or hierarchical (with --hierarchy SENSITIVE=FILE)")
	fs.Float64Var(&f.maxRisk, "max-risk", 0, "largest prosecutor risk 1/|E| of a kept record")
	fs.Float64Var(&f.maxAverageRisk, "max-average-risk", 0, "largest average prosecutor risk over kept records")
	fs.Float64Var(&f.maxAtRisk, "max-records-at-risk", 0, "largest share of kept records whose risk exceeds --risk-threshold")
	fs.Float64Var(&f.riskThreshold, "risk-threshold", reidrisk.DefaultRiskThreshold, "risk above which a record is at risk (for --max-records-at-risk)")
	fs.Float64Var(&f.maxUniques, "max-sample-uniques", 0, "largest share of kept records alone in their class")
	fs.Float64Var(&f.maxSuppression, "max-suppression", 0, "largest share of records that may be suppressed")
	fs.StringVar(&f.metric, "metric", "dm", "utility metric: dm, dm_star, loss, aecs or entropy (lower is better, minimised) or precision (Sweeney's Prec, 1 = nothing generalised, higher is better, maximised); dm, loss, precision and entropy charge a suppressed record as much as a record can cost, dm_star and aecs do not (with --max-suppression they favour suppressing over generalising)")
	fs.StringVar(&f.out, "out", "", "write the anonymised table to FILE (.csv, .parquet, .arrow, .arrows)")
	f.columns.register(fs)
	fs.BoolVar(&f.star, "star", false, "keep suppressed records with every QI set to * instead of removing them")
	fs.StringVar(&f.saveTransform, "save-transform", "", "save the chosen transformation as JSON to FILE (for reidrisk apply)")
	fs.DurationVar(&f.budget, "budget", 0, "time budget of the lattice search (0: none); a search cut short reports cut_short and is not proven optimal")
	fs.Float64Var(&f.alpha, "alpha", 0, "largest share of one sensitive value in a class ((α,k)-anonymity, k = --k)")
	fs.BoolVar(&f.local, "local-suppression", false, "with --k only: keep every record and blank single QI cells (*, matching any value) after generalising, as reidrisk suppress; --max-suppression is then the share of QI cells that may be blanked")
	fs.Int64Var(&f.maxOptimalNodes, "max-optimal-nodes", 100_000, "largest lattice (product of hierarchy heights) searched optimally; larger ones are searched by a greedy best-first heuristic, not proven optimal")
}

// options checks the flags and turns them into reidrisk.SuggestOptions
// (without hierarchies).
func (f *suggestFlags) options(set map[string]bool) (reidrisk.SuggestOptions, error) {
	var opt reidrisk.SuggestOptions
	if err := f.in.check(); err != nil {
		return opt, err
	}
	var err error
	if opt.QI, opt.Sensitive, err = qiLists(f.qi, f.sensitive); err != nil {
		return opt, err
	}
	opt.Subject = f.in.subject
	if err := checkRoles(roleFlag{"--qi", opt.QI}, roleFlag{"--sensitive", opt.Sensitive}, roleFlag{"--subject", []string{opt.Subject}}); err != nil {
		return opt, err
	}
	if opt.Identifiers, opt.Keep, err = f.columns.lists(); err != nil {
		return opt, err
	}
	// The subject may be dropped or kept: it is counted first.
	if err := checkRoles(roleFlag{"--qi", opt.QI}, roleFlag{"--sensitive", opt.Sensitive}, roleFlag{"--identifiers", opt.Identifiers}, roleFlag{"--keep", opt.Keep}); err != nil {
		return opt, err
	}
	if (len(opt.Identifiers) > 0 || len(opt.Keep) > 0) && f.out == "" {
		return opt, usagef("--identifiers and --keep need --out: they say what the anonymised table holds")
	}
	opt.AutoHierarchies = f.auto
	if err := f.checkSensitiveHierarchies(opt); err != nil {
		return opt, err
	}
	if !f.auto {
		for _, q := range opt.QI {
			if _, ok := f.hierarchies[q]; !ok {
				return opt, usagef("no --hierarchy for quasi-identifier %s (give %s=FILE or --auto-hierarchies)", textfmt.Name(q), textfmt.Name(q))
			}
		}
	}
	p := generalize.Policy{K: f.k, SubjectK: f.in.subject != "" && f.k > 0, L: f.l, C: f.c, T: f.t, MaxSuppression: f.maxSuppression}
	// A threshold given as 0 is a policy (no record at risk, no sample
	// uniques); one not given is off.
	shares := []struct {
		name string
		v    float64
		dst  **float64
	}{
		{"max-risk", f.maxRisk, &p.MaxRisk},
		{"max-average-risk", f.maxAverageRisk, &p.MaxAverageRisk},
		{"max-records-at-risk", f.maxAtRisk, &p.MaxRecordsAtRisk},
		{"max-sample-uniques", f.maxUniques, &p.MaxSampleUniques},
		{"max-suppression", f.maxSuppression, nil},
		{"risk-threshold", f.riskThreshold, nil},
	}
	criteria := f.k != 0 || f.l != 0 || f.t != 0 || f.alpha != 0
	for _, sh := range shares {
		if !set[sh.name] {
			continue
		}
		if !(sh.v >= 0 && sh.v <= 1) {
			return opt, usagef("--%s %g: want a share in [0, 1]", sh.name, sh.v)
		}
		if sh.dst != nil {
			*sh.dst = generalize.Share(sh.v)
			criteria = true
		}
	}
	if set["risk-threshold"] && !(f.riskThreshold > 0) {
		return opt, usagef("--risk-threshold %g: want a risk in (0, 1]", f.riskThreshold)
	}
	if set["t"] && !(f.t > 0 && f.t <= 1) {
		return opt, usagef("--t %g: want 0 < t ≤ 1", f.t)
	}
	if set["alpha"] && !(f.alpha > 0 && f.alpha <= 1) {
		return opt, usagef("--alpha %g: want 0 < α ≤ 1", f.alpha)
	}
	p.Alpha = f.alpha
	if set["l"] && !(f.l >= 1) {
		return opt, usagef("--l %g: want at least 1", f.l)
	}
	if p.MaxRecordsAtRisk != nil {
		p.RiskThreshold = f.riskThreshold
	}
	switch f.lVariant {
	case "distinct":
		p.LVariant = generalize.DistinctL
	case "entropy":
		p.LVariant = generalize.EntropyL
	case "recursive":
		p.LVariant = generalize.RecursiveCL
		if f.l > 0 && !(f.c > 0) {
			return opt, usagef("--l-variant recursive needs --c > 0")
		}
	default:
		return opt, usagef("--l-variant %q: want distinct, entropy or recursive", f.lVariant)
	}
	switch f.tDistance {
	case "equal":
		p.TDistance = generalize.EqualDistance
	case "ordered":
		p.TDistance = generalize.OrderedDistance
	case "hierarchical":
		p.TDistance = generalize.HierarchicalDistance
	default:
		return opt, usagef("--t-distance %q: want equal, ordered or hierarchical", f.tDistance)
	}
	if (f.l > 0 || f.t > 0) && len(opt.Sensitive) == 0 {
		return opt, usagef("--l and --t need --sensitive")
	}
	if f.alpha > 0 && len(opt.Sensitive) == 0 {
		return opt, usagef("--alpha needs --sensitive")
	}
	if f.k < 0 || (set["k"] && f.k < 1) {
		return opt, usagef("--k %d: want at least 1", f.k)
	}
	if !criteria {
		return opt, usagef("no privacy criterion: give --k and/or --l, --t, --alpha, --max-risk, --max-average-risk, --max-records-at-risk, --max-sample-uniques")
	}
	if f.local {
		if f.k < 1 || f.l != 0 || f.t != 0 || f.alpha != 0 || p.MaxRisk != nil || p.MaxAverageRisk != nil || p.MaxRecordsAtRisk != nil || p.MaxSampleUniques != nil {
			return opt, usagef("--local-suppression supports --k as the only criterion")
		}
		p.LocalSuppression = true
	}
	m, err := generalize.ParseMetric(f.metric)
	if err != nil {
		return opt, usagef("--metric %q: want dm, dm_star, loss, precision, aecs or entropy", f.metric)
	}
	opt.Policy, opt.Metric, opt.Star = p, m, f.star
	opt.Search = generalize.Options{Budget: f.budget, MaxOptimalNodes: f.maxOptimalNodes}
	if f.out != "" {
		if opt.OutputFormat, err = quasiid.FormatFromName(f.out); err != nil {
			return opt, usagef("--out %s: %v", f.out, err)
		}
	}
	return opt, nil
}

// checkSensitiveHierarchies checks that every --hierarchy names a QI or,
// with --t-distance hierarchical, a sensitive column, and that every
// sensitive column then has one.
func (f *suggestFlags) checkSensitiveHierarchies(opt reidrisk.SuggestOptions) error {
	hier := f.tDistance == "hierarchical"
	for col := range f.hierarchies {
		switch {
		case slices.Contains(opt.QI, col):
		case slices.Contains(opt.Sensitive, col) && !hier:
			return usagef("--hierarchy %s=…: %s is a --sensitive column; its hierarchy is used only with --t-distance hierarchical", textfmt.Name(col), textfmt.Name(col))
		case !slices.Contains(opt.Sensitive, col):
			return usagef("--hierarchy %s=…: %s is not in --qi or --sensitive", textfmt.Name(col), textfmt.Name(col))
		}
	}
	if hier && f.t > 0 {
		for _, s := range opt.Sensitive {
			if _, ok := f.hierarchies[s]; !ok {
				return usagef("--t-distance hierarchical: no --hierarchy for sensitive column %s (give %s=FILE)", textfmt.Name(s), textfmt.Name(s))
			}
		}
	}
	return nil
}

func runSuggest(ctx context.Context, e env, args []string) error {
	var f suggestFlags
	file, set, err := parseCommand(e, "suggest", &f, args)
	if err != nil {
		return err
	}
	opt, err := f.options(set)
	if err != nil {
		return err
	}
	outs, err := createOutputs(ctx, e, append(hierarchyInputs(f.hierarchies), namedPath{"", file}),
		namedPath{"--out", f.out}, namedPath{"--save-transform", f.saveTransform})
	if err != nil {
		return err
	}
	defer outs.Abort()
	out, transform := outs[0], outs[1]
	opt.Hierarchies = map[string]*generalize.Hierarchy{}
	for col, path := range f.hierarchies {
		h, err := generalize.ReadHierarchyFile(col, path)
		if err != nil {
			return err
		}
		opt.Hierarchies[col] = h
	}
	src, err := openInput(e, file, f.in)
	if err != nil {
		return err
	}
	defer src.Close()
	if out != nil {
		opt.Output = out
	}
	bar := newProgress(e, f.in.quiet)
	opt.Progress = bar.update
	rep, err := reidrisk.Suggest(ctx, src, opt)
	bar.done()
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
	switch f.in.format {
	case "json":
		if err := writeJSON(e.stdout, rep); err != nil {
			return err
		}
	case "html":
		if err := writeHTML(e.stdout, htmlPage{Title: "reidrisk suggest: " + rep.Source, Suggest: rep}); err != nil {
			return err
		}
	default:
		writeSuggestText(e.stdout, rep, f.out, f.saveTransform)
	}
	return rep.Err()
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
