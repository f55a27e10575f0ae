package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk"
	rbeam "github.com/reidrisk/reidrisk/beam"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/cliflags"
)

// Flags of --mode suggest beside the policy's (package cliflags, named
// as in `reidrisk suggest`); --input, --qi, --sensitive, --subject,
// --delimiter, --null, --shards and --output are shared.
var (
	maxClasses = flag.Int64("max-classes", rbeam.DefaultMaxClasses, "suggest: largest finest class table searched on the launching machine; larger ones are searched level by level on Beam (negative: always)")
	latticeDir = flag.String("lattice-dir", "", "suggest: directory (local or gs://…) the workers and this machine share for the finest table's shards and the nodes' results (default: a local temporary directory, for local runners)")
)

func init() {
	modes["suggest"] = runSuggest
}

// suggestOptions maps the flags to the options of rbeam.Suggest (but Run
// and TempDir), validated by reidrisk.SuggestOptions.Validate as `reidrisk
// suggest`'s; set holds the flags given. An error names the flags.
func suggestOptions(set map[string]bool) (rbeam.Options, rbeam.SuggestOptions, error) {
	var so rbeam.SuggestOptions
	if *input == "" || cols.QI == "" {
		return rbeam.Options{}, so, fmt.Errorf("--mode suggest needs --input, --qi and a --hierarchy per QI")
	}
	if err := checkShards(); err != nil {
		return rbeam.Options{}, so, err
	}
	opt, err := countOptions()
	if err != nil {
		return opt, so, err
	}
	p, m, err := policy.Policy(set, in.Subject != "")
	if err != nil {
		return opt, so, err
	}
	ro := reidrisk.SuggestOptions{QI: opt.QI, Sensitive: opt.Sensitive, Subject: opt.Subject, Policy: p, Metric: m,
		Hierarchies: policy.Hierarchies.Placeholders(), Search: generalize.Options{MaxOptimalNodes: policy.MaxOptimalNodes}}
	if err := ro.Validate(); err != nil {
		return opt, so, cliflags.Mapper{FS: flag.CommandLine}.Usage(err)
	}
	hs, err := policy.Hierarchies.Read()
	if err != nil {
		return opt, so, err
	}
	// The QIs' hierarchies in QI order, then the sensitive columns' (for
	// hierarchical t-closeness).
	for _, c := range append(slices.Clone(opt.QI), opt.Sensitive...) {
		if h := hs[c]; h != nil {
			so.Hierarchies = append(so.Hierarchies, h)
		}
	}
	so.Policy, so.Search, so.MaxClasses, so.Shards = p, generalize.Options{Metric: m, MaxOptimalNodes: policy.MaxOptimalNodes}, *maxClasses, *shards
	return opt, so, nil
}

func runSuggest(ctx context.Context) error {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	opt, so, err := suggestOptions(set)
	if err != nil {
		return err
	}
	paths, err := inputs(ctx, policy.Hierarchies)
	if err != nil {
		return err
	}
	if so.TempDir = *latticeDir; so.TempDir == "" {
		if so.TempDir, err = os.MkdirTemp("", "reidrisk-beam-suggest-"); err != nil {
			return err
		}
		defer os.RemoveAll(so.TempDir)
	}
	sg, err := rbeam.Suggest(ctx, func(s beam.Scope) beam.PCollection {
		return rbeam.CountFiles(s, fileList(s, paths), opt)
	}, so)
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
