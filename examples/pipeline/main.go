// Command pipeline shows reidrisk as a step of a data pipeline: measure the
// risk of a table, search the least generalisation meeting a policy, apply
// it, and check the released table — all through the Go API, with a
// progress callback and a context that can cancel the work.
//
// Run it from the repository root:
//
//	go run ./examples/pipeline                      # UCI Adult, k = 5
//	go run ./examples/pipeline -k 10 -out adult_k10.csv
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

func main() {
	dir := flag.String("data", "testdata/adult", "directory holding adult.csv and adult_hierarchy_*.csv")
	k := flag.Int("k", 5, "least class size of the release")
	out := flag.String("out", "", "write the released table to this CSV file")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if _, err := run(ctx, *dir, *k, *out); err != nil {
		log.Fatal(err)
	}
}

var qi = []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}

// run returns the report on the released table.
func run(ctx context.Context, dir string, k int, out string) (*reidrisk.Report, error) {
	input := filepath.Join(dir, "adult.csv")

	// 1. Measure.
	src, err := quasiid.Open(input, quasiid.ReadOptions{Delimiter: ';'})
	if err != nil {
		return nil, err
	}
	before, err := reidrisk.Analyze(ctx, src, reidrisk.Options{
		QI: qi, Sensitive: []string{"occupation"}, K: k, Records: true,
		Progress: func(p reidrisk.Progress) {
			if p.Stage == "read" {
				fmt.Fprintf(os.Stderr, "\rread %d rows", p.Done)
			}
		},
	})
	src.Close()
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr)
	fmt.Printf("before: %d rows, %d classes, k = %d, %d sample uniques, average prosecutor risk %.4f\n",
		before.Rows, before.Classes, before.K, before.SampleUniques, before.Prosecutor.Average)
	atRisk := 0
	for _, r := range before.Records.AtRisk { // the per-record table joins back on row index
		if r {
			atRisk++
		}
	}
	fmt.Printf("        %d rows have a risk above %.2f; most identifying pair: %s\n",
		atRisk, before.Prosecutor.RiskThreshold, strings.Join(firstOfSize(before.QIAnalysis, 2), " + "))

	// 2. Search the least generalisation with k-anonymity and ≤ 1% suppression.
	hier := map[string]*generalize.Hierarchy{}
	for _, q := range qi {
		h, err := generalize.ReadHierarchyFile(q, filepath.Join(dir, "adult_hierarchy_"+q+".csv"))
		if err != nil {
			return nil, err
		}
		hier[q] = h
	}
	if src, err = quasiid.Open(input, quasiid.ReadOptions{Delimiter: ';'}); err != nil {
		return nil, err
	}
	sug, err := reidrisk.Suggest(ctx, src, reidrisk.SuggestOptions{
		QI: qi, Hierarchies: hier, Policy: generalize.Policy{K: int64(k), MaxSuppression: 0.01},
	})
	src.Close()
	if err != nil {
		return nil, err
	}
	if sug.Optimum == nil {
		return nil, fmt.Errorf("no generalisation meets k = %d with at most 1%% suppressed", k)
	}
	fmt.Printf("suggest: levels %v, %d rows suppressed, %d of %d lattice nodes evaluated\n",
		sug.Optimum.Levels, sug.Optimum.Suppressed, sug.NodesEvaluated, sug.LatticeSize)

	// 3. Apply the transform (it is plain JSON: save it to reapply next month).
	if src, err = quasiid.Open(input, quasiid.ReadOptions{Delimiter: ';'}); err != nil {
		return nil, err
	}
	var released bytes.Buffer
	app, err := reidrisk.Apply(ctx, src, sug.Transform, &released, quasiid.CSV, reidrisk.ApplyOptions{})
	src.Close()
	if err != nil {
		return nil, err
	}
	fmt.Printf("apply:   %d rows written, %d suppressed\n", app.Written, app.Suppressed)
	if out != "" {
		if err := os.WriteFile(out, released.Bytes(), 0o644); err != nil {
			return nil, err
		}
	}

	// 4. Check the release with the same measure.
	rel, err := quasiid.Read("released", bytes.NewReader(released.Bytes()), quasiid.ReadOptions{})
	if err != nil {
		return nil, err
	}
	defer rel.Close()
	after, err := reidrisk.Analyze(ctx, rel, reidrisk.Options{QI: qi, K: k})
	if err != nil {
		return nil, err
	}
	fmt.Printf("after:   %d rows, %d classes, k = %d, average prosecutor risk %.4f, policy met: %v\n",
		after.Rows, after.Classes, after.K, after.Prosecutor.Average, *after.Policy.Satisfied)
	return after, nil
}

// firstOfSize returns the columns of the most identifying combination of
// n QIs (the ranking is most identifying first).
func firstOfSize(qs []reidrisk.QIScore, n int) []string {
	for _, q := range qs {
		if len(q.Columns) == n {
			return q.Columns
		}
	}
	return nil
}
