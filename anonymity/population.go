package anonymity

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
)

// PopulationEstimate is an estimate of how many records are unique in the
// population, not only in the sample.
type PopulationEstimate struct {
	// Model is the model Dankar's rule chose: "pitman", "zayatz" or "snb";
	// "none" when the sample has no unique (every estimate is then 0).
	Model string
	// Estimate is the estimated fraction of population records that are
	// population uniques, Uniques / N with N = n/π (ARX's figure).
	Estimate float64
	// Uniques is the estimated number of population uniques.
	Uniques float64
	// Zayatz, Pitman and SNB are each model's estimated fraction; NaN when
	// the model failed (no convergence, or a value outside [0, 1]).
	Zayatz, Pitman, SNB float64
}

// PopulationUniqueness estimates the fraction of population records that
// are unique in the population from the class sizes of a sample drawn with
// sampling fraction π ∈ (0, 1] (population size N = n/π), with the models
// ARX implements and Dankar et al.'s rule for choosing among them
// (F. K. Dankar, K. El Emam, A. Neisa & T. Roffey, "Estimating the
// re-identification risk of clinical data sets", BMC Med Inform Decis Mak
// 12:66, 2012):
//
//	π ≤ 0.1: Pitman, or Zayatz if Pitman fails
//	π > 0.1: min(Zayatz, SNB), or Zayatz if SNB fails
//
// With c_i the number of sample classes of size i, u the number of classes
// and n the sample size:
//
// Zayatz (L. Zayatz, "Estimation of the number of unique population
// elements using a sample", 1991), as ARX computes it: the probability that
// a sample unique is a population unique,
//
//	P = (c_1/u)·h(1; N, 1, n) / Σ_i (c_i/u)·h(1; N, i, n),
//
// h(1; N, K, n) the hypergeometric probability of one success in n draws
// from N with K successes (N real, through log-gamma); uniques = c_1·P/π.
//
// Pitman (Pitman's sampling formula fitted by maximum likelihood, as in
// T. Hoshino, "Applying Pitman's sampling formula to microdata disclosure
// risk assessment", J. Official Statistics 17(4), 2001): (θ, α) solve
//
//	Σ_{i=1}^{u−1} 1/(θ+iα) = Σ_{i=1}^{n−1} 1/(θ+i)
//	Σ_{i=1}^{u−1} i/(θ+iα) = Σ_k c_k Σ_{j=1}^{k−1} 1/(j−α)
//
// written with digamma and trigamma (gonum mathext) and solved by Newton's
// method from ARX's starting point; uniques = Γ(θ+1)/Γ(θ+α) · N^α.
//
// SNB, the slide negative binomial (G. Chen & S. Keller-McNulty,
// "Estimation of identification disclosure risk in microdata", J. Official
// Statistics 14(1), 1998): population class sizes are 1 + NB(α, β); with
// d = (1−π)(1−β) and K the number of population classes, (α, β) solve
//
//	E[c_1] = K·π·(β/(1−d))^α·(1 + αd/(1−d))                       = c_1
//	E[c_2] = K·(π²/2)·α(1−β)β^α·(1−d)^{−(α+2)}·(2 − (1−α)d)         = c_2
//
// and uniques = K·β^α. K is estimated as ARX does with Haas & Stokes's
// Shlosser-type estimator
//
//	K = u + c_1 · [Σ i π²(1−π²)^{i−1} c_i / Σ ((1−π²)^i − (1−π)^i) c_i] · [Σ (1−π)^i c_i / Σ i π(1−π)^{i−1} c_i]².
//
// Two places differ from ARX's code on purpose, where that code departs
// from the formulas above: ARX subtracts the 1 of (1+π)^i − 1 outside the
// product, once per class size, and raises (1−d) to +(α+2) in E[c_2].
// SNB estimates may therefore differ from ARX's.
//
// At π = 1 the population is the sample: Zayatz and SNB give c_1/n exactly.
func PopulationUniqueness(c *Classes, fraction float64) (PopulationEstimate, error) {
	if c == nil {
		return PopulationEstimate{}, fmt.Errorf("anonymity: PopulationUniqueness: nil classes")
	}
	if !(fraction > 0 && fraction <= 1) {
		return PopulationEstimate{}, fmt.Errorf("anonymity: sampling fraction %v not in (0, 1]", fraction)
	}
	h := newSizeHistogram(c)
	est := PopulationEstimate{Model: "none"}
	if h.c1 == 0 {
		return est, nil
	}
	N := h.n / fraction
	frac := func(uniques float64) float64 {
		if math.IsNaN(uniques) || uniques <= 0 || uniques > N {
			return math.NaN()
		}
		return uniques / N
	}
	est.Zayatz = frac(zayatz(h, fraction, N))
	est.Pitman = frac(pitman(h, N))
	est.SNB = frac(snb(h, fraction))
	switch {
	case fraction <= 0.1 && !math.IsNaN(est.Pitman):
		est.Model, est.Estimate = "pitman", est.Pitman
	case fraction > 0.1 && !math.IsNaN(est.SNB) && est.SNB <= est.Zayatz:
		est.Model, est.Estimate = "snb", est.SNB
	default:
		est.Model, est.Estimate = "zayatz", est.Zayatz
	}
	if math.IsNaN(est.Estimate) {
		return est, fmt.Errorf("anonymity: no population uniqueness model gave an estimate")
	}
	est.Uniques = est.Estimate * N
	return est, nil
}

