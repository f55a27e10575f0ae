package anonymity_test

import (
	"math"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
)

func TestBetaLikeness(t *testing.T) {
	// Gains (p−q)/q on the values with p > q:
	//   E0: flu (.75−.5)/.5 = .5, cancer (.25−.15)/.15 = ⅔ → ⅔
	//   E1: flu ⅓, cancer 1/9 → ⅓
	//   E2: hiv (1−.2)/.2 = 4 > −ln .2 = 1.609 → enhanced +Inf
	//   E3: flu p = q (no gain), null (.5−.15)/.15 = 7/3 > −ln .15 = 1.897 → +Inf
	//   E4: cancer ⅔, null ⅔, hiv ¼ → ⅔, all under −ln q
	basic, enhanced := anonymity.BetaLikeness(measDiseases())
	inf := math.Inf(1)
	measCloseAll(t, "basic", basic, []float64{2.0 / 3, 1.0 / 3, 4, 7.0 / 3, 2.0 / 3}, 1e-14)
	measCloseAll(t, "enhanced", enhanced, []float64{2.0 / 3, 1.0 / 3, inf, inf, 2.0 / 3}, 1e-14)
}

// Enhanced β caps the gain on a frequent value at −ln q: a value with q = .5
// may gain at most ln 2 = .693 whatever β is.
func TestEnhancedBetaCap(t *testing.T) {
	// Table a 4, b 4 (q = .5 each). Class 1: a 3, b 1 → gain .5 ≤ ln 2.
	// Class 2: a 1, b 3 → likewise: enhanced β = basic β.
	m := measMultiset("s",
		[]measVC{{"a", 3}, {"b", 1}},
		[]measVC{{"a", 1}, {"b", 3}},
	)
	basic, enhanced := anonymity.BetaLikeness(m)
	measCloseAll(t, "basic", basic, []float64{0.5, 0.5}, 1e-15)
	measCloseAll(t, "enhanced", enhanced, []float64{0.5, 0.5}, 1e-15)

	// Classes holding one value each gain (1−.5)/.5 = 1 > ln 2: no β is
	// enough under the enhanced model, while the basic β is 1.
	m = measMultiset("s",
		[]measVC{{"a", 4}},
		[]measVC{{"b", 4}},
	)
	basic, enhanced = anonymity.BetaLikeness(m)
	measCloseAll(t, "basic", basic, []float64{1, 1}, 1e-15)
	measCloseAll(t, "enhanced", enhanced, []float64{math.Inf(1), math.Inf(1)}, 0)
}

func TestDeltaDisclosure(t *testing.T) {
	// E0..E3 each miss a value of the table: p = 0, |ln 0| = +Inf. E4 holds
	// all four at ¼: |ln(.25/.5)| = ln 2 is the largest.
	inf := math.Inf(1)
	measCloseAll(t, "delta", anonymity.DeltaDisclosure(measDiseases()),
		[]float64{inf, inf, inf, inf, math.Ln2}, 1e-15)

	// Two classes holding both values: a 3 b 1 and a 1 b 3, q = .5 each:
	// |ln(.75/.5)| = .405, |ln(.25/.5)| = ln 2.
	m := measMultiset("s",
		[]measVC{{"a", 3}, {"b", 1}},
		[]measVC{{"a", 1}, {"b", 3}},
	)
	measCloseAll(t, "delta", anonymity.DeltaDisclosure(m), []float64{math.Ln2, math.Ln2}, 1e-15)
}

func TestSummarizeSensitive(t *testing.T) {
	m := measDiseases()
	s, err := anonymity.SummarizeSensitive(m, anonymity.SensitiveOptions{
		Hierarchy: [][]string{{"respiratory", "*"}, {"chronic", "*"}, {"chronic", "*"}, {"unknown", "*"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	inf := math.Inf(1)
	if s.Column != "disease" || s.DistinctL != 1 || s.L != 2 || !s.HasHierarchical {
		t.Errorf("summary %+v", s)
	}
	measClose(t, "EntropyL", s.EntropyL, 1, 0)
	measClose(t, "RecursiveC", s.RecursiveC, inf, 0)
	measClose(t, "TEqual", s.TEqual, 0.8, 1e-15)
	measClose(t, "TOrdered", s.TOrdered, 0.95/3, 1e-15)
	measClose(t, "THierarchical", s.THierarchical, 0.725, 1e-15)
	measClose(t, "BetaBasic", s.BetaBasic, 4, 1e-14)
	measClose(t, "BetaEnhanced", s.BetaEnhanced, inf, 0)
	measClose(t, "DeltaDisclosure", s.DeltaDisclosure, inf, 0)

	// No classes: every figure 0.
	s, err = anonymity.SummarizeSensitive(measMultiset("empty"), anonymity.SensitiveOptions{L: 3})
	if err != nil || s != (anonymity.SensitiveSummary{Column: "empty", L: 3}) {
		t.Errorf("empty summary = %+v, %v", s, err)
	}
	if _, err := anonymity.SummarizeSensitive(m, anonymity.SensitiveOptions{L: -1}); err == nil {
		t.Error("L = -1: no error")
	}
	if _, err := anonymity.SummarizeSensitive(m, anonymity.SensitiveOptions{Hierarchy: [][]string{{"*"}}}); err == nil {
		t.Error("incomplete hierarchy: no error")
	}
}
