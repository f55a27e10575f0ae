package generalize

import (
	"container/heap"
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
}

// searcher carries one search's state.
type searcher struct {
	ctx     context.Context
	opt     Options
	ev      *evaluator
	roll    *roller
	bottom  *table
	heights []int
	cache   []*table
	cached  int
	clock   uint64
	start   time.Time
	evals   int
	nodes   map[string]*Node
	full    bool // evaluate every metric of infeasible nodes too (heuristic order)
	prune   *Pruning
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
// criterion holds for the union of two classes that hold it (k, subjects,
// distinct, entropy and recursive l, t-closeness by convexity of the EMD,
// highest risk) — then the suppressed records can only shrink upwards — and
// the table-level criteria (average risk, records at risk, sample uniques)
// are used only with MaxSuppression = 0; otherwise every node is
// evaluated. When the metric is monotone (DM*, or any metric without
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
	s, res, err := newSearcher(ctx, c, hs, p, opt)
	if err != nil {
		return nil, err
	}
	opt = s.opt
	// The bottom is measured in full: its suppression is reported exactly.
	if res.Bottom, err = s.evalNow(make([]int, len(s.heights))); err != nil {
		return nil, err
	}
	if res.Before, err = s.ev.before(s.bottom); err != nil {
		return nil, err
	}
	if res.LatticeSize <= opt.MaxOptimalNodes {
		res.Optimal, err = s.flash(res)
	} else {
		res.Heuristic = true
		s.full = true
		err = s.bestFirst(res)
	}
	if err != nil {
		return nil, err
	}
	res.CutShort = s.overBudget()
	if !res.Optimal && s.best() == nil {
		// Cut short before any feasible node was found: climb greedily.
		if err := s.climb(res.Bottom, &nodeHeap{s: s}); err != nil {
			return nil, err
		}
	}
	res.Optimum = s.best()
	if res.Optimum != nil && opt.Alternatives > 0 && !s.overBudget() {
		// Evaluate the optimum's direct generalisations so that the list
		// offers lower risk for more loss.
		for j := range s.heights {
			if l := res.Optimum.Levels[j]; l+1 < s.heights[j] {
				up := slices.Clone(res.Optimum.Levels)
				up[j]++
				if _, err := s.eval(up); err != nil {
					return nil, err
				}
			}
		}
		res.Alternatives = s.pareto(res.Optimum)
	}
	res.NodesEvaluated = s.evals
	res.ClassesRolledUp = s.roll.rolled
	return res, nil
}