// sizeHistogram is the class-size histogram of a sample: count[i] classes
// of size sizes[i], sizes ascending.
type sizeHistogram struct {
	sizes, count []float64
	u, n, c1, c2 float64
}

func newSizeHistogram(c *Classes) sizeHistogram {
	m := map[int64]int64{}
	for _, s := range c.Sizes {
		if s > 0 {
			m[s]++
		}
	}
	var h sizeHistogram
	keys := make([]int64, 0, len(m))
	for s := range m {
		keys = append(keys, s)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
	for _, s := range keys {
		h.sizes = append(h.sizes, float64(s))
		h.count = append(h.count, float64(m[s]))
		h.u += float64(m[s])
		h.n += float64(s * m[s])
	}
	h.c1, h.c2 = float64(m[1]), float64(m[2])
	return h
}

// logChoose is ln C(a, b) for real a ≥ b ≥ 0.
func logChoose(a, b float64) float64 {
	la, _ := math.Lgamma(a + 1)
	lb, _ := math.Lgamma(b + 1)
	lc, _ := math.Lgamma(a - b + 1)
	return la - lb - lc
}

// hyperOne is the hypergeometric probability of exactly one success in n
// draws from a population of N holding K successes.
func hyperOne(N, K, n float64) float64 {
	if K < 1 || N-K < n-1 || n < 1 {
		return 0
	}
	return K * math.Exp(logChoose(N-K, n-1)-logChoose(N, n))
}

// zayatz returns Zayatz's estimate of the number of population uniques.
func zayatz(h sizeHistogram, pi, N float64) float64 {
	var den float64
	for i, s := range h.sizes {
		den += h.count[i] / h.u * hyperOne(N, s, h.n)
	}
	if den == 0 {
		return math.NaN()
	}
	p := h.c1 / h.u * hyperOne(N, 1, h.n) / den
	return h.c1 * p / pi
}

// trigamma is ψ'(x) = ζ(2, x).
func trigamma(x float64) float64 { return mathext.Zeta(2, x) }

// pitman returns the Pitman-model estimate of the number of population
// uniques, or NaN if the likelihood equations have no solution found.
func pitman(h sizeHistogram, N float64) float64 {
	t, a, ok := pitmanFit(h)
	if !ok {
		return math.NaN()
	}
	lg1, _ := math.Lgamma(t + 1)
	lg2, _ := math.Lgamma(t + a)
	return math.Exp(lg1-lg2) * math.Pow(N, a)
}

// pitmanFit returns the maximum-likelihood (θ, α) of Pitman's sampling
// formula for the sample's class sizes.
func pitmanFit(h sizeHistogram) (theta, alpha float64, ok bool) {
	u, n, c1 := h.u, h.n, h.c1
	if u < 2 {
		return 0, 0, false
	}
	// ARX's starting point.
	c2 := h.c2
	if c2 == 0 {
		c2 = 1
	}
	c := c1 * (c1 - 1) / c2
	t0 := (n*u*c - c1*(n-1)*(2*u+c)) / (2*c1*u + c1*c - n*c)
	a0 := (t0*(c1-n) + (n-1)*c1) / (n * u)
	eval := func(t, a float64) (g [2]float64, j [2][2]float64) {
		x := t / a
		s1 := (mathext.Digamma(x+u) - mathext.Digamma(x+1)) / a // Σ 1/(θ+iα)
		s2 := (trigamma(x+1) - trigamma(x+u)) / (a * a)         // Σ 1/(θ+iα)²
		sn1 := mathext.Digamma(t+n) - mathext.Digamma(t+1)      // Σ 1/(θ+i)
		sn2 := trigamma(t+1) - trigamma(t+n)                    // Σ 1/(θ+i)²
		b1 := ((u - 1) - t*s1) / a                              // Σ i/(θ+iα)
		b2 := (s1 - t*s2) / a                                   // Σ i/(θ+iα)²
		b3 := ((u - 1) - 2*t*s1 + t*t*s2) / (a * a)             // Σ i²/(θ+iα)²
		var c1s, c2s float64                                    // Σ c_k Σ_j 1/(j−α), and its α-derivative
		d1, d2 := mathext.Digamma(1-a), trigamma(1-a)
		for i, k := range h.sizes {
			if k > 1 {
				c1s += h.count[i] * (mathext.Digamma(k-a) - d1)
				c2s += h.count[i] * (d2 - trigamma(k-a))
			}
		}
		g = [2]float64{s1 - sn1, b1 - c1s}
		j = [2][2]float64{{-s2 + sn2, -b2}, {-b2, -b3 - c2s}}
		return g, j
	}
	valid := func(t, a float64) bool { return a > 0 && a < 1 && t > -a && !math.IsNaN(t) && !math.IsInf(t, 0) }
	starts := [][2]float64{{t0, a0}, {1, 0.5}, {u / 2, 0.2}, {10, 0.8}}
	for _, s := range starts {
		t, a := s[0], s[1]
		if !valid(t, a) {
			continue
		}
		if t2, a2, ok := newton2(eval, valid, t, a); ok {
			return t2, a2, true
		}
	}
	return 0, 0, false
}

// newton2 solves g(x, y) = 0 by Newton's method with step halving that
// keeps (x, y) valid and reduces |g|. It reports whether it converged.
func newton2(eval func(x, y float64) ([2]float64, [2][2]float64), valid func(x, y float64) bool, x, y float64) (float64, float64, bool) {
	g, j := eval(x, y)
	norm := math.Hypot(g[0], g[1])
	for range 500 {
		if norm < 1e-10 {
			return x, y, true
		}
		det := j[0][0]*j[1][1] - j[0][1]*j[1][0]
		if det == 0 || math.IsNaN(det) {
			return x, y, false
		}
		dx := -(j[1][1]*g[0] - j[0][1]*g[1]) / det
		dy := -(-j[1][0]*g[0] + j[0][0]*g[1]) / det
		step := 1.0
		moved := false
		for range 60 {
			nx, ny := x+step*dx, y+step*dy
			if valid(nx, ny) {
				ng, nj := eval(nx, ny)
				nn := math.Hypot(ng[0], ng[1])
				if nn < norm {
					x, y, g, j, norm = nx, ny, ng, nj, nn
					moved = true
					break
				}
			}
			step /= 2
		}
		if !moved {
			return x, y, norm < 1e-7
		}
	}
	return x, y, norm < 1e-7
}

// shlosserK estimates the number of population classes (Haas & Stokes's
// Shlosser-type estimator, as ARX uses it for SNB).
func shlosserK(h sizeHistogram, pi float64) float64 {
	var v1, v2, v3, v4 float64
	q2 := pi * pi
	for idx, i := range h.sizes {
		ci := h.count[idx]
		v1 += i * q2 * math.Pow(1-q2, i-1) * ci
		v2 += (math.Pow(1-q2, i) - math.Pow(1-pi, i)) * ci
		v3 += math.Pow(1-pi, i) * ci
		v4 += i * pi * math.Pow(1-pi, i-1) * ci
	}
	if v3 == 0 {
		return h.u
	}
	return h.u + h.c1*(v1/v2)*(v3/v4)*(v3/v4)
}

// snbMoments returns the expected numbers of sample classes of size 1 and
// 2 under the SNB model.
func snbMoments(K, pi, a, b float64) (e1, e2 float64) {
	d := (1 - pi) * (1 - b)
	e1 = K * pi * math.Pow(b/(1-d), a) * (1 + a*d/(1-d))
	e2 = K * pi * pi / 2 * a * (1 - b) * math.Pow(b, a) * math.Pow(1-d, -(a+2)) * (2 - (1-a)*d)
	return e1, e2
}

// snbSolve fits (α, β) to c1, c2, working in x = ln α, y = logit β.
func snbSolve(K, pi, c1, c2 float64) (a, b float64, ok bool) {
	if c1 <= 0 || c2 <= 0 || K <= 0 {
		return 0, 0, false
	}
	res := func(x, y float64) [2]float64 {
		e1, e2 := snbMoments(K, pi, math.Exp(x), 1/(1+math.Exp(-y)))
		return [2]float64{e1/c1 - 1, e2/c2 - 1}
	}
	eval := func(x, y float64) ([2]float64, [2][2]float64) {
		g := res(x, y)
		const h = 1e-6
		gx1, gx0 := res(x+h, y), res(x-h, y)
		gy1, gy0 := res(x, y+h), res(x, y-h)
		return g, [2][2]float64{
			{(gx1[0] - gx0[0]) / (2 * h), (gy1[0] - gy0[0]) / (2 * h)},
			{(gx1[1] - gx0[1]) / (2 * h), (gy1[1] - gy0[1]) / (2 * h)},
		}
	}
	valid := func(x, y float64) bool {
		if math.Abs(x) > 30 || math.Abs(y) > 30 {
			return false
		}
		g := res(x, y)
		return !math.IsNaN(g[0]) && !math.IsNaN(g[1]) && !math.IsInf(g[0], 0) && !math.IsInf(g[1], 0)
	}
	for _, s := range [][2]float64{{0, 0}, {-2, -2}, {2, -2}, {-2, 2}, {2, 2}, {-4, -4}, {0, -6}} {
		if !valid(s[0], s[1]) {
			continue
		}
		x, y, conv := newton2(eval, valid, s[0], s[1])
		if conv {
			return math.Exp(x), 1 / (1 + math.Exp(-y)), true
		}
	}
	return 0, 0, false
}

// snb returns the SNB estimate of the number of population uniques.
func snb(h sizeHistogram, pi float64) float64 {
	K := shlosserK(h, pi)
	if pi == 1 {
		// d = 0: E[c_1] = K·β^α = c_1 whatever the fit.
		return h.c1
	}
	a, b, ok := snbSolve(K, pi, h.c1, h.c2)
	if !ok {
		return math.NaN()
	}
	return K * math.Pow(b, a)
}
