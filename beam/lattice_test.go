package beam

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/reidrisk/reidrisk/generalize"
)

func adultHierarchies(t *testing.T, qi []string) []*generalize.Hierarchy {
	t.Helper()
	var hs []*generalize.Hierarchy
	for _, q := range qi {
		h, err := generalize.ReadHierarchyFile(q, "../testdata/adult/adult_hierarchy_"+q+".csv")
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return hs
}

func ptestRun(_ context.Context, p *beam.Pipeline) error { return ptest.Run(p) }

// emptyDir fails t unless Suggest left nothing in its TempDir dir.
func emptyDir(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("Suggest left %s in its TempDir", e.Name())
	}
}

// suggestCase is one search compared with generalize.Search on the
// core's class table.
type suggestCase struct {
	policy generalize.Policy
	metric generalize.Metric
	// Pinned optimum (nil: compare with the core only).
	levels     []int
	value      float64
	suppressed int64
}

// checkSuggest runs Suggest on Adult over qi, read from files split
// round robin, and compares the result with generalize.Search on the
// table counted by the core alone.
func checkSuggest(t *testing.T, qi []string, maxClasses int64, shards int, cases []suggestCase) {
	t.Helper()
	hs := adultHierarchies(t, qi)
	opt := Options{QI: qi, Delimiter: ';', FlushRows: 1}
	core := coreClasses(t, adultPath, opt)
	paths := splitCSV(t, adultPath, 5, ';')
	for _, tc := range cases {
		want, err := generalize.Search(context.Background(), core, hs, tc.policy, generalize.Options{Metric: tc.metric})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		tmp := t.TempDir()
		got, err := Suggest(context.Background(), func(s beam.Scope) beam.PCollection {
			return CountFiles(s, beam.Reshuffle(s, beam.CreateList(s, paths)), opt)
		}, SuggestOptions{Hierarchies: hs, Policy: tc.policy, Search: generalize.Options{Metric: tc.metric},
			MaxClasses: maxClasses, Shards: shards, TempDir: tmp, Run: ptestRun})
		if err != nil {
			t.Fatal(err)
		}
		emptyDir(t, tmp)
		r := got.Result
		t.Logf("%v %+v: local %v, finest %d classes %d bytes, %d pipelines, %d nodes evaluated (core %d) by height %v, %d feasible, %v",
			qi, tc.policy, got.Local, got.Classes, got.Bytes, got.Pipelines, r.NodesEvaluated, want.NodesEvaluated, got.Evaluated, got.Feasible, time.Since(start))
		if got.Classes != int64(core.Len()) {
			t.Errorf("finest table of %d classes, core %d", got.Classes, core.Len())
		}
		if got.Local != (maxClasses >= int64(core.Len())) {
			t.Errorf("local %v with %d classes and a budget of %d", got.Local, core.Len(), maxClasses)
		}
		o, w := r.Optimum, want.Optimum
		if o == nil || w == nil {
			t.Fatalf("optimum %+v, core %+v", o, w)
		}
		if !slices.Equal(o.Levels, w.Levels) || o.DM != w.DM || o.DMStar != w.DMStar || o.Suppressed != w.Suppressed ||
			o.Classes != w.Classes || !o.Feasible || !r.Optimal {
			t.Errorf("optimum %+v, core %+v", o, w)
		}
		if !closeFloat(o.Value(tc.metric), w.Value(tc.metric)) {
			t.Errorf("%v = %v, core %v", tc.metric, o.Value(tc.metric), w.Value(tc.metric))
		}
		if tc.levels != nil && (!slices.Equal(o.Levels, tc.levels) || o.Value(tc.metric) != tc.value || o.Suppressed != tc.suppressed) {
			t.Errorf("optimum %v %v %v suppressing %d, want %v %v suppressing %d", o.Levels, tc.metric, o.Value(tc.metric), o.Suppressed, tc.levels, tc.value, tc.suppressed)
		}
		if r.LatticeSize != want.LatticeSize || !slices.Equal(r.Heights, want.Heights) ||
			r.MonotoneFeasibility != want.MonotoneFeasibility || r.MonotoneMetric != want.MonotoneMetric {
			t.Errorf("lattice %d %v monotone %v %v, core %d %v %v %v", r.LatticeSize, r.Heights, r.MonotoneFeasibility, r.MonotoneMetric,
				want.LatticeSize, want.Heights, want.MonotoneFeasibility, want.MonotoneMetric)
		}
		if got.Local && r.NodesEvaluated != want.NodesEvaluated {
			t.Errorf("local search evaluated %d nodes, core %d", r.NodesEvaluated, want.NodesEvaluated)
		}
		if b, wb := r.Bottom, want.Bottom; b.DMStar != wb.DMStar || b.Suppressed != wb.Suppressed || b.Feasible != wb.Feasible {
			t.Errorf("bottom %+v, core %+v", b, wb)
		}
	}
}

