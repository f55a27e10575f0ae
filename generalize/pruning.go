package generalize

import (
	"math"
	"slices"
)

// Pruning holds the rules by which a search of the lattice skips nodes,
// and the evaluated nodes they read: Search uses it, and so does
// reidrisk/beam's level-by-level search, so both prune alike.
//
// Feasibility is monotone (a feasible node makes every generalisation of
// it feasible, an infeasible one every specialisation infeasible) when
// every per-class criterion of the policy is monotone (see criteria.go),
// monotone with suppression too unless MaxSuppression is 0, the
// table-level criteria (average risk, records at risk, sample uniques)
// are used only without suppression, and cells are not blanked
// by local suppression (whose greedy is not proven monotone). The metric is
// monotone (never smaller at a generalisation of a feasible node) for DM*,
// and for every metric when no record is removed.
type Pruning struct {
	// MonotoneFeasibility and MonotoneMetric say which rules apply.
	MonotoneFeasibility, MonotoneMetric bool

	metric Metric
	rows   float64
	labels [][]int // labels[j][l]: distinct level-l labels of QI j in the input
	best   *Node
	nodes  []*Node // evaluated, in order
}

// NewPruning returns the pruning rules of a search under policy p for
// metric m over an input of rows records; labels[j][l] is the number of
// distinct level-l labels of QI j among the input's values.
func NewPruning(p Policy, m Metric, rows int64, labels [][]int) *Pruning {
	return &Pruning{
		MonotoneFeasibility: monotone(p.criteria(nil), p.MaxSuppression > 0) && !(p.tableLevel() && p.MaxSuppression > 0) && !p.LocalSuppression,
		// Local suppression removes no record.
		MonotoneMetric: p.LocalSuppression || m.monotone(p.MaxSuppression),
		metric:         m,
		rows:           float64(rows),
		labels:         labels,
	}
}

// Record takes in an evaluated node.
func (x *Pruning) Record(n *Node) {
	x.nodes = append(x.nodes, n)
	if n.Feasible && (x.best == nil || x.Better(n, x.best)) {
		x.best = n
	}
}

// Best returns the best feasible node recorded, nil if none.
func (x *Pruning) Best() *Node { return x.best }

// Better reports whether a is a better optimum than b: a lower metric,
// then a lower height (sum of levels), then lexically lower levels.
func (x *Pruning) Better(a, b *Node) bool {
	va, vb := a.Value(x.metric), b.Value(x.metric)
	if va != vb {
		return va < vb
	}
	sa, sb := sum(a.Levels), sum(b.Levels)
	if sa != sb {
		return sa < sb
	}
	return slices.Compare(a.Levels, b.Levels) < 0
}

// Dominated reports whether no node at or above levels can beat the best
// feasible node recorded, by the metric's monotonicity (false when the
// metric is not monotone): the metric of such a node is at least that of
// any recorded node below it (DM* of any recorded node, the others' of
// feasible ones), and DM and DM* are at least N²/min(N, Π_j labels_j),
// since a node has at most Π_j labels_j classes (Cauchy–Schwarz).
func (x *Pruning) Dominated(levels []int) bool {
	if !x.MonotoneMetric || x.best == nil {
		return false
	}
	best := x.best.Value(x.metric)
	if x.metric == DM || x.metric == DMStar {
		classes := 1.0
		for j, l := range levels {
			classes *= float64(x.labels[j][l])
		}
		if x.rows*x.rows/math.Min(x.rows, classes) > best {
			return true
		}
	}
	for _, p := range x.nodes {
		if !(p.Feasible || x.metric == DMStar) || !below(p.Levels, levels) {
			continue
		}
		v := p.Value(x.metric)
		if v > best {
			return true
		}
		if v == best {
			// A node at or above levels can only tie, and wins a tie only
			// by being lower (then lexically smaller) than the best node.
			sl, st := sum(levels), sum(x.best.Levels)
			if sl > st || (sl == st && slices.Compare(levels, x.best.Levels) >= 0) {
				return true
			}
		}
	}
	return false
}
