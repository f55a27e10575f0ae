package anonymity_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// exampleClasses reads a small CSV, encodes the named columns and counts
// the equivalence classes.
func exampleClasses(csv string, spec quasiid.Spec) *anonymity.Classes {
	ctx := context.Background()
	src, err := quasiid.Read("patients.csv", strings.NewReader(csv), quasiid.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	t, err := quasiid.Encode(ctx, src, spec, quasiid.EncodeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	c, err := anonymity.Count(ctx, t, anonymity.CountOptions{})
	if err != nil {
		log.Fatal(err)
	}
	return c
}

const examplePatients = `zip,age,disease
13053,20-29,flu
13053,20-29,flu
13053,20-29,cancer
13053,20-29,flu
13068,30-39,hiv
13068,30-39,flu
13068,30-39,hiv
13068,30-39,cancer
13068,30-39,flu
14850,40-49,cancer
`

// k-anonymity and prosecutor risk of a ten-row table: one patient is alone
// in its class.
func ExampleProsecutor() {
	c := exampleClasses(examplePatients, quasiid.Spec{QI: []string{"zip", "age"}})

	fmt.Println("classes:", c.Len(), "k:", anonymity.K(c))
	fmt.Println("sample uniques:", anonymity.SampleUniques(c))
	fmt.Println("records in classes below 5:", anonymity.RecordsBelow(c, 5))
	r := anonymity.Prosecutor(c, anonymity.DefaultRiskThreshold)
	fmt.Printf("highest %.2f, average %.2f, at risk (> %.1f) %.2f\n",
		r.Highest, r.Average, r.Threshold, r.RecordsAtRisk)
	// Output:
	// classes: 3 k: 1
	// sample uniques: 1
	// records in classes below 5: 5
	// highest 1.00, average 0.30, at risk (> 0.2) 0.50
}

// l-diversity and t-closeness of the disease column, per class and for the
// table.
func ExampleTCloseness() {
	c := exampleClasses(examplePatients, quasiid.Spec{
		QI:        []string{"zip", "age"},
		Sensitive: []string{"disease"},
	})
	m := c.Sensitive[0]

	fmt.Println("distinct l per class:", anonymity.DistinctL(m))
	for e, l := range anonymity.EntropyL(m) {
		fmt.Printf("class %d: entropy l %.3f\n", e, l)
	}
	fmt.Printf("t (equal distance) per class: %.3f\n", anonymity.TCloseness(m, anonymity.EqualDistance()))

	s, err := anonymity.SummarizeSensitive(m, anonymity.SensitiveOptions{L: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("table: distinct l %d, entropy l %.3f, recursive c (l=2) %v, t %.3f, δ %v\n",
		s.DistinctL, s.EntropyL, s.RecursiveC, s.TEqual, s.DeltaDisclosure)
	// Output:
	// distinct l per class: [2 3 1]
	// class 0: entropy l 1.755
	// class 1: entropy l 2.872
	// class 2: entropy l 1.000
	// t (equal distance) per class: [0.250 0.200 0.700]
	// table: distinct l 1, entropy l 1.000, recursive c (l=2) +Inf, t 0.700, δ +Inf
}
