package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSuggestApplyCommands runs suggest on Adult from standard input,
// saves the transform and reapplies it with apply.
func TestSuggestApplyCommands(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "adult", "adult.csv"))
	if err != nil {
		t.Fatal(err)
	}
	qi := []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}
	args := []string{"suggest", "-", "--qi", strings.Join(qi, ","), "--k", "5", "--max-suppression", "0.05",
		"--metric", "dm_star", "--format", "json", "--delimiter", ";",
		"--out", filepath.Join(dir, "out.csv"), "--save-transform", filepath.Join(dir, "t.json")}
	for _, q := range qi {
		args = append(args, "--hierarchy", q+"="+filepath.Join("..", "..", "testdata", "adult", "adult_hierarchy_"+q+".csv"))
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), env{bytes.NewReader(data), &stdout, &stderr}, args); code != 0 {
		t.Fatalf("suggest: exit %d: %s", code, stderr.String())
	}
	var rep struct {
		LatticeSize    int64 `json:"lattice_size"`
		NodesEvaluated int   `json:"nodes_evaluated"`
		Optimal        bool  `json:"optimal"`
		Optimum        struct {
			Levels     map[string]int `json:"levels"`
			DM         int64          `json:"dm"`
			DMStar     int64          `json:"dm_star"`
			Loss       float64        `json:"loss"`
			Suppressed int64          `json:"suppressed"`
			Classes    int            `json:"classes"`
		} `json:"optimum"`
		Alternatives []json.RawMessage `json:"alternatives"`
		Output       struct {
			Written    int64 `json:"written"`
			Suppressed int64 `json:"suppressed"`
			K          int64 `json:"k"`
		} `json:"output"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	o := rep.Optimum
	if rep.LatticeSize != 4320 || !rep.Optimal || o.DMStar != 2689984 || o.Suppressed != 813 || o.Levels["native-country"] != 2 ||
		rep.Output.Suppressed != 813 || rep.Output.Written != 30162-813 || rep.Output.K < 5 || o.Classes != 695 {
		t.Fatalf("report: %s", stdout.String())
	}
	stdout.Reset()
	code := run(context.Background(), env{nil, &stdout, &stderr}, []string{"apply", filepath.Join("..", "..", "testdata", "adult", "adult.csv"),
		"--transform", filepath.Join(dir, "t.json"), "--out", filepath.Join(dir, "again.csv")})
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "29349 written") || !strings.Contains(stdout.String(), "813 suppressed") {
		t.Errorf("apply said %q", stdout.String())
	}
	a, _ := os.ReadFile(filepath.Join(dir, "out.csv"))
	b, _ := os.ReadFile(filepath.Join(dir, "again.csv"))
	if !bytes.Equal(a, b) {
		t.Error("apply of the saved transform differs from suggest's output")
	}
}

func TestSuggestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"suggest", "f.csv", "--k", "5"}, "--qi is required"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--k", "5"}, `no --hierarchy for quasi-identifier "a"`},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies"}, "no privacy criterion"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--k", "2", "--metric", "x"}, "--metric"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--l", "2"}, "--l and --t need --sensitive"},
		{[]string{"apply", "f.csv"}, "--transform and --out are required"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--k", "2", "--max-risk", "1.5"}, "--max-risk 1.5"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--k", "2", "--max-suppression", "2"}, "--max-suppression 2"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--max-sample-uniques", "-0.1"}, "--max-sample-uniques -0.1"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--k", "0"}, "--k 0"},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--sensitive", "b", "--t", "0"}, "--t 0"},
		{[]string{"suggest", "f.csv", "--qi", "a,b", "--auto-hierarchies", "--k", "2", "--sensitive", "b"}, `column "b" is given to both --qi and --sensitive`},
		{[]string{"suggest", "f.csv", "--qi", "a,a", "--auto-hierarchies", "--k", "2"}, `--qi names column "a" twice`},
		{[]string{"suggest", "f.csv", "--qi", "a", "--auto-hierarchies", "--k", "2", "--subject", "a"}, `column "a" is given to both --qi and --subject`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), env{nil, &stdout, &stderr}, tc.args); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q, want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// TestSuggestAuto uses automatic hierarchies on a small CSV.
func TestSuggestAuto(t *testing.T) {
	in := "age,city\n31,Paris\n33,Paris\n35,Lyon\n38,Lyon\n41,Paris\n44,Lyon\n47,Paris\n49,Lyon\n"
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), env{strings.NewReader(in), &stdout, &stderr},
		[]string{"suggest", "-", "--qi", "age,city", "--auto-hierarchies", "--k", "2", "--format", "json"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep struct {
		Hierarchies []struct {
			Column string `json:"column"`
			Auto   bool   `json:"auto"`
		} `json:"hierarchies"`
		Optimum struct {
			Suppressed int64 `json:"suppressed"`
			Classes    int   `json:"classes"`
		} `json:"optimum"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Hierarchies) != 2 || !rep.Hierarchies[0].Auto || !rep.Hierarchies[1].Auto || rep.Optimum.Classes < 1 {
		t.Errorf("report %s", stdout.String())
	}
}

