package generalize

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/internal/groupby"
)

// hist holds one histogram per class in compressed sparse row form, like
// anonymity.Multiset: class c holds vals[off[c]:off[c+1]] with cnts.
type hist struct {
	off  []int
	vals []uint32
	cnts []int64
}

// table is the class table of one lattice node.
//
// The QIs are split into a few fixed groups (roller.groups); a class
// stores one combination id per group instead of one code per QI, and the
// table lists, per group, the code combinations its classes hold. A
// roll-up maps each combination once (a few thousand at most) and then
// reads one id per group and class instead of one code per QI and class.
type table struct {
	levels []int
	ids    [][]uint32 // ids[g][c]: combination of group g in class c
	combos []*combos  // per group: the combinations the classes hold
	sizes  []int64
	subj   *hist   // distinct subjects per class (counts = rows), if needed
	sens   []*hist // sensitive histograms per column, if needed
	mark   uint64  // cache clock

	// The histograms of a rolled-up table are merged only when a
	// criterion reads them (most nodes fail k first): until then subj and
	// sens are nil and hsrc says how to merge them from its source.
	hsrc *histSource

	// The ids of a rolled-up table are gathered only when needed (as a
	// roll-up source, or to measure a node's utility; most nodes are
	// neither): until then ids is nil and ids[g][y] is
	// from.ids[g][first[y]], translated by trans[g] unless that is nil.
	from  *table
	first []int
	trans [][]uint32
}

// gather fills t.ids of a rolled-up table if still pending.
func (t *table) gather() {
	src := t.from
	if src == nil {
		return
	}
	src.gather()
	G, groups := len(t.trans), len(t.first)
	block := make([]uint32, G*groups)
	t.ids = make([][]uint32, G)
	for g := range G {
		t.ids[g] = block[g*groups : (g+1)*groups : (g+1)*groups]
	}
	// Two groups per pass over first (one read of each source class).
	for g := 0; g < G; g += 2 {
		a, sa, ta := t.ids[g], src.ids[g], t.trans[g]
		if g+1 == G {
			if ta == nil {
				for y, c := range t.first {
					a[y] = sa[c]
				}
			} else {
				for y, c := range t.first {
					a[y] = ta[sa[c]]
				}
			}
			break
		}
		b, sb, tb := t.ids[g+1][:len(a)], src.ids[g+1], t.trans[g+1]
		switch {
		case ta == nil && tb == nil:
			for y, c := range t.first {
				a[y], b[y] = sa[c], sb[c]
			}
		case ta == nil:
			for y, c := range t.first {
				a[y], b[y] = sa[c], tb[sb[c]]
			}
		case tb == nil:
			for y, c := range t.first {
				a[y], b[y] = ta[sa[c]], sb[c]
			}
		default:
			for y, c := range t.first {
				a[y], b[y] = ta[sa[c]], tb[sb[c]]
			}
		}
	}
	t.from, t.first, t.trans = nil, nil, nil
}

// histSource is a pending histogram roll-up: class c of src goes into new
// class child[c] of groups.
type histSource struct {
	src    *table
	child  []uint32
	groups int
}

// hasHists reports whether t carries histograms, merged or pending.
func (t *table) hasHists() bool { return t.subj != nil || t.sens != nil || t.hsrc != nil }

// gatherHists merges t's pending histograms (and its sources' first).
func (r *roller) gatherHists(t *table) {
	p := t.hsrc
	if p == nil {
		return
	}
	r.gatherHists(p.src)
	r.sortByChild(p.child, p.groups)
	if p.src.subj != nil {
		t.subj = r.mergeHist(p.src.subj, p.child, p.groups)
	}
	for _, h := range p.src.sens {
		t.sens = append(t.sens, r.mergeHist(h, p.child, p.groups))
	}
	t.hsrc = nil
}

// combos lists the code combinations of one group of QIs that occur in a
// table, each once.
type combos struct {
	n     int
	codes [][]uint32 // codes[i][x]: code of the group's i-th QI in combination x
}

func (t *table) len() int { return len(t.sizes) }

