package main

import "github.com/reidrisk/reidrisk"

// populationNote explains, when a report has both, why the journalist risk
// and the estimated population uniques can disagree; "" otherwise.
func populationNote(r *reidrisk.Report) string {
	if r.Journalist == nil || r.PopulationUniqueness == nil {
		return ""
	}
	return "The journalist risk and the population uniques come from different models and need not agree: " +
		"the journalist risk takes each class's population size as given (its size divided by the sampling " +
		"fraction, or counted in --population, or summed from --weights), as if the sample were a uniform draw " +
		"with that known fraction; the population uniques (" + r.PopulationUniqueness.Model + ") fit a " +
		"frequency model to the whole class-size histogram and extrapolate how many population classes have one member."
}
