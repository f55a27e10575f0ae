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
// Search; every value of the marginals must be in its hierarchy.
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
	hs, err := matchHierarchies(e.qi, hs)
	if err != nil {
		return nil, err
	}
	e.hs = hs
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
	fail, err := e.sensitiveFailures(t)
	if err != nil {
		return nil, err
	}
	m := len(e.qi)
	N := float64(e.rows)
	log2N := math.Log2(N)
	levelShare := 0.0
	for j, l := range levels {
		if H := e.hs[j].Levels() - 1; H > 0 {
			levelShare += float64(l) / float64(H)
		}
	}
	node := &Node{Levels: append([]int(nil), levels...)}
	var kept, atRisk, uniques int64
	minSize := int64(math.MaxInt64)
	var loss, prec, ent float64
	for c := range n {
		size := t.Sizes[c]
		fs := float64(size)
		node.DMStar += size * size
		if e.fails(t, c, fail) {
			node.Suppressed += size
			node.SuppressedClasses++
			loss += fs * float64(m)
			prec += fs * float64(m)
			ent += fs * float64(m) * log2N
			continue
		}
		node.Classes++
		kept += size
		node.DM += size * size
		minSize = min(minSize, size)
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
		loss += fs * l
		prec += fs * levelShare
		ent += fs * g
		if p.RiskThreshold >= 0 && 1/fs > p.RiskThreshold {
			atRisk += size
		}
		if size == 1 {
			uniques++
		}
	}
	ent -= e.a
	node.DM += node.Suppressed * e.rows
	if m > 0 && N > 0 {
		node.Loss = loss / (N * float64(m))
		node.Precision = 1 - prec/(N*float64(m))
	}
	// At the bottom the entropy is 0 up to rounding; clamped as Search does.
	if ent < 1e-9*N*float64(max(m, 1))*math.Max(log2N, 1) {
		ent = 0
	}
	node.Entropy = ent
	if kept > 0 {
		node.AECS = float64(kept) / float64(node.Classes)
		node.HighestRisk = 1 / float64(minSize)
		node.AverageRisk = float64(node.Classes) / float64(kept)
	}
	node.Feasible = node.Suppressed <= e.maxSupp && !keepsNone(kept, e.rows)
	if node.Feasible && kept > 0 {
		if p.MaxAverageRisk != nil && node.AverageRisk > *p.MaxAverageRisk*(1+1e-12) {
			node.Feasible = false
		}
		if p.MaxRecordsAtRisk != nil && float64(atRisk)/float64(kept) > *p.MaxRecordsAtRisk*(1+1e-12) {
			node.Feasible = false
		}
		if p.MaxSampleUniques != nil && float64(uniques)/float64(kept) > *p.MaxSampleUniques*(1+1e-12) {
			node.Feasible = false
		}
	}
	return node, nil
}

// fails reports whether class c of t fails a per-class criterion; sfail
// marks the classes failing l or t.
func (e *NodeEvaluator) fails(t *anonymity.Classes, c int, sfail []bool) bool {
	p := &e.p
	size := t.Sizes[c]
	if p.K > 0 {
		k := size
		if p.SubjectK {
			k = int64(t.Subjects.Offsets[c+1] - t.Subjects.Offsets[c])
		}
		if k < p.K {
			return true
		}
	}
	if p.MaxRisk != nil && 1/float64(size) > *p.MaxRisk*(1+1e-12) {
		return true
	}
	return sfail != nil && sfail[c]
}

// sensitiveFailures marks the classes of t that fail l-diversity or
// t-closeness in some sensitive column (nil when the policy has neither).
func (e *NodeEvaluator) sensitiveFailures(t *anonymity.Classes) ([]bool, error) {
	p := &e.p
	if !p.needsSensitive() {
		return nil, nil
	}
	n := len(t.Sizes)
	fail := make([]bool, n)
	mark := func(name string, got int, bad func(c int) bool) error {
		if got != n {
			return fmt.Errorf("generalize: sensitive column %q: malformed histogram (%d figures for %d classes)", name, got, n)
		}
		for c := range fail {
			fail[c] = fail[c] || bad(c)
		}
		return nil
	}
	for _, ms := range t.Sensitive {
		if p.L > 0 {
			var err error
			switch p.LVariant {
			case DistinctL:
				ls := anonymity.DistinctL(ms)
				err = mark(ms.Name, len(ls), func(c int) bool { return float64(ls[c]) < p.L })
			case EntropyL:
				ls := anonymity.EntropyL(ms)
				err = mark(ms.Name, len(ls), func(c int) bool { return !(ls[c] >= p.L*(1-1e-12)) })
			default:
				cs := anonymity.RecursiveC(ms, int(math.Ceil(p.L)))
				err = mark(ms.Name, len(cs), func(c int) bool { return !(p.C > cs[c]) })
			}
			if err != nil {
				return nil, err
			}
		}
		if p.T > 0 {
			g := anonymity.EqualDistance()
			if p.TDistance == OrderedDistance {
				g = anonymity.OrderedDistance(ms)
			}
			ds := anonymity.TCloseness(ms, g)
			if err := mark(ms.Name, len(ds), func(c int) bool { return !(ds[c] <= p.T+1e-12) }); err != nil {
				return nil, err
			}
		}
	}
	return fail, nil
}