// roller builds and rolls class tables up the lattice. It keeps its
// scratch space between calls; it is not safe for concurrent use.
type roller struct {
	bs     []*binding
	groups [][]int  // QIs of each group, ascending
	where  [][2]int // where[j]: group of QI j and its position in the group

	trans  [][]uint32 // per group: new combination of each source combination (shared)
	mapped map[mappedKey]mapping
	slot   []int32  // combination key → new combination, -1 when unused
	ckey   []uint64 // per source combination: key of its new codes
	gb     groupby.Roller
	scr    []int32 // per histogram value: position in the current class, or -1
	order  []int32
	rolled int64 // class entries read by roll-ups
}

// groupBound bounds the product of the level-0 cardinalities of the QIs
// grouped together (a single QI of larger cardinality is a group alone).
const groupBound = 4096

// newRoller groups the QIs of bs: by decreasing cardinality, each QI joins
// the first group whose product of cardinalities stays within groupBound.
func newRoller(bs []*binding) *roller {
	r := &roller{bs: bs, where: make([][2]int, len(bs))}
	byCard := make([]int, len(bs))
	for j := range byCard {
		byCard[j] = j
	}
	card := func(j int) int { return max(bs[j].dicts[0].Len(), 1) }
	slices.SortStableFunc(byCard, func(a, b int) int { return cmp.Compare(card(b), card(a)) })
	var prods []int
	for _, j := range byCard {
		g := 0
		for ; g < len(r.groups); g++ {
			if prods[g]*card(j) <= groupBound {
				break
			}
		}
		if g == len(r.groups) {
			r.groups = append(r.groups, nil)
			prods = append(prods, 1)
		}
		r.groups[g] = append(r.groups[g], j)
		prods[g] *= card(j)
	}
	most := 1
	for g, qs := range r.groups {
		slices.Sort(qs)
		for i, j := range qs {
			r.where[j] = [2]int{g, i}
		}
		most = max(most, prods[g])
	}
	r.slot = make([]int32, most)
	for i := range r.slot {
		r.slot[i] = -1
	}
	r.trans = make([][]uint32, len(r.groups))
	return r
}

// code returns the code of QI j in class c of t.
func (r *roller) code(t *table, j, c int) uint32 {
	t.gather()
	w := r.where[j]
	return t.combos[w[0]].codes[w[1]][t.ids[w[0]][c]]
}

// bottom builds the table of the ungeneralised node from per-QI codes.
func (r *roller) bottom(codes [][]uint32, sizes []int64) *table {
	t := &table{levels: make([]int, len(r.bs)), sizes: sizes}
	n := len(sizes)
	for _, qs := range r.groups {
		ids := make([]uint32, n)
		cb := &combos{codes: make([][]uint32, len(qs))}
		r.ckey = grow(r.ckey, n)
		keys := r.ckey
		clear(keys)
		for _, j := range qs {
			card := uint64(max(r.bs[j].dicts[0].Len(), 1))
			for c, x := range codes[j][:n] {
				keys[c] = keys[c]*card + uint64(x)
			}
		}
		firsts := r.number(keys, ids)
		cb.n = len(firsts)
		for i, j := range qs {
			cb.codes[i] = make([]uint32, cb.n)
			for y, c := range firsts {
				cb.codes[i][y] = codes[j][c]
			}
		}
		t.ids = append(t.ids, ids)
		t.combos = append(t.combos, cb)
	}
	return t
}

// number gives each distinct key of keys (below len(r.slot)) a dense id
// in order of first occurrence, written to ids, and returns the index of
// each id's first key; r.slot is left cleared.
func (r *roller) number(keys []uint64, ids []uint32) []int32 {
	var firsts []int32
	for x, k := range keys {
		y := r.slot[k]
		if y < 0 {
			y = int32(len(firsts))
			r.slot[k] = y
			firsts = append(firsts, int32(x))
		}
		ids[x] = uint32(y)
	}
	for _, x := range firsts {
		r.slot[keys[x]] = -1
	}
	return firsts
}

