package generalize

import (
	"fmt"
	"math"

	"github.com/reidrisk/reidrisk/anonymity"
)

// This file holds the privacy criteria of a Policy as types, in the manner
// of ARX's criteria: each checks the equivalence classes of one node and
// says whether it is monotone under generalisation in ARX's two senses
// (Kohlmayer et al., "Flash", 2012; ARX's PrivacyCriterion):
//
//   - monotone: the union of two classes that meet it meets it, so that
//     without suppression a feasible node's generalisations are feasible;
//   - monotone with suppression: a class that holds a class meeting it
//     meets it, so that the records a node suppresses only shrink
//     upwards (a union of a passing and a failing class may fail
//     otherwise, suppressing records its passing part kept).
//
// Policy.criteria builds the list; the search (evaluate.go),
// NodeEvaluator (node.go) and Failing (transform.go) all decide a class
// through it. The per-class criteria mark the classes that fail them,
// whose records are suppressed; the table-level criteria (average risk,
// records at risk, sample uniques; tableCriterion) are checked over the
// kept classes afterwards (see tally.finish).

// classSet is the view of one node's classes that the criteria read:
// class c has sizes[c] records, subjects[c+1]−subjects[c] distinct
// subjects (when k counts subjects) and, per sensitive column s, the
// histogram of class c in sens[s].
type classSet struct {
	sizes    []int64
	subjects []int
	sens     []*anonymity.Multiset
}

// criterion is one per-class privacy criterion.
type criterion interface {
	// mark sets fail[c] for every class c of cs that fails the criterion
	// (and leaves the others as they are); len(fail) = len(cs.sizes).
	mark(cs *classSet, fail []bool) error
	// monotone reports whether the union of two classes that meet the
	// criterion meets it, so that feasibility can be propagated through
	// the lattice when nothing is suppressed.
	monotone() bool
	// monotoneWithSuppression reports whether a class that holds a class
	// meeting the criterion meets it, so that feasibility can be
	// propagated with suppression.
	monotoneWithSuppression() bool
	// readsHistograms reports whether the criterion reads the classes'
	// subject or sensitive histograms, not their sizes alone.
	readsHistograms() bool
}

// kAnonymity: every class has at least k records (Sweeney 2002), or with
// subjects set at least k distinct subjects (persons, not rows).
// Monotone, with suppression too: a class is at least as large as any
// class it holds, and holds every subject of it.
type kAnonymity struct {
	fullyMonotone
	k        int64
	subjects bool
}

func (x kAnonymity) readsHistograms() bool { return x.subjects }
func (x kAnonymity) mark(cs *classSet, fail []bool) error {
	if !x.subjects {
		markIf(fail, func(c int) bool { return cs.sizes[c] < x.k })
		return nil
	}
	if len(cs.subjects) != len(cs.sizes)+1 {
		return fmt.Errorf("generalize: k counted in subjects needs a subject column")
	}
	markIf(fail, func(c int) bool { return int64(cs.subjects[c+1]-cs.subjects[c]) < x.k })
	return nil
}

// maxRisk: the prosecutor risk 1/|E| of every class is at most r.
// Monotone, with suppression too, as k-anonymity with k = ⌈1/r⌉.
type maxRisk struct {
	fullyMonotone
	r float64
}

func (x maxRisk) readsHistograms() bool { return false }
func (x maxRisk) mark(cs *classSet, fail []bool) error {
	markIf(fail, func(c int) bool { return 1/float64(cs.sizes[c]) > x.r*(1+1e-12) })
	return nil
}

// fullyMonotone is embedded by the criteria that are monotone, with
// suppression too.
type fullyMonotone struct{}

func (fullyMonotone) monotone() bool                { return true }
func (fullyMonotone) monotoneWithSuppression() bool { return true }

// markIf sets fail[c] for every class c for which fails(c).
func markIf(fail []bool, fails func(c int) bool) {
	for c := range fail {
		if fails(c) {
			fail[c] = true
		}
	}
}

// sensitiveCriterion is a criterion on the sensitive histograms: measure
// returns, per class, its figure in sensitive column s, and ok tells a
// passing figure from a failing one. superset says whether it is monotone
// with suppression.
type sensitiveCriterion struct {
	name     string
	measure  func(s int, m *anonymity.Multiset) []float64
	ok       func(v float64) bool
	superset bool
}

