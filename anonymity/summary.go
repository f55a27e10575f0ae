package anonymity

import (
	"errors"
	"math"
)

// SensitiveOptions choose the parameters of SummarizeSensitive.
type SensitiveOptions struct {
	// L is the l of recursive (c,l)-diversity; 0 means 2.
	L int
	// Hierarchy, when not nil, gives for each code of the multiset's
	// dictionary its generalisations from level 1 to the root (see
	// HierarchicalDistance), and the hierarchical t-closeness is reported.
	Hierarchy [][]string
}

// SensitiveSummary holds the table-level value of each measure of one
// sensitive column: the minimum over classes of the l's, the maximum over
// classes of c, t, β and δ. Classes without rows are left out. A table
// without classes has every figure 0.
type SensitiveSummary struct {
	Column string
	// DistinctL and EntropyL are the distinct and entropy l (DistinctL,
	// EntropyL).
	DistinctL int
	EntropyL  float64
	// RecursiveC is the smallest c above which the table is recursive
	// (c,L)-diverse (RecursiveC); +Inf if a class has fewer than L values.
	L          int
	RecursiveC float64
	// TEqual, TOrdered and THierarchical are the t of t-closeness under
	// the equal, ordered and hierarchical ground distances (TCloseness);
	// THierarchical is meaningful only when HasHierarchical.
	TEqual, TOrdered float64
	THierarchical    float64
	HasHierarchical  bool
	// BetaBasic and BetaEnhanced are the β of basic and enhanced
	// β-likeness (BetaLikeness); DeltaDisclosure the δ of δ-disclosure
	// privacy (DeltaDisclosure).
	BetaBasic, BetaEnhanced float64
	DeltaDisclosure         float64
	// Alpha is the largest share of one sensitive value in a class, the α
	// of (α,k)-anonymity (Alpha).
	Alpha float64
}

// SummarizeSensitive computes every sensitive-value measure of this
// package on m and reduces each to its table-level value. It fails on a
// malformed multiset, an L below 0, or a hierarchy that does not cover the
// values of m (see HierarchicalDistance).
func SummarizeSensitive(m *Multiset, opt SensitiveOptions) (SensitiveSummary, error) {
	if err := checkMultiset(m); err != nil {
		return SensitiveSummary{}, err
	}
	l := opt.L
	if l == 0 {
		l = 2
	}
	if l < 1 {
		return SensitiveSummary{}, errors.New("anonymity: recursive (c,l)-diversity needs l ≥ 1")
	}
	s := SensitiveSummary{Column: m.Name, L: l}
	n := classCount(m)
	live := make([]bool, n) // classes with rows
	some := false
	for e := range live {
		live[e] = classRows(m, e) > 0
		some = some || live[e]
	}
	if !some {
		return s, nil
	}
	first := true
	for e, d := range DistinctL(m) {
		if live[e] && (first || d < s.DistinctL) {
			s.DistinctL, first = d, false
		}
	}
	s.EntropyL = math.Inf(1)
	for e, v := range EntropyL(m) {
		if live[e] {
			s.EntropyL = min(s.EntropyL, v)
		}
	}
	worst := func(v []float64) float64 {
		var w float64
		for e, x := range v {
			if live[e] {
				w = max(w, x)
			}
		}
		return w
	}
	s.RecursiveC = worst(RecursiveC(m, l))
	s.TEqual = worst(TCloseness(m, EqualDistance()))
	s.TOrdered = worst(TCloseness(m, OrderedDistance(m)))
	if opt.Hierarchy != nil {
		d, err := HierarchicalDistance(m, opt.Hierarchy)
		if err != nil {
			return SensitiveSummary{}, err
		}
		s.THierarchical = worst(TCloseness(m, d))
		s.HasHierarchical = true
	}
	basic, enhanced := BetaLikeness(m)
	s.BetaBasic, s.BetaEnhanced = worst(basic), worst(enhanced)
	s.DeltaDisclosure = worst(DeltaDisclosure(m))
	s.Alpha = worst(Alpha(m))
	return s, nil
}
