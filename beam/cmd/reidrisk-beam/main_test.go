package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	rbeam "github.com/reidrisk/reidrisk/beam"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/cliflags"
)

// decode marshals v and reads it back as generic JSON.
func decode(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestClassesReportNames checks the classes JSON against the names of
// `reidrisk analyze --format json` (schema/analyze-report.schema.json) on
// a hand-computed summary: classes of sizes 1 and 2, 3 rows; highest risk
// 1/1, average 2/3, records at risk for threshold 0.6 (1/|E| > 0.6 only
// for |E| = 1) 1/3; sample uniques 1 of 3 rows; records in classes below
// k: 1 for k = 2, 3 for k = 3, 5, 10 and 4, and no key 0.
func TestClassesReportNames(t *testing.T) {
	s := rbeam.Summary{Rows: 3, Classes: 2, K: 1, KSubjects: 1, Histogram: map[int64]int64{1: 1, 2: 1}}
	for _, subject := range []bool{false, true} {
		m := decode(t, classesReport(s, 0.6, subject, 4))
		p, _ := m["prosecutor"].(map[string]any)
		want := map[string]float64{"highest": 1, "average": 2.0 / 3, "records_at_risk": 1.0 / 3, "risk_threshold": 0.6}
		if len(p) != len(want) {
			t.Errorf("prosecutor %v, want the fields %v", p, want)
		}
		for name, w := range want {
			if got, ok := p[name].(float64); !ok || got != w {
				t.Errorf("prosecutor.%s = %v, want %v", name, p[name], w)
			}
		}
		if ks, ok := m["k_subjects"]; ok != subject || subject && ks != 1.0 {
			t.Errorf("with a subject column %v: k_subjects %v (present %v)", subject, ks, ok)
		}
		if m["rows"] != 3.0 || m["classes"] != 2.0 || m["k"] != 1.0 || m["sample_uniques"] != 1.0 ||
			m["sample_uniques_fraction"] != 1.0/3 {
			t.Errorf("report %v", m)
		}
		below, _ := m["records_in_classes_below_k"].(map[string]any)
		wantBelow := map[string]float64{"2": 1, "3": 3, "4": 3, "5": 3, "10": 3}
		if len(below) != len(wantBelow) {
			t.Errorf("records_in_classes_below_k %v, want %v", below, wantBelow)
		}
		for k, w := range wantBelow {
			if below[k] != w {
				t.Errorf("records_in_classes_below_k[%s] = %v, want %v", k, below[k], w)
			}
		}
	}
	// An input without rows: rows 0 and an empty histogram, not null.
	m := decode(t, classesReport(rbeam.Summary{}, 0.2, false, 0))
	if h, ok := m["class_size_histogram"].(map[string]any); m["rows"] != 0.0 || !ok || len(h) != 0 {
		t.Errorf("report of an empty input %v", m)
	}
}

// TestSuggestReportSuppressedClasses: the optimum carries
// suppressed_classes, as in `reidrisk suggest --format json`.
func TestSuggestReportSuppressedClasses(t *testing.T) {
	sg := &rbeam.Suggestion{Local: true, Result: &generalize.Result{QI: []string{"age"}, Metric: generalize.DM,
		Optimum: &generalize.Node{Levels: []int{2}, Suppressed: 7, SuppressedClasses: 3, Classes: 4}}}
	o, _ := decode(t, suggestReport(sg))["optimum"].(map[string]any)
	levels, _ := o["levels"].(map[string]any)
	if o["suppressed_classes"] != 3.0 || o["suppressed"] != 7.0 || o["classes"] != 4.0 || levels["age"] != 2.0 {
		t.Errorf("optimum %v", o)
	}
}

// TestShardsRejected: every mode refuses --shards below 1 before it
// starts a pipeline.
func TestShardsRejected(t *testing.T) {
	defer func(i string, q, sub, tc string, n int) {
		*input, cols.QI, in.Subject, *timeCol, *shards = i, q, sub, tc, n
	}(*input, cols.QI, in.Subject, *timeCol, *shards)
	*input, cols.QI, in.Subject, *timeCol = filepath.Join(t.TempDir(), "none-*.csv"), "age", "person", "time"
	for _, n := range []int{0, -2} {
		*shards = n
		for name, runMode := range modes {
			if err := runMode(context.Background()); err == nil || !strings.Contains(err.Error(), "--shards") {
				t.Errorf("--mode %s --shards %d: error %v, want one naming --shards", name, n, err)
			}
		}
	}
}

// TestColumns: column lists are trimmed, and an empty item is an error
// naming the flag, as in `reidrisk` (the same function, cliflags.SplitList);
// an empty value is no column.
func TestColumns(t *testing.T) {
	if got, err := cliflags.SplitList("--qi", " age, sex "); err != nil || len(got) != 2 || got[0] != "age" || got[1] != "sex" {
		t.Errorf("got %q, %v", got, err)
	}
	if got, err := cliflags.SplitList("--qi", ""); err != nil || got != nil {
		t.Errorf("empty: got %q, %v", got, err)
	}
	for _, s := range []string{"a,,b", "a,", " ,a"} {
		if _, err := cliflags.SplitList("--attrs", s); err == nil || !strings.Contains(err.Error(), "--attrs") {
			t.Errorf("%q: error %v, want one naming --attrs", s, err)
		}
	}
}

// TestTemporalReportDST checks that the temporal JSON carries the DST
// counts of the summary under the core's names (dst_gap_times,
// dst_repeated_times), with offsetless times read as local in a zone.
func TestTemporalReportDST(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.json")
	f := &temporalSummaryFn{Path: path, Source: "log.csv", Opt: rbeam.TemporalOptions{TimeZone: "Europe/Berlin"}}
	s := rbeam.TemporalSummary{Events: 6, DSTGapTimes: 2, DSTRepeatedTimes: 1}
	if err := f.ProcessElement(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["dst_gap_times"] != 2.0 || m["dst_repeated_times"] != 1.0 || m["offsetless_times"] != "local" || m["events"] != 6.0 {
		t.Errorf("temporal report %s", b)
	}
}
