package generalize

import (
	"context"
	"fmt"
	"math"
	"time"
)

// An Evaluator evaluates nodes of one input's generalisation lattice for
// SearchWith. Search evaluates nodes by rolling up an in-memory class
// table; reidrisk/beam evaluates a batch of nodes per pipeline. The search
// itself — the order of the nodes, the pruning, the tie-breaking and the
// bounds — lives in SearchWith only.
type Evaluator interface {
	// Lattice describes the lattice the evaluator evaluates.
	Lattice() *Lattice
	// Batch is how many nodes the search should hand Evaluate at once
	// where it can (1: one at a time, as the sequential Flash search
	// does; more: nodes independent of each other are gathered).
	Batch() int
	// Evaluate returns the node at each of levels, in order, evaluated
	// under the policy given to SearchWith. Unless full is set, a node
	// that is not feasible may carry only Levels, Feasible, Suppressed,
	// SuppressedClasses and DMStar.
	Evaluate(ctx context.Context, levels [][]int, full bool) ([]*Node, error)
}

// Lattice describes the generalisation lattice of one input.
type Lattice struct {
	// QI names the quasi-identifiers; Hierarchies holds one hierarchy per
	// QI, in QI order, and SensitiveHierarchies those of sensitive
	// columns (hierarchical t-closeness).
	QI                   []string
	Hierarchies          []*Hierarchy
	SensitiveHierarchies []*Hierarchy
	// Rows is the number of records N of the input.
	Rows int64
	// Labels[j][l] is the number of distinct level-l labels of QI j among
	// the input's values (it bounds the classes of a node: see Pruning).
	Labels [][]int
}

// SearchWith runs Search's search of the lattice ev evaluates, under
// policy p (which ev must evaluate: the search reads it for its pruning
// rules and the suppression limit). Result.Before is left nil and
// Result.ClassesRolledUp 0: they are the evaluator's to fill.
func SearchWith(ctx context.Context, ev Evaluator, p Policy, opt Options) (*Result, error) {
	s, res, err := newSearcher(ctx, ev, p, opt)
	if err != nil {
		return nil, err
	}
	if err := s.run(res); err != nil {
		return nil, err
	}
	return res, nil
}

// searcher carries one search's state.
type searcher struct {
	ctx      context.Context
	opt      Options
	p        Policy
	ev       Evaluator
	batch    int
	heights  []int
	maxSupp  int64 // records that may be suppressed
	maxCells int64 // cells that may be blanked (local suppression)
	start    time.Time
	evals    int
	nodes    map[string]*Node
	full     bool // evaluate every metric of infeasible nodes too (heuristic order)
	prune    *Pruning
	feasible int // nodes found feasible, evaluated or implied (optimal search)
}

// newSearcher validates the policy and the options and prepares a search
// of ev's lattice.
func newSearcher(ctx context.Context, ev Evaluator, p Policy, opt Options) (*searcher, *Result, error) {
	if err := checkSearch(p, opt.Metric); err != nil {
		return nil, nil, err
	}
	if opt.MaxOptimalNodes <= 0 {
		opt.MaxOptimalNodes = 100_000
	}
	if opt.MaxHeuristicNodes <= 0 {
		opt.MaxHeuristicNodes = 5000
	}
	if opt.Alternatives == 0 {
		opt.Alternatives = 5
	}
	if opt.CacheClasses <= 0 {
		opt.CacheClasses = 4 << 20
	}
	lat := ev.Lattice()
	s := &searcher{ctx: ctx, opt: opt, p: p, ev: ev, batch: max(ev.Batch(), 1), start: time.Now(), nodes: make(map[string]*Node)}
	rows := float64(lat.Rows)
	s.maxSupp = int64(math.Floor(p.MaxSuppression*rows + 1e-9))
	s.maxCells = int64(math.Floor(p.MaxSuppression*rows*float64(len(lat.QI)) + 1e-9))
	res := &Result{QI: append([]string(nil), lat.QI...), Hierarchies: lat.Hierarchies, SensitiveHierarchies: lat.SensitiveHierarchies,
		Policy: p, Metric: opt.Metric, LatticeSize: 1}
	for _, h := range lat.Hierarchies {
		n := h.Levels()
		if n > 255 {
			return nil, nil, fmt.Errorf("generalize: hierarchy %s has %d levels, at most 255 are supported", h.source, n)
		}
		s.heights = append(s.heights, n)
		if res.LatticeSize > math.MaxInt64/int64(n) {
			res.LatticeSize = math.MaxInt64
		} else {
			res.LatticeSize *= int64(n)
		}
	}
	res.Heights = append([]int(nil), s.heights...)
	s.prune = NewPruning(p, opt.Metric, lat.Rows, lat.Labels)
	res.MonotoneFeasibility, res.MonotoneMetric = s.prune.MonotoneFeasibility, s.prune.MonotoneMetric
	return s, res, nil
}

