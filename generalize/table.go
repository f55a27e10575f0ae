package generalize

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
}

func (t *table) len() int { return len(t.sizes) }

// roller rolls class tables up the lattice. It keeps its scratch space
// between calls; it is not safe for concurrent use.
type roller struct {
	bs     []*binding
	slots  []int32
	dense  []int32
	child  []int32
	key    []uint32
	scr    []int32 // per histogram value: position in the current class, or -1
	order  []int32
	rolled int64 // class entries read by roll-ups
}

// rollUp returns the table of node dst (≥ src.levels componentwise).
func (r *roller) rollUp(src *table, dst []int) *table {
	m := len(dst)
	n := src.len()
	r.rolled += int64(n)
	maps := make([][]uint32, m)
	cards := make([]uint64, m)
	prod, overflow := uint64(1), false
	for j, b := range r.bs {
		maps[j] = b.mapTo(src.levels[j], dst[j])
		cards[j] = uint64(b.dicts[dst[j]].Len())
		if prod > (1<<62)/max(cards[j], 1) {
			overflow = true
		}
		prod *= max(cards[j], 1)
	}
	out := &table{levels: append([]int(nil), dst...), codes: make([][]uint32, m)}
	est := min(n, int(min(prod, 1<<30)))
	for j := range out.codes {
		out.codes[j] = make([]uint32, 0, est)
	}
	out.sizes = make([]int64, 0, est)
	out.a = make([]float64, 0, est)
	if cap(r.child) < n {
		r.child = make([]int32, n)
	}
	child := r.child[:n]
	if !overflow && prod <= uint64(max(4*n, 1<<16)) {
		// Dense: group id by mixed-radix key.
		if uint64(cap(r.dense)) < prod {
			r.dense = make([]int32, prod)
		}
		dense := r.dense[:prod]
		for i := range dense {
			dense[i] = -1
		}
		for c := range n {
			var k uint64
			for j := range m {
				k = k*cards[j] + uint64(maps[j][src.codes[j][c]])
			}
			g := dense[k]
			if g < 0 {
				g = int32(len(out.sizes))
				dense[k] = g
				for j := range m {
					out.codes[j] = append(out.codes[j], maps[j][src.codes[j][c]])
				}
				out.sizes = append(out.sizes, 0)
				out.a = append(out.a, 0)
			}
			out.sizes[g] += src.sizes[c]
			out.a[g] += src.a[c]
			child[c] = g
		}
	} else {
		// Open addressing on a hash of the code tuple, compared by tuple.
		size := 1
		for size < 2*n {
			size <<= 1
		}
		if cap(r.slots) < size {
			r.slots = make([]int32, size)
		}
		slots := r.slots[:size]
		for i := range slots {
			slots[i] = -1
		}
		mask := uint64(size - 1)
		if cap(r.key) < m {
			r.key = make([]uint32, m)
		}
		key := r.key[:m]
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
			var g int32
			for {
				g = slots[i]
				if g < 0 {
					g = int32(len(out.sizes))
					slots[i] = g
					for j := range m {
						out.codes[j] = append(out.codes[j], key[j])
					}
					out.sizes = append(out.sizes, 0)
					out.a = append(out.a, 0)
					break
				}
				same := true
				for j := range m {
					if out.codes[j][g] != key[j] {
						same = false
						break
					}
				}
				if same {
					break
				}
				i = (i + 1) & mask
			}
			out.sizes[g] += src.sizes[c]
			out.a[g] += src.a[c]
			child[c] = g
		}
	}
	if src.subj != nil || src.sens != nil {
		r.sortByChild(child, out.len())
		if src.subj != nil {
			out.subj = r.mergeHist(src.subj, out.len())
		}
		for _, h := range src.sens {
			out.sens = append(out.sens, r.mergeHist(h, out.len()))
		}
	}
	return out
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
		for _, v := range out.vals[begin:] {
			r.scr[v] = -1
		}
		out.off = append(out.off, len(out.vals))
	}
	return out
}
