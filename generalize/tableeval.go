package generalize

import (
	"context"
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/anonymity"
)

// tableEvaluator is Search's Evaluator: it rolls each node's class table
// up from the cached table of an evaluated node below it with the fewest
// classes (the input's finest table at worst), one node at a time.
type tableEvaluator struct {
	lat    Lattice
	ev     *evaluator
	roll   *roller
	bottom *table
	cache  []*table
	cached int // classes held by the cache
	limit  int // most classes the cache holds (Options.CacheClasses)
	clock  uint64
}

// newTableEvaluator prepares the evaluation of the nodes of c's lattice
// under p; hs holds one hierarchy per QI of c (and those of sensitive
// columns, for hierarchical t), cacheClasses bounds the cache.
func newTableEvaluator(c *anonymity.Classes, hs []*Hierarchy, p Policy, cacheClasses int) (*tableEvaluator, error) {
	ordered, sensH, err := matchHierarchies(c.QI, hs, true)
	if err != nil {
		return nil, err
	}
	for _, h := range sensH {
		if !slices.ContainsFunc(c.Sensitive, func(m *anonymity.Multiset) bool { return m.Name == h.column }) {
			return nil, fmt.Errorf("generalize: hierarchy %s is for column %q, which is neither a quasi-identifier nor a sensitive column", h.source, h.column)
		}
	}
	for _, h := range ordered {
		if h.Levels() > 255 {
			return nil, fmt.Errorf("generalize: hierarchy %s has %d levels, at most 255 are supported", h.source, h.Levels())
		}
	}
	bs := make([]*binding, len(ordered))
	for j, h := range ordered {
		if bs[j], err = bind(h, c.Dicts[j]); err != nil {
			return nil, err
		}
	}
	roll := newRoller(bs)
	ev, bottom, err := newEvaluator(c, roll, p, sensH)
	if err != nil {
		return nil, err
	}
	t := &tableEvaluator{ev: ev, roll: roll, bottom: bottom, limit: cacheClasses}
	t.lat = Lattice{QI: append([]string(nil), c.QI...), Hierarchies: ordered, SensitiveHierarchies: sensH, Rows: c.Rows}
	for _, b := range bs {
		var labels []int
		for _, d := range b.dicts {
			labels = append(labels, d.Len())
		}
		t.lat.Labels = append(t.lat.Labels, labels)
	}
	return t, nil
}

func (t *tableEvaluator) Lattice() *Lattice { return &t.lat }

// Batch is 1: the nodes are rolled up one at a time, each from the best
// source the nodes before it left in the cache.
func (t *tableEvaluator) Batch() int { return 1 }

func (t *tableEvaluator) Evaluate(ctx context.Context, levels [][]int, full bool) ([]*Node, error) {
	out := make([]*Node, len(levels))
	for i, lv := range levels {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tb, err := t.table(lv)
		if err != nil {
			return nil, err
		}
		n, err := t.ev.evaluate(tb, full)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// table rolls up the class table of levels from the cached table below it
// with the fewest classes, and caches the result.
func (t *tableEvaluator) table(levels []int) (*table, error) {
	src := t.bottom
	for _, u := range t.cache {
		if u.len() < src.len() && below(u.levels, levels) {
			src = u
		}
	}
	if slices.Equal(src.levels, levels) {
		return src, nil
	}
	if src == t.bottom {
		var err error
		if src, err = t.hub(src, levels); err != nil {
			return nil, err
		}
	}
	src.mark = t.clock + 1
	u, err := t.roll.rollUp(src, levels)
	if err != nil {
		return nil, err
	}
	return t.cacheTable(u), nil
}

// hub returns the table to roll levels up from instead of the bottom src.
// From the bottom to a node two or more levels up it steps through the
// one-level hub in the QI whose first level merges most values. The hub
// is cached and serves later nodes above it instead of the bottom (on
// Adult at 5 % suppression: 10 % fewer classes rolled; hubs above other
// large sources cost more than they saved). A hub that kept more than
// 90 % of the bottom's classes saved little: step again from it (Adult at
// 0 % suppression: 25 % fewer classes rolled).
func (t *tableEvaluator) hub(src *table, levels []int) (*table, error) {
	for step := true; step && sum(levels)-sum(src.levels) > 1; {
		hub, ratio := -1, 2.0
		for j, l := range levels {
			sl := src.levels[j]
			if l == sl {
				continue
			}
			d := t.roll.bs[j].dicts
			if r := float64(d[sl+1].Len()) / float64(d[sl].Len()); r < ratio {
				hub, ratio = j, r
			}
		}
		if ratio > 0.75 {
			break
		}
		hl := slices.Clone(src.levels)
		hl[hub]++
		src.mark = t.clock + 1
		next := t.cachedTable(hl)
		if next == nil {
			u, err := t.roll.rollUp(src, hl)
			if err != nil {
				return nil, err
			}
			next = t.cacheTable(u)
		}
		step = 10*next.len() > 9*src.len()
		src = next
	}
	return src, nil
}

// cachedTable returns the cached table of levels, or nil.
func (t *tableEvaluator) cachedTable(levels []int) *table {
	for _, u := range t.cache {
		if slices.Equal(u.levels, levels) {
			return u
		}
	}
	return nil
}

// cacheTable adds u to the cache, evicting the least recently used tables
// beyond the budget, and returns it.
func (t *tableEvaluator) cacheTable(u *table) *table {
	t.clock++
	u.mark = t.clock
	t.cache = append(t.cache, u)
	t.cached += u.len()
	for t.cached > t.limit && len(t.cache) > 1 {
		// Drop the least recently used table.
		i := 0
		for j, v := range t.cache {
			if v.mark < t.cache[i].mark {
				i = j
			}
		}
		// Tables still gathering their ids from the evicted one take them
		// now, so that it can be freed.
		for _, v := range t.cache {
			if v.from == t.cache[i] {
				v.gather()
			}
			if v.hsrc != nil && v.hsrc.src == t.cache[i] {
				t.roll.gatherHists(v)
			}
		}
		t.cached -= t.cache[i].len()
		t.cache = slices.Delete(t.cache, i, i+1)
	}
	return u
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