// The sensitive criteria are all monotone: distinct l-diversity (a union
// holds every value of either part), entropy l-diversity (entropy is
// concave), recursive (c,l)-diversity (Machanavajjhala et al. 2007,
// Theorem 3.4 and its recursive analogue), t-closeness under any ground
// distance (the EMD is convex in the class distribution and the union's
// distribution is a convex combination of the parts'; Li et al. 2007), α
// of (α,k)-anonymity (a union's share of a value is a weighted mean of
// the parts' shares), β-likeness and δ-disclosure (each bounds every
// value's share in the class within an interval of its table share: a
// convex set, see betaLikeness and deltaDisclosure). Only distinct
// l-diversity is monotone with suppression (a class holds every value of
// a class it holds); for the others a passing class merged with a failing
// one may fail, as ARX declares (monotonic with generalisation, not with
// suppression).
func (x sensitiveCriterion) monotone() bool                { return true }
func (x sensitiveCriterion) monotoneWithSuppression() bool { return x.superset }
func (x sensitiveCriterion) readsHistograms() bool         { return true }

func (x sensitiveCriterion) mark(cs *classSet, fail []bool) error {
	if len(cs.sens) == 0 {
		return fmt.Errorf("generalize: %s needs a sensitive column", x.name)
	}
	for s, m := range cs.sens {
		vs := x.measure(s, m)
		if len(vs) != len(fail) {
			// A malformed histogram (which the roll-ups never build)
			// fails every class rather than passing them unchecked.
			return fmt.Errorf("generalize: sensitive column %q: malformed histogram (%d figures for %d classes)", m.Name, len(vs), len(fail))
		}
		for c, v := range vs {
			if !x.ok(v) {
				fail[c] = true
			}
		}
	}
	return nil
}

// distinctL: every class holds at least l distinct sensitive values
// (anonymity.DistinctL).
func distinctL(l float64) criterion {
	return sensitiveCriterion{"l-diversity",
		func(_ int, m *anonymity.Multiset) []float64 { return toFloats(anonymity.DistinctL(m)) },
		func(v float64) bool { return v >= l }, true}
}

// entropyL: exp of every class's entropy is at least l (anonymity.EntropyL).
func entropyL(l float64) criterion {
	return sensitiveCriterion{"l-diversity",
		func(_ int, m *anonymity.Multiset) []float64 { return anonymity.EntropyL(m) },
		func(v float64) bool { return v >= l*(1-1e-12) }, false}
}

// recursiveCL: r₁ < c·(r_l + … + r_m) in every class (anonymity.RecursiveC,
// with l rounded up).
func recursiveCL(c, l float64) criterion {
	return sensitiveCriterion{"l-diversity",
		func(_ int, m *anonymity.Multiset) []float64 { return anonymity.RecursiveC(m, int(math.Ceil(l))) },
		func(v float64) bool { return c > v }, false}
}

// tCloseness: the EMD of every class from the whole input's distribution
// is at most t, ground[s] the distance of sensitive column s
// (anonymity.TCloseness).
func tCloseness(t float64, ground []anonymity.GroundDistance) criterion {
	return sensitiveCriterion{"t-closeness",
		func(s int, m *anonymity.Multiset) []float64 { return anonymity.TCloseness(m, ground[s]) },
		func(v float64) bool { return v <= t+1e-12 }, false}
}

// alphaK: in every class no sensitive value has a share above α, the α of
// (α,k)-anonymity (Wong, Li, Fu & Wang, "(α,k)-Anonymity: An Enhanced
// k-Anonymity Model for Privacy-Preserving Data Publishing", KDD 2006;
// anonymity.Alpha). Its k is the policy's K.
func alphaK(alpha float64) criterion {
	return sensitiveCriterion{"(α,k)-anonymity",
		func(_ int, m *anonymity.Multiset) []float64 { return anonymity.Alpha(m) },
		func(v float64) bool { return v <= alpha*(1+1e-12) }, false}
}

// betaLikeness: every class has a β of β-likeness at most beta (Cao &
// Karras, "Publishing Microdata with a Robust Privacy Guarantee", PVLDB
// 5(11), 2012; anonymity.BetaLikeness), basic or, with enhanced set,
// enhanced. With p_s a value's share in the class and q_s in the whole
// input (suppressed records included), basic β-likeness holds iff
// p_s ≤ (1+β)·q_s for every s, enhanced iff p_s ≤ (1+min(β, −ln q_s))·q_s:
// half-spaces in p, so a union of two passing classes, whose shares are
// a weighted mean of theirs, passes (monotone; ARX declares β-likeness
// monotone with generalisation, not with suppression).
func betaLikeness(beta float64, enhanced bool) criterion {
	return sensitiveCriterion{"β-likeness",
		func(_ int, m *anonymity.Multiset) []float64 {
			basic, enh := anonymity.BetaLikeness(m)
			if enhanced {
				return enh
			}
			return basic
		},
		func(v float64) bool { return v <= beta*(1+1e-12) }, false}
}

