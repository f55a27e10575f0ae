package generalize

import (
	"fmt"
	"math"
	"slices"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// evaluator holds what evaluating a node needs besides its class table.
type evaluator struct {
	p       Policy
	bs      []*binding
	r       *roller
	rows    int64
	a       kahan // Σ over records of Σ_j log₂ f_j(original value)
	maxSupp int64
	loss    [][][]float64              // loss[j][l][code] = (cover − 1)/(M − 1)
	logf    [][][]float64              // logf[j][l][code] = log₂ of the label's frequency
	dicts   []*quasiid.Dictionary      // of the sensitive columns
	ground  []anonymity.GroundDistance // t-closeness distance per sensitive column
	fail    []bool
	sfail   []bool // classes failing l or t
	local   *localEval
}

// newEvaluator prepares per-level lookup tables and the bottom table.
func newEvaluator(c *anonymity.Classes, r *roller, p Policy) (*evaluator, *table, error) {
	bs := r.bs
	e := &evaluator{p: p, bs: bs, r: r, rows: c.Rows}
	e.maxSupp = int64(math.Floor(p.MaxSuppression*float64(c.Rows) + 1e-9))
	m := len(bs)
	bottom := r.bottom(c.Codes, c.Sizes)
	e.loss = make([][][]float64, m)
	e.logf = make([][][]float64, m)
	for j, b := range bs {
		freq0 := make([]int64, b.dicts[0].Len())
		for k, code := range c.Codes[j] {
			freq0[code] += c.Sizes[k]
		}
		for _, f := range freq0 {
			if f > 0 {
				e.a.add(float64(f) * math.Log2(float64(f)))
			}
		}
		levels := len(b.dicts)
		e.loss[j] = make([][]float64, levels)
		e.logf[j] = make([][]float64, levels)
		M := float64(b.dicts[0].Len())
		for l := range levels {
			n := b.dicts[l].Len()
			e.loss[j][l] = make([]float64, n)
			freq := make([]int64, n)
			up := b.mapTo(0, l)
			for c0, f := range freq0 {
				freq[up[c0]] += f
			}
			e.logf[j][l] = make([]float64, n)
			for x := range n {
				if M > 1 {
					e.loss[j][l][x] = float64(b.cover[l][x]-1) / (M - 1)
				}
				if freq[x] > 0 {
					e.logf[j][l][x] = math.Log2(float64(freq[x]))
				}
			}
		}
	}
	if p.SubjectK {
		if c.Subjects == nil {
			return nil, nil, fmt.Errorf("generalize: k counted in subjects needs a subject column")
		}
		bottom.subj = fromMultiset(c.Subjects)
	}
	if p.LocalSuppression {
		e.local = &localEval{qi: c.QI, maxCells: int64(math.Floor(p.MaxSuppression*float64(c.Rows)*float64(m) + 1e-9))}
		if c.Subjects != nil {
			e.local.subjects = c.Subjects.Dict
		}
	}
	if p.needsSensitive() {
		if len(c.Sensitive) == 0 {
			return nil, nil, fmt.Errorf("generalize: l-diversity and t-closeness need a sensitive column")
		}
		for _, ms := range c.Sensitive {
			bottom.sens = append(bottom.sens, fromMultiset(ms))
			e.dicts = append(e.dicts, ms.Dict)
			g := anonymity.EqualDistance()
			if p.T > 0 && p.TDistance == OrderedDistance {
				g = anonymity.OrderedDistance(ms)
			}
			e.ground = append(e.ground, g)
		}
	}
	return e, bottom, nil
}

func fromMultiset(m *anonymity.Multiset) *hist {
	return &hist{off: m.Offsets, vals: m.Values, cnts: m.Counts}
}

// fails reports whether class c of t fails a per-class criterion.
func (e *evaluator) fails(t *table, c int) bool {
	p := &e.p
	size := t.sizes[c]
	if p.K > 0 {
		k := size
		if p.SubjectK {
			k = int64(t.subj.off[c+1] - t.subj.off[c])
		}
		if k < p.K {
			return true
		}
	}
	if p.MaxRisk != nil && 1/float64(size) > *p.MaxRisk*(1+1e-12) {
		return true
	}
	return len(t.sens) > 0 && e.sfail[c]
}

// sensitive marks in e.sfail the classes of t that fail l-diversity or
// t-closeness in some sensitive column, with the anonymity package's
// measures (the node's histograms cover every record, suppressed ones
// included, so t is measured against the whole input's distribution).
func (e *evaluator) sensitive(t *table) {
	if len(t.sens) == 0 {
		return
	}
	p := &e.p
	e.sfail = grow(e.sfail, t.len())
	clear(e.sfail)
	// mark fails class c when bad(c); a result of the wrong length (a
	// malformed histogram, which the roll-ups never build) fails every
	// class rather than passing them unchecked.
	mark := func(n int, bad func(c int) bool) {
		for c := range e.sfail {
			e.sfail[c] = e.sfail[c] || n != len(e.sfail) || bad(c)
		}
	}
	for s, h := range t.sens {
		m := &anonymity.Multiset{Dict: e.dicts[s], Offsets: h.off, Values: h.vals, Counts: h.cnts}
		if p.L > 0 {
			switch p.LVariant {
			case DistinctL:
				ls := anonymity.DistinctL(m)
				mark(len(ls), func(c int) bool { return float64(ls[c]) < p.L })
			case EntropyL:
				ls := anonymity.EntropyL(m)
				mark(len(ls), func(c int) bool { return !(ls[c] >= p.L*(1-1e-12)) })
			default:
				cs := anonymity.RecursiveC(m, int(math.Ceil(p.L)))
				mark(len(cs), func(c int) bool { return !(p.C > cs[c]) })
			}
		}
		if p.T > 0 {
			ds := anonymity.TCloseness(m, e.ground[s])
			mark(len(ds), func(c int) bool { return !(ds[c] <= p.T+1e-12) })
		}
	}
}

// evaluate computes a node's feasibility, suppression and utility. Unless
// full is set, a node that suppresses too many records is returned with
// Feasible, Suppressed, SuppressedClasses and DMStar only.
func (e *evaluator) evaluate(t *table, full bool) *Node {
	n := &Node{Levels: append([]int(nil), t.levels...)}
	e.fail = grow(e.fail, t.len())
	if e.p.LocalSuppression {
		e.evaluateLocal(t, n)
		return n
	}
	if p := &e.p; !p.SubjectK && p.MaxRisk == nil && !p.needsSensitive() {
		// Only k (or nothing) per class: decide on the sizes alone, and
		// mark the failing classes only for a node to be measured.
		k := p.K
		for _, size := range t.sizes {
			n.DMStar += size * size
			if size < k {
				n.Suppressed += size
				n.SuppressedClasses++
			}
		}
		if !full && n.Suppressed > e.maxSupp {
			return n
		}
		fail := e.fail[:len(t.sizes)]
		for c, size := range t.sizes {
			fail[c] = size < k
		}
		e.measure(t, n)
		return n
	}
	e.sensitive(t)
	for c, size := range t.sizes {
		n.DMStar += size * size
		f := e.fails(t, c)
		e.fail[c] = f
		if f {
			n.Suppressed += size
			n.SuppressedClasses++
		}
	}
	if !full && n.Suppressed > e.maxSupp {
		return n
	}
	e.measure(t, n)
	return n
}

// before evaluates every metric of t with nothing suppressed: the table as
// it is before anonymisation (on the bottom node DM = DM* = Σ|E|²,
// Precision 1, Loss and Entropy 0, AECS = N/|classes|). Feasible reports
// whether t meets the policy's table-level criteria without suppression
// and its per-class criteria in every class.
func (e *evaluator) before(t *table) *Node {
	n := &Node{Levels: append([]int(nil), t.levels...)}
	e.fail = grow(e.fail, t.len())
	e.sensitive(t)
	ok := true
	for c, size := range t.sizes {
		n.DMStar += size * size
		if e.fails(t, c) {
			ok = false
		}
		e.fail[c] = false
	}
	e.measure(t, n)
	n.Feasible = n.Feasible && ok
	return n
}

// measure computes n's utility, risk and feasibility from t and the
// per-class decisions in e.fail; n.DMStar must already be set.
func (e *evaluator) measure(t *table, n *Node) {
	t.gather()
	n.Suppressed, n.SuppressedClasses = 0, 0
	m := len(e.bs)
	N := float64(e.rows)
	log2N := math.Log2(N)
	var kept, atRisk, uniques int64
	minSize := int64(math.MaxInt64)
	var loss, prec float64
	var ent kahan     // Σ_records Σ_j log₂ f_j(label): a large sum, ≈ e.a
	levelShare := 0.0 // Σ_j h_j/H_j at this node
	for j, b := range e.bs {
		if H := len(b.dicts) - 1; H > 0 {
			levelShare += float64(t.levels[j]) / float64(H)
		}
	}
	// Codes of QI j in class c: codes[j][ids[j][c]]; lossj[j] and
	// logfj[j] by code at the node's level.
	codes, ids := make([][]uint32, m), make([][]uint32, m)
	lossj, logfj := make([][]float64, m), make([][]float64, m)
	for j := range m {
		w := e.r.where[j]
		codes[j], ids[j] = t.combos[w[0]].codes[w[1]], t.ids[w[0]]
		lossj[j], logfj[j] = e.loss[j][t.levels[j]], e.logf[j][t.levels[j]]
	}
	// At the bottom a kept value loses nothing (each code covers one
	// value) and a kept record's entropy terms cancel out: only suppressed
	// records count, each m·log₂ N − Σ_j log₂ f_j(v).
	bottom := !slices.ContainsFunc(t.levels, func(l int) bool { return l != 0 })
	logf := func(c int) float64 {
		var g float64
		for j := range m {
			g += logfj[j][codes[j][ids[j][c]]]
		}
		return g
	}
	for c, size := range t.sizes {
		fs := float64(size)
		if e.fail[c] {
			n.Suppressed += size
			n.SuppressedClasses++
			loss += fs * float64(m)
			prec += fs * float64(m)
			if bottom {
				ent.add(fs * (float64(m)*log2N - logf(c)))
			} else {
				ent.add(fs * float64(m) * log2N)
			}
			continue
		}
		n.Classes++
		kept += size
		n.DM += size * size
		minSize = min(minSize, size)
		if !bottom {
			var l, g float64
			for j := range m {
				x := codes[j][ids[j][c]]
				l += lossj[j][x]
				g += logfj[j][x]
			}
			loss += fs * l
			prec += fs * levelShare
			ent.add(fs * g)
		}
		if e.p.RiskThreshold >= 0 && 1/fs > e.p.RiskThreshold {
			atRisk += size
		}
		if size == 1 {
			uniques++
		}
	}
	n.DM += n.Suppressed * e.rows
	if m > 0 && N > 0 {
		n.Loss = loss / (N * float64(m))
		n.Precision = 1 - prec/(N*float64(m))
	}
	// The entropy of a node is a difference of sums of logarithms (the
	// second, Σ_records Σ_j log₂ f_j(original value), is e.a); at the
	// bottom it is 0 up to rounding, which is clamped to 0.
	if !bottom {
		ent.add(-e.a.sum)
		ent.add(-e.a.c)
	}
	if ent := ent.value(); ent < 1e-9*N*float64(max(m, 1))*math.Max(log2N, 1) {
		n.Entropy = 0
	} else {
		n.Entropy = ent
	}
	if kept > 0 {
		n.AECS = float64(kept) / float64(n.Classes)
		n.HighestRisk = 1 / float64(minSize)
		n.AverageRisk = float64(n.Classes) / float64(kept)
	}
	n.Feasible = n.Suppressed <= e.maxSupp && !keepsNone(kept, e.rows)
	if n.Feasible && kept > 0 {
		p := &e.p
		if p.MaxAverageRisk != nil && n.AverageRisk > *p.MaxAverageRisk*(1+1e-12) {
			n.Feasible = false
		}
		if p.MaxRecordsAtRisk != nil && float64(atRisk)/float64(kept) > *p.MaxRecordsAtRisk*(1+1e-12) {
			n.Feasible = false
		}
		if p.MaxSampleUniques != nil && float64(uniques)/float64(kept) > *p.MaxSampleUniques*(1+1e-12) {
			n.Feasible = false
		}
	}
}

// kahan is a compensated sum (Neumaier's variant of Kahan summation): the
// entropy is the difference of two sums of about N·m·log₂ N, so their
// rounding errors would otherwise show in its low digits.
type kahan struct{ sum, c float64 }

func (k *kahan) add(x float64) {
	t := k.sum + x
	if math.Abs(k.sum) >= math.Abs(x) {
		k.c += (k.sum - t) + x
	} else {
		k.c += (x - t) + k.sum
	}
	k.sum = t
}

func (k *kahan) value() float64 { return k.sum + k.c }
