package generalize

import (
	"fmt"
	"slices"
	"strings"
)

// LVariant selects the l-diversity definition (Machanavajjhala et al.,
// "l-Diversity: Privacy Beyond k-Anonymity", ACM TKDD 1(1), 2007).
type LVariant int

const (
	// DistinctL requires at least l distinct sensitive values per class.
	DistinctL LVariant = iota
	// EntropyL requires −Σ p·ln p ≥ ln l per class, p the shares of the
	// class's sensitive values.
	EntropyL
	// RecursiveCL requires r₁ < c·(r_l + r_{l+1} + … + r_m), r the counts of
	// the class's sensitive values in decreasing order (and ≥ l values).
	RecursiveCL
)

// TDistance selects the ground distance of t-closeness (Li, Li &
// Venkatasubramanian, "t-Closeness: Privacy Beyond k-Anonymity and
// l-Diversity", ICDE 2007), measured as the Earth Mover's Distance between
// a class's sensitive distribution p and the whole table's q.
type TDistance int

const (
	// EqualDistance: EMD = ½ Σ |pᵢ − qᵢ| (every two values at distance 1).
	EqualDistance TDistance = iota
	// OrderedDistance: EMD = Σᵢ |Σ_{j≤i} (pⱼ − qⱼ)| / (m − 1) over the m
	// values in order, as anonymity.OrderedDistance (numeric order when
	// every non-null value is a number, else byte order; null last).
	OrderedDistance
	// HierarchicalDistance: EMD = Σ_N height(N)/H · min(pos_extra(N),
	// neg_extra(N)) over the inner nodes N of the sensitive column's
	// hierarchy (given beside the QIs' hierarchies, matched by column
	// name), as anonymity.HierarchicalDistance and ARX's
	// HierarchicalDistanceTCloseness.
	HierarchicalDistance
)

// Policy is what every node of the lattice must meet. Zero K, L and T
// and nil thresholds are off; a threshold set to 0 is a real policy (no
// sample uniques, no record at risk). Records in classes that fail a
// per-class criterion (k, l, t, MaxRisk) are suppressed; a node is
// feasible when at most MaxSuppression of the records are suppressed, at
// least one record is kept (suppressing every record meets no policy) and
// the table-level criteria (MaxAverageRisk, MaxRecordsAtRisk,
// MaxSampleUniques), evaluated over the records that are kept, hold. ARX
// evaluates average risk over the kept records in the same way.
type Policy struct {
	// K is the least class size (k-anonymity, Sweeney 2002).
	K int64 `json:"k,omitempty"`
	// SubjectK counts K in distinct subjects instead of rows (needs
	// Classes.Subjects).
	SubjectK bool `json:"subject_k,omitempty"`
	// L is the least diversity of every sensitive column, with LVariant;
	// C is the constant of recursive (c,l)-diversity.
	L        float64  `json:"l,omitempty"`
	LVariant LVariant `json:"l_variant,omitempty"`
	C        float64  `json:"c,omitempty"`
	// T is the largest EMD between a class's sensitive distribution and
	// the distribution of the whole input, suppressed records included (as
	// ARX); TDistance picks the ground distance. A table from which
	// suppressed records were removed can therefore measure a larger
	// distance against its own distribution.
	T         float64   `json:"t,omitempty"`
	TDistance TDistance `json:"t_distance,omitempty"`
	// Alpha, when positive, is the largest share of one sensitive value
	// in a class (the α of (α,k)-anonymity, Wong et al. 2006, with k =
	// K; see anonymity.Alpha).
	Alpha float64 `json:"alpha,omitempty"`
	// Beta, when positive, is the largest β of β-likeness of a class
	// (Cao & Karras 2012; anonymity.BetaLikeness): basic, or enhanced
	// with EnhancedBeta.
	Beta         float64 `json:"beta,omitempty"`
	EnhancedBeta bool    `json:"enhanced_beta,omitempty"`
	// Delta, when positive, bounds δ-disclosure (Brickell & Shmatikov
	// 2008; anonymity.DeltaDisclosure): every class has δ(E) < Delta.
	Delta float64 `json:"delta,omitempty"`
	// MaxRisk is the largest prosecutor risk 1/|E| of a kept class.
	MaxRisk *float64 `json:"max_risk,omitempty"`
	// MaxAverageRisk is the largest average prosecutor risk over the kept
	// records: kept classes / kept records.
	MaxAverageRisk *float64 `json:"max_average_risk,omitempty"`
	// MaxRecordsAtRisk is the largest share of kept records in classes
	// whose risk 1/|E| exceeds RiskThreshold.
	MaxRecordsAtRisk *float64 `json:"max_records_at_risk,omitempty"`
	RiskThreshold    float64  `json:"risk_threshold,omitempty"`
	// MaxSampleUniques is the largest share of kept records that are
	// alone in their class.
	MaxSampleUniques *float64 `json:"max_sample_uniques,omitempty"`
	// MaxSuppression is the largest share of all records that may be
	// suppressed (0 = none); with LocalSuppression, the largest share of
	// all QI cells (records × QIs) that may be blanked.
	MaxSuppression float64 `json:"max_suppression"`
	// LocalSuppression, with K as the only criterion, keeps every record
	// and instead blanks single QI cells of the generalised table with
	// LocalSuppress: a node is feasible when every record then matches at
	// least K records (subjects with SubjectK), a blank matching any value,
	// with at most MaxSuppression of the QI cells blanked. Utility metrics
	// are those of the generalised table with nothing removed (the blanks
	// are counted in Node.SuppressedCells, not in the metrics). The greedy
	// blanking is not proven monotone under generalisation, so the search
	// evaluates every node.
	LocalSuppression bool `json:"local_suppression,omitempty"`
}

