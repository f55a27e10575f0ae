package generalize

// lattice state for the optimal search.
const (
	unknown uint8 = iota
	feasible
	infeasible
	pruned // cannot beat the best node found: not evaluated
)

// flashLattice indexes the nodes of a lattice for the optimal search:
// node id = Σ_j levels[j]·radix[j], the last QI fastest.
type flashLattice struct {
	m        int
	heights  []int
	radix    []int
	levels   []uint8 // levels[id·m+j]: the level of QI j at node id (≤ 255 levels per QI)
	height   []int   // Σ levels of each node
	byHeight []int   // node ids by increasing height, then id
	state    []uint8
	claimed  []bool // on a path being searched
	stack    []int
}

func newFlashLattice(heights []int, size int) *flashLattice {
	m := len(heights)
	f := &flashLattice{m: m, heights: heights, radix: make([]int, m), levels: make([]uint8, size*m),
		height: make([]int, size), byHeight: make([]int, size), state: make([]uint8, size), claimed: make([]bool, size)}
	r := 1
	for j := m - 1; j >= 0; j-- {
		f.radix[j] = r
		r *= heights[j]
	}
	// Counted like an odometer.
	for id := 1; id < size; id++ {
		copy(f.levels[id*m:], f.levels[(id-1)*m:id*m])
		for j := m - 1; j >= 0; j-- {
			if f.levels[id*m+j]++; int(f.levels[id*m+j]) < heights[j] {
				break
			}
			f.levels[id*m+j] = 0
		}
	}
	// Nodes by increasing height, then id (a counting sort).
	at := make([]int, sum(heights)-m+2) // start of each height in byHeight
	for id := range size {
		for _, l := range f.levels[id*m : id*m+m] {
			f.height[id] += int(l)
		}
		at[f.height[id]+1]++
	}
	for h := 1; h < len(at); h++ {
		at[h] += at[h-1]
	}
	for id, h := range f.height {
		f.byHeight[at[h]] = id
		at[h]++
	}
	return f
}

// decode returns the levels of node id.
func (f *flashLattice) decode(id int) []int {
	lv := make([]int, f.m)
	for j, l := range f.levels[id*f.m : id*f.m+f.m] {
		lv[j] = int(l)
	}
	return lv
}

// tag sets the state of id to st and propagates it: a feasible or pruned
// node's generalisations, an infeasible node's specialisations.
func (f *flashLattice) tag(id int, st uint8) {
	f.state[id] = st
	f.stack = append(f.stack[:0], id)
	for len(f.stack) > 0 {
		x := f.stack[len(f.stack)-1]
		f.stack = f.stack[:len(f.stack)-1]
		for j := range f.m {
			l := int(f.levels[x*f.m+j])
			var y int
			if st != infeasible {
				if l+1 >= f.heights[j] {
					continue
				}
				y = x + f.radix[j]
			} else {
				if l == 0 {
					continue
				}
				y = x - f.radix[j]
			}
			if f.state[y] != st {
				f.state[y] = st
				f.stack = append(f.stack, y)
			}
		}
	}
}

// path climbs from id through unclassified, unclaimed successors,
// preferring the QI whose relative level is lowest, and claims the path.
func (f *flashLattice) path(id int) []int {
	p := []int{id}
	for x := id; ; {
		next, share := -1, 2.0
		for j := range f.m {
			l := int(f.levels[x*f.m+j])
			if l+1 >= f.heights[j] || f.state[x+f.radix[j]] != unknown || f.claimed[x+f.radix[j]] {
				continue
			}
			if s := float64(l+1) / float64(f.heights[j]-1); s < share {
				next, share = x+f.radix[j], s
			}
		}
		if next < 0 {
			break
		}
		p = append(p, next)
		x = next
	}
	for _, x := range p {
		f.claimed[x] = true
	}
	return p
}

// flashPath is a path under binary search for its lowest feasible node:
// the nodes below lo are infeasible, those above hi feasible (or pruned).
type flashPath struct {
	nodes  []int
	lo, hi int
}

