package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/temporal"
)

// generatedLog writes the default generated log (1000 accounts, seed 1) as CSV.
func generatedLog(t *testing.T) (path string, csv string, truth *demo.Truth, ev *temporal.Events) {
	t.Helper()
	ev, truth, err := demo.GenerateEvents(demo.EventOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ev.WriteCSV(&b, nil); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "events.csv", b.String()), b.String(), truth, ev
}

// TestTemporalCLI: the planted truth comes through the CSV round trip and
// the JSON field names are the issue's.
func TestTemporalCLI(t *testing.T) {
	path, csv, _, _ := generatedLog(t)
	code, out, errs := runCLI(t, "", "temporal", path, "--subject", "account", "--time", "time", "--attrs", "media_type",
		"--slot", "30m", "--max-p", "2", "--sample-size", "500", "--format", "json", "--policy", "unique_p1<=0.01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	v := loadSchema(t, "../../schema/temporal-report.schema.json")
	if errs := v.validate([]byte(out)); len(errs) > 0 {
		t.Errorf("schema: %v", errs)
	}
	// The schema rejects a misspelt field.
	if errs := v.validate([]byte(strings.Replace(out, `"unique_p1"`, `"unique_p_1"`, 1))); len(errs) == 0 {
		t.Error("schema accepted unique_p_1")
	}
	if r["subjects"].(float64) != 1000 || r["subjects_with_habits"].(float64) != 28 || r["distinct_habits"].(float64) != 4 {
		t.Errorf("subjects %v with habits %v habits %v", r["subjects"], r["subjects_with_habits"], r["distinct_habits"])
	}
	ha := r["habit_anonymity"].(map[string]any)
	for _, f := range []string{"unique_p1", "le_2", "lt_5", "unique_p2", "min_anonymity_histogram"} {
		if _, ok := ha[f]; !ok {
			t.Errorf("habit_anonymity lacks %s", f)
		}
	}
	// Planted groups 1, 2, 5, 20: 1 subject singled out, 3 with a(s) ≤ 2 and < 5.
	if ha["singled_out"] != 1.0 || ha["le_2_subjects"] != 3.0 || ha["lt_5_subjects"] != 3.0 {
		t.Errorf("counts singled_out %v le_2_subjects %v lt_5_subjects %v, want 1 3 3", ha["singled_out"], ha["le_2_subjects"], ha["lt_5_subjects"])
	}
	if h := ha["min_anonymity_histogram"].(map[string]any); h["1"].(float64) != 1 || h["2"].(float64) != 2 || h["5"].(float64) != 5 || h["20"].(float64) != 20 {
		t.Errorf("histogram %v, want planted 1:1 2:2 5:5 20:20", h)
	}
	tu := r["trace_unicity"].(map[string]any)
	for _, p := range []string{"1", "2"} {
		e := tu[p].(map[string]any)
		for _, f := range []string{"eligible", "sampled", "fraction_unique", "ci95"} {
			if _, ok := e[f]; !ok {
				t.Errorf("trace_unicity[%s] lacks %s", p, f)
			}
		}
	}
	if _, ok := tu["1"].(map[string]any)["expected_fraction_unique_all_subjects"]; !ok {
		t.Error("no exact p = 1 expectation")
	}
	s := r["suggestion"].(map[string]any)
	for _, f := range []string{"slot_minutes", "weekday", "duration_bucket", "attrs", "before", "after"} {
		if _, ok := s[f]; !ok {
			t.Errorf("suggestion lacks %s", f)
		}
	}
	// A met unique_p1 share must not hide more people singled out.
	if b, a := s["before"].(map[string]any), s["after"].(map[string]any); s["met"] != true || a["singled_out"].(float64) > b["singled_out"].(float64) {
		t.Errorf("met %v, singled_out %v → %v", s["met"], b["singled_out"], a["singled_out"])
	}
	// Text output names the story.
	code, out, errs = runCLI(t, csv, "temporal", "-", "--subject", "account", "--time", "time", "--attrs", "media_type", "--max-p", "1")
	if code != 0 || !strings.Contains(out, "a = 1 (singled out by a habit) 1 (3.6%)   a ≤ 2 3 (10.7%)   a < 5 3 (10.7%)") ||
		!strings.Contains(out, "subjects by a(s): 1:1  2:2  5:5  20:20") || !strings.Contains(out, "28 subjects (2.8% of all) have one; 4 distinct habits.") {
		t.Errorf("exit %d, %s\n%s", code, errs, out)
	}
}

// TestTemporalCLIOut: the safe table from --out, analysed again with the
// starting options (same zone), meets the policy with the suggestion's
// figures (review item 12), and holds no exact timestamp.
func TestTemporalCLIOut(t *testing.T) {
	_, csv, _, _ := generatedLog(t)
	dir := t.TempDir()
	for _, name := range []string{"safe.csv", "safe.parquet"} {
		out := filepath.Join(dir, name)
		flags := []string{"--subject", "account", "--time", "time", "--attrs", "media_type,device",
			"--duration-col", "duration", "--duration-bucket", "15", "--tz", "Europe/Amsterdam", "--max-p", "0", "--quiet", "--format", "json"}
		code, js, errs := runCLI(t, csv, append([]string{"temporal", "-", "--policy", "lt_5<=0.05", "--out", out, "--keep", "account"}, flags...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var r struct {
			Suggestion struct {
				Met   bool
				After map[string]any
			}
		}
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			t.Fatal(err)
		}
		if !r.Suggestion.Met {
			t.Fatalf("policy not met: %s", js)
		}
		code, js, errs = runCLI(t, "", append([]string{"temporal", out}, flags...)...)
		if code != 0 {
			t.Fatalf("re-analysis of %s: exit %d: %s", name, code, errs)
		}
		var again map[string]any
		if err := json.Unmarshal([]byte(js), &again); err != nil {
			t.Fatal(err)
		}
		ha := again["habit_anonymity"].(map[string]any)
		if ha["lt_5"].(float64) > 0.05 {
			t.Errorf("%s: re-analysed lt_5 %v > 0.05", name, ha["lt_5"])
		}
		for _, f := range []string{"subjects_with_habits", "distinct_habits"} {
			if again[f] != r.Suggestion.After[f] {
				t.Errorf("%s: re-analysed %s %v, suggestion after %v", name, f, again[f], r.Suggestion.After[f])
			}
		}
		for _, f := range []string{"unique_p1", "le_2", "lt_5", "singled_out", "lt_5_subjects"} {
			if ha[f] != r.Suggestion.After[f] {
				t.Errorf("%s: re-analysed %s %v, suggestion after %v", name, f, ha[f], r.Suggestion.After[f])
			}
		}
		if name != "safe.csv" {
			continue
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) != 30281 || lines[0] != "account,time,media_type,device,duration" {
			t.Errorf("%d lines, header %q", len(lines), lines[0])
		}
		// Every time is a slot start in Amsterdam time: minutes and seconds zero.
		for _, l := range lines[1:] {
			f := strings.Split(l, ",")
			if len(f) != 5 || !strings.HasSuffix(f[1], ":00:00+01:00") && !strings.HasSuffix(f[1], ":00:00+02:00") {
				t.Fatalf("time not coarsened: %q", l)
			}
		}
	}
}

func TestTemporalCLIUsage(t *testing.T) {
	path, _, _, _ := generatedLog(t)
	for _, args := range [][]string{
		{"temporal", path, "--time", "time"},
		{"temporal", path, "--subject", "account", "--time", "time", "--slot", "7m"},
		{"temporal", path, "--subject", "account", "--time", "time", "--slot", "90s"},
		{"temporal", path, "--subject", "account", "--time", "time", "--duration-col", "duration"},
		{"temporal", path, "--subject", "account", "--time", "time", "--out", "x.csv"},
		{"temporal", path, "--subject", "account", "--time", "time", "--attrs", "account"},
		{"temporal", path, "--subject", "account", "--time", "time", "--policy", "unique_p1<=0.1", "--out", "x.txt"},
		{"temporal", path, "--subject", "account", "--time", "time", "--policy", "k>=2"},
		{"temporal", path, "--subject", "account", "--time", "time", "--policy", "singled_out<=1%"},
	} {
		if code, _, _ := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	// A bad zone is a usage error, reported once.
	code, _, errs := runCLI(t, "", "temporal", path, "--subject", "account", "--time", "time", "--tz", "Mars/Olympus")
	if code != 2 || strings.Contains(errs, "temporal: temporal:") || !strings.Contains(errs, `--tz "Mars/Olympus": not an IANA time zone name`) {
		t.Errorf("--tz Mars/Olympus: exit %d, %q", code, errs)
	}
	// A bad duration names file, row, line (after a blank one) and column like the loader.
	bad := writeFile(t, "dur.csv", "a,t,d\nx,2024-01-01T00:00:00Z,12\n\ny,2024-01-02T00:00:00Z,abc\n")
	code, _, errs = runCLI(t, "", "temporal", bad, "--subject", "a", "--time", "t", "--duration-col", "d", "--duration-bucket", "15")
	if want := `dur.csv: row 2 (line 4), column "d": the duration is not a finite number`; code != 1 || !strings.Contains(errs, want) {
		t.Errorf("bad duration: exit %d, %q, want %q", code, errs, want)
	}
	for _, args := range [][]string{
		{"temporal", path, "--subject", "account", "--time", "nope"},
	} {
		if code, _, errs := runCLI(t, "", args...); code != 1 || errs == "" {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
	}
}

// TestTemporalCLIHTML: --format html writes a self-contained page with the
// habit-anonymity histogram, ε_p against p and the suggestion before/after
// in words and counts, and no subject value.
func TestTemporalCLIHTML(t *testing.T) {
	path, _, _, ev := generatedLog(t)
	code, out, errs := runCLI(t, "", "temporal", path, "--subject", "account", "--time", "time", "--attrs", "media_type",
		"--max-p", "2", "--sample-size", "300", "--policy", "unique_p1<=0.01", "--format", "html")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"<!DOCTYPE html>", `id="plot-habits"`, `id="plot-trace-unicity"`, "<svg",
		"Coarsen the event key to media_type (2 key parts given up).",
		"subjects singled out by one habit</td><td>1</td><td>0</td>"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(out, ev.SubjectLabel(0)[:5]) || strings.Contains(out, "weekday weekday_weekend") {
		t.Error("HTML shows a subject value or the raw weekday level")
	}
}
