package generalize_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

func ExampleReadHierarchy() {
	h, err := generalize.ReadHierarchy("age", "age.csv", strings.NewReader("34;30-39;*\n38;30-39;*\n41;40-49;*"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for l := range h.Levels() {
		label, _ := h.Label("38", l)
		fmt.Printf("level %d: %s\n", l, label)
	}
	// Output:
	// level 0: 38
	// level 1: 30-39
	// level 2: *
}

func ExampleDoublingIntervals() {
	h, _ := generalize.DoublingIntervals("age", []string{"17", "23", "38", "61"}, 10)
	for l := range h.Levels() {
		label, _ := h.Label("23", l)
		fmt.Println(label)
	}
	// Output:
	// 23
	// [20, 30)
	// [10, 30)
	// [10, 50)
	// *
}

func ExampleIPv4() {
	h, _ := generalize.IPv4("ip", []string{"192.168.17.4"})
	h.WriteCSV(os.Stdout)
	// Output:
	// 192.168.17.4;192.168.17.0/24;192.168.0.0/16;192.0.0.0/8;*
}

// table encodes rows of (zip, age) as a quasiid.Table.
func table(rows [][2]string) *quasiid.Table {
	t := &quasiid.Table{Source: "example", Rows: len(rows)}
	for j, name := range []string{"zip", "age"} {
		col := &quasiid.Column{Name: name, Role: quasiid.QuasiIdentifier, Dict: quasiid.NewDictionary()}
		for _, r := range rows {
			col.Codes = append(col.Codes, col.Dict.Code(r[j]))
		}
		t.Columns = append(t.Columns, col)
	}
	return t
}

func ExampleSearch() {
	t := table([][2]string{
		{"13053", "28"}, {"13068", "29"}, {"13068", "21"}, {"13053", "23"},
		{"14853", "50"}, {"14853", "55"}, {"14850", "47"}, {"14850", "49"},
		{"13053", "31"}, {"13053", "37"}, {"13068", "36"}, {"13068", "35"},
	})
	c, err := anonymity.Count(context.Background(), t, anonymity.CountOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var ages []string
	for code := range uint32(c.Dicts[1].Len()) {
		ages = append(ages, c.Dicts[1].Value(code))
	}
	zip, _ := generalize.Masking("zip", []string{"13053", "13068", "14853", "14850"})
	age, _ := generalize.DoublingIntervals("age", ages, 10)
	res, err := generalize.Search(context.Background(), c, []*generalize.Hierarchy{zip, age},
		generalize.Policy{K: 4}, generalize.Options{Metric: generalize.DM})
	if err != nil {
		fmt.Println(err)
		return
	}
	o := res.Optimum
	fmt.Printf("lattice %d nodes, optimal %v\n", res.LatticeSize, res.Optimal)
	fmt.Printf("levels zip=%d age=%d: %d classes, DM %d, suppressed %d\n", o.Levels[0], o.Levels[1], o.Classes, o.DM, o.Suppressed)
	// Output:
	// lattice 24 nodes, optimal true
	// levels zip=1 age=2: 3 classes, DM 48, suppressed 0
}

func ExampleTransform_Generalizer() {
	sex, _ := generalize.ReadHierarchy("sex", "sex.csv", strings.NewReader("Male;*\nFemale;*\n"))
	zip, _ := generalize.Masking("zip", []string{"13053", "13068"})
	tr := &generalize.Transform{Version: generalize.TransformVersion, QI: []string{"sex", "zip"}, Levels: []int{0, 2}}
	for _, h := range []*generalize.Hierarchy{sex, zip} {
		tr.Hierarchies = append(tr.Hierarchies, generalize.TransformHierarchy{Column: h.Column(), Source: h.Source(), Rows: h.Rows()})
	}
	g, err := tr.Generalizer()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range [][]string{{"Male", "13053"}, {"Female", "99999"}} {
		g.Generalize(row, []bool{false, false})
		fmt.Println(row)
	}
	for _, u := range g.Uncovered() {
		fmt.Printf("%s: %d record(s) not covered, e.g. %q\n", u.Column, u.Records, u.Values)
	}
	// Output:
	// [Male 130**]
	// [Female *]
	// zip: 1 record(s) not covered, e.g. ["99999"]
}
