package generalize

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/reidrisk/reidrisk/anonymity"
)

// Options control Search.
type Options struct {
	// Metric is the utility measure to minimise.
	Metric Metric
	// MaxOptimalNodes is the largest lattice searched optimally; larger
	// lattices are searched heuristically. 0 means 100,000.
	MaxOptimalNodes int64
	// Budget, if positive, bounds the search time; a search cut short
	// returns the best feasible node found so far with Optimal = false,
	// or, when it found none, climbs greedily from the bottom to one.
	Budget time.Duration
	// MaxHeuristicNodes bounds the nodes the heuristic search evaluates
	// before it climbs straight to a feasible node. 0 means 5,000.
	MaxHeuristicNodes int
	// Alternatives is the most alternatives (a Pareto list of average risk
	// against the metric) to return; 0 means 5, negative none.
	Alternatives int
	// CacheClasses bounds the classes held by cached node tables; 0 means
	// 4 Mi.
	CacheClasses int
	// Progress, if non-nil, is called after each evaluated node.
	Progress func(evaluated int)
}

// Result is the outcome of a search.
type Result struct {
	// QI names the quasi-identifiers; Heights[j] is the number of levels
	// of QI j (its top level is Heights[j]−1).
	QI      []string
	Heights []int
	// Hierarchies used, in QI order.
	Hierarchies []*Hierarchy
	// SensitiveHierarchies are the hierarchies given for sensitive
	// columns (hierarchical t-closeness).
	SensitiveHierarchies []*Hierarchy
	Policy               Policy
	Metric               Metric
	// LatticeSize is Π Heights.
	LatticeSize int64
	// NodesEvaluated counts nodes whose class table was built and checked;
	// the others were tagged from monotonicity.
	NodesEvaluated int
	// ClassesRolledUp counts class-table entries read by roll-ups; rows
	// are never re-read.
	ClassesRolledUp int64
	// Optimal reports whether the optimum is proven optimal.
	Optimal bool
	// Heuristic reports whether the heuristic search was used.
	Heuristic bool
	// CutShort reports whether the time budget stopped the search before
	// it finished; the optimum is then the best feasible node found (or
	// reached by a greedy climb) and not proven optimal.
	CutShort bool
	// Optimum is the best feasible node, nil if no node is feasible.
	Optimum *Node
	// Alternatives are other feasible nodes, none dominated in (average
	// risk, metric) by another evaluated node, by increasing metric.
	Alternatives []*Node
	// Bottom is the ungeneralised node as the search evaluated it (with
	// the policy's suppression; infeasible nodes may carry only DM* and
	// the suppression counts).
	Bottom *Node
	// Before is the ungeneralised table with nothing suppressed, every
	// metric evaluated: the figures to compare a suggestion with.
	Before *Node
	// MonotoneFeasibility and MonotoneMetric say which pruning was used.
	MonotoneFeasibility, MonotoneMetric bool
	// FeasibleFound counts the nodes the optimal search found feasible,
	// evaluated or implied by monotonicity (with pruning it may miss
	// feasible nodes that cannot be the optimum); 0 for the heuristic.
	FeasibleFound int
}

