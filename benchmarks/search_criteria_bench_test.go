package benchmarks

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/internal/rusage"
	"github.com/reidrisk/reidrisk/quasiid"
)

// BenchmarkSearchAdultARXPolicy is the optimal search on Adult's 8 QIs with
// occupation sensitive, no suppression, DM*, under ARX's benchmark policy
// (k = 5, recursive (4,3)-diversity, 0.2-closeness with the hierarchical
// distance) and its parts: k alone (on the same class table, sensitive
// histograms counted but not read), k with t (equal, hierarchical), and
// the whole policy with equal or hierarchical t. Compare each line's
// cpu-ms/op with k alone to see what the criteria cost.
func BenchmarkSearchAdultARXPolicy(b *testing.B) {
	_, hs := loadSearchAdult(b)
	dir := fixture.Path(b, "adult")
	occ, err := generalize.ReadHierarchyFile("occupation", filepath.Join(dir, "adult_hierarchy_occupation.csv"))
	if err != nil {
		b.Fatal(err)
	}
	hsT := append(append([]*generalize.Hierarchy(nil), hs...), occ)
	src, err := quasiid.Open(filepath.Join(dir, "adult.csv"), quasiid.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	t, err := quasiid.Encode(context.Background(), src, quasiid.Spec{QI: searchAdultQI, Sensitive: []string{"occupation"}}, quasiid.EncodeOptions{})
	src.Close()
	if err != nil {
		b.Fatal(err)
	}
	c, err := anonymity.Count(context.Background(), t, anonymity.CountOptions{})
	if err != nil {
		b.Fatal(err)
	}
	rec := generalize.Policy{K: 5, L: 3, LVariant: generalize.RecursiveCL, C: 4}
	for _, tc := range []struct {
		name string
		p    generalize.Policy
	}{
		{"k=5", generalize.Policy{K: 5}},
		{"k=5-t=0.2-equal", generalize.Policy{K: 5, T: 0.2}},
		{"k=5-t=0.2-hierarchical", generalize.Policy{K: 5, T: 0.2, TDistance: generalize.HierarchicalDistance}},
		{"k=5-l=3-recursive-c=4", rec},
		{"arx-equal", generalize.Policy{K: 5, L: 3, LVariant: generalize.RecursiveCL, C: 4, T: 0.2}},
		{"arx-hierarchical", generalize.Policy{K: 5, L: 3, LVariant: generalize.RecursiveCL, C: 4, T: 0.2, TDistance: generalize.HierarchicalDistance}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var res *generalize.Result
			cpu := rusage.CPU().Seconds()
			for b.Loop() {
				var err error
				res, err = generalize.Search(context.Background(), c, hsT, tc.p, generalize.Options{Metric: generalize.DMStar, Alternatives: -1})
				if err != nil {
					b.Fatal(err)
				}
			}
			reportSearch(b, res, c.Rows, rusage.CPU().Seconds()-cpu)
			if res.Optimum != nil {
				b.ReportMetric(float64(res.Optimum.DMStar), "dm*")
			}
		})
	}
}