// deltaDisclosure: every class is δ-disclosure private, |ln(p_s/q_s)| < δ
// for every value s of the input (Brickell & Shmatikov, "The Cost of
// Privacy: Destruction of Data-Mining Utility in Anonymized Data
// Publishing", KDD 2008; anonymity.DeltaDisclosure, whose δ(E) must lie
// strictly below delta). The test is q_s·e^−δ < p_s < q_s·e^δ for every s:
// an open convex set of distributions, so a union of two passing classes
// passes (monotone; not with suppression, as ARX declares).
func deltaDisclosure(delta float64) criterion {
	return sensitiveCriterion{"δ-disclosure",
		func(_ int, m *anonymity.Multiset) []float64 { return anonymity.DeltaDisclosure(m) },
		func(v float64) bool { return v < delta }, false}
}

func toFloats(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// criteria returns the per-class criteria of p. ground holds the
// t-closeness distance of each sensitive column (nil without t).
func (p Policy) criteria(ground []anonymity.GroundDistance) []criterion {
	var cs []criterion
	if p.K > 0 {
		cs = append(cs, kAnonymity{k: p.K, subjects: p.SubjectK})
	}
	if p.MaxRisk != nil {
		cs = append(cs, maxRisk{r: *p.MaxRisk})
	}
	if p.L > 0 {
		switch p.LVariant {
		case DistinctL:
			cs = append(cs, distinctL(p.L))
		case EntropyL:
			cs = append(cs, entropyL(p.L))
		default:
			cs = append(cs, recursiveCL(p.C, p.L))
		}
	}
	if p.T > 0 {
		cs = append(cs, tCloseness(p.T, ground))
	}
	if p.Alpha > 0 {
		cs = append(cs, alphaK(p.Alpha))
	}
	if p.Beta > 0 {
		cs = append(cs, betaLikeness(p.Beta, p.EnhancedBeta))
	}
	if p.Delta > 0 {
		cs = append(cs, deltaDisclosure(p.Delta))
	}
	return cs
}

// groundDistances returns the t-closeness distance of each sensitive
// column of ms under p (nil when p has no t): equal, ordered over the
// column's values, or hierarchical with the hierarchy in hs named after
// the column.
func (p Policy) groundDistances(ms []*anonymity.Multiset, hs []*Hierarchy) ([]anonymity.GroundDistance, error) {
	if p.T <= 0 {
		return nil, nil
	}
	out := make([]anonymity.GroundDistance, len(ms))
	for s, m := range ms {
		switch p.TDistance {
		case OrderedDistance:
			out[s] = anonymity.OrderedDistance(m)
		case HierarchicalDistance:
			g, err := hierarchicalGround(m, hs)
			if err != nil {
				return nil, err
			}
			out[s] = g
		default:
			out[s] = anonymity.EqualDistance()
		}
	}
	return out, nil
}

// hierarchicalGround builds the hierarchical distance of sensitive column
// m from the hierarchy in hs named after it.
func hierarchicalGround(m *anonymity.Multiset, hs []*Hierarchy) (anonymity.GroundDistance, error) {
	var h *Hierarchy
	for _, x := range hs {
		if x.column == m.Name {
			h = x
		}
	}
	if h == nil {
		return anonymity.GroundDistance{}, fmt.Errorf("generalize: hierarchical t-closeness needs a hierarchy of sensitive column %q", m.Name)
	}
	paths := make([][]string, m.Dict.Len())
	present := make([]bool, m.Dict.Len())
	for _, v := range m.Values {
		present[v] = true
	}
	for code := range paths {
		if !present[code] {
			continue
		}
		r, ok := h.index[valueKey(m.Dict, uint32(code))]
		if !ok {
			return anonymity.GroundDistance{}, fmt.Errorf("%s: value %q of sensitive column %q is not in the hierarchy", h.source, valueKey(m.Dict, uint32(code)), m.Name)
		}
		paths[code] = h.rows[r][1:]
	}
	g, err := anonymity.HierarchicalDistance(m, paths)
	if err != nil {
		return g, fmt.Errorf("%s: %w", h.source, err)
	}
	return g, nil
}

// markFailing sets fail[c] for every class of cs failing one of the
// criteria.
func markFailing(crit []criterion, cs *classSet, fail []bool) error {
	clear(fail)
	for _, x := range crit {
		if err := x.mark(cs, fail); err != nil {
			return err
		}
	}
	return nil
}

// monotone reports whether every criterion is monotone, and with
// suppression set, monotone with suppression too.
func monotone(crit []criterion, suppression bool) bool {
	for _, x := range crit {
		if !x.monotone() || suppression && !x.monotoneWithSuppression() {
			return false
		}
	}
	return true
}
