package generalize_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

// ExampleNodeEvaluator evaluates two nodes of a six-record table held in
// two shards, as a distributed engine would: each shard is rolled up to
// the node, the rolled tables merge by value, and the merged table is
// evaluated.
//
// By hand, node (zip 1, sex 0) under k = 2: classes (130*, M), (130*, F)
// and (140*, M) of 2 records each, DM = 3·2² = 12; zip has M = 3 values
// and 130* covers 2 of them, so Loss = 4·(2−1)/(3−1) / (6·2) = 1/6;
// Precision = 1 − 6·(1/2 + 0/1) / (6·2) = 0.75; Entropy = 4 records ×
// −log₂(2/4) = 4. Node (0, 0): four classes of one record are suppressed
// (more than ⌊0·6⌋ = 0), DM = 2² + 4·6 = 28, DM* = 4·1² + 2² = 8, Loss =
// 4·2 / 12, Precision = 1 − 8/12 and Entropy = Σ over the suppressed
// records of Σ_j −log₂(f_j(v)/6) = 2·(log₂3 + log₂1.5) + 2·2·log₂3 = 10.68.
func ExampleNodeEvaluator() {
	zip := strings.NewReader("1301;130*;*\n1302;130*;*\n1401;140*;*")
	hz, _ := generalize.ReadHierarchy("zip", "zip.csv", zip)
	hs, _ := generalize.ReadHierarchy("sex", "sex.csv", strings.NewReader("M;*\nF;*"))
	shards := []*anonymity.Classes{
		countZipSex([][2]string{{"1301", "M"}, {"1302", "M"}, {"1401", "M"}}),
		countZipSex([][2]string{{"1301", "F"}, {"1302", "F"}, {"1401", "M"}}),
	}
	// The input's marginals: each shard projected on each QI, merged.
	var marginals []*anonymity.Classes
	for j := range 2 {
		a, _ := shards[0].Project([]int{j})
		b, _ := shards[1].Project([]int{j})
		m, _ := anonymity.Merge(a, b)
		marginals = append(marginals, m)
	}
	ev, err := generalize.NewNodeEvaluator(marginals, []*generalize.Hierarchy{hz, hs}, generalize.Policy{K: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, levels := range [][]int{{1, 0}, {0, 0}} {
		var parts []*anonymity.Classes
		for _, s := range shards {
			r, _ := ev.RollUp(s, levels)
			parts = append(parts, r)
		}
		node, _ := anonymity.Merge(parts...)
		n, err := ev.Evaluate(node, levels)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("node %v: feasible %v, %d kept classes, %d suppressed, DM %d, DM* %d, loss %.4f, precision %.2f, entropy %.2f\n",
			n.Levels, n.Feasible, n.Classes, n.Suppressed, n.DM, n.DMStar, n.Loss, n.Precision, n.Entropy)
	}
	// Output:
	// node [1 0]: feasible true, 3 kept classes, 0 suppressed, DM 12, DM* 12, loss 0.1667, precision 0.75, entropy 4.00
	// node [0 0]: feasible false, 1 kept classes, 4 suppressed, DM 28, DM* 8, loss 0.6667, precision 0.33, entropy 10.68
}

// countZipSex counts rows of (zip, sex) with the anonymity package.
func countZipSex(rows [][2]string) *anonymity.Classes {
	t := &quasiid.Table{Source: "example", Rows: len(rows)}
	for j, name := range []string{"zip", "sex"} {
		col := &quasiid.Column{Name: name, Role: quasiid.QuasiIdentifier, Dict: quasiid.NewDictionary()}
		for _, r := range rows {
			col.Codes = append(col.Codes, col.Dict.Code(r[j]))
		}
		t.Columns = append(t.Columns, col)
	}
	c, err := anonymity.Count(context.Background(), t, anonymity.CountOptions{})
	if err != nil {
		panic(err)
	}
	return c
}
