package generalize

import "slices"

// hist holds one histogram per class in compressed sparse row form, like
// anonymity.Multiset: class c holds vals[off[c]:off[c+1]] with cnts.
type hist struct {
	off  []int
	vals []uint32
	cnts []int64
}

// table is the class table of one lattice node.
type table struct {
	levels []int
	codes  [][]uint32 // codes[j][c]: code of QI j in class c, at levels[j]
	sizes  []int64
	a      []float64 // Σ over the class's records of Σ_j log₂ f_j(original value)
	subj   *hist     // distinct subjects per class (counts = rows), if needed
	sens   []*hist   // sensitive histograms per column, if needed
	mark   uint64    // cache clock

	// The codes of a rolled-up table are gathered only when needed (as a
	// roll-up source, or to measure a node's utility; most nodes are
	// neither): until then codes is nil and
	// codes[j][g] = maps[j][from.codes[j][first[g]]].
	from  *table
	first []int32
	maps  [][]uint32
}

func (t *table) len() int { return len(t.sizes) }

// gather fills t.codes of a rolled-up table if still pending.
func (t *table) gather() {
	src := t.from
	if src == nil {
		return
	}
	src.gather()
	m := len(t.maps)
	groups := len(t.first)
	block := make([]uint32, m*groups)
	t.codes = make([][]uint32, m)
	for j := range m {
		codes := block[j*groups : (j+1)*groups : (j+1)*groups]
		mp, cj := t.maps[j], src.codes[j]
		if t.levels[j] == src.levels[j] {
			for g, c := range t.first {
				codes[g] = cj[c]
			}
		} else {
			for g, c := range t.first {
				codes[g] = mp[cj[c]]
			}
		}
		t.codes[j] = codes
	}
	t.from, t.first, t.maps = nil, nil, nil
}

// roller rolls class tables up the lattice. It keeps its scratch space
// between calls; it is not safe for concurrent use.
type roller struct {
	bs        []*binding
	keys      []uint64 // per source class: mixed-radix key of its new codes
	dense     []int32  // group of a key (dense path), -1 when unused
	slotKey   []uint64 // open addressing (hash path)
	slotGroup []int32
	first     []int32 // per new class: a source class in it
	child     []int32
	key       []uint32
	scr       []int32 // per histogram value: position in the current class, or -1
	order     []int32
	rolled    int64 // class entries read by roll-ups
}

// grow returns s resized to n, reusing its array when large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// rollUp returns the table of node dst (≥ src.levels componentwise).
//
// Each source class's new codes are packed column at a time into a
// mixed-radix uint64 key; keys are grouped in a dense array when the key
// space is small and in an open-addressing table otherwise. Key spaces
// beyond 64 bits fall back to hashing the code tuple.
func (r *roller) rollUp(src *table, dst []int) *table {
	src.gather()
	m := len(dst)
	n := src.len()
	r.rolled += int64(n)
	maps := make([][]uint32, m)
	cards := make([]uint64, m)
	prod, overflow := uint64(1), false
	for j, b := range r.bs {
		maps[j] = b.mapTo(src.levels[j], dst[j])
		cards[j] = max(uint64(b.dicts[dst[j]].Len()), 1)
		if prod > (1<<62)/cards[j] {
			overflow = true
		}
		prod *= cards[j]
	}
	r.child = grow(r.child, n)
	child := r.child
	r.first = r.first[:0]
	if overflow {
		r.groupTuples(src, maps)
	} else {
		keys := grow(r.keys, n)
		r.keys = keys
		for j := range m {
			mp, cj, card := maps[j], src.codes[j][:len(keys)], cards[j]
			switch {
			case j == 0 && dst[j] == src.levels[j]:
				for c, x := range cj {
					keys[c] = uint64(x)
				}
			case j == 0:
				for c, x := range cj {
					keys[c] = uint64(mp[x])
				}
			case dst[j] == src.levels[j]:
				// Unchanged level: the code is kept as it is.
				for c, x := range cj {
					keys[c] = keys[c]*card + uint64(x)
				}
			default:
				for c, x := range cj {
					keys[c] = keys[c]*card + uint64(mp[x])
				}
			}
		}
		if prod <= uint64(max(16*n, 1<<16)) {
			if uint64(len(r.dense)) < prod {
				r.dense = make([]int32, prod)
				for i := range r.dense {
					r.dense[i] = -1
				}
			}
			dense := r.dense
			for c, k := range keys {
				g := dense[k]
				if g < 0 {
					g = int32(len(r.first))
					dense[k] = g
					r.first = append(r.first, int32(c))
				}
				child[c] = g
			}
			for _, c := range r.first {
				dense[keys[c]] = -1
			}
		} else {
			size := 1
			for size < 2*n {
				size <<= 1
			}
			r.slotKey = grow(r.slotKey, size)
			r.slotGroup = grow(r.slotGroup, size)
			sk, sg := r.slotKey, r.slotGroup
			for i := range sg {
				sg[i] = -1
			}
			mask := uint64(size - 1)
			for c, k := range keys {
				i := (k * 0x9e3779b97f4a7c15) >> 20 & mask
				for {
					g := sg[i]
					if g < 0 {
						g = int32(len(r.first))
						sg[i], sk[i] = g, k
						r.first = append(r.first, int32(c))
						child[c] = g
						break
					}
					if sk[i] == k {
						child[c] = g
						break
					}
					i = (i + 1) & mask
				}
			}
		}
	}
	groups := len(r.first)
	out := &table{levels: append([]int(nil), dst...), sizes: make([]int64, groups),
		a: make([]float64, groups), from: src, first: slices.Clone(r.first), maps: maps}
	for c, g := range child {
		out.sizes[g] += src.sizes[c]
		out.a[g] += src.a[c]
	}
	if src.subj != nil || src.sens != nil {
		r.sortByChild(child, groups)
		if src.subj != nil {
			out.subj = r.mergeHist(src.subj, groups)
		}
		for _, h := range src.sens {
			out.sens = append(out.sens, r.mergeHist(h, groups))
		}
	}
	return out
}

