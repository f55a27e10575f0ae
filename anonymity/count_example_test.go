package anonymity_test

import (
	"context"
	"fmt"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// kernQI builds a QI column from values.
func kernQI(name string, values ...string) *quasiid.Column {
	c := &quasiid.Column{Name: name, Role: quasiid.QuasiIdentifier, Dict: quasiid.NewDictionary()}
	for _, v := range values {
		c.Codes = append(c.Codes, c.Dict.Code(v))
	}
	return c
}

func ExampleCount() {
	t := &quasiid.Table{Source: "example", Rows: 5, Columns: []*quasiid.Column{
		kernQI("zip", "1011", "1011", "1012", "1011", "1012"),
		kernQI("age", "30-39", "30-39", "40-49", "40-49", "40-49"),
	}}
	c, err := anonymity.Count(context.Background(), t, anonymity.CountOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := range c.Len() {
		fmt.Println(c.Dicts[0].Value(c.Codes[0][k]), c.Dicts[1].Value(c.Codes[1][k]), c.Sizes[k])
	}
	// Output:
	// 1011 30-39 2
	// 1012 40-49 2
	// 1011 40-49 1
}

func ExampleMerge() {
	// Two shards encoded separately: their dictionaries differ.
	a := &quasiid.Table{Source: "a", Rows: 2, Columns: []*quasiid.Column{kernQI("city", "Gent", "Brugge")}}
	b := &quasiid.Table{Source: "b", Rows: 2, Columns: []*quasiid.Column{kernQI("city", "Brugge", "Leuven")}}
	ca, _ := anonymity.Count(context.Background(), a, anonymity.CountOptions{})
	cb, _ := anonymity.Count(context.Background(), b, anonymity.CountOptions{})
	m, err := anonymity.Merge(ca, cb)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := range m.Len() {
		fmt.Println(m.Dicts[0].Value(m.Codes[0][k]), m.Sizes[k])
	}
	// Output:
	// Gent 1
	// Brugge 2
	// Leuven 1
}

func ExampleAnalyzeQI() {
	t := &quasiid.Table{Source: "example", Rows: 4, Columns: []*quasiid.Column{
		kernQI("sex", "F", "F", "M", "M"),
		kernQI("birth", "1980", "1981", "1980", "1981"),
	}}
	c, _ := anonymity.Count(context.Background(), t, anonymity.CountOptions{})
	scores, _ := anonymity.AnalyzeQI(context.Background(), c, anonymity.QIOptions{})
	for _, s := range scores {
		fmt.Printf("%v distinction %.2f separation %.2f\n", s.Columns, s.Distinction, s.Separation)
	}
	// Output:
	// [sex birth] distinction 1.00 separation 1.00
	// [sex] distinction 0.50 separation 0.67
	// [birth] distinction 0.50 separation 0.67
}
