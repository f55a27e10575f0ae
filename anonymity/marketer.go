package anonymity

// Marketer returns the marketer re-identification risk: the expected
// fraction of sample records an attacker re-identifies by linking every
// record of the sample to a population register (El Emam, "Guide to the
// De-Identification of Personal Health Information", 2013; ARX's
// RiskModelSampleSummary):
//
//	marketer = (1/n) Σ_k f_k / F_k = mean over records of 1 / F_{k(i)}
//
// with f_k the sample frequency (Classes.Sizes), F_k the population
// frequency (PopulationFrequencies, WeightedFrequencies or
// FractionFrequencies) and n = Σ f_k. With F_k = f_k it is J/n, the
// prosecutor average. An empty sample has risk 0.
func Marketer(sample *Classes, F []float64) (float64, error) {
	n, err := checkFrequencies(sample, F)
	if err != nil || n == 0 {
		return 0, err
	}
	var s float64
	for c, f := range sample.Sizes {
		s += float64(f) / F[c]
	}
	return s / float64(n), nil
}