// The two Adult searches the generalize tests pin (ARX's optima).
var adultCases = []suggestCase{
	{generalize.Policy{K: 5}, generalize.DM, []int{1, 3, 1, 2, 1, 1, 1, 2}, 55170356, 0},
	{generalize.Policy{K: 5, MaxSuppression: 0.05}, generalize.DMStar, []int{0, 1, 1, 2, 1, 1, 0, 2}, 2689984, 813},
}

// TestSuggestLocalAdult: Adult's finest table (12,458 classes) is within
// the budget and searched on the driver.
func TestSuggestLocalAdult(t *testing.T) {
	checkSuggest(t, adultQI, 20000, 4, adultCases)
}

var adultQI = []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}

// TestSuggestLevelsProjection evaluates the whole lattice of five of
// Adult's QIs (240 nodes) level by level on Beam, under policies that
// take each pruning path: monotone feasibility and metric (DM without
// suppression, DM* with), non-monotone metric (DM and loss with
// suppression: every feasible node evaluated), non-monotone feasibility
// (average risk with suppression: every node evaluated).
func TestSuggestLevelsProjection(t *testing.T) {
	qi := []string{"age", "education", "marital-status", "race", "sex"}
	checkSuggest(t, qi, -1, 3, []suggestCase{
		{policy: generalize.Policy{K: 5}, metric: generalize.DM},
		{policy: generalize.Policy{K: 5, MaxSuppression: 0.05}, metric: generalize.DMStar},
		{policy: generalize.Policy{K: 10, MaxSuppression: 0.02}, metric: generalize.DM},
		{policy: generalize.Policy{K: 3, MaxSuppression: 0.02}, metric: generalize.Loss},
		{policy: generalize.Policy{K: 2, MaxAverageRisk: generalize.Share(0.05), MaxSuppression: 0.01}, metric: generalize.DMStar},
	})
}

// TestSuggestLevelsAdult runs the two pinned Adult searches (4,320
// nodes) level by level on Beam.
func TestSuggestLevelsAdult(t *testing.T) {
	if testing.Short() {
		t.Skip("Adult's whole lattice level by level")
	}
	checkSuggest(t, adultQI, -1, 4, adultCases)
}

// TestSuggestEmptyInput: a table without rows is refused with a clear
// error, and nothing is left in the TempDir.
func TestSuggestEmptyInput(t *testing.T) {
	qi := []string{"age", "sex"}
	path := filepath.Join(t.TempDir(), "empty.csv")
	if err := os.WriteFile(path, []byte("age;sex;race\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	_, err := Suggest(context.Background(), func(s beam.Scope) beam.PCollection {
		return CountFiles(s, beam.CreateList(s, []string{path}), Options{QI: qi, Delimiter: ';'})
	}, SuggestOptions{Hierarchies: adultHierarchies(t, qi), Policy: generalize.Policy{K: 2}, Shards: 2, TempDir: tmp, Run: ptestRun})
	if err == nil || !strings.Contains(err.Error(), "the table has no rows") {
		t.Errorf("error %v, want \"the table has no rows\"", err)
	}
	emptyDir(t, tmp)
}
