package generalize

import (
	"container/heap"
	"slices"
)

// bestFirst is the heuristic search, greedy best-first from the bottom.
// The frontier holds evaluated nodes; the one closest to feasibility
// (fewest records beyond the suppression limit, then the metric) is
// expanded by evaluating its direct generalisations. The climb stops at
// the first expansion that reaches a feasible node. A bounded best-first
// improvement over the feasible nodes follows (see improve). Both phases
// share opt.MaxHeuristicNodes evaluations and the time budget. It
// evaluates about Σ heights · m nodes to climb and m² per expansion of
// the improvement, not the lattice.
func (s *searcher) bestFirst() error {
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
	// visit evaluates the node at lv and queues it if feasible.
	visit := func(lv []int) error {
		n, err := s.eval(lv)
		if err != nil {
			return err
		}
		if k := key(lv); n.Feasible && !queued[k] {
			queued[k] = true
			heap.Push(q, n)
		}
		return nil
	}
	for stale := 0; q.Len() > 0 && stale < improvePatience && !out(); {
		x := heap.Pop(q).(*Node)
		top := s.prune.best
		for j := range m {
			if x.Levels[j]+1 < s.heights[j] {
				up := slices.Clone(x.Levels)
				up[j]++
				if err := visit(up); err != nil {
					return err
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
				if err := visit(c); err != nil {
					return err
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

type nodeHeap struct {
	s     *searcher
	nodes []*Node
}

// excess is how far a node is from feasibility.
func (h *nodeHeap) excess(n *Node) int64 {
	e := n.Suppressed - h.s.maxSupp
	if h.s.p.LocalSuppression {
		e = n.SuppressedCells - h.s.maxCells
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
