package generalize

import (
	"fmt"
	"math"
	"strconv"
)

// Validate reports the first field of the policy out of range as an
// *OptionError naming it ("K", "L", "C", "T", "TDistance", "Alpha",
// "MaxRisk", …); its Reason starts with the value given and ": ". Zero K,
// L, C, T and Alpha and nil thresholds are off, and valid.
func (p Policy) Validate() error {
	share := func(field string, x *float64) error {
		if x == nil {
			return nil
		}
		return between(field, *x, 0, 1, "a share in [0, 1]")
	}
	for _, err := range []error{
		between("K", float64(p.K), 0, math.MaxInt64, "at least 1"),
		between("L", p.L, 0, math.MaxFloat64, "at least 1"),
		between("C", p.C, 0, math.MaxFloat64, "c > 0"),
		between("T", p.T, 0, 1, "0 < t ≤ 1"),
		between("Alpha", p.Alpha, 0, 1, "0 < α ≤ 1"),
		share("MaxRisk", p.MaxRisk), share("MaxAverageRisk", p.MaxAverageRisk),
		share("MaxRecordsAtRisk", p.MaxRecordsAtRisk), share("MaxSampleUniques", p.MaxSampleUniques),
		between("RiskThreshold", p.RiskThreshold, 0, 1, "a risk in (0, 1]"),
		between("MaxSuppression", p.MaxSuppression, 0, 1, "a share in [0, 1]"),
	} {
		if err != nil {
			return err
		}
	}
	switch {
	case p.L > 0 && p.L < 1:
		return &OptionError{Field: "L", Reason: fmt.Sprintf("%g: want at least 1", p.L)}
	case p.LVariant < DistinctL || p.LVariant > RecursiveCL:
		return &OptionError{Field: "LVariant", Reason: fmt.Sprintf("%d: want distinct, entropy or recursive", int(p.LVariant))}
	case p.LVariant == RecursiveCL && p.L > 0 && p.C <= 0:
		return &OptionError{Field: "C", Reason: "recursive (c,l)-diversity needs c > 0"}
	case p.TDistance < EqualDistance || p.TDistance > HierarchicalDistance:
		return &OptionError{Field: "TDistance", Reason: fmt.Sprintf("%d: want equal, ordered or hierarchical", int(p.TDistance))}
	case p.LocalSuppression && (p.K < 1 || p.L > 0 || p.T > 0 || p.Alpha > 0 || p.MaxRisk != nil || p.tableLevel()):
		return &OptionError{Field: "LocalSuppression", Reason: "supports k (in records or subjects) as the only criterion"}
	}
	return nil
}

// between is an *OptionError about field unless lo ≤ v ≤ hi (false for
// NaN); want says what is wanted.
func between(field string, v, lo, hi float64, want string) error {
	if v >= lo && v <= hi {
		return nil
	}
	return &OptionError{Field: field, Reason: strconv.FormatFloat(v, 'g', -1, 64) + ": want " + want}
}