// grow returns s resized to n, reusing its array when large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// mapCombos maps the combinations of group g of src to the group's codes
// at levels dst. It returns the new combinations and fills r.trans[g]
// with the new combination of each source combination, or returns the
// source's combinations and sets r.trans[g] to nil when no level of the
// group changes.
func (r *roller) mapCombos(src *table, g int, dst []int) *combos {
	qs := r.groups[g]
	sc := src.combos[g]
	changed := false
	for _, j := range qs {
		changed = changed || dst[j] != src.levels[j]
	}
	if !changed {
		r.trans[g] = nil
		return sc
	}
	// The same combinations are often mapped to the same levels again
	// (tables share the combinations of unchanged groups): reuse.
	mk, cache := mappedKey{from: sc}, len(qs) <= 8
	for i, j := range qs {
		if i < 8 {
			mk.levels |= uint64(dst[j]) << (8 * i)
		}
	}
	if m, ok := r.mapped[mk]; ok && cache {
		r.trans[g] = m.trans
		return m.out
	}
	r.ckey = grow(r.ckey, sc.n)
	keys := r.ckey
	clear(keys)
	for i, j := range qs {
		b := r.bs[j]
		card := uint64(max(b.dicts[dst[j]].Len(), 1))
		cj := sc.codes[i][:len(keys)]
		if dst[j] == src.levels[j] {
			for x, v := range cj {
				keys[x] = keys[x]*card + uint64(v)
			}
			continue
		}
		mp := b.mapTo(src.levels[j], dst[j])
		for x, v := range cj {
			keys[x] = keys[x]*card + uint64(mp[v])
		}
	}
	tr := make([]uint32, sc.n)
	r.trans[g] = tr
	out := &combos{codes: make([][]uint32, len(qs))}
	firsts := r.number(keys, tr)
	out.n = len(firsts)
	for i, j := range qs {
		codes := make([]uint32, out.n)
		cj := sc.codes[i]
		if dst[j] == src.levels[j] {
			for y, x := range firsts {
				codes[y] = cj[x]
			}
		} else {
			mp := r.bs[j].mapTo(src.levels[j], dst[j])
			for y, x := range firsts {
				codes[y] = mp[cj[x]]
			}
		}
		out.codes[i] = codes
	}
	if cache {
		if r.mapped == nil {
			r.mapped = make(map[mappedKey]mapping)
		}
		r.mapped[mk] = mapping{tr, out}
	}
	return out
}

// mappedKey identifies a mapping of combinations: the source combinations
// and the new levels of their group's QIs, one byte each (groups of up to
// eight QIs).
type mappedKey struct {
	from   *combos
	levels uint64
}

// mapping is the outcome of mapCombos: the new combination of each source
// combination, and the new combinations. Both are shared, never written.
type mapping struct {
	trans []uint32
	out   *combos
}

// rollUp returns the table of node dst (≥ src.levels componentwise).
//
// Each group's combinations are mapped to new combinations first
// (mapCombos); then the source classes are grouped by their tuple of new
// combination ids with internal/groupby's Roller (Group's result, with
// counters kept between roll-ups), each weighted by its size: the
// new classes are numbered in order of their first source class, as the
// bottom's are in order of their first record.
func (r *roller) rollUp(src *table, dst []int) (*table, error) {
	G := len(r.groups)
	n := src.len()
	r.rolled += int64(n)
	src.gather()
	out := &table{levels: append([]int(nil), dst...), combos: make([]*combos, G)}
	cards := make([]uint32, G)
	for g := range G {
		out.combos[g] = r.mapCombos(src, g, dst)
		cards[g] = uint32(max(out.combos[g].n, 1))
	}
	gr, err := r.gb.RollUp(src.ids, r.trans, cards, src.sizes[:n], src.hasHists())
	if err != nil {
		return nil, fmt.Errorf("generalize: rolling up to %v: %w", dst, err)
	}
	out.sizes = gr.Sizes
	out.from, out.first, out.trans = src, gr.First, slices.Clone(r.trans)
	if src.hasHists() {
		out.hsrc = &histSource{src: src, child: gr.RowIDs, groups: gr.N}
	}
	return out, nil
}

// sortByChild orders the source classes by their new class (counting sort).
func (r *roller) sortByChild(child []uint32, groups int) {
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
// classes child[c]; r.order lists source classes grouped by new class, in
// order (sortByChild).
func (r *roller) mergeHist(h *hist, child []uint32, groups int) *hist {
	out := &hist{off: make([]int, 1, groups+1), vals: make([]uint32, 0, len(h.vals)), cnts: make([]int64, 0, len(h.vals))}
	i := 0
	for g := range groups {
		begin := len(out.vals)
		for ; i < len(r.order) && child[r.order[i]] == uint32(g); i++ {
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