// flash runs the optimal search; it reports whether the result is proven
// optimal (false when the budget cut it short).
//
// It follows Flash (see Search): nodes are taken by increasing height, a
// path is climbed from each unclassified node through unclassified
// successors, and a binary search on the path finds its lowest feasible
// node. An evaluator that takes batches gets the binary-search steps of
// several paths at once: paths starting at the same height, which share
// no node.
func (s *searcher) flash(res *Result) (bool, error) {
	f := newFlashLattice(s.heights, int(res.LatticeSize))
	if !res.MonotoneFeasibility {
		return s.everyNode(f)
	}
	if ok, err := s.paths(f); !ok || err != nil {
		return ok, err
	}
	for _, st := range f.state {
		if st == feasible {
			s.feasible++
		}
	}
	if !res.MonotoneMetric {
		// Every feasible node may be the optimum.
		var ids []int
		for _, id := range f.byHeight {
			if f.state[id] == feasible {
				ids = append(ids, id)
			}
		}
		return s.evalIDs(f, ids, nil)
	}
	return true, nil
}

// everyNode evaluates every node (feasibility not monotone), but for
// those that cannot beat the best node found when nothing is removed
// (local suppression: the metric is monotone over every node).
func (s *searcher) everyNode(f *flashLattice) (bool, error) {
	var skip func(lv []int) bool
	if s.p.LocalSuppression {
		skip = s.prune.Dominated
	}
	ok, err := s.evalIDs(f, f.byHeight, skip)
	for _, n := range s.nodes {
		if n.Feasible {
			s.feasible++
		}
	}
	return ok, err
}

// evalIDs evaluates the nodes ids, s.batch at a time, but for those skip
// (if not nil) rejects just before their batch.
func (s *searcher) evalIDs(f *flashLattice, ids []int, skip func([]int) bool) (bool, error) {
	for len(ids) > 0 {
		if s.overBudget() {
			return false, nil
		}
		var batch [][]int
		for len(ids) > 0 && len(batch) < s.batch {
			lv := f.decode(ids[0])
			ids = ids[1:]
			if skip == nil || !skip(lv) {
				batch = append(batch, lv)
			}
		}
		if _, err := s.evalBatch(batch); err != nil {
			return false, err
		}
	}
	return true, nil
}

// paths runs the binary searches of Flash's paths until every node is
// classified.
func (s *searcher) paths(f *flashLattice) (bool, error) {
	var active []*flashPath
	next := 0 // in f.byHeight: nodes before it are classified or claimed
	for {
		// Start paths from unclassified nodes, at the lowest height.
		for len(active) < s.batch {
			for next < len(f.byHeight) && (f.state[f.byHeight[next]] != unknown || f.claimed[f.byHeight[next]]) {
				next++
			}
			if next == len(f.byHeight) || (len(active) > 0 && f.height[f.byHeight[next]] > f.height[active[0].nodes[0]]) {
				break
			}
			p := f.path(f.byHeight[next])
			active = append(active, &flashPath{nodes: p, hi: len(p) - 1})
		}
		if len(active) == 0 {
			return true, nil
		}
		if s.overBudget() {
			return false, nil
		}
		if err := s.step(f, active); err != nil {
			return false, err
		}
		live := active[:0]
		for _, p := range active {
			if p.lo <= p.hi {
				live = append(live, p)
				continue
			}
			for _, x := range p.nodes {
				f.claimed[x] = false
			}
		}
		active = live
	}
}

// step takes one binary-search step on each path: its middle node is
// decided from its state if classified, as feasible (pruned) if neither it
// nor any node above it can beat the best node found, and otherwise
// evaluated — the nodes of all paths in one batch.
func (s *searcher) step(f *flashLattice, active []*flashPath) error {
	ok := make([]bool, len(active))
	var batch [][]int
	var waiting []int // paths whose middle node is in batch
	for i, p := range active {
		id := p.nodes[(p.lo+p.hi)/2]
		if st := f.state[id]; st != unknown {
			ok[i] = st != infeasible
			continue
		}
		lv := f.decode(id)
		if _, done := s.nodes[key(lv)]; !done && s.prune.Dominated(lv) {
			// Neither this node nor any above it can be the optimum: leave
			// them unevaluated and search lower on the path.
			f.tag(id, pruned)
			ok[i] = true
			continue
		}
		batch = append(batch, lv)
		waiting = append(waiting, i)
	}
	ns, err := s.evalBatch(batch)
	if err != nil {
		return err
	}
	for b, i := range waiting {
		p, n := active[i], ns[b]
		if n.Feasible {
			f.tag(p.nodes[(p.lo+p.hi)/2], feasible)
		} else {
			f.tag(p.nodes[(p.lo+p.hi)/2], infeasible)
		}
		ok[i] = n.Feasible
	}
	for i, p := range active {
		if mid := (p.lo + p.hi) / 2; ok[i] {
			p.hi = mid - 1
		} else {
			p.lo = mid + 1
		}
	}
	return nil
}
