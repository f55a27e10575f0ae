package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/demo"
)

var formats = []string{"text", "json", "html"}

// adultHierarchies gives every QI of adultQI its ARX hierarchy.
func adultHierarchies() []string {
	var args []string
	for _, q := range strings.Split(adultQI, ",") {
		args = append(args, "--hierarchy", q+"="+filepath.Join("../../testdata/adult", "adult_hierarchy_"+q+".csv"))
	}
	return args
}

// Issue 12, case 5: a policy that cannot be met exits 3 in every format,
// after the report; JSON says "optimum": null.
func TestExitSuggestNoSolution(t *testing.T) {
	in := writeFile(t, "seven.csv", "age,zip\n21,1000\n35,2000\n47,3000\n52,4000\n63,5000\n29,6000\n41,7000\n")
	for _, f := range formats {
		code, out, errs := runCLI(t, "", "suggest", in, "--qi", "age,zip", "--k", "1000000000", "--auto-hierarchies", "--format", f)
		if code != 3 || !strings.Contains(errs, "not met: no generalisation meets it") {
			t.Errorf("--format %s: exit %d, want 3: %s", f, code, errs)
		}
		if f == "json" && !strings.Contains(out, `"optimum": null`) {
			t.Errorf("JSON lacks \"optimum\": null:\n%s", out)
		}
		if out == "" {
			t.Errorf("--format %s: no report before exit 3", f)
		}
	}
}

// Issue 12, case 6 on 7 rows: with --max-suppression 1 the search used to
// suppress all 7 records ("0 records written, k = 0", exit 0). A node that
// keeps nothing meets no policy: for k = 5 the optimum is the top (one
// class of 7, DM 49, nothing suppressed); for k = 8 even the top keeps
// nothing, which is no solution (exit 3) in every format.
func TestExitSuggestSuppressesEverything(t *testing.T) {
	in := writeFile(t, "seven.csv", "age,zip\n21,1000\n35,2000\n47,3000\n52,4000\n63,5000\n29,6000\n41,7000\n")
	out := filepath.Join(t.TempDir(), "o.csv")
	code, stdout, errs := runCLI(t, "", "suggest", in, "--qi", "age,zip", "--k", "5", "--max-suppression", "1", "--auto-hierarchies", "--out", out, "--format", "json")
	if code != 0 {
		t.Fatalf("k=5: exit %d: %s", code, errs)
	}
	var rep struct {
		Optimum *struct {
			Levels     map[string]int `json:"levels"`
			Suppressed int64          `json:"suppressed"`
			DM         int64          `json:"dm"`
		} `json:"optimum"`
		Output struct {
			Written   int64 `json:"written"`
			K         int64 `json:"k"`
			PolicyMet bool  `json:"policy_met"`
		} `json:"output"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if o := rep.Optimum; o == nil || o.Suppressed != 0 || o.DM != 49 || o.Levels["age"] != 4 || o.Levels["zip"] != 4 {
		t.Errorf("k=5: optimum %+v, want the top (age=4 zip=4), 0 suppressed, DM 49", o)
	}
	if rep.Output.Written != 7 || rep.Output.K != 7 || !rep.Output.PolicyMet {
		t.Errorf("k=5: output %+v, want 7 written, k = 7, policy met", rep.Output)
	}
	for _, f := range formats {
		code, _, errs := runCLI(t, "", "suggest", in, "--qi", "age,zip", "--k", "8", "--max-suppression", "1", "--auto-hierarchies", "--format", f)
		if code != 3 {
			t.Errorf("k=8 --format %s: exit %d, want 3: %s", f, code, errs)
		}
	}
}

// Issue 12, case 6 on Adult (eight QIs, ARX hierarchies, k = 5,
// --max-suppression 1): the old default dm_star kept the raw data and
// suppressed 15,353 of 30,162 records (DM* = Σ|E|² = 485,542 does not
// charge them). The default is now dm, which charges a suppressed record
// N: its optimum suppresses 60 records (DM 9,268,952). Picking dm_star
// still gives the raw node, now with a warning in every format.
func TestSuggestSuppressionMetric(t *testing.T) {
	if testing.Short() {
		t.Skip("Adult")
	}
	base := append([]string{"suggest", adultCSV, "--delimiter", ";", "--qi", adultQI, "--k", "5", "--max-suppression", "1"}, adultHierarchies()...)
	code, out, errs := runCLI(t, "", append(base, "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Metric  string `json:"metric"`
		Optimum struct {
			Levels     map[string]int `json:"levels"`
			Suppressed int64          `json:"suppressed"`
			DM         int64          `json:"dm"`
		} `json:"optimum"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"age": 0, "education": 3, "marital-status": 2, "native-country": 2, "race": 1, "salary-class": 0, "sex": 0, "workclass": 2}
	if rep.Metric != "dm" || rep.Optimum.Suppressed != 60 || rep.Optimum.DM != 9268952 || len(rep.Warnings) != 0 {
		t.Errorf("default metric: %s, %d suppressed, DM %d, warnings %q; want dm, 60, 9268952, none", rep.Metric, rep.Optimum.Suppressed, rep.Optimum.DM, rep.Warnings)
	}
	for q, l := range want {
		if rep.Optimum.Levels[q] != l {
			t.Errorf("default metric: %s at level %d, want %d", q, rep.Optimum.Levels[q], l)
		}
	}
	const warning = "15353 of 30162 records (50.9%) are suppressed, more than a tenth of the table"
	for _, f := range formats {
		code, out, errs := runCLI(t, "", append(base, "--metric", "dm_star", "--format", f)...)
		if code != 0 {
			t.Fatalf("dm_star --format %s: exit %d: %s", f, code, errs)
		}
		if !strings.Contains(out, warning) {
			t.Errorf("dm_star --format %s: no warning %q", f, warning)
		}
	}
}

