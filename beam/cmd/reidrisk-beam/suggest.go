package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	rbeam "github.com/reidrisk/reidrisk/beam"
	"github.com/reidrisk/reidrisk/generalize"
)

// Flags of --mode suggest, named as in `reidrisk suggest`; --input, --qi,
// --sensitive, --subject, --delimiter, --null, --shards, --l (an integer
// here) and --output are shared.
var (
	hierarchies      = hierarchyFlag{}
	k                = flag.Int64("k", 0, "suggest: least class size (in subjects when --subject is given); classes: a further k of records_in_classes_below_k")
	lVariant         = flag.String("l-variant", "distinct", "suggest: l-diversity variant for --l: distinct, entropy or recursive")
	cParam           = flag.Float64("c", 0, "suggest: c of recursive (c,l)-diversity")
	tParam           = flag.Float64("t", 0, "suggest: largest t-closeness distance of every sensitive column from the whole input's distribution")
	tDistance        = flag.String("t-distance", "equal", "suggest: t-closeness ground distance: equal or ordered")
	maxRisk          = flag.Float64("max-risk", 0, "suggest: largest prosecutor risk 1/|E| of a kept record")
	maxAverageRisk   = flag.Float64("max-average-risk", 0, "suggest: largest average prosecutor risk over kept records")
	maxRecordsAtRisk = flag.Float64("max-records-at-risk", 0, "suggest: largest share of kept records whose risk exceeds --risk-threshold")
	riskThreshold    = flag.Float64("risk-threshold", 0.2, "suggest: risk above which a record is at risk (for --max-records-at-risk)")
	maxUniques       = flag.Float64("max-sample-uniques", 0, "suggest: largest share of kept records alone in their class")
	maxSuppression   = flag.Float64("max-suppression", 0, "suggest: largest share of records that may be suppressed")
	metric           = flag.String("metric", "dm_star", "suggest: utility metric: dm, dm_star, loss, precision, aecs or entropy")
	maxOptimalNodes  = flag.Int64("max-optimal-nodes", 100_000, "suggest: largest lattice searched optimally (locally; level by level: the largest searched at all)")
	maxClasses       = flag.Int64("max-classes", rbeam.DefaultMaxClasses, "suggest: largest finest class table searched on the launching machine; larger ones are searched level by level on Beam (negative: always)")
	latticeDir       = flag.String("lattice-dir", "", "suggest: directory (local or gs://…) the workers and this machine share for the finest table's shards and the nodes' results (default: a local temporary directory, for local runners)")
)

func init() {
	flag.Var(hierarchies, "hierarchy", "suggest: COLUMN=FILE: ARX hierarchy (value;level1;…;*) for a QI; repeat per QI")
	modes["suggest"] = runSuggest
}

// hierarchyFlag collects --hierarchy COLUMN=FILE.
type hierarchyFlag map[string]string

func (h hierarchyFlag) String() string { return "" }

func (h hierarchyFlag) Set(v string) error {
	col, file, ok := strings.Cut(v, "=")
	if !ok || col == "" || file == "" {
		return fmt.Errorf("want COLUMN=FILE, got %q", v)
	}
	if _, dup := h[col]; dup {
		return fmt.Errorf("two hierarchies for column %q", col)
	}
	h[col] = file
	return nil
}

// suggestPolicy builds the policy from the flags given (set).
func suggestPolicy(set map[string]bool) (generalize.Policy, error) {
	p := generalize.Policy{K: *k, SubjectK: *subject != "" && *k > 0, C: *cParam, T: *tParam, MaxSuppression: *maxSuppression}
	if set["l"] {
		p.L = float64(*l)
	}
	criteria := p.K > 0 || p.L > 0 || p.T > 0
	for _, sh := range []struct {
		name string
		v    float64
		dst  **float64
	}{
		{"max-risk", *maxRisk, &p.MaxRisk},
		{"max-average-risk", *maxAverageRisk, &p.MaxAverageRisk},
		{"max-records-at-risk", *maxRecordsAtRisk, &p.MaxRecordsAtRisk},
		{"max-sample-uniques", *maxUniques, &p.MaxSampleUniques},
	} {
		if set[sh.name] {
			*sh.dst = generalize.Share(sh.v)
			criteria = true
		}
	}
	if p.MaxRecordsAtRisk != nil {
		p.RiskThreshold = *riskThreshold
	}
	switch *lVariant {
	case "distinct":
		p.LVariant = generalize.DistinctL
	case "entropy":
		p.LVariant = generalize.EntropyL
	case "recursive":
		p.LVariant = generalize.RecursiveCL
	default:
		return p, fmt.Errorf("--l-variant %q: want distinct, entropy or recursive", *lVariant)
	}
	switch *tDistance {
	case "equal":
		p.TDistance = generalize.EqualDistance
	case "ordered":
		p.TDistance = generalize.OrderedDistance
	default:
		return p, fmt.Errorf("--t-distance %q: want equal or ordered", *tDistance)
	}
	if (p.L > 0 || p.T > 0) && *sensitive == "" {
		return p, fmt.Errorf("--l and --t need --sensitive")
	}
	if !criteria {
		return p, fmt.Errorf("no privacy criterion: give --k and/or --l, --t, --max-risk, --max-average-risk, --max-records-at-risk, --max-sample-uniques")
	}
	return p, nil
}

