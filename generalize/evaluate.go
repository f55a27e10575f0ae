package generalize

import (
	"fmt"
	"math"
	"slices"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/internal/fsum"
)

// evaluator holds what evaluating a node needs besides its class table.
type evaluator struct {
	p       Policy
	bs      []*binding
	r       *roller
	rows    int64
	a       kahan // Σ over records of Σ_j log₂ f_j(original value)
	maxSupp int64
	loss    [][][]float64         // loss[j][l][code] = (cover − 1)/(M − 1)
	logf    [][][]float64         // logf[j][l][code] = log₂ of the label's frequency
	sens    []*anonymity.Multiset // the sensitive columns at the bottom (names, dictionaries)
	crit    []criterion           // the policy's per-class criteria
	fail    []bool
	local   *localEval
}

// newEvaluator prepares per-level lookup tables and the bottom table;
// sensH holds the hierarchies of sensitive columns (for hierarchical t).
func newEvaluator(c *anonymity.Classes, r *roller, p Policy, sensH []*Hierarchy) (*evaluator, *table, error) {
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
		}
		e.sens = c.Sensitive
	}
	ground, err := p.groundDistances(e.sens, sensH)
	if err != nil {
		return nil, nil, err
	}
	e.crit = p.criteria(ground)
	return e, bottom, nil
}

func fromMultiset(m *anonymity.Multiset) *hist {
	return &hist{off: m.Offsets, vals: m.Values, cnts: m.Counts}
}

// classSet returns the view of t the criteria read, its histograms
// merged first when withHists is set.
func (e *evaluator) classSet(t *table, withHists bool) *classSet {
	cs := &classSet{sizes: t.sizes}
	if !withHists {
		return cs
	}
	e.r.gatherHists(t)
	if t.subj != nil {
		cs.subjects = t.subj.off
	}
	for s, h := range t.sens {
		cs.sens = append(cs.sens, &anonymity.Multiset{Name: e.sens[s].Name, Dict: e.sens[s].Dict, Offsets: h.off, Values: h.vals, Counts: h.cnts})
	}
	return cs
}

// markFailing sets e.fail[c] for every class c of t that fails a
// per-class criterion of the policy.
func (e *evaluator) markFailing(t *table) error {
	e.fail = grow(e.fail, t.len())
	return markFailing(e.crit, e.classSet(t, true), e.fail[:t.len()])
}

// suppress counts into n the records and classes of t marked in e.fail.
func (e *evaluator) suppress(t *table, n *Node) {
	n.Suppressed, n.SuppressedClasses = 0, 0
	for c, size := range t.sizes {
		if e.fail[c] {
			n.Suppressed += size
			n.SuppressedClasses++
		}
	}
}

// evaluate computes a node's feasibility, suppression and utility. Unless
// full is set, a node that suppresses too many records is returned with
// Feasible, Suppressed, SuppressedClasses and DMStar only, and when the
// criteria that read class sizes alone (k, highest risk) already suppress
// too many, its histograms are never merged and Suppressed counts only
// their records (a lower bound).
func (e *evaluator) evaluate(t *table, full bool) (*Node, error) {
	n := &Node{Levels: append([]int(nil), t.levels...)}
	e.fail = grow(e.fail, t.len())
	if e.p.LocalSuppression {
		e.evaluateLocal(t, n)
		return n, nil
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
			return n, nil
		}
		fail := e.fail[:len(t.sizes)]
		for c, size := range t.sizes {
			fail[c] = size < k
		}
		e.measure(t, n)
		return n, nil
	}
	for _, size := range t.sizes {
		n.DMStar += size * size
	}
	// The criteria on sizes first, then those reading histograms.
	fail := e.fail[:t.len()]
	clear(fail)
	for _, hists := range []bool{false, true} {
		cs := e.classSet(t, hists)
		for _, x := range e.crit {
			if x.readsHistograms() != hists {
				continue
			}
			if err := x.mark(cs, fail); err != nil {
				return nil, err
			}
		}
		e.suppress(t, n)
		if !full && n.Suppressed > e.maxSupp {
			return n, nil
		}
	}
	e.measure(t, n)
	return n, nil
}

// before evaluates every metric of t with nothing suppressed: the table as
// it is before anonymisation (on the bottom node DM = DM* = Σ|E|²,
// Precision 1, Loss and Entropy 0, AECS = N/|classes|). Feasible reports
// whether t meets the policy's table-level criteria without suppression
// and its per-class criteria in every class.
func (e *evaluator) before(t *table) (*Node, error) {
	n := &Node{Levels: append([]int(nil), t.levels...)}
	if err := e.markFailing(t); err != nil {
		return nil, err
	}
	ok := true
	for c, size := range t.sizes {
		n.DMStar += size * size
		if e.fail[c] {
			ok = false
		}
		e.fail[c] = false
	}
	e.measure(t, n)
	n.Feasible = n.Feasible && ok
	return n, nil
}

// measure computes n's utility, risk and feasibility from t and the
// per-class decisions in e.fail; n.DMStar must already be set.
func (e *evaluator) measure(t *table, n *Node) {
	t.gather()
	n.Suppressed, n.SuppressedClasses = 0, 0
	m := len(e.bs)
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
	ty := newTally(m, e.rows, levelShare)
	for c, size := range t.sizes {
		var l, g float64
		if e.fail[c] == bottom { // suppressed at the bottom, kept elsewhere
			for j := range m {
				x := codes[j][ids[j][c]]
				l += lossj[j][x]
				g += logfj[j][x]
			}
		}
		if e.fail[c] {
			ty.suppress(n, size, g, bottom)
		} else {
			ty.keep(n, size, l, g, bottom, e.p.RiskThreshold)
		}
	}
	ty.finish(n, e.a, bottom, &e.p, e.maxSupp)
}

// kahan is a compensated sum (fsum): the entropy is the difference of two
// sums of about N·m·log₂ N, so their rounding errors would otherwise show
// in its low digits.
type kahan struct{ sum, c float64 }

func (k *kahan) add(x float64) { k.sum, k.c = fsum.Add(k.sum, k.c, x) }

func (k *kahan) value() float64 { return k.sum + k.c }