// groupTuples groups source classes by their new code tuple through a
// hash of the tuple, comparing tuples on collision (key spaces beyond 64
// bits). It fills r.child and r.first.
func (r *roller) groupTuples(src *table, maps [][]uint32) {
	m := len(maps)
	n := src.len()
	size := 1
	for size < 2*n {
		size <<= 1
	}
	r.slotGroup = grow(r.slotGroup, size)
	slots := r.slotGroup
	for i := range slots {
		slots[i] = -1
	}
	mask := uint64(size - 1)
	r.key = grow(r.key, m)
	key := r.key
	same := func(g int32) bool {
		c := r.first[g]
		for j := range m {
			if maps[j][src.codes[j][c]] != key[j] {
				return false
			}
		}
		return true
	}
	for c := range n {
		h := uint64(14695981039346656037)
		for j := range m {
			v := maps[j][src.codes[j][c]]
			key[j] = v
			h = (h ^ uint64(v)) * 1099511628211
		}
		h ^= h >> 31
		h *= 0x9e3779b97f4a7c15
		i := (h >> 20) & mask
		for {
			g := slots[i]
			if g < 0 {
				g = int32(len(r.first))
				slots[i] = g
				r.first = append(r.first, int32(c))
				r.child[c] = g
				break
			}
			if same(g) {
				r.child[c] = g
				break
			}
			i = (i + 1) & mask
		}
	}
}

// sortByChild orders the source classes by their new class (counting sort).
func (r *roller) sortByChild(child []int32, groups int) {
	start := make([]int32, groups+1)
	for _, g := range child {
		start[g+1]++
	}
	for g := range groups {
		start[g+1] += start[g]
	}
	if cap(r.order) < len(child) {
		r.order = make([]int32, len(child))
	}
	r.order = r.order[:len(child)]
	for c, g := range child {
		r.order[start[g]] = int32(c)
		start[g]++
	}
}

// mergeHist sums the histograms of the source classes into their new
// classes; r.order lists source classes grouped by new class, in order.
func (r *roller) mergeHist(h *hist, groups int) *hist {
	out := &hist{off: make([]int, 1, groups+1), vals: make([]uint32, 0, len(h.vals)), cnts: make([]int64, 0, len(h.vals))}
	child := r.child
	i := 0
	for g := range groups {
		begin := len(out.vals)
		for ; i < len(r.order) && child[r.order[i]] == int32(g); i++ {
			c := r.order[i]
			for e := h.off[c]; e < h.off[c+1]; e++ {
				v := h.vals[e]
				for int(v) >= len(r.scr) {
					r.scr = append(r.scr, -1)
				}
				if p := r.scr[v]; p >= 0 {
					out.cnts[p] += h.cnts[e]
					continue
				}
				r.scr[v] = int32(len(out.vals))
				out.vals = append(out.vals, v)
				out.cnts = append(out.cnts, h.cnts[e])
			}
		}
		vals, cnts := out.vals[begin:], out.cnts[begin:]
		for _, v := range vals {
			r.scr[v] = -1
		}
		// Codes ascending within each class, as anonymity.Multiset wants:
		// insertion sort, classes hold few distinct values.
		for a := 1; a < len(vals); a++ {
			for b := a; b > 0 && vals[b] < vals[b-1]; b-- {
				vals[b], vals[b-1] = vals[b-1], vals[b]
				cnts[b], cnts[b-1] = cnts[b-1], cnts[b]
			}
		}
		out.off = append(out.off, len(out.vals))
	}
	return out
}