// Search finds the feasible node of the generalisation lattice of c's
// quasi-identifiers that minimises opt.Metric under policy p. hs holds one
// hierarchy per QI of c (matched by column name). c must be counted from
// ungeneralised data, with Subjects when p.SubjectK and Sensitive when p
// has l or t.
//
// Optimal search (lattices up to opt.MaxOptimalNodes) follows Flash
// (Kohlmayer et al., "Flash: Efficient, Stable and Optimal K-Anonymity",
// PASSAT 2012): nodes are taken by increasing height, a path is climbed
// from each unclassified node through unclassified successors, and a
// binary search on the path finds its lowest feasible node. When
// feasibility is monotone, a feasible node tags every generalisation of it
// feasible and an infeasible node tags every specialisation infeasible,
// without evaluating them. Feasibility is monotone when every per-class
// criterion holds for the union of two classes that hold it (all of them:
// see criteria.go) and, with MaxSuppression > 0, also for any class holding
// a class that holds it (k, subjects, highest risk, distinct l: then the
// suppressed records can only shrink upwards), and the table-level
// criteria (average risk, records at risk, sample uniques) are used only
// with MaxSuppression = 0; otherwise every node is evaluated. The search
// asks its Evaluator for nodes (see SearchWith); Search's rolls them up
// from an in-memory class table. When the metric is monotone (DM*, or any metric without
// suppression) nodes above a feasible node are not evaluated; otherwise
// every feasible node is.
//
// Larger lattices are searched greedily (Result.Heuristic, not proven
// optimal): best-first from the bottom towards feasibility, stopping at the
// first feasible node reached, then a bounded local improvement (see
// bestFirst). A Budget that runs out sets Result.CutShort.
//
// l-diversity and t-closeness are measured per class with the anonymity
// package (DistinctL, EntropyL, RecursiveC, TCloseness); t against the
// distribution of the whole input, suppressed records included.
//
// Each node's classes are rolled up from the cached table of the
// evaluated node below it with the fewest classes (the bottom at worst).
func Search(ctx context.Context, c *anonymity.Classes, hs []*Hierarchy, p Policy, opt Options) (*Result, error) {
	s, res, err := newTableSearcher(ctx, c, hs, p, opt)
	if err != nil {
		return nil, err
	}
	ev := s.ev.(*tableEvaluator)
	if res.Before, err = ev.ev.before(ev.bottom); err != nil {
		return nil, err
	}
	if err := s.run(res); err != nil {
		return nil, err
	}
	res.ClassesRolledUp = ev.roll.rolled
	return res, nil
}

// newTableSearcher prepares Search's search of c's lattice, with the
// in-memory evaluator.
func newTableSearcher(ctx context.Context, c *anonymity.Classes, hs []*Hierarchy, p Policy, opt Options) (*searcher, *Result, error) {
	if err := checkSearch(p, opt.Metric); err != nil {
		return nil, nil, err
	}
	if opt.CacheClasses <= 0 {
		opt.CacheClasses = 4 << 20
	}
	ev, err := newTableEvaluator(c, hs, p, opt.CacheClasses)
	if err != nil {
		return nil, nil, err
	}
	return newSearcher(ctx, ev, p, opt)
}

// matchHierarchies orders hs like qi, by column name. The hierarchies of
// other columns are returned apart when extra is set (the sensitive
// columns' hierarchies) and an error otherwise.
func matchHierarchies(qi []string, hs []*Hierarchy, extra bool) (ordered, others []*Hierarchy, err error) {
	out := make([]*Hierarchy, len(qi))
	for _, h := range hs {
		j := slices.Index(qi, h.column)
		if j < 0 {
			if !extra {
				return nil, nil, fmt.Errorf("generalize: hierarchy %s is for column %q, which is not a quasi-identifier", h.source, h.column)
			}
			if slices.ContainsFunc(others, func(o *Hierarchy) bool { return o.column == h.column }) {
				return nil, nil, fmt.Errorf("generalize: two hierarchies for column %q", h.column)
			}
			others = append(others, h)
			continue
		}
		if out[j] != nil {
			return nil, nil, fmt.Errorf("generalize: two hierarchies for column %q (%s and %s)", h.column, out[j].source, h.source)
		}
		out[j] = h
	}
	for j, h := range out {
		if h == nil {
			return nil, nil, fmt.Errorf("generalize: no hierarchy for quasi-identifier %q", qi[j])
		}
	}
	return out, others, nil
}

// pareto returns evaluated feasible nodes not dominated in (average risk,
// metric), by increasing metric, without opt.
func (s *searcher) pareto(opt *Node) []*Node {
	var fs []*Node
	for _, n := range s.nodes {
		if n.Feasible {
			fs = append(fs, n)
		}
	}
	sort.Slice(fs, func(i, j int) bool { return s.prune.Better(fs[i], fs[j]) })
	var out []*Node
	risk := math.Inf(1)
	for _, n := range fs {
		if n.AverageRisk < risk {
			risk = n.AverageRisk
			if n != opt {
				out = append(out, n)
			}
		}
	}
	if len(out) > s.opt.Alternatives {
		out = out[:s.opt.Alternatives]
	}
	return out
}
