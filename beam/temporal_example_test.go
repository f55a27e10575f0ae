package beam_test

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	rbeam "github.com/reidrisk/reidrisk/beam"
)

func init() {
	register.Function1x0[rbeam.TemporalSummary](printTemporal)
}

func printTemporal(s rbeam.TemporalSummary) {
	h := s.Habits
	fmt.Printf("%d events, %d subjects, %d with habits, %d distinct habits\n", s.Events, s.Subjects, s.SubjectsWithHabits, s.DistinctHabits)
	for _, a := range slices.Sorted(maps.Keys(h.Histogram)) {
		fmt.Printf("a(s) = %d: %d subjects\n", a, h.Histogram[a])
	}
	fmt.Printf("unique_p1 %.2f, le_2 %.2f, unique_p2 %.2f\n", h.UniqueP1, h.Le2, h.UniqueP2)
	fmt.Printf("p = 1 trace unicity %.2f\n", s.ExpectedUniqueP1)
}

// Measure the habits of three viewers on Prism, a few events per partial
// digest. Ann and Bob watch on Monday evenings for four weeks (a habit
// each, shared: |S| = 2); Bob also on Saturday mornings (his alone:
// a(Bob) = 1, and his pair of habits is his alone too); Cy watches twice,
// no habit. Trace points (day, hour): Ann's are all Bob's too (0/4), half
// of Bob's are his alone (4/8), both of Cy's are (2/2): (0 + ½ + 1)/3 = ½.
func Example_temporal() {
	at := func(week, weekday, hour int) string {
		return time.Date(2024, 1, 1+7*week+weekday-1, hour, 5*week, 0, 0, time.UTC).Format(time.RFC3339)
	}
	var rows [][]string
	for w := range 4 {
		rows = append(rows, []string{"ann", at(w, 1, 20)}, []string{"bob", at(w, 1, 20)}, []string{"bob", at(w, 6, 10)})
	}
	rows = append(rows, []string{"cy", at(0, 2, 7)}, []string{"cy", at(1, 2, 7)})
	opt := rbeam.TemporalOptions{
		Subject: "account", Time: "time", Columns: []string{"account", "time"},
		SlotMinutes: 60, MinWeeks: 4, FlushRows: 5, Shards: 2,
	}
	p, s := beam.NewPipelineWithRoot()
	partials := rbeam.TemporalRows(s, beam.CreateList(s, rows), opt)
	beam.ParDo0(s, printTemporal, rbeam.TemporalMeasures(s, partials, opt))
	if err := ptest.Run(p); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 14 events, 3 subjects, 2 with habits, 2 distinct habits
	// a(s) = 1: 1 subjects
	// a(s) = 2: 1 subjects
	// unique_p1 0.50, le_2 1.00, unique_p2 1.00
	// p = 1 trace unicity 0.50
}
