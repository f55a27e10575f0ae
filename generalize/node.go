package generalize

import (
	"errors"
	"fmt"
	"math"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// NodeEvaluator evaluates single nodes of the generalisation lattice of
// one input table from class tables rolled up and merged by the caller,
// for callers that never hold the input's finest class table whole (a
// distributed engine holding it in shards). Given the complete class table
// of a node it returns the Node that Search computes for that node.
//
// Besides a node's classes, the metrics need two things of the input:
// the number of records N and, for every QI, the number of records f(v)
// holding each value v. Loss divides the values a label covers by the M
// distinct values of the column; Entropy reads −log₂(f(v)/f(g)) with f(g)
// the records whose value generalises to label g. Both come from the
// input's marginals, one class table per QI (see NewNodeEvaluator).
type NodeEvaluator struct {
	qi      []string
	hs      []*Hierarchy // in QI order
	sensH   []*Hierarchy // of sensitive columns, for hierarchical t
	p       Policy
	rows    int64
	maxSupp int64
	a       float64 // Σ_j Σ_v f_j(v)·log₂ f_j(v)
	// stats[j][l] maps a level-l label of QI j (at level 0: the value's
	// key, see key0) to the values it covers and the records it holds.
	stats [][]map[string]labelStat
	m0    []float64 // M of each QI: distinct values in the input
}

type labelStat struct {
	cover int64 // distinct input values under the label
	freq  int64 // input records under the label
}

// key0 keys a level-0 value, null apart from any string.
func key0(d *quasiid.Dictionary, code uint32) string {
	if d.IsNull(code) {
		return "\x00"
	}
	return "\x01" + d.Value(code)
}

// NewNodeEvaluator prepares the evaluation of nodes of an input table
// under policy p. marginals[j] is the class table of the input over its
// j-th quasi-identifier alone (one class per value, sized by its number of
// records: (*anonymity.Classes).Project of the finest table, or the
// anonymity.Merge of the projections of its shards); the QIs are taken in
// that order. hs holds one hierarchy per QI, matched by column name as in
// Search; every value of the marginals must be in its hierarchy. With
// hierarchical t-closeness hs also holds one hierarchy per sensitive
// column.
func NewNodeEvaluator(marginals []*anonymity.Classes, hs []*Hierarchy, p Policy) (*NodeEvaluator, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if p.MaxRecordsAtRisk != nil && p.RiskThreshold <= 0 {
		return nil, errors.New("generalize: records-at-risk share needs a risk threshold")
	}
	if p.LocalSuppression {
		return nil, &OptionError{Field: "LocalSuppression", Reason: "not supported by NodeEvaluator (it sees class tables, not the cells to blank)"}
	}
	if len(marginals) == 0 {
		return nil, errors.New("generalize: no quasi-identifier marginals")
	}
	e := &NodeEvaluator{p: p, rows: -1}
	for j, mg := range marginals {
		if mg == nil || len(mg.QI) != 1 || len(mg.Codes) != 1 || len(mg.Dicts) != 1 || len(mg.Codes[0]) != len(mg.Sizes) {
			return nil, fmt.Errorf("generalize: marginal %d is not a class table over one quasi-identifier", j)
		}
		if e.rows >= 0 && mg.Rows != e.rows {
			return nil, fmt.Errorf("generalize: marginal of %q counts %d records, that of %q %d", mg.QI[0], mg.Rows, e.qi[0], e.rows)
		}
		e.rows = mg.Rows
		e.qi = append(e.qi, mg.QI[0])
	}
	hs, sensH, err := matchHierarchies(e.qi, hs, p.hierarchicalT())
	if err != nil {
		return nil, err
	}
	e.hs, e.sensH = hs, sensH
	e.maxSupp = int64(math.Floor(p.MaxSuppression*float64(e.rows) + 1e-9))
	for j, mg := range marginals {
		h, d := hs[j], mg.Dicts[0]
		freq := make(map[string]int64, len(mg.Sizes)) // by key0
		for c, code := range mg.Codes[0] {
			freq[key0(d, code)] += mg.Sizes[c]
		}
		levels := make([]map[string]labelStat, h.Levels())
		for l := range levels {
			levels[l] = make(map[string]labelStat)
		}
		for c := range uint32(d.Len()) {
			k := key0(d, c)
			f, ok := freq[k]
			if !ok {
				continue // a dictionary value no class holds
			}
			delete(freq, k) // each value once
			levels[0][k] = labelStat{1, f}
			if f > 0 {
				e.a += float64(f) * math.Log2(float64(f))
			}
			hk := valueKey(d, c)
			for l := 1; l < len(levels); l++ {
				g, ok := h.Label(hk, l)
				if !ok {
					return nil, missingValues(h, d)
				}
				s := levels[l][g]
				levels[l][g] = labelStat{s.cover + 1, s.freq + f}
			}
		}
		e.stats = append(e.stats, levels)
		e.m0 = append(e.m0, float64(len(levels[0])))
	}
	return e, nil
}

// RollUp returns the class table of c, a class table over the input's
// quasi-identifiers in QI order (the finest table or a shard of it),
// generalised to levels: a QI at level l > 0 takes the hierarchy's level-l
// label of each value (a string, never null); a QI at level 0 keeps its
// values. Tables rolled up from shards of the input merge by value
// (anonymity.Merge) into the node's class table.
func (e *NodeEvaluator) RollUp(c *anonymity.Classes, levels []int) (*anonymity.Classes, error) {
	if err := e.checkLevels(levels); err != nil {
		return nil, err
	}
	if len(c.QI) != len(e.qi) || len(c.Dicts) != len(e.qi) {
		return nil, fmt.Errorf("generalize: class table over %d quasi-identifiers, want %d (%q)", len(c.QI), len(e.qi), e.qi)
	}
	maps := make([][]uint32, len(e.qi))
	dicts := make([]*quasiid.Dictionary, len(e.qi))
	for j, l := range levels {
		if c.QI[j] != e.qi[j] {
			return nil, fmt.Errorf("generalize: class table QI %d is %q, want %q", j, c.QI[j], e.qi[j])
		}
		if l == 0 {
			continue
		}
		h, d := e.hs[j], c.Dicts[j]
		maps[j] = make([]uint32, d.Len())
		dicts[j] = quasiid.NewDictionary()
		for code := range uint32(d.Len()) {
			hk := valueKey(d, code)
			g, ok := h.Label(hk, l)
			if !ok {
				return nil, missingValues(h, d)
			}
			maps[j][code] = dicts[j].Code(g)
		}
	}
	return c.RollUp(maps, dicts)
}

func (e *NodeEvaluator) checkLevels(levels []int) error {
	if len(levels) != len(e.qi) {
		return fmt.Errorf("generalize: %d levels for %d quasi-identifiers", len(levels), len(e.qi))
	}
	for j, l := range levels {
		if l < 0 || l >= e.hs[j].Levels() {
			return fmt.Errorf("generalize: level %d of %q outside its hierarchy's 0…%d", l, e.qi[j], e.hs[j].Levels()-1)
		}
	}
	return nil
}

// Evaluate returns the node at levels of the lattice, evaluated from t,
// its complete class table (every record of the input, QIs in order, each
// generalised to its level as RollUp does; with Subjects when the policy
// counts k in subjects and Sensitive when it has l or t). Every field of
// the Node is set as Search sets it for a node it measures in full:
//
//   - a class fails when it has fewer than K rows (distinct subjects with
//     SubjectK), a risk 1/|E| above MaxRisk, or fails l-diversity or
//     t-closeness in a sensitive column (anonymity.DistinctL, EntropyL,
//     RecursiveC, TCloseness; t against t's own distribution, which is the
//     whole input's); its records are suppressed;
//   - Feasible: suppressed ≤ ⌊MaxSuppression·N⌋, at least one record kept
//     (of a non-empty table) and the table-level criteria hold over the
//     kept records;
//   - DM* = Σ_E |E|², DM = Σ_{kept E} |E|² + suppressed·N;
//   - Loss = Σ_records Σ_j (M_j(g) − 1)/(M_j − 1) / (N·m), a suppressed
//     value counting 1; Precision = 1 − Σ_records Σ_j h_j/H_j / (N·m), a
//     suppressed record at the top;
//   - Entropy = Σ_records Σ_j −log₂(f_j(v)/f_j(g)), computed as
//     Σ_kept |E|·Σ_j log₂ f_j(g_E) + suppressed·m·log₂ N − Σ_j Σ_v f_j(v)·log₂ f_j(v);
//   - AECS, HighestRisk and AverageRisk over the kept classes.
//
// Integer figures equal Search's exactly; the floating-point ones (Loss,
// Precision, Entropy) up to the order of a floating-point sum.
func (e *NodeEvaluator) Evaluate(t *anonymity.Classes, levels []int) (*Node, error) {
	if err := e.checkLevels(levels); err != nil {
		return nil, err
	}
	if len(t.QI) != len(e.qi) || len(t.Codes) != len(e.qi) || len(t.Dicts) != len(e.qi) {
		return nil, fmt.Errorf("generalize: class table over %d quasi-identifiers, want %d (%q)", len(t.QI), len(e.qi), e.qi)
	}
	if t.Rows != e.rows {
		return nil, fmt.Errorf("generalize: node %v: class table of %d records, the input has %d", levels, t.Rows, e.rows)
	}
	p := &e.p
	if p.SubjectK && t.Subjects == nil {
		return nil, errors.New("generalize: k counted in subjects needs a subject column")
	}
	if p.needsSensitive() && len(t.Sensitive) == 0 {
		return nil, errors.New("generalize: l-diversity and t-closeness need a sensitive column")
	}
	n := len(t.Sizes)
	// Per class: the label statistics of each QI.
	stat := make([][]labelStat, len(e.qi))
	for j, l := range levels {
		d := t.Dicts[j]
		byCode := make([]labelStat, d.Len())
		known := make([]bool, d.Len())
		for _, code := range t.Codes[j] {
			if known[code] {
				continue
			}
			var k string
			switch {
			case l == 0:
				k = key0(d, code)
			case d.IsNull(code):
				return nil, fmt.Errorf("generalize: node %v: %q has a null label at level %d", levels, e.qi[j], l)
			default:
				k = d.Value(code)
			}
			s, ok := e.stats[j][l][k]
			if !ok {
				return nil, fmt.Errorf("generalize: node %v: %q label (code %d) is not a level-%d label of the input", levels, e.qi[j], code, l)
			}
			byCode[code], known[code] = s, true
		}
		stat[j] = byCode
	}
	fail, err := e.failing(t)
	if err != nil {
		return nil, err
	}
	m := len(e.qi)
	levelShare := 0.0
	for j, l := range levels {
		if H := e.hs[j].Levels() - 1; H > 0 {
			levelShare += float64(l) / float64(H)
		}
	}
	node := &Node{Levels: append([]int(nil), levels...)}
	ty := newTally(m, e.rows, levelShare)
	for c := range n {
		size := t.Sizes[c]
		node.DMStar += size * size
		if fail[c] {
			ty.suppress(node, size, 0, false)
			continue
		}
		var l, g float64
		for j := range m {
			s := stat[j][t.Codes[j][c]]
			if e.m0[j] > 1 {
				l += float64(s.cover-1) / (e.m0[j] - 1)
			}
			if s.freq > 0 {
				g += math.Log2(float64(s.freq))
			}
		}
		ty.keep(node, size, l, g, false, p.RiskThreshold)
	}
	ty.finish(node, kahan{sum: e.a}, false, p, e.maxSupp)
	return node, nil
}

// failing returns, per class of t, whether it fails a per-class
// criterion of the policy, t-closeness measured against t's own
// distribution (the whole input's).
func (e *NodeEvaluator) failing(t *anonymity.Classes) ([]bool, error) {
	ground, err := e.p.groundDistances(t.Sensitive, e.sensH)
	if err != nil {
		return nil, err
	}
	cs := classSet{sizes: t.Sizes, sens: t.Sensitive}
	if t.Subjects != nil {
		cs.subjects = t.Subjects.Offsets
	}
	fail := make([]bool, len(t.Sizes))
	return fail, markFailing(e.p.criteria(ground), &cs, fail)
}

// Lattice describes the lattice of the input e evaluates: its QIs and
// hierarchies, its records, and the distinct labels of each QI per level
// among the input's values. An Evaluator built on e returns it.
func (e *NodeEvaluator) Lattice() *Lattice {
	lat := &Lattice{QI: e.qi, Hierarchies: e.hs, SensitiveHierarchies: e.sensH, Rows: e.rows}
	for _, levels := range e.stats {
		labels := make([]int, len(levels))
		for l, st := range levels {
			labels[l] = len(st)
		}
		lat.Labels = append(lat.Labels, labels)
	}
	return lat
}
