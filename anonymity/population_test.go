package anonymity

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

func riskSizes(sizes ...int64) *Classes {
	c := &Classes{Sizes: sizes}
	for _, s := range sizes {
		c.Rows += s
	}
	return c
}

// Class sizes 1, 1, 2, 3 (n = 7, u = 4), π = 1/2, N = 14:
// h(1;14,1,7) = 7/14 = 1/2; h(1;14,2,7) = 2·C(12,6)/C(14,7) = 1848/3432 = 7/13;
// h(1;14,3,7) = 3·C(11,6)/C(14,7) = 1386/3432 = 21/52.
// P = (2/4·1/2) / (2/4·1/2 + 1/4·7/13 + 1/4·21/52) = 52/101;
// uniques = 2·(52/101)/(1/2) = 208/101; fraction = 208/(101·14) = 104/707.
func TestZayatzHand(t *testing.T) {
	h := newSizeHistogram(riskSizes(1, 2, 1, 3))
	if got, want := zayatz(h, 0.5, 14), 208.0/101; math.Abs(got-want) > 1e-12 {
		t.Fatalf("Zayatz uniques %v, want %v", got, want)
	}
	est, err := PopulationUniqueness(riskSizes(1, 2, 1, 3), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(est.Zayatz-104.0/707) > 1e-12 {
		t.Fatalf("Zayatz fraction %v, want %v", est.Zayatz, 104.0/707)
	}
}

// At π = 1 the sample is the population: Zayatz and SNB give c_1/n.
func TestPopulationUniquenessFullSample(t *testing.T) {
	c := riskSizes(1, 1, 1, 2, 2, 3, 5, 1)
	est, err := PopulationUniqueness(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := 4.0 / 16; est.Zayatz != want || est.SNB != want {
		t.Fatalf("π = 1: Zayatz %v, SNB %v, want %v", est.Zayatz, est.SNB, want)
	}
	if est.Model != "zayatz" && est.Model != "snb" || est.Estimate != 0.25 || est.Uniques != 4 {
		t.Fatalf("π = 1: %+v", est)
	}
}

func TestPopulationUniquenessNoUniques(t *testing.T) {
	est, err := PopulationUniqueness(riskSizes(2, 3, 4), 0.05)
	if err != nil || est.Model != "none" || est.Estimate != 0 {
		t.Fatalf("%+v %v", est, err)
	}
	for _, bad := range []float64{0, -0.1, 1.01, math.NaN()} {
		if _, err := PopulationUniqueness(riskSizes(1, 2), bad); err == nil {
			t.Errorf("fraction %v: no error", bad)
		}
	}
}

// pitmanYor draws class sizes of an n-record sample from the Chinese
// restaurant process with parameters (θ, α).
func pitmanYor(rng *rand.Rand, n int, theta, alpha float64) *Classes {
	var sizes []int64
	for i := range n {
		if rng.Float64()*(float64(i)+theta) < theta+float64(len(sizes))*alpha {
			sizes = append(sizes, 1)
			continue
		}
		// Join class k with probability ∝ n_k − α.
		x := rng.Float64() * (float64(i) - float64(len(sizes))*alpha)
		for k, s := range sizes {
			x -= float64(s) - alpha
			if x < 0 || k == len(sizes)-1 {
				sizes[k]++
				break
			}
		}
	}
	return riskSizes(sizes...)
}

// On a sample drawn from Pitman's model the maximum-likelihood fit finds
// the parameters back, and the fitted point solves the likelihood
// equations in their plain-sum form.
func TestPitmanRecoversParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	c := pitmanYor(rng, 20000, 50, 0.6)
	h := newSizeHistogram(c)
	theta, alpha, ok := pitmanFit(h)
	if !ok {
		t.Fatal("no convergence")
	}
	if math.Abs(alpha-0.6) > 0.05 || theta < 20 || theta > 120 {
		t.Fatalf("fit θ = %v, α = %v; drawn with θ = 50, α = 0.6", theta, alpha)
	}
	var s1, sn, b1, cs float64
	for i := 1; i < int(h.u); i++ {
		s1 += 1 / (theta + float64(i)*alpha)
		b1 += float64(i) / (theta + float64(i)*alpha)
	}
	for i := 1; i < int(h.n); i++ {
		sn += 1 / (theta + float64(i))
	}
	for idx, k := range h.sizes {
		for j := 1; j < int(k); j++ {
			cs += h.count[idx] / (float64(j) - alpha)
		}
	}
	if math.Abs(s1-sn) > 1e-8 || math.Abs(b1-cs) > 1e-6*cs {
		t.Fatalf("likelihood equations not solved: %v vs %v, %v vs %v", s1, sn, b1, cs)
	}
	// The Dankar rule picks Pitman for π ≤ 0.1.
	est, err := PopulationUniqueness(c, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if est.Model != "pitman" || est.Estimate != est.Pitman || !(est.Estimate > 0 && est.Estimate < 1) {
		t.Fatalf("π = 0.05: %+v", est)
	}
	if math.Abs(est.Uniques-est.Estimate*20000/0.05) > 1e-6*est.Uniques {
		t.Fatalf("uniques %v, estimate %v", est.Uniques, est.Estimate)
	}
}

// The SNB fit finds (α, β) back from the expected c_1, c_2 it implies.
func TestSNBRoundTrip(t *testing.T) {
	for _, tc := range []struct{ K, pi, a, b float64 }{
		{1000, 0.2, 0.7, 0.3},
		{5000, 0.5, 2, 0.6},
		{200, 0.05, 0.4, 0.1},
	} {
		e1, e2 := snbMoments(tc.K, tc.pi, tc.a, tc.b)
		a, b, ok := snbSolve(tc.K, tc.pi, e1, e2)
		if !ok || math.Abs(a-tc.a) > 1e-6*tc.a || math.Abs(b-tc.b) > 1e-6 {
			t.Errorf("%+v: got α = %v, β = %v, ok = %v", tc, a, b, ok)
		}
	}
}

// For π > 0.1 Dankar's rule takes the smaller of Zayatz and SNB.
func TestDankarRuleLargeFraction(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := pitmanYor(rng, 5000, 30, 0.5)
	est, err := PopulationUniqueness(c, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case math.IsNaN(est.SNB):
		if est.Model != "zayatz" {
			t.Fatalf("%+v", est)
		}
	case est.SNB <= est.Zayatz:
		if est.Model != "snb" || est.Estimate != est.SNB {
			t.Fatalf("%+v", est)
		}
	default:
		if est.Model != "zayatz" || est.Estimate != est.Zayatz {
			t.Fatalf("%+v", est)
		}
	}
	// Fewer population uniques are estimated than there are sample
	// uniques scaled up, and more than none.
	sampleUniques := float64(newSizeHistogram(c).c1)
	if !(est.Uniques > 0 && est.Uniques <= sampleUniques/0.3) {
		t.Fatalf("uniques %v, sample uniques %v", est.Uniques, sampleUniques)
	}
	t.Logf("π = 0.3: %+v", est)
}

// Adult, 8 QIs (8841 sample uniques of 30162 records): at π = 1 Zayatz and
// SNB give the sample-unique fraction; as π falls, a smaller share of the
// (larger) population is estimated unique, for every model.
func TestPopulationUniquenessAdult(t *testing.T) {
	c, err := Count(context.Background(), riskAdult(t), CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := PopulationUniqueness(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := 8841.0 / 30162; full.Zayatz != want || full.SNB != want || full.Uniques != 8841 {
		t.Fatalf("π = 1: %+v, want %v", full, want)
	}
	prev := full
	for _, pi := range []float64{0.5, 0.2, 0.1, 0.05, 0.01} {
		est, err := PopulationUniqueness(c, pi)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string][2]float64{"Zayatz": {est.Zayatz, prev.Zayatz}, "Pitman": {est.Pitman, prev.Pitman}, "SNB": {est.SNB, prev.SNB}} {
			if !(v[0] > 0 && v[0] < v[1]) {
				t.Errorf("π = %v: %s %v, at the larger π %v", pi, name, v[0], v[1])
			}
		}
		if pi <= 0.1 && est.Model != "pitman" {
			t.Errorf("π = %v: model %s, want pitman", pi, est.Model)
		}
		prev = est
	}
}

// When every sample class is a unique the Pitman likelihood has no
// maximum inside 0 < α < 1 (it grows towards α = 1): Pitman fails and
// Dankar's rule falls back to Zayatz, whose estimate is then c_1/π / N = 1.
func TestDankarFallsBackToZayatz(t *testing.T) {
	est, err := PopulationUniqueness(riskSizes(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(est.Pitman) || est.Model != "zayatz" || math.Abs(est.Estimate-1) > 1e-12 || est.Estimate != est.Zayatz {
		t.Fatalf("%+v", est)
	}
}
