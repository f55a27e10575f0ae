package anonymity

import (
	"math"
	"testing"
)

// f = 1, 2, 3, 1 and F = 4, 2, 6, 1:
//
//	k1: f = 1, p = 1/4: r = (1/3)·ln 4                  = 0.46209812037329684
//	k2: f = F = 2:      r = 1/2
//	k3: f = 3, p = 1/2: r = 0.5 / (3 − 0.5)             = 0.2
//	k4: f = F = 1:      r = 1
//
// ER = 0.462098… + 2·0.5 + 3·0.2 + 1 = 3.062098120373297; global = ER/7.
func TestIndividualRisk(t *testing.T) {
	s, _ := riskSamplePopulation()
	F := []float64{4, 2, 6, 1}
	est, err := IndividualRisk(s, F, IndividualRiskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{math.Log(4) / 3, 0.5, 0.2, 1}
	for i := range want {
		if math.Abs(est.Class[i]-want[i]) > 1e-15 {
			t.Fatalf("r = %v, want %v", est.Class, want)
		}
	}
	if math.Abs(est.ExpectedReidentifications-3.062098120373297) > 1e-12 ||
		math.Abs(est.GlobalRisk-3.062098120373297/7) > 1e-12 {
		t.Fatalf("ER %v global %v", est.ExpectedReidentifications, est.GlobalRisk)
	}
	// MeasureRisk (deprecated; the C++ branch of measure_risk that no R function
	// reaches): p − 0.0001 and no f = F rule. k2 (f = 2, p = 0.9999):
	// r = 9999 − 9999²·ln(1/0.9999) = 0.49996667302…; k4 (f = 1, p = 0.9999):
	// r = 9999·ln(1/0.9999) = 0.99994999833…
	est, err = IndividualRisk(s, F, IndividualRiskOptions{MeasureRisk: true})
	if err != nil {
		t.Fatal(err)
	}
	want = []float64{0.4619849897896194, 0.49996667302002606, 0.19996799871994878, 0.9999499983325312}
	for i := range want {
		if math.Abs(est.Class[i]-want[i]) > 1e-9 {
			t.Fatalf("MeasureRisk r = %v, want %v", est.Class, want)
		}
	}
	if math.Abs(est.ExpectedReidentifications-3.061772330322049) > 1e-9 {
		t.Fatalf("MeasureRisk ER %v", est.ExpectedReidentifications)
	}
	// f = 2 with F = 8: p = 1/4, odds = 1/3: r = 1/3 − (1/9)·ln 4.
	two := riskClasses([]string{"a"}, [][]string{{"x"}}, []int64{2})
	est, _ = IndividualRisk(two, []float64{8}, IndividualRiskOptions{})
	if r := 1.0/3 - math.Log(4)/9; math.Abs(est.Class[0]-r) > 1e-15 || math.Abs(est.GlobalRisk-r) > 1e-15 {
		t.Fatalf("f=2: r = %v, want %v", est.Class[0], r)
	}
	if _, err := IndividualRisk(two, []float64{1}, IndividualRiskOptions{}); err == nil {
		t.Fatal("F < f: no error")
	}
}