// Share returns a pointer to v, for the threshold fields of Policy.
func Share(v float64) *float64 { return &v }

// validate is Validate, for the library's own entry points.
func (p Policy) validate() error { return p.Validate() }

// needsSensitive reports whether the policy reads sensitive histograms.
func (p Policy) needsSensitive() bool {
	return p.L > 0 || p.T > 0 || p.Alpha > 0 || p.Beta > 0 || p.Delta > 0
}

// hierarchicalT reports whether the policy measures t-closeness with the
// hierarchical distance, which needs the sensitive columns' hierarchies.
func (p Policy) hierarchicalT() bool { return p.T > 0 && p.TDistance == HierarchicalDistance }

// tableLevel reports whether the policy has criteria over the kept records
// as a whole, which are not monotone once records are suppressed.
func (p Policy) tableLevel() bool { return len(p.tableCriteria()) > 0 }

// MarshalText writes the variant's name: distinct, entropy or recursive.
func (v LVariant) MarshalText() ([]byte, error) { return lVariants.marshal(int(v)) }

// UnmarshalText reads a variant's name.
func (v *LVariant) UnmarshalText(b []byte) error { return lVariants.unmarshal(b, (*int)(v)) }

// MarshalText writes the distance's name: equal, ordered or hierarchical.
func (d TDistance) MarshalText() ([]byte, error) { return tDistances.marshal(int(d)) }

// UnmarshalText reads a distance's name.
func (d *TDistance) UnmarshalText(b []byte) error { return tDistances.unmarshal(b, (*int)(d)) }

// enum names the values of an enumerated type, by value.
type enum struct {
	what  string
	names []string
}

var (
	lVariants  = enum{"l-diversity variant", []string{"distinct", "entropy", "recursive"}}
	tDistances = enum{"t-closeness distance", []string{"equal", "ordered", "hierarchical"}}
)

func (e enum) marshal(i int) ([]byte, error) {
	if i < 0 || i >= len(e.names) {
		return nil, fmt.Errorf("generalize: unknown %s %d", e.what, i)
	}
	return []byte(e.names[i]), nil
}

// unmarshal sets *dst to the value named b; an error lists the names.
func (e enum) unmarshal(b []byte, dst *int) error {
	if i := slices.Index(e.names, string(b)); i >= 0 {
		*dst = i
		return nil
	}
	n := len(e.names) - 1
	return fmt.Errorf("generalize: unknown %s %q (want %s or %s)", e.what, b, strings.Join(e.names[:n], ", "), e.names[n])
}
