package beam_test

import (
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	rbeam "github.com/reidrisk/reidrisk/beam"
)

func init() {
	register.Function1x0[rbeam.Summary](printSummary)
}

func printSummary(s rbeam.Summary) {
	sizes := make([]int64, 0, len(s.Histogram))
	for size := range s.Histogram {
		sizes = append(sizes, size)
	}
	slices.Sort(sizes)
	fmt.Printf("rows %d, classes %d, k %d, sample uniques %d\n", s.Rows, s.Classes, s.K, s.SampleUniques())
	for _, size := range sizes {
		fmt.Printf("%d classes of size %d\n", s.Histogram[size], size)
	}
	p := s.Prosecutor(0.2)
	fmt.Printf("prosecutor: highest %.2f, average %.2f, records at risk %.2f\n", p.Highest, p.Average, p.RecordsAtRisk)
	for _, f := range s.Sensitive {
		fmt.Printf("%s: distinct l %d, t (equal) %.3f\n", f.Name, f.DistinctL, f.TEqual)
	}
}

// Count the classes of a small table on Prism, one row per partial class
// table, and print the table-level figures. The table distribution of
// diagnosis is flu 1/2, cold 1/3, asthma 1/6; class (50, F) holds only
// cold, so its t = ½(1/2 + 2/3 + 1/6) = 2/3, the largest.
func Example() {
	rows := [][]string{
		{"30", "F", "flu"}, {"30", "F", "cold"}, {"30", "F", "flu"},
		{"40", "M", "flu"}, {"40", "M", "asthma"},
		{"50", "F", "cold"},
	}
	opt := rbeam.Options{
		QI: []string{"age", "sex"}, Sensitive: []string{"diagnosis"},
		Columns: []string{"age", "sex", "diagnosis"}, FlushRows: 1,
	}
	p, s := beam.NewPipelineWithRoot()
	partials := rbeam.CountRows(s, beam.CreateList(s, rows), opt)
	beam.ParDo0(s, printSummary, rbeam.Measures(s, partials, rbeam.MeasureOptions{Shards: 2}))
	if err := ptest.Run(p); err != nil {
		fmt.Println(err)
	}
	// Output:
	// rows 6, classes 3, k 1, sample uniques 1
	// 1 classes of size 1
	// 1 classes of size 2
	// 1 classes of size 3
	// prosecutor: highest 1.00, average 0.50, records at risk 1.00
	// diagnosis: distinct l 1, t (equal) 0.667
}
