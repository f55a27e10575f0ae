// Package fsum adds floating-point numbers with a compensated sum
// (Neumaier's variant of Kahan summation: A. Neumaier, "Rundungsfehleranalyse
// einiger Verfahren zur Summation endlicher Summen", ZAMM 54, 1974), for
// figures that are differences of large sums or sums of many small shares.
package fsum

import "math"

// Add adds x to the compensated sum (sum, c) and returns the new one; the
// sum's value is sum + c.
func Add(sum, c, x float64) (float64, float64) {
	t := sum + x
	if math.Abs(sum) >= math.Abs(x) {
		c += (sum - t) + x
	} else {
		c += (x - t) + sum
	}
	return t, c
}
