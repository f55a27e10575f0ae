package beam

import (
	"context"
	"slices"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk/generalize"
)

// TestAdultFinestTableToSearch computes the finest class table of Adult on
// Beam (nine files, one partial table each) and hands it to the
// generalize package's lattice search: the optimum equals the one the
// generalize tests pin for the table counted by the core (and by ARX).
func TestAdultFinestTableToSearch(t *testing.T) {
	qi := []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}
	opt := Options{QI: qi, Delimiter: ';', FlushRows: 1}
	paths := splitCSV(t, adultPath, 9, ';')
	c, _ := run(t, func(s beam.Scope) beam.PCollection {
		return CountFiles(s, beam.Reshuffle(s, beam.CreateList(s, paths)), opt)
	}, MeasureOptions{Shards: 3})
	sameClasses(t, c, coreClasses(t, adultPath, opt))
	b, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("finest Adult class table: %d classes, %d bytes serialised", c.Len(), len(b))
	var hs []*generalize.Hierarchy
	for _, q := range qi {
		h, err := generalize.ReadHierarchyFile(q, "../testdata/adult/adult_hierarchy_"+q+".csv")
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	res, err := generalize.Search(context.Background(), c, hs, generalize.Policy{K: 5}, generalize.Options{Metric: generalize.DM})
	if err != nil {
		t.Fatal(err)
	}
	o := res.Optimum
	if o == nil || !res.Optimal {
		t.Fatalf("no proven optimum: %+v", res)
	}
	if want := []int{1, 3, 1, 2, 1, 1, 1, 2}; !slices.Equal(o.Levels, want) || o.DM != 55170356 {
		t.Errorf("optimum %v DM %d, want %v DM 55170356", o.Levels, o.DM, want)
	}
}
