package anonymity

import "math"

// IndividualRiskOptions control IndividualRisk.
type IndividualRiskOptions struct {
	// MeasureRisk applies the C++ branch of sdcMicro's measure_risk:
	// p_k is lowered by 0.0001 and the rule r_k = 1/f_k for f_k = F_k is
	// not applied.
	//
	// Deprecated: the branch matches no figure sdcMicro reports. Since
	// 2015 measure_risk takes its individual risk from indivRisk (the
	// default here); the C++ branch runs only with weighted = 1, which no
	// R function passes. Kept for compatibility.
	MeasureRisk bool
}

// IndividualRiskEstimate holds sdcMicro's individual risk.
type IndividualRiskEstimate struct {
	// Class[k] is r_k, the risk of each record of class k.
	Class []float64
	// ExpectedReidentifications is Σ_records r = Σ_k f_k r_k.
	ExpectedReidentifications float64
	// GlobalRisk is ExpectedReidentifications / n.
	GlobalRisk float64
}

// IndividualRisk returns the individual re-identification risk of
// Benedetti & Franconi ("Statistical and technological solutions for
// controlled data dissemination", 1998; Franconi & Polettini, "Individual
// risk estimation in μ-Argus: a review", PSD 2004) in the approximation
// sdcMicro's indivRisk uses (method "approx"). With sample frequency f_k
// (Classes.Sizes), population frequency F_k (usually WeightedFrequencies)
// and p_k = f_k / F_k:
//
//	f_k = 1:  r_k = p/(1−p) · ln(1/p)
//	f_k = 2:  r_k = p/(1−p) − (p/(1−p))² · ln(1/p)
//	f_k > 2:  r_k = p / (f_k − (1 − p))
//	f_k = F_k (whatever f_k): r_k = 1/f_k
//
// The expected number of re-identifications is Σ_records r and the global
// risk Σ r / n (sdcMicro's global_risk_ER and global_risk, which its
// measure_risk reports too: it takes them from indivRisk). The deprecated
// MeasureRisk uses p_k − 0.0001 and no f_k = F_k rule, the C++ branch of
// measure_risk that no R function reaches. sdcMicro also counts missing
// key values as wildcards when it forms classes; here null is a value
// (see Count).
func IndividualRisk(sample *Classes, F []float64, opt IndividualRiskOptions) (IndividualRiskEstimate, error) {
	n, err := checkFrequencies(sample, F)
	if err != nil {
		return IndividualRiskEstimate{}, err
	}
	est := IndividualRiskEstimate{Class: make([]float64, sample.Len())}
	for c, fk := range sample.Sizes {
		f := float64(fk)
		p := f / F[c]
		var r float64
		switch {
		case !opt.MeasureRisk && f == F[c]:
			r = 1 / f
		default:
			if opt.MeasureRisk {
				p -= 0.0001
			}
			odds := p / (1 - p)
			switch fk {
			case 1:
				r = odds * math.Log(1/p)
			case 2:
				r = odds - odds*odds*math.Log(1/p)
			default:
				r = p / (f - (1 - p))
			}
		}
		est.Class[c] = r
		est.ExpectedReidentifications += f * r
	}
	if n > 0 {
		est.GlobalRisk = est.ExpectedReidentifications / float64(n)
	}
	return est, nil
}