// Issue 12, case 5 for apply: a transform applied to data on which its
// saved policy fails (2 of 5 records suppressed, limit 0) exits 3 in every
// format; on the data it was found on it exits 0.
func TestExitApplyPolicy(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, "in.csv", "city,sex\nParis,F\nParis,F\nLyon,F\nParis,M\nParis,M\nLyon,M\n")
	hc := writeFile(t, "city.csv", "Paris;France;*\nLyon;France;*\n")
	hs := writeFile(t, "sex.csv", "F;*\nM;*\n")
	tr := filepath.Join(dir, "t.json")
	if code, _, errs := runCLI(t, "", "suggest", in, "--qi", "city,sex", "--hierarchy", "city="+hc, "--hierarchy", "sex="+hs,
		"--k", "2", "--save-transform", tr); code != 0 {
		t.Fatalf("suggest: exit %d: %s", code, errs)
	}
	next := writeFile(t, "next.csv", "city,sex\nParis,F\nMarseille,F\nLyon,M\nLyon,M\nParis,M\n")
	for _, f := range formats {
		out := filepath.Join(dir, "out-"+f+".csv")
		if code, _, errs := runCLI(t, "", "apply", in, "--transform", tr, "--out", out, "--format", f); code != 0 {
			t.Errorf("apply to the input, --format %s: exit %d: %s", f, code, errs)
		}
		code, stdout, errs := runCLI(t, "", "apply", next, "--transform", tr, "--out", out, "--format", f)
		if code != 3 || !strings.Contains(errs, "2 of 5 records suppressed, above the limit of 0 of the records") {
			t.Errorf("apply to new data, --format %s: exit %d, want 3: %s", f, code, errs)
		}
		if f == "json" && !strings.Contains(stdout, `"policy_met": false`) {
			t.Errorf("JSON lacks \"policy_met\": false:\n%s", stdout)
		}
		// 2 of 5 suppressed is more than a tenth: a warning in every format.
		if w := "2 of 5 records (40.0%) are suppressed, more than a tenth of the table"; !strings.Contains(stdout, w) {
			t.Errorf("apply to new data, --format %s: no warning %q", f, w)
		}
	}
}

// Issue 12, cases 5 and 7 for temporal: on the demo's event log (1,500
// accounts, seed 1) the policy lt_5<=0 is met by media_type alone (21
// generalisations tried, no warning about pairs of habits); with a budget
// of 15 no qualifying coarsening is found: exit 3 in every format, nothing
// written.
func TestExitTemporalPolicy(t *testing.T) {
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Seed: 1, Subjects: 1500})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ev.WriteCSV(&b, nil); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, "events.csv", b.String())
	base := []string{"temporal", in, "--subject", "account", "--time", "time", "--attrs", "media_type", "--max-p", "1", "--policy", "lt_5<=0"}
	code, out, errs := runCLI(t, "", base...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "key = media_type") || strings.Contains(out, "pair of habits after coarsening") {
		t.Errorf("want key = media_type and no pair warning:\n%s", out)
	}
	for _, f := range formats {
		dst := filepath.Join(t.TempDir(), "safe.csv")
		code, out, errs := runCLI(t, "", append(base, "--max-evaluations", "15", "--format", f, "--out", dst)...)
		if code != 3 || !strings.Contains(errs, "policy lt_5<=0 not met") || out == "" {
			t.Errorf("--max-evaluations 15 --format %s: exit %d, want 3 after the report: %s", f, code, errs)
		}
		if f == "json" && !strings.Contains(out, `"met": false`) {
			t.Errorf("JSON lacks \"met\": false")
		}
		if m, _ := filepath.Glob(dst); len(m) > 0 {
			t.Errorf("--format %s: %s written although the policy is not met", f, dst)
		}
	}
}
