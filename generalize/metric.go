package generalize

import (
	"fmt"
	"strings"
)

// Metric is a utility measure the search minimises. Every value is
// computed over the whole table, suppressed records included as stated.
//
// What a suppressed record costs decides whether suppression is a real
// trade-off or a free way out. DM (ARX's DM), Loss, Precision and Entropy
// charge a suppressed record as the most a record can cost (N, the table
// size, in DM; every QI at the top in the others), so a node that deletes
// many records to keep the rest raw pays for it. DMStar and AECS do not
// charge suppression: DMStar counts a suppressed class as if it were kept
// (|E|², which keeps it monotone for pruning) and AECS averages over the
// kept classes only, so with a large suppression limit they favour
// suppressing over generalising. DM is the default of Suggest (the zero
// Metric) and of the command.
type Metric int

const (
	// DM is the discernibility metric with a suppression penalty (Bayardo &
	// Agrawal, "Data Privacy through Optimal k-Anonymization", ICDE 2005):
	// Σ_{kept E} |E|² + |suppressed| · N.
	DM Metric = iota
	// DMStar is the monotone variant ARX optimises (El Emam et al., "A
	// Globally Optimal k-Anonymity Method for the De-Identification of
	// Health Data", JAMIA 16(5), 2009): Σ_E |E|² over all classes of the
	// node, before suppression.
	DMStar
	// Loss is Iyengar's loss metric ("Transforming Data to Satisfy Privacy
	// Constraints", KDD 2002): a value generalised to a label covering M_g
	// of the column's M distinct values loses (M_g − 1)/(M − 1); a
	// suppressed value loses 1; Loss is the arithmetic mean over records
	// and QIs. ARX's "Loss" (MetricMDNMLoss) computes the same
	// per-attribute shares, but its default combines the attributes with a
	// geometric mean (older releases) or compares them by rank (newer
	// ones), so its totals differ from this mean while the per-attribute
	// figures agree.
	Loss
	// Precision is Sweeney's precision loss ("Achieving k-Anonymity
	// Privacy Protection Using Generalization and Suppression", IJUFKS
	// 10(5), 2002): 1 − Prec = Σ_records Σ_j h_j/H_j / (N · m), h_j the
	// level and H_j the height of QI j; suppressed records count at the top.
	Precision
	// AECS is the average equivalence class size (LeFevre, DeWitt &
	// Ramakrishnan, "Mondrian Multidimensional k-Anonymity", ICDE 2006),
	// kept records / kept classes (not divided by k).
	AECS
	// Entropy is non-uniform entropy (de Waal & Willenborg 1999; Prasser et
	// al. 2016): Σ_records Σ_j −log₂(f_j(v)/f_j(g)), f_j the frequency in
	// the input of the original value v and of its generalisation g; a
	// suppressed value is generalised to the top (f_j(g) = N).
	Entropy
)

var metricNames = [...]string{"dm", "dm_star", "loss", "precision", "aecs", "entropy"}

// String returns the metric's name as used on the command line.
func (m Metric) String() string {
	if m >= 0 && int(m) < len(metricNames) {
		return metricNames[m]
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// ParseMetric returns the metric named s (dm, dm_star, loss, precision,
// aecs, entropy).
func ParseMetric(s string) (Metric, error) {
	for i, n := range metricNames {
		if strings.EqualFold(s, n) || (n == "dm_star" && strings.EqualFold(s, "dm*")) {
			return Metric(i), nil
		}
	}
	return 0, fmt.Errorf("generalize: unknown metric %q (want dm, dm_star, loss, precision, aecs or entropy)", s)
}

// keepsNone reports whether a node that keeps kept of the table's rows
// records releases nothing although the table has rows. Such a node meets
// no policy, whatever the suppression limit: deleting every record is not
// an anonymisation. (Every per-class criterion fails on the subclasses of
// a failing class, so a node keeping nothing has only such nodes below it:
// feasibility stays monotone.)
func keepsNone(kept, rows int64) bool { return kept == 0 && rows > 0 }

// monotone reports whether the metric never decreases from a node to a
// generalisation of it among feasible nodes. DM* always is; the others are
// when nothing is suppressed.
func (m Metric) monotone(maxSuppression float64) bool {
	return m == DMStar || maxSuppression == 0
}

// Node is one evaluated node of the lattice.
type Node struct {
	// Levels holds the level of each QI, in Classes.QI order.
	Levels []int
	// Feasible reports whether the node meets the policy.
	Feasible bool
	// Classes is the number of kept classes; Suppressed the number of
	// suppressed records (in SuppressedClasses classes).
	Classes           int
	Suppressed        int64
	SuppressedClasses int
	// SuppressedCells is the number of QI cells blanked by local
	// suppression (Policy.LocalSuppression), else 0.
	SuppressedCells int64
	// Utility, see the Metric constants.
	DM, DMStar int64
	Loss       float64
	Precision  float64 // Sweeney's Prec (1 = nothing generalised)
	AECS       float64
	Entropy    float64
	// Prosecutor risk over the kept records: 1/min |E| and kept classes /
	// kept records.
	HighestRisk, AverageRisk float64
}

// Value returns the node's value of metric m (lower is better).
func (n *Node) Value(m Metric) float64 {
	switch m {
	case DM:
		return float64(n.DM)
	case DMStar:
		return float64(n.DMStar)
	case Loss:
		return n.Loss
	case Precision:
		return 1 - n.Precision
	case AECS:
		return n.AECS
	}
	return n.Entropy
}