// newSearcher validates the arguments and prepares a search.
func newSearcher(ctx context.Context, c *anonymity.Classes, hs []*Hierarchy, p Policy, opt Options) (*searcher, *Result, error) {
	if err := p.validate(); err != nil {
		return nil, nil, err
	}
	if p.MaxRecordsAtRisk != nil && p.RiskThreshold <= 0 {
		return nil, nil, fmt.Errorf("generalize: records-at-risk share needs a risk threshold")
	}
	if opt.Metric < DM || opt.Metric > Entropy {
		return nil, nil, fmt.Errorf("generalize: unknown metric %d", opt.Metric)
	}
	ordered, sensH, err := matchHierarchies(c.QI, hs, true)
	if err != nil {
		return nil, nil, err
	}
	for _, h := range sensH {
		if !slices.ContainsFunc(c.Sensitive, func(m *anonymity.Multiset) bool { return m.Name == h.column }) {
			return nil, nil, fmt.Errorf("generalize: hierarchy %s is for column %q, which is neither a quasi-identifier nor a sensitive column", h.source, h.column)
		}
	}
	for _, h := range ordered {
		if h.Levels() > 255 {
			return nil, nil, fmt.Errorf("generalize: hierarchy %s has %d levels, at most 255 are supported", h.source, h.Levels())
		}
	}
	bs := make([]*binding, len(ordered))
	for j, h := range ordered {
		if bs[j], err = bind(h, c.Dicts[j]); err != nil {
			return nil, nil, err
		}
	}
	roll := newRoller(bs)
	ev, bottom, err := newEvaluator(c, roll, p, sensH)
	if err != nil {
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
	s := &searcher{ctx: ctx, opt: opt, ev: ev, bottom: bottom, start: time.Now(), nodes: make(map[string]*Node)}
	s.roll = roll
	res := &Result{QI: append([]string(nil), c.QI...), Hierarchies: ordered, SensitiveHierarchies: sensH, Policy: p, Metric: opt.Metric, LatticeSize: 1}
	for _, b := range bs {
		s.heights = append(s.heights, len(b.dicts))
		res.Heights = append(res.Heights, len(b.dicts))
		if res.LatticeSize > math.MaxInt64/int64(len(b.dicts)) {
			res.LatticeSize = math.MaxInt64
		} else {
			res.LatticeSize *= int64(len(b.dicts))
		}
	}
	labels := make([][]int, len(bs))
	for j, b := range bs {
		for _, d := range b.dicts {
			labels[j] = append(labels[j], d.Len())
		}
	}
	s.prune = NewPruning(p, opt.Metric, c.Rows, labels)
	res.MonotoneFeasibility, res.MonotoneMetric = s.prune.MonotoneFeasibility, s.prune.MonotoneMetric
	return s, res, nil
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

// eval returns the evaluated node at levels, evaluating it if needed.
func (s *searcher) eval(levels []int) (*Node, error) {
	k := key(levels)
	if n, ok := s.nodes[k]; ok {
		return n, nil
	}
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	t := s.table(levels)
	n, err := s.ev.evaluate(t, s.full)
	if err != nil {
		return nil, err
	}
	s.nodes[k] = n
	s.prune.Record(n)
	s.evals++
	if s.opt.Progress != nil {
		s.opt.Progress(s.evals)
	}
	return n, nil
}

// table rolls up the class table of levels from the cached table below it
// with the fewest classes, and caches the result.
func (s *searcher) table(levels []int) *table {
	src := s.bottom
	for _, t := range s.cache {
		if t.len() < src.len() && below(t.levels, levels) {
			src = t
		}
	}
	if slices.Equal(src.levels, levels) {
		return src
	}
	// From the bottom to a node two or more levels up: step through the
	// one-level hub in the QI whose first level merges most values. The
	// hub is cached and serves later nodes above it instead of the bottom
	// (on Adult at 5 % suppression: 10 % fewer classes rolled; hubs above
	// other large sources cost more than they saved). A hub that kept
	// more than 90 % of the bottom's classes saved little: step again
	// from it (Adult at 0 % suppression: 25 % fewer classes rolled).
	for step := src == s.bottom; step && sum(levels)-sum(src.levels) > 1; {
		hub, ratio := -1, 2.0
		for j, l := range levels {
			sl := src.levels[j]
			if l == sl {
				continue
			}
			d := s.roll.bs[j].dicts
			if r := float64(d[sl+1].Len()) / float64(d[sl].Len()); r < ratio {
				hub, ratio = j, r
			}
		}
		if ratio > 0.75 {
			break
		}
		hl := slices.Clone(src.levels)
		hl[hub]++
		src.mark = s.clock + 1
		next := s.cachedTable(hl)
		if next == nil {
			next = s.cacheTable(s.roll.rollUp(src, hl))
		}
		step = 10*next.len() > 9*src.len()
		src = next
	}
	src.mark = s.clock + 1
	return s.cacheTable(s.roll.rollUp(src, levels))
}

// cachedTable returns the cached table of levels, or nil.
func (s *searcher) cachedTable(levels []int) *table {
	for _, t := range s.cache {
		if slices.Equal(t.levels, levels) {
			return t
		}
	}
	return nil
}

// cacheTable adds t to the cache, evicting the least recently used tables
// beyond the budget, and returns it.
func (s *searcher) cacheTable(t *table) *table {
	s.clock++
	t.mark = s.clock
	s.cache = append(s.cache, t)
	s.cached += t.len()
	for s.cached > s.opt.CacheClasses && len(s.cache) > 1 {
		// Drop the least recently used table.
		i := 0
		for j, u := range s.cache {
			if u.mark < s.cache[i].mark {
				i = j
			}
		}
		// Tables still gathering their ids from the evicted one take them
		// now, so that it can be freed.
		for _, u := range s.cache {
			if u.from == s.cache[i] {
				u.gather()
			}
			if u.hsrc != nil && u.hsrc.src == s.cache[i] {
				s.roll.gatherHists(u)
			}
		}
		s.cached -= s.cache[i].len()
		s.cache = slices.Delete(s.cache, i, i+1)
	}
	return t
}

func below(a, b []int) bool {
	for j := range a {
		if a[j] > b[j] {
			return false
		}
	}
	return true
}

func sum(l []int) int {
	t := 0
	for _, v := range l {
		t += v
	}
	return t
}

// best returns the best evaluated feasible node.
func (s *searcher) best() *Node {
	var b *Node
	for _, n := range s.nodes {
		if n.Feasible && (b == nil || s.prune.Better(n, b)) {
			b = n
		}
	}
	return b
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

// lattice state for the optimal search.
const (
	unknown uint8 = iota
	feasible
	infeasible
	pruned // cannot beat the best node found: not evaluated
)

// flash runs the optimal search; it reports whether the result is proven
// optimal (false when the budget cut it short).
func (s *searcher) flash(res *Result) (bool, error) {
	m := len(s.heights)
	size := int(res.LatticeSize)
	radix := make([]int, m) // id = Σ levels[j]·radix[j]
	r := 1
	for j := m - 1; j >= 0; j-- {
		radix[j] = r
		r *= s.heights[j]
	}
	// levels[id·m+j] is the level of QI j at node id (≤ 255 levels per
	// QI), counted like an odometer, the last QI fastest.
	levels := make([]uint8, size*m)
	for id := 1; id < size; id++ {
		copy(levels[id*m:], levels[(id-1)*m:id*m])
		for j := m - 1; j >= 0; j-- {
			if levels[id*m+j]++; int(levels[id*m+j]) < s.heights[j] {
				break
			}
			levels[id*m+j] = 0
		}
	}
	decode := func(id int, lv []int) []int {
		for j, l := range levels[id*m : id*m+m] {
			lv[j] = int(l)
		}
		return lv
	}
	// Nodes by increasing height, then id (a counting sort).
	hs := make([]int, size)
	lv := make([]int, m)
	at := make([]int, sum(s.heights)-m+2) // start of each height in byHeight
	for i := range size {
		hs[i] = sum(decode(i, lv))
		at[hs[i]+1]++
	}
	for h := 1; h < len(at); h++ {
		at[h] += at[h-1]
	}
	byHeight := make([]int, size)
	for i, h := range hs {
		byHeight[at[h]] = i
		at[h]++
	}

	state := make([]uint8, size)
	stack := make([]int, 0, 64)
	tag := func(id int, st uint8) {
		state[id] = st
		stack = append(stack[:0], id)
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for j := range m {
				l := int(levels[x*m+j])
				var y int
				if st != infeasible {
					if l+1 >= s.heights[j] {
						continue
					}
					y = x + radix[j]
				} else {
					if l == 0 {
						continue
					}
					y = x - radix[j]
				}
				if state[y] != st {
					state[y] = st
					stack = append(stack, y)
				}
			}
		}
	}
	check := func(id int) (bool, error) {
		lv := decode(id, make([]int, m))
		if _, done := s.nodes[key(lv)]; !done && res.MonotoneFeasibility && s.prune.Dominated(lv) {
			// Neither this node nor any above it can be the optimum: leave
			// them unevaluated and search lower on the path.
			tag(id, pruned)
			return true, nil
		}
		n, err := s.eval(lv)
		if err != nil {
			return false, err
		}
		if res.MonotoneFeasibility {
			if n.Feasible {
				tag(id, feasible)
			} else {
				tag(id, infeasible)
			}
		}
		return n.Feasible, nil
	}
	if !res.MonotoneFeasibility {
		for _, id := range byHeight {
			if s.overBudget() {
				return false, nil
			}
			if s.ev.local != nil && s.prune.Dominated(decode(id, make([]int, m))) {
				// Nothing is removed, so the metric is monotone over every
				// node: one no better than the best found is skipped.
				continue
			}
			if _, err := check(id); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	var path []int
	for _, id := range byHeight {
		if state[id] != unknown {
			continue
		}
		if s.overBudget() {
			return false, nil
		}
		// Climb through unclassified successors, preferring the QI whose
		// relative level is lowest.
		path = append(path[:0], id)
		for x := id; ; {
			next, share := -1, 2.0
			for j := range m {
				l := int(levels[x*m+j])
				if l+1 >= s.heights[j] || state[x+radix[j]] != unknown {
					continue
				}
				if f := float64(l+1) / float64(s.heights[j]-1); f < share {
					next, share = x+radix[j], f
				}
			}
			if next < 0 {
				break
			}
			path = append(path, next)
			x = next
		}
		lo, hi := 0, len(path)-1
		for lo <= hi {
			if s.overBudget() {
				return false, nil
			}
			mid := (lo + hi) / 2
			ok, err := check(path[mid])
			if err != nil {
				return false, err
			}
			if ok {
				hi = mid - 1
			} else {
				lo = mid + 1
			}
		}
	}
	if !res.MonotoneMetric {
		// Every feasible node may be the optimum.
		for _, id := range byHeight {
			if state[id] != feasible {
				continue
			}
			if s.overBudget() {
				return false, nil
			}
			if _, err := s.eval(decode(id, make([]int, m))); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// bestFirst is the heuristic search, greedy best-first from the bottom.
// The frontier holds evaluated nodes; the one closest to feasibility
// (fewest records beyond the suppression limit, then the metric) is
// expanded by evaluating its direct generalisations. The climb stops at
// the first expansion that reaches a feasible node. A bounded best-first
// improvement over the feasible nodes follows (see improve). Both phases
// share opt.MaxHeuristicNodes evaluations and the time budget. It
// evaluates about Σ heights · m nodes to climb and m² per expansion of
// the improvement, not the lattice.
func (s *searcher) bestFirst(res *Result) error {
	m := len(s.heights)
	h := &nodeHeap{s: s}
	bottom, err := s.eval(make([]int, m))
	if err != nil {
		return err
	}
	heap.Push(h, bottom)
	expanded := map[string]bool{}
	out := func() bool { return s.evals >= s.opt.MaxHeuristicNodes || s.overBudget() }
	var last *Node
	for s.prune.best == nil && h.Len() > 0 && !out() {
		x := heap.Pop(h).(*Node)
		if x.Feasible {
			break
		}
		if expanded[key(x.Levels)] {
			continue
		}
		expanded[key(x.Levels)] = true
		last = x
		for j := range m {
			if x.Levels[j]+1 >= s.heights[j] {
				continue
			}
			up := slices.Clone(x.Levels)
			up[j]++
			if _, done := s.nodes[key(up)]; done {
				continue
			}
			n, err := s.eval(up)
			if err != nil {
				return err
			}
			heap.Push(h, n)
		}
	}
	if s.prune.best == nil {
		if last == nil {
			last = bottom
		}
		if err := s.climb(last, h); err != nil {
			return err
		}
	}
	return s.improve(out)
}

// improve is the local improvement of the heuristic search, a bounded
// best-first search over feasible nodes. The feasible nodes found so far
// wait in a queue ordered by the metric; the best one is expanded by
// evaluating its neighbours one QI one level up, one QI one level down,
// or one down and another up, and the feasible ones join the queue.
// Unlike a hill climb it also expands feasible nodes worse than the best
// (its generalisations among them), which lets it leave a local optimum
// whose specialisations are all infeasible.
// It stops when improvePatience expansions in a row have not improved the
// best node, when the queue is empty, or when out() reports the budget
// spent.
func (s *searcher) improve(out func() bool) error {
	if s.prune.best == nil {
		return nil
	}
	m := len(s.heights)
	q := &nodeHeap{s: s} // feasible nodes only: ordered by the metric
	heap.Push(q, s.prune.best)
	queued := map[string]bool{key(s.prune.best.Levels): true}
	for stale := 0; q.Len() > 0 && stale < improvePatience && !out(); {
		x := heap.Pop(q).(*Node)
		top := s.prune.best
		for j := range m {
			if x.Levels[j]+1 < s.heights[j] {
				up := slices.Clone(x.Levels)
				up[j]++
				n, err := s.eval(up)
				if err != nil {
					return err
				}
				if k := key(up); n.Feasible && !queued[k] {
					queued[k] = true
					heap.Push(q, n)
				}
			}
			if x.Levels[j] == 0 {
				continue
			}
			down := slices.Clone(x.Levels)
			down[j]--
			cands := [][]int{down}
			for i := range m {
				if i != j && down[i]+1 < s.heights[i] {
					side := slices.Clone(down)
					side[i]++
					cands = append(cands, side)
				}
			}
			for _, c := range cands {
				if out() {
					return nil
				}
				n, err := s.eval(c)
				if err != nil {
					return err
				}
				if k := key(c); n.Feasible && !queued[k] {
					queued[k] = true
					heap.Push(q, n)
				}
			}
		}
		if s.prune.best == top {
			stale++
		} else {
			stale = 0
		}
	}
	return nil
}

// improvePatience is how many expansions in a row the heuristic's
// improvement phase makes without finding a better node before it stops.
const improvePatience = 3

// climb goes up from x, one level at a time, to the successor closest to
// feasibility, until a feasible node (or the top) is reached.
func (s *searcher) climb(x *Node, h *nodeHeap) error {
	m := len(s.heights)
	for !x.Feasible {
		var next *Node
		for j := range m {
			if x.Levels[j]+1 >= s.heights[j] {
				continue
			}
			up := slices.Clone(x.Levels)
			up[j]++
			n, err := s.evalNow(up)
			if err != nil {
				return err
			}
			if next == nil || h.less(n, next) {
				next = n
			}
		}
		if next == nil {
			return nil // the top is infeasible: no node is
		}
		x = next
	}
	return nil
}

// evalNow is eval with every metric computed, for climbing.
func (s *searcher) evalNow(levels []int) (*Node, error) {
	full := s.full
	s.full = true
	defer func() { s.full = full }()
	return s.eval(levels)
}

type nodeHeap struct {
	s     *searcher
	nodes []*Node
}

// excess is how far a node is from feasibility.
func (h *nodeHeap) excess(n *Node) int64 {
	e := n.Suppressed - h.s.ev.maxSupp
	if l := h.s.ev.local; l != nil {
		e = n.SuppressedCells - l.maxCells
	}
	if e < 0 {
		e = 0
	}
	if !n.Feasible && e == 0 {
		e = 1 // a table-level criterion fails
	}
	return e
}

func (h *nodeHeap) less(a, b *Node) bool {
	ea, eb := h.excess(a), h.excess(b)
	if ea != eb {
		return ea < eb
	}
	return h.s.prune.Better(a, b)
}

func (h *nodeHeap) Len() int           { return len(h.nodes) }
func (h *nodeHeap) Less(i, j int) bool { return h.less(h.nodes[i], h.nodes[j]) }
func (h *nodeHeap) Swap(i, j int)      { h.nodes[i], h.nodes[j] = h.nodes[j], h.nodes[i] }
func (h *nodeHeap) Push(x any)         { h.nodes = append(h.nodes, x.(*Node)) }
func (h *nodeHeap) Pop() any {
	n := h.nodes[len(h.nodes)-1]
	h.nodes = h.nodes[:len(h.nodes)-1]
	return n
}
