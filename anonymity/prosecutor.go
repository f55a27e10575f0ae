package anonymity

import "iter"

// DefaultRiskThreshold is the re-identification probability above which a
// record counts as at risk when no other threshold is given: 0.2, that is
// classes of fewer than 5 records (ARX's default).
const DefaultRiskThreshold = 0.2

// ProsecutorRisk holds the prosecutor re-identification risk of a table:
// the attacker knows that the target is in the data and links on the
// quasi-identifiers, so a record of class E is re-identified with
// probability 1/|E|.
type ProsecutorRisk struct {
	// Highest is the largest record risk, 1 / min_E |E|.
	Highest float64
	// Average is the mean record risk, Σ_E |E|·(1/|E|) / n = classes / n.
	Average float64
	// RecordsAtRisk is the fraction of records whose risk exceeds
	// Threshold strictly: Σ_{E : 1/|E| > t} |E| / n.
	RecordsAtRisk float64
	// Threshold is the t used for RecordsAtRisk.
	Threshold float64
}

// Prosecutor returns the prosecutor risk of the classes (El Emam & Dankar,
// "Protecting privacy using k-anonymity", JAMIA 15(5), 2008) with the
// summary figures ARX reports (ARX's RiskModelSampleSummary):
//
//	highest          = 1 / min_E |E|
//	average          = |classes| / n
//	records at risk  = Σ_{E : 1/|E| > t} |E| / n     (strictly greater)
//
// With t = 0.2 a class of 5 records (risk exactly 0.2) is not at risk and a
// class of 4 is. A threshold of 0 or less puts every record at risk;
// DefaultRiskThreshold is the usual choice. pyCANON reports no prosecutor
// figures; sdcMicro's unweighted individual risk is the same 1/|E| per
// record, but sdcMicro counts missing key values as wildcards.
//
// For a table of 0 rows every figure is 0 (no record, no risk) rather than
// NaN.
func Prosecutor(c *Classes, threshold float64) ProsecutorRisk {
	if c == nil {
		return ProsecutorRisk{Threshold: threshold}
	}
	return prosecutor(func(yield func(int64, int64) bool) {
		for _, s := range c.Sizes {
			if !yield(s, 1) {
				return
			}
		}
	}, threshold)
}

// HistogramProsecutor is Prosecutor computed from a class-size histogram,
// h[s] = the number of classes of size s (SizeHistogram): the same
// figures for the same table, for callers that hold only the histogram
// (a distributed count merges histograms, not classes).
func HistogramProsecutor(h map[int64]int64, threshold float64) ProsecutorRisk {
	return prosecutor(func(yield func(int64, int64) bool) {
		for s, n := range h {
			if !yield(s, n) {
				return
			}
		}
	}, threshold)
}

// prosecutor computes the prosecutor risk of the classes listed as (size,
// number of classes of that size).
func prosecutor(classes iter.Seq2[int64, int64], threshold float64) ProsecutorRisk {
	r := ProsecutorRisk{Threshold: threshold}
	var rows, atRisk, n int64
	k := int64(-1)
	for s, m := range classes {
		if m <= 0 {
			continue
		}
		rows += s * m
		n += m
		if s > 0 && 1/float64(s) > threshold {
			atRisk += s * m
		}
		if k < 0 || s < k {
			k = s
		}
	}
	if rows == 0 {
		return r
	}
	if k > 0 {
		r.Highest = 1 / float64(k)
	}
	r.Average = float64(n) / float64(rows)
	r.RecordsAtRisk = float64(atRisk) / float64(rows)
	return r
}
