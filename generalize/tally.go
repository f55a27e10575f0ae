package generalize

import "math"

// tally sums a node's figures class by class; Search's evaluator and
// NodeEvaluator both measure a node through it, so that they differ only
// in how they look up a class's labels.
type tally struct {
	m                     int     // QIs
	rows                  int64   // N
	log2N                 float64 // log₂ N
	levelShare            float64 // Σ_j h_j/H_j at the node
	kept, atRisk, uniques int64
	minSize               int64
	loss, prec            float64
	ent                   kahan // Σ_records Σ_j log₂ f_j(label)
}

func newTally(m int, rows int64, levelShare float64) *tally {
	return &tally{m: m, rows: rows, log2N: math.Log2(float64(rows)), levelShare: levelShare, minSize: math.MaxInt64}
}

// suppress counts a suppressed class of size records into n. At the
// bottom (bottom set), where the entropy terms of kept records cancel
// out, g is Σ_j log₂ f_j of its original values and its records count
// m·log₂ N − g each; elsewhere m·log₂ N.
func (t *tally) suppress(n *Node, size int64, g float64, bottom bool) {
	fs := float64(size)
	n.Suppressed += size
	n.SuppressedClasses++
	t.loss += fs * float64(t.m)
	t.prec += fs * float64(t.m)
	if bottom {
		t.ent.add(fs * (float64(t.m)*t.log2N - g))
	} else {
		t.ent.add(fs * float64(t.m) * t.log2N)
	}
}

// keep counts a kept class of size records into n: l is Σ_j of its
// labels' loss (M_j(g) − 1)/(M_j − 1) and g Σ_j log₂ f_j(g); at the bottom
// both are left out (bottom set).
func (t *tally) keep(n *Node, size int64, l, g float64, bottom bool, riskThreshold float64) {
	fs := float64(size)
	n.Classes++
	t.kept += size
	n.DM += size * size
	t.minSize = min(t.minSize, size)
	if !bottom {
		t.loss += fs * l
		t.prec += fs * t.levelShare
		t.ent.add(fs * g)
	}
	if riskThreshold >= 0 && 1/fs > riskThreshold {
		t.atRisk += size
	}
	if size == 1 {
		t.uniques++
	}
}

// finish sets n's metrics from the sums: a is Σ_j Σ_v f_j(v)·log₂ f_j(v)
// over the input's values (left out at the bottom, where the kept records'
// entropy terms were), maxSupp the suppression limit in records.
func (t *tally) finish(n *Node, a kahan, bottom bool, p *Policy, maxSupp int64) {
	N, m := float64(t.rows), float64(t.m)
	n.DM += n.Suppressed * t.rows
	if t.m > 0 && N > 0 {
		n.Loss = t.loss / (N * m)
		n.Precision = 1 - t.prec/(N*m)
	}
	// The entropy of a node is a difference of sums of logarithms; at the
	// bottom it is 0 up to rounding, which is clamped to 0.
	ent := t.ent
	if !bottom {
		ent.add(-a.sum)
		ent.add(-a.c)
	}
	if v := ent.value(); v < 1e-9*N*math.Max(m, 1)*math.Max(t.log2N, 1) {
		n.Entropy = 0
	} else {
		n.Entropy = v
	}
	if t.kept > 0 {
		n.AECS = float64(t.kept) / float64(n.Classes)
		n.HighestRisk = 1 / float64(t.minSize)
		n.AverageRisk = float64(n.Classes) / float64(t.kept)
	}
	n.Feasible = n.Suppressed <= maxSupp && !keepsNone(t.kept, t.rows) && p.tableHolds(n, t.kept, t.atRisk, t.uniques)
}

// tableHolds reports whether the table-level criteria of p hold over the
// kept records of n (kept records, of which atRisk in classes above the
// risk threshold and uniques alone in their class).
func (p *Policy) tableHolds(n *Node, kept, atRisk, uniques int64) bool {
	if kept == 0 {
		return true
	}
	f := keptFigures{kept: kept, classes: int64(n.Classes), atRisk: atRisk, uniques: uniques}
	for _, x := range p.tableCriteria() {
		if !x.holds(f) {
			return false
		}
	}
	return true
}

// keptFigures are what the table-level criteria read of a node: its kept
// records and classes, the kept records in classes whose risk 1/|E|
// exceeds the risk threshold, and the kept records alone in their class.
type keptFigures struct{ kept, classes, atRisk, uniques int64 }

// tableCriterion is a criterion over the kept records of a node as a
// whole. None is monotone once records are suppressed (a node above may
// keep records a node below suppressed, and with them more risk); without
// suppression each is (see averageRisk, recordsAtRisk, sampleUniques),
// which Pruning relies on.
type tableCriterion interface {
	holds(f keptFigures) bool
}

// averageRisk: the average prosecutor risk over the kept records, kept
// classes / kept records, is at most max (ARX's average re-identification
// risk). Monotone without suppression: merging classes lowers the count
// of classes over the same records.
type averageRisk struct{ max float64 }

func (x averageRisk) holds(f keptFigures) bool {
	return float64(f.classes)/float64(f.kept) <= x.max*(1+1e-12)
}

// recordsAtRisk: the share of kept records in classes whose risk 1/|E|
// exceeds the threshold is at most max (sdcMicro's and ARX's records at
// risk). Monotone without suppression: a record's class only grows.
type recordsAtRisk struct{ max float64 }

func (x recordsAtRisk) holds(f keptFigures) bool {
	return float64(f.atRisk)/float64(f.kept) <= x.max*(1+1e-12)
}

// sampleUniques: the share of kept records alone in their class is at
// most max. Monotone without suppression, as recordsAtRisk with threshold
// just below 1.
type sampleUniques struct{ max float64 }

func (x sampleUniques) holds(f keptFigures) bool {
	return float64(f.uniques)/float64(f.kept) <= x.max*(1+1e-12)
}

// tableCriteria returns the table-level criteria of p.
func (p Policy) tableCriteria() []tableCriterion {
	var cs []tableCriterion
	if p.MaxAverageRisk != nil {
		cs = append(cs, averageRisk{*p.MaxAverageRisk})
	}
	if p.MaxRecordsAtRisk != nil {
		cs = append(cs, recordsAtRisk{*p.MaxRecordsAtRisk})
	}
	if p.MaxSampleUniques != nil {
		cs = append(cs, sampleUniques{*p.MaxSampleUniques})
	}
	return cs
}