func runSuggest(ctx context.Context) error {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *input == "" || *qi == "" {
		return fmt.Errorf("--mode suggest needs --input, --qi and a --hierarchy per QI")
	}
	if err := checkShards(); err != nil {
		return err
	}
	opt, err := countOptions()
	if err != nil {
		return err
	}
	var hs []*generalize.Hierarchy
	for _, q := range opt.QI {
		path, ok := hierarchies[q]
		if !ok {
			return fmt.Errorf("no --hierarchy for quasi-identifier %q (give %s=FILE)", q, q)
		}
		h, err := generalize.ReadHierarchyFile(q, path)
		if err != nil {
			return err
		}
		hs = append(hs, h)
	}
	for col := range hierarchies {
		if !slices.Contains(opt.QI, col) {
			return fmt.Errorf("--hierarchy %s=…: %q is not in --qi", col, col)
		}
	}
	p, err := suggestPolicy(set)
	if err != nil {
		return err
	}
	m, err := generalize.ParseMetric(*metric)
	if err != nil {
		return fmt.Errorf("--metric %q: want dm, dm_star, loss, precision, aecs or entropy", *metric)
	}
	paths, err := expand(ctx, *input)
	if err != nil {
		return err
	}
	dir := *latticeDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "reidrisk-beam-suggest-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	sg, err := rbeam.Suggest(ctx, func(s beam.Scope) beam.PCollection {
		return rbeam.CountFiles(s, beam.Reshuffle(s, beam.CreateList(s, paths)), opt)
	}, rbeam.SuggestOptions{
		Hierarchies: hs, Policy: p, Search: generalize.Options{Metric: m, MaxOptimalNodes: *maxOptimalNodes},
		MaxClasses: *maxClasses, Shards: *shards, TempDir: dir,
	})
	if err != nil {
		return err
	}
	return writeJSON(ctx, *output, suggestReport(sg))
}

// suggestJSON is the JSON of --mode suggest: the fields of `reidrisk
// suggest --format json` it can fill, and how the search ran.
type suggestJSON struct {
	Path           string     `json:"path"` // "local" or "level_by_level"
	FinestClasses  int64      `json:"finest_classes"`
	FinestBytes    int64      `json:"finest_bytes"`
	Pipelines      int        `json:"pipelines"`
	LatticeSize    int64      `json:"lattice_size"`
	NodesEvaluated int        `json:"nodes_evaluated"`
	NodesByHeight  []int      `json:"nodes_evaluated_by_height,omitempty"`
	FeasibleFound  int        `json:"feasible_nodes_found,omitempty"`
	Optimal        bool       `json:"optimal"`
	Metric         string     `json:"metric"`
	Optimum        *nodeJSON  `json:"optimum"`
	Alternatives   []nodeJSON `json:"alternatives,omitempty"`
}

type nodeJSON struct {
	Levels            map[string]int `json:"levels"`
	DM                int64          `json:"dm"`
	DMStar            int64          `json:"dm_star"`
	Loss              float64        `json:"loss"`
	Precision         float64        `json:"precision"`
	AECS              float64        `json:"aecs"`
	Entropy           float64        `json:"entropy"`
	Suppressed        int64          `json:"suppressed"`
	SuppressedClasses int            `json:"suppressed_classes"`
	Classes           int            `json:"classes"`
	HighestRisk       float64        `json:"highest_risk"`
	AverageRisk       float64        `json:"average_risk"`
}

func nodeOf(qi []string, n *generalize.Node) nodeJSON {
	out := nodeJSON{Levels: map[string]int{}, DM: n.DM, DMStar: n.DMStar, Loss: n.Loss, Precision: n.Precision,
		AECS: n.AECS, Entropy: n.Entropy, Suppressed: n.Suppressed, SuppressedClasses: n.SuppressedClasses, Classes: n.Classes,
		HighestRisk: n.HighestRisk, AverageRisk: n.AverageRisk}
	for j, q := range qi {
		out.Levels[q] = n.Levels[j]
	}
	return out
}

func suggestReport(sg *rbeam.Suggestion) suggestJSON {
	r := sg.Result
	out := suggestJSON{Path: "level_by_level", FinestClasses: sg.Classes, FinestBytes: sg.Bytes, Pipelines: sg.Pipelines,
		LatticeSize: r.LatticeSize, NodesEvaluated: r.NodesEvaluated, NodesByHeight: sg.Evaluated, FeasibleFound: sg.Feasible,
		Optimal: r.Optimal, Metric: r.Metric.String()}
	if sg.Local {
		out.Path = "local"
	}
	if r.Optimum != nil {
		o := nodeOf(r.QI, r.Optimum)
		out.Optimum = &o
	}
	for _, a := range r.Alternatives {
		out.Alternatives = append(out.Alternatives, nodeOf(r.QI, a))
	}
	return out
}
