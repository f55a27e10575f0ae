package anonymity

// Journalist returns the journalist re-identification risk of a sample
// whose classes have population frequencies F (from PopulationFrequencies,
// WeightedFrequencies or FractionFrequencies): the attacker does not know
// whether the target is in the sample, so a match in sample class k is
// right with probability 1/F_k. With J the number of sample classes, f_k
// the sample and F_k the population frequency, n = Σ f_k:
//
//	highest          = 1 / min_k F_k
//	average          = max(J / Σ_k F_k,  Σ_k f_k·(1/F_k) / n)
//	records at risk  = Σ_{k : 1/F_k > t} f_k / n     (strictly greater)
//
// These are El Emam's definitions (K. El Emam, "Guide to the
// De-Identification of Personal Health Information", CRC Press, 2013,
// ch. 14–15), computed exactly so by ARX's RiskModelSampleSummary (which
// skips suppressed records; here every counted record takes part). The first term of the
// average is the risk of an attacker who picks a sample class and
// guesses within its population class; the second, the marketer risk,
// that of one who matches every sample record. With F_k = f_k (the sample
// is the population) every figure equals the prosecutor risk. sdcMicro has
// no journalist risk; pyCANON none either.
//
// An empty sample has zero risk. It is an error if F does not have one
// finite value F_k ≥ f_k per class.
func Journalist(sample *Classes, F []float64, threshold float64) (ProsecutorRisk, error) {
	r := ProsecutorRisk{Threshold: threshold}
	n, err := checkFrequencies(sample, F)
	if err != nil || n == 0 {
		return r, err
	}
	minF, sumF := F[0], 0.0
	var atRisk int64
	for c, f := range sample.Sizes {
		minF = min(minF, F[c])
		sumF += F[c]
		if 1/F[c] > threshold {
			atRisk += f
		}
	}
	m, _ := Marketer(sample, F)
	r.Highest = 1 / minF
	r.Average = max(float64(sample.Len())/sumF, m)
	r.RecordsAtRisk = float64(atRisk) / float64(n)
	return r, nil
}
