package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// adultHierarchyArgs returns --hierarchy COLUMN=FILE for each column, with
// the ARX hierarchies of testdata/adult.
func adultHierarchyArgs(cols ...string) []string {
	var args []string
	for _, c := range cols {
		args = append(args, "--hierarchy", c+"="+filepath.Join("..", "..", "testdata", "adult", "adult_hierarchy_"+c+".csv"))
	}
	return args
}

// TestSuggestARXBenchmarkPolicy runs ARX's benchmark policy on Adult from
// the command line: 5-anonymity, recursive (4,3)-diversity and
// 0.2-closeness of occupation with its hierarchy as ground distance, no
// suppression, DM*. ARX 3.x's optimum: age 4, education 3, marital-status
// 1, native-country 2, race 1, salary-class 1, sex 0, workclass 2, DM*
// 290,180,796.
func TestSuggestARXBenchmarkPolicy(t *testing.T) {
	args := []string{"suggest", adultCSV, "--delimiter", ";", "--qi", adultQI, "--sensitive", "occupation",
		"--k", "5", "--l", "3", "--l-variant", "recursive", "--c", "4", "--t", "0.2", "--t-distance", "hierarchical",
		"--max-suppression", "0", "--metric", "dm_star", "--format", "json"}
	args = append(args, adultHierarchyArgs(append(strings.Split(adultQI, ","), "occupation")...)...)
	code, out, errs := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Optimal bool `json:"optimal"`
		Policy  struct {
			TDistance string `json:"t_distance"`
		} `json:"policy"`
		Optimum struct {
			Levels     map[string]int `json:"levels"`
			DMStar     int64          `json:"dm_star"`
			Suppressed int64          `json:"suppressed"`
		} `json:"optimum"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]int{"age": 4, "education": 3, "marital-status": 1, "native-country": 2, "race": 1, "salary-class": 1, "sex": 0, "workclass": 2}
	o := rep.Optimum
	if !rep.Optimal || o.DMStar != 290180796 || o.Suppressed != 0 || len(o.Levels) != len(want) || rep.Policy.TDistance != "hierarchical" {
		t.Errorf("optimal %v, policy t_distance %q, optimum %+v; want DM* 290180796", rep.Optimal, rep.Policy.TDistance, o)
	}
	for q, l := range want {
		if o.Levels[q] != l {
			t.Errorf("level of %s = %d, want %d", q, o.Levels[q], l)
		}
	}
}

// TestSuggestAlpha: on Adult with 5-anonymity alone the optimum (DM*
// 55,170,356) holds a class where one occupation has a share of 0.3125;
// with --alpha 0.3 the optimum generalises marital-status one level more
// (DM* 97,868,020), and its output, re-analysed, has α ≤ 0.3.
func TestSuggestAlpha(t *testing.T) {
	dir := t.TempDir()
	base := []string{"suggest", adultCSV, "--delimiter", ";", "--qi", adultQI, "--sensitive", "occupation",
		"--k", "5", "--metric", "dm_star", "--format", "json", "--quiet"}
	base = append(base, adultHierarchyArgs(strings.Split(adultQI, ",")...)...)
	type report struct {
		Optimum struct {
			Levels map[string]int `json:"levels"`
			DMStar int64          `json:"dm_star"`
		} `json:"optimum"`
	}
	var kOnly, withAlpha report
	for _, tc := range []struct {
		extra []string
		rep   *report
	}{{nil, &kOnly}, {[]string{"--alpha", "0.3", "--out", filepath.Join(dir, "out.csv")}, &withAlpha}} {
		code, out, errs := runCLI(t, "", append(base, tc.extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.extra, code, errs)
		}
		if err := json.Unmarshal([]byte(out), tc.rep); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
	}
	if kOnly.Optimum.DMStar != 55170356 || withAlpha.Optimum.DMStar != 97868020 || withAlpha.Optimum.Levels["marital-status"] != 2 {
		t.Errorf("DM* without α %d, with α %d at %v; want 55170356 and 97868020 with marital-status 2", kOnly.Optimum.DMStar, withAlpha.Optimum.DMStar, withAlpha.Optimum.Levels)
	}
	code, out, errs := runCLI(t, "", "analyze", filepath.Join(dir, "out.csv"), "--qi", adultQI, "--sensitive", "occupation", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, errs)
	}
	var an struct {
		AlphaK struct {
			Alpha float64 `json:"alpha"`
			K     int64   `json:"k"`
		} `json:"alpha_k"`
	}
	if err := json.Unmarshal([]byte(out), &an); err != nil {
		t.Fatal(err)
	}
	if an.AlphaK.Alpha > 0.3 || an.AlphaK.Alpha <= 0 || an.AlphaK.K < 5 {
		t.Errorf("analyze of the output: alpha_k %+v, want α ≤ 0.3 and k ≥ 5", an.AlphaK)
	}
}

func TestSuggestCriteriaUsage(t *testing.T) {
	h := adultHierarchyArgs("age")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--qi", "age", "--k", "2", "--alpha", "1.5", "--sensitive", "occupation"}, "--alpha 1.5"},
		{[]string{"--qi", "age", "--alpha", "0.5"}, "--alpha needs --sensitive"},
		{[]string{"--qi", "age", "--sensitive", "occupation", "--t", "0.2", "--t-distance", "hierarchical"}, `no --hierarchy for sensitive column "occupation"`},
		{append([]string{"--qi", "age", "--sensitive", "sex", "--t", "0.2"}, adultHierarchyArgs("sex")...), "used only with --t-distance hierarchical"},
		{append([]string{"--qi", "age", "--k", "2"}, adultHierarchyArgs("sex")...), `"sex" is not in --qi or --sensitive`},
		{[]string{"--qi", "age", "--sensitive", "sex", "--t", "0.2", "--t-distance", "tree"}, "want equal, ordered or hierarchical"},
	} {
		args := append(append([]string{"suggest", adultCSV, "--delimiter", ";"}, h...), tc.args...)
		if code, _, errs := runCLI(t, "", args...); code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, stderr %q, want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}
