package anonymity_test

import (
	"context"
	"fmt"
	"log"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// exampleRiskTable encodes rows over the named quasi-identifiers.
func exampleRiskTable(qi []string, rows [][]string) *quasiid.Table {
	t := &quasiid.Table{Source: "example", Rows: len(rows)}
	for j, name := range qi {
		d := quasiid.NewDictionary()
		codes := make([]uint32, len(rows))
		for i, r := range rows {
			codes[i] = d.Code(r[j])
		}
		t.Columns = append(t.Columns, &quasiid.Column{Name: name, Role: quasiid.QuasiIdentifier, Codes: codes, Dict: d})
	}
	return t
}

func ExampleSUDA2() {
	t := exampleRiskTable([]string{"region", "sex", "age"}, [][]string{
		{"north", "f", "30-39"},
		{"north", "f", "30-39"},
		{"north", "m", "30-39"},
		{"south", "m", "30-39"},
		{"south", "m", "40-49"},
		{"north", "f", "40-49"},
	})
	res, err := anonymity.SUDA2(context.Background(), t, anonymity.SUDAOptions{KeepMSUs: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, u := range res.MSUs {
		var cols []string
		for _, j := range u.Columns {
			cols = append(cols, res.QI[j])
		}
		fmt.Println("row", u.Row, "is the only one with its", cols)
	}
	fmt.Println("SUDA scores:", res.Score)
	fmt.Printf("mean DIS-SUDA: %.4f\n", res.MeanDIS)
	// Output:
	// row 2 is the only one with its [region sex]
	// row 3 is the only one with its [region age]
	// row 4 is the only one with its [region age]
	// row 4 is the only one with its [sex age]
	// row 5 is the only one with its [region age]
	// row 5 is the only one with its [sex age]
	// SUDA scores: [0 0 1 1 2 2]
	// mean DIS-SUDA: 0.0157
}

func ExampleJournalist() {
	ctx := context.Background()
	qi := []string{"region", "sex"}
	sample, err := anonymity.Count(ctx, exampleRiskTable(qi, [][]string{
		{"north", "f"}, {"north", "f"}, {"south", "m"},
	}), anonymity.CountOptions{})
	if err != nil {
		log.Fatal(err)
	}
	population, err := anonymity.Count(ctx, exampleRiskTable(qi, [][]string{
		{"south", "m"}, {"north", "f"}, {"north", "f"}, {"north", "f"}, {"north", "f"}, {"south", "f"},
	}), anonymity.CountOptions{})
	if err != nil {
		log.Fatal(err)
	}
	F, err := anonymity.PopulationFrequencies(sample, population)
	if err != nil {
		log.Fatal(err)
	}
	j, err := anonymity.Journalist(sample, F, 0.2)
	if err != nil {
		log.Fatal(err)
	}
	m, _ := anonymity.Marketer(sample, F)
	fmt.Println("population frequencies:", F)
	fmt.Printf("journalist: highest %.2f, average %.2f; marketer %.2f\n", j.Highest, j.Average, m)
	// Output:
	// population frequencies: [4 1]
	// journalist: highest 1.00, average 0.50; marketer 0.50
}

func ExampleIndividualRisk() {
	ctx := context.Background()
	sample, err := anonymity.Count(ctx, exampleRiskTable([]string{"region"}, [][]string{
		{"north"}, {"north"}, {"south"},
	}), anonymity.CountOptions{RowClass: true})
	if err != nil {
		log.Fatal(err)
	}
	// Each record stands for 4 people (sampling weights).
	F, err := anonymity.WeightedFrequencies(sample, []float64{4, 4, 4})
	if err != nil {
		log.Fatal(err)
	}
	est, err := anonymity.IndividualRisk(sample, F, anonymity.IndividualRiskOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("per class: %.4f\n", est.Class)
	fmt.Printf("expected re-identifications %.4f, global risk %.4f\n", est.ExpectedReidentifications, est.GlobalRisk)
	// Output:
	// per class: [0.1793 0.4621]
	// expected re-identifications 0.8207, global risk 0.2736
}

func ExamplePopulationUniqueness() {
	// Class sizes 1, 1, 2, 3 from a 50 % sample.
	rows := [][]string{{"a"}, {"b"}, {"c"}, {"c"}, {"d"}, {"d"}, {"d"}}
	c, err := anonymity.Count(context.Background(), exampleRiskTable([]string{"x"}, rows), anonymity.CountOptions{})
	if err != nil {
		log.Fatal(err)
	}
	est, err := anonymity.PopulationUniqueness(c, 0.5)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Zayatz: %.4f of the population are population uniques\n", est.Zayatz)
	// Output:
	// Zayatz: 0.1471 of the population are population uniques
}