// TestSuggestZeroThreshold: a threshold given as 0 is a policy, not "off".
func TestSuggestZeroThreshold(t *testing.T) {
	in := "age,city\n31,Paris\n33,Paris\n35,Lyon\n38,Lyon\n41,Paris\n44,Lyon\n47,Paris\n49,Lyon\n"
	for _, flag := range []string{"--max-sample-uniques", "--max-records-at-risk"} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), env{strings.NewReader(in), &stdout, &stderr},
			[]string{"suggest", "-", "--qi", "age,city", "--auto-hierarchies", flag, "0", "--risk-threshold", "0.5", "--format", "json"})
		if code != 0 {
			t.Fatalf("%s 0: exit %d: %s", flag, code, stderr.String())
		}
		var rep struct {
			Policy map[string]any `json:"policy"`
			Before struct {
				HighestRisk float64 `json:"highest_risk"`
			} `json:"before"`
			Optimum struct {
				HighestRisk float64 `json:"highest_risk"`
			} `json:"optimum"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		// Every age is unique before; the optimum must leave no class of
		// one record (risk 1), and the policy must show the 0.
		name := strings.ReplaceAll(strings.TrimPrefix(flag, "--"), "-", "_")
		if v, ok := rep.Policy[name]; !ok || v != 0.0 || rep.Before.HighestRisk != 1 || !(rep.Optimum.HighestRisk <= 0.5) {
			t.Errorf("%s 0: %s", flag, stdout.String())
		}
	}
}

// TestSuggestHeuristicAndBudget: --max-optimal-nodes below the lattice
// size selects the greedy search, which evaluates far fewer nodes than
// the lattice holds; a budget that cuts the search is reported the same
// way in JSON and text.
func TestSuggestHeuristicAndBudget(t *testing.T) {
	qi := []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}
	base := []string{"suggest", filepath.Join("..", "..", "testdata", "adult", "adult.csv"), "--qi", strings.Join(qi, ","), "--k", "5"}
	for _, q := range qi {
		base = append(base, "--hierarchy", q+"="+filepath.Join("..", "..", "testdata", "adult", "adult_hierarchy_"+q+".csv"))
	}
	type report struct {
		NodesEvaluated int  `json:"nodes_evaluated"`
		Optimal        bool `json:"optimal"`
		Heuristic      bool `json:"heuristic"`
		CutShort       bool `json:"cut_short"`
		Optimum        struct {
			DMStar int64 `json:"dm_star"`
		} `json:"optimum"`
	}
	for _, tc := range []struct {
		args      []string
		heuristic bool
		cut       bool
		text      string
	}{
		{[]string{"--max-optimal-nodes", "100"}, true, false, "heuristic (greedy best-first"},
		{[]string{"--budget", "1ns", "--max-suppression", "0.05"}, false, true, "cut short by --budget"},
	} {
		var rep report
		for _, format := range []string{"json", "text"} {
			var stdout, stderr bytes.Buffer
			args := append(append(slices.Clone(base), tc.args...), "--format", format)
			if code := run(context.Background(), env{nil, &stdout, &stderr}, args); code != 0 {
				t.Fatalf("%q: exit %d: %s", args, code, stderr.String())
			}
			if stderr.Len() != 0 {
				t.Errorf("%q: stderr is not a terminal, yet got %q", args, stderr.String())
			}
			if format == "text" {
				if !strings.Contains(stdout.String(), tc.text) || !strings.Contains(stdout.String(), "not proven optimal") {
					t.Errorf("%q: text %q lacks %q", tc.args, stdout.String(), tc.text)
				}
				continue
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
				t.Fatal(err)
			}
		}
		if rep.Optimal || rep.Heuristic != tc.heuristic || rep.CutShort != tc.cut || rep.Optimum.DMStar == 0 {
			t.Errorf("%q: %+v", tc.args, rep)
		}
		// The greedy search climbs: about Σ heights · QIs nodes, far fewer
		// than the optimal search's ~200 (and the 4,320 of the lattice).
		if tc.heuristic && (rep.NodesEvaluated > 150 || rep.Optimum.DMStar != 55170356) {
			t.Errorf("heuristic: %d nodes, DM* %d", rep.NodesEvaluated, rep.Optimum.DMStar)
		}
	}
}

// TestSuggestHTML: suggest writes a self-contained HTML report with the
// before/after table and plots and the Pareto front.
func TestSuggestHTML(t *testing.T) {
	in := "age,city\n31,Paris\n33,Paris\n35,Lyon\n38,Lyon\n41,Paris\n44,Lyon\n47,Paris\n49,Lyon\n"
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), env{strings.NewReader(in), &stdout, &stderr},
		[]string{"suggest", "-", "--qi", "age,city", "--auto-hierarchies", "--k", "2", "--format", "html"})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	h := stdout.String()
	for _, want := range []string{"<html", "Suggested generalisation", "plot-before-after", "plot-pareto", "<svg"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(h, "<script") {
		t.Error("HTML holds a script")
	}
}

// TestApplyBadTransform: a transform that is not JSON is an input error
// naming the file.
func TestApplyBadTransform(t *testing.T) {
	dir := t.TempDir()
	tf := filepath.Join(dir, "t.json")
	if err := os.WriteFile(tf, []byte("abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), env{strings.NewReader("a\n1\n"), &stdout, &stderr},
		[]string{"apply", "-", "--transform", tf, "--out", filepath.Join(dir, "o.csv")})
	if code != 1 || !strings.Contains(stderr.String(), tf+": invalid character") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// TestSuggestHierarchyMissingValue: a value the hierarchy lacks is an
// input error naming the hierarchy file, the value and the column.
func TestSuggestHierarchyMissingValue(t *testing.T) {
	dir := t.TempDir()
	hf := filepath.Join(dir, "city.csv")
	if err := os.WriteFile(hf, []byte("Paris;*\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), env{strings.NewReader("city\nParis\nLyon\n"), &stdout, &stderr},
		[]string{"suggest", "-", "--qi", "city", "--hierarchy", "city=" + hf, "--k", "2"})
	if want := hf + `: 1 of the 2 distinct values of column "city" are not in the hierarchy`; code != 1 || !strings.Contains(stderr.String(), want) {
		t.Errorf("exit %d, stderr %q, want %q", code, stderr.String(), want)
	}
}