// checkSearch validates a search's policy and metric.
func checkSearch(p Policy, m Metric) error {
	if err := p.validate(); err != nil {
		return err
	}
	if p.MaxRecordsAtRisk != nil && p.RiskThreshold <= 0 {
		return fmt.Errorf("generalize: records-at-risk share needs a risk threshold")
	}
	if m < DM || m > Entropy {
		return fmt.Errorf("generalize: unknown metric %d", m)
	}
	return nil
}

// run searches the lattice into res.
func (s *searcher) run(res *Result) error {
	var err error
	// The bottom is measured in full: its suppression is reported exactly.
	if res.Bottom, err = s.evalNow(make([]int, len(s.heights))); err != nil {
		return err
	}
	if res.LatticeSize <= s.opt.MaxOptimalNodes {
		res.Optimal, err = s.flash(res)
	} else {
		res.Heuristic = true
		s.full = true
		err = s.bestFirst()
	}
	if err != nil {
		return err
	}
	res.CutShort = s.overBudget()
	if !res.Optimal && s.prune.Best() == nil {
		// Cut short before any feasible node was found: climb greedily.
		if err := s.climb(res.Bottom, &nodeHeap{s: s}); err != nil {
			return err
		}
	}
	res.Optimum = s.prune.Best()
	if err := s.alternatives(res); err != nil {
		return err
	}
	res.NodesEvaluated = s.evals
	res.FeasibleFound = s.feasible
	return nil
}

// alternatives evaluates the optimum's direct generalisations, so that
// the list offers lower risk for more loss, and sets res.Alternatives.
func (s *searcher) alternatives(res *Result) error {
	if res.Optimum == nil || s.opt.Alternatives <= 0 || s.overBudget() {
		return nil
	}
	var ups [][]int
	for j := range s.heights {
		if l := res.Optimum.Levels[j]; l+1 < s.heights[j] {
			up := append([]int(nil), res.Optimum.Levels...)
			up[j]++
			ups = append(ups, up)
		}
	}
	if _, err := s.evalBatch(ups); err != nil {
		return err
	}
	res.Alternatives = s.pareto(res.Optimum)
	return nil
}

// evalBatch returns the node at each of levels, evaluating in one call
// of the evaluator those not evaluated yet.
func (s *searcher) evalBatch(levels [][]int) ([]*Node, error) {
	var todo [][]int
	queued := make(map[string]bool)
	for _, lv := range levels {
		k := key(lv)
		if _, done := s.nodes[k]; !done && !queued[k] {
			queued[k] = true
			todo = append(todo, lv)
		}
	}
	if len(todo) > 0 {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		ns, err := s.ev.Evaluate(s.ctx, todo, s.full)
		if err != nil {
			return nil, err
		}
		if len(ns) != len(todo) {
			return nil, fmt.Errorf("generalize: the evaluator returned %d nodes for %d", len(ns), len(todo))
		}
		for i, n := range ns {
			s.nodes[key(todo[i])] = n
			s.prune.Record(n)
			s.evals++
			if s.opt.Progress != nil {
				s.opt.Progress(s.evals)
			}
		}
	}
	out := make([]*Node, len(levels))
	for i, lv := range levels {
		out[i] = s.nodes[key(lv)]
	}
	return out, nil
}

// eval returns the evaluated node at levels, evaluating it if needed.
func (s *searcher) eval(levels []int) (*Node, error) {
	ns, err := s.evalBatch([][]int{levels})
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// evalNow is eval with every metric computed, for climbing.
func (s *searcher) evalNow(levels []int) (*Node, error) {
	full := s.full
	s.full = true
	defer func() { s.full = full }()
	return s.eval(levels)
}

func key(levels []int) string {
	b := make([]byte, len(levels))
	for i, l := range levels {
		b[i] = byte(l)
	}
	return string(b)
}

func (s *searcher) overBudget() bool {
	return s.opt.Budget > 0 && time.Since(s.start) > s.opt.Budget
}
