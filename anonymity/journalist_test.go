package anonymity

import (
	"math"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// riskClasses builds a class table by hand: rows[c] holds class c's QI
// values, sizes[c] its size.
func riskClasses(qi []string, rows [][]string, sizes []int64) *Classes {
	c := &Classes{QI: qi, Sizes: sizes}
	for j := range qi {
		d := quasiid.NewDictionary()
		codes := make([]uint32, len(rows))
		for k, r := range rows {
			codes[k] = d.Code(r[j])
		}
		c.Dicts = append(c.Dicts, d)
		c.Codes = append(c.Codes, codes)
	}
	for _, s := range sizes {
		c.Rows += s
	}
	return c
}

// Sample classes (a,b): (x,1) f=1, (y,1) f=2, (z,2) f=3, (w,2) f=1; n = 7.
// The population lists its QIs in the other order, with other codes, and
// one class the sample lacks: F = 4, 2, 6, 1.
func riskSamplePopulation() (sample, population *Classes) {
	sample = riskClasses([]string{"a", "b"}, [][]string{{"x", "1"}, {"y", "1"}, {"z", "2"}, {"w", "2"}}, []int64{1, 2, 3, 1})
	population = riskClasses([]string{"b", "a"}, [][]string{{"2", "w"}, {"3", "v"}, {"1", "x"}, {"2", "z"}, {"1", "y"}}, []int64{1, 10, 4, 6, 2})
	return sample, population
}

func TestPopulationFrequencies(t *testing.T) {
	s, p := riskSamplePopulation()
	F, err := PopulationFrequencies(s, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{4, 2, 6, 1}
	for i := range want {
		if F[i] != want[i] {
			t.Fatalf("F = %v, want %v", F, want)
		}
	}
	// A sample class missing from the population is an error naming it by
	// its index, not its values.
	p2 := riskClasses([]string{"a", "b"}, [][]string{{"x", "1"}, {"y", "1"}, {"z", "2"}}, []int64{4, 2, 6})
	if _, err := PopulationFrequencies(s, p2); err == nil || err.Error() != "sample class #4 of 4 is absent from the population" {
		t.Fatalf("missing class: err = %v", err)
	}
	// A population class smaller than the sample's.
	p3 := riskClasses([]string{"a", "b"}, [][]string{{"x", "1"}, {"y", "1"}, {"z", "2"}, {"w", "2"}}, []int64{4, 1, 6, 1})
	if _, err := PopulationFrequencies(s, p3); err == nil {
		t.Fatal("population smaller than sample: no error")
	}
	// Other QI names.
	p4 := riskClasses([]string{"a", "c"}, [][]string{{"x", "1"}}, []int64{4})
	if _, err := PopulationFrequencies(s, p4); err == nil {
		t.Fatal("other QIs: no error")
	}
}

func TestWeightedAndFractionFrequencies(t *testing.T) {
	s, _ := riskSamplePopulation()
	s.RowClass = []uint32{0, 1, 1, 2, 2, 2, 3}
	F, err := WeightedFrequencies(s, []float64{4, 1, 1, 2, 2, 2, 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{4, 2, 6, 1} {
		if F[i] != want {
			t.Fatalf("weighted F = %v", F)
		}
	}
	if _, err := WeightedFrequencies(s, []float64{4, 1, 1, 2, 2, 0, 1}); err == nil || !strings.Contains(err.Error(), "row 5") {
		t.Fatalf("zero weight: err = %v", err)
	}
	F, err = FractionFrequencies(s, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{4, 8, 12, 4} {
		if F[i] != want {
			t.Fatalf("fraction F = %v", F)
		}
	}
	for _, bad := range []float64{0, -1, 1.5, math.NaN()} {
		if _, err := FractionFrequencies(s, bad); err == nil {
			t.Errorf("fraction %v: no error", bad)
		}
	}
}

func TestColumnWeights(t *testing.T) {
	d := quasiid.NewDictionary()
	col := &quasiid.Column{Name: "w", Dict: d, Codes: []uint32{d.Code("2.5"), d.Code(" 10 "), d.Code("2.5")}}
	w, err := ColumnWeights("s.csv", col)
	if err != nil || w[0] != 2.5 || w[1] != 10 || w[2] != 2.5 {
		t.Fatalf("weights %v, err %v", w, err)
	}
	col.Codes = append(col.Codes, d.Code("abc"))
	if _, err := ColumnWeights("s.csv", col); err == nil || !strings.Contains(err.Error(), `s.csv: row 4, column "w"`) {
		t.Fatalf("bad weight: err = %v", err)
	}
}

// F = 4, 2, 6, 1; f = 1, 2, 3, 1; n = 7; J = 4; ΣF = 13.
// highest = 1/1; marketer = (1/4 + 2/2 + 3/6 + 1/1)/7 = 2.75/7;
// average = max(4/13, 2.75/7) = 2.75/7; at risk (t = 0.2): classes with
// 1/F > 0.2 are F = 4, 2, 1: 1 + 2 + 1 = 4 of 7 records.
func TestJournalistMarketer(t *testing.T) {
	s, p := riskSamplePopulation()
	F, err := PopulationFrequencies(s, p)
	if err != nil {
		t.Fatal(err)
	}
	j, err := Journalist(s, F, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	want := ProsecutorRisk{Highest: 1, Average: 2.75 / 7, RecordsAtRisk: 4.0 / 7, Threshold: 0.2}
	if j != want {
		t.Fatalf("journalist %+v, want %+v", j, want)
	}
	m, err := Marketer(s, F)
	if err != nil || m != 2.75/7 {
		t.Fatalf("marketer %v (err %v), want %v", m, err, 2.75/7)
	}
	// F = 10, 10, 3, 10: J/ΣF = 4/33 ≈ 0.1212 < marketer (0.1 + 0.2 + 1 + 0.1)/7 = 0.2.
	j, _ = Journalist(s, []float64{10, 10, 3, 10}, 0.2)
	if math.Abs(j.Average-0.2) > 1e-15 || j.Highest != 1.0/3 || j.RecordsAtRisk != 3.0/7 {
		t.Fatalf("journalist %+v", j)
	}
	// The class term wins: f = 1, 9 (n = 10), F = 2, 9: J/ΣF = 2/11 ≈ 0.1818
	// > marketer (1/2 + 9/9)/10 = 0.15.
	two := riskClasses([]string{"a"}, [][]string{{"x"}, {"y"}}, []int64{1, 9})
	j, _ = Journalist(two, []float64{2, 9}, 0.2)
	if j.Average != 2.0/11 || j.Highest != 0.5 || j.RecordsAtRisk != 0.1 {
		t.Fatalf("journalist %+v", j)
	}
	// Sample = population: prosecutor figures.
	j, _ = Journalist(s, []float64{1, 2, 3, 1}, 0.2)
	if pr := Prosecutor(s, 0.2); j != pr {
		t.Fatalf("journalist with F = f: %+v, prosecutor %+v", j, pr)
	}
	if _, err := Journalist(s, []float64{1, 1, 3, 1}, 0.2); err == nil {
		t.Fatal("F < f: no error")
	}
	if _, err := Marketer(s, []float64{1, 2}); err == nil {
		t.Fatal("short F: no error")
	}
}
