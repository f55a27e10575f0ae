package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// setsCSV: s1 {a,b,c} s2 {a,b} s3 {a,b} (a twice) s4 {a,""} s5 {c}
// s6 {b,""}; supports a 4, b 4, c 2, "" 2; ab 3, other pairs 1; abc 1.
const setsCSV = `account,device,minutes
s1,a,1
s1,b,2
s1,c,3
s2,b,4
s2,a,5
s3,a,6
s3,b,7
s3,a,8
s4,a,9
s4,,10
s5,c,11
s6,,13
s6,b,14
`

// TestSetsCLIJSON pins the JSON field names and their values on the
// hand-computed table.
func TestSetsCLIJSON(t *testing.T) {
	path := writeFile(t, "sets.csv", setsCSV)
	code, out, errs := runCLI(t, "", "sets", path, "--subject", "account", "--item", "device", "--k", "3", "--m", "3", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	v := loadSchema(t, "../../schema/sets-report.schema.json")
	if errs := v.validate([]byte(out)); len(errs) > 0 {
		t.Errorf("schema: %v", errs)
	}
	if errs := v.validate([]byte(strings.Replace(out, `"k_m_anonymous"`, `"km_anonymous"`, 1))); len(errs) == 0 {
		t.Error("schema accepted km_anonymous")
	}
	want := map[string]any{"subjects": 6.0, "items": 4.0, "m": 3.0, "k": 3.0, "subjects_in_violations": 4.0, "k_m_anonymous": false,
		"rows": 13.0, "rows_without_subject": 0.0, "duplicate_rows": 1.0, "min_support": 1.0}
	for f, v := range want {
		if r[f] != v {
			t.Errorf("%s = %v, want %v", f, r[f], v)
		}
	}
	by, _ := r["violating_itemsets_by_size"].(map[string]any)
	if by["1"] != 2.0 || by["2"] != 4.0 || by["3"] != 1.0 || len(by) != 3 {
		t.Errorf("violating_itemsets_by_size %v, want {1: 2, 2: 4, 3: 1}", r["violating_itemsets_by_size"])
	}
	if _, ok := r["smallest_violating_itemsets"]; ok {
		t.Error("item values reported without --show-values")
	}
	// With --show-values, from standard input.
	code, out, errs = runCLI(t, setsCSV, "sets", "-", "--subject", "account", "--item", "device", "--k", "3", "--format", "json", "--show-values")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s struct {
		Smallest []struct {
			Items    []string `json:"items"`
			Subjects int      `json:"subjects"`
		} `json:"smallest_violating_itemsets"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Smallest) != 6 || !slices.Equal(s.Smallest[0].Items, []string{"c"}) || s.Smallest[0].Subjects != 2 ||
		!slices.Equal(s.Smallest[5].Items, []string{"b", ""}) || s.Smallest[5].Subjects != 1 {
		t.Errorf("smallest_violating_itemsets %+v", s.Smallest)
	}
	// --null: a null subject's row is skipped and counted; a null item is
	// a value (NULL), like the empty one it replaces here.
	withNull := setsCSV + "NA,c,15\ns6,NA,16\n"
	code, out, errs = runCLI(t, "", "sets", writeFile(t, "null.csv", withNull), "--subject", "account", "--item", "device",
		"--k", "3", "--null", "NA", "--format", "json", "--show-values")
	if code != 0 {
		t.Fatalf("--null: exit %d: %s", code, errs)
	}
	var n map[string]any
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		t.Fatal(err)
	}
	// s6 {b, "", NULL}: NULL is held by s6 alone, so 3 violating items.
	if n["rows"] != 15.0 || n["rows_without_subject"] != 1.0 || n["subjects"] != 6.0 || n["items"] != 5.0 ||
		n["violating_itemsets_by_size"].(map[string]any)["1"] != 3.0 || !strings.Contains(out, `"NULL"`) {
		t.Errorf("--null NA: %s", out)
	}
}

// TestSetsCLISafe: the suggestion at level 1 is written, saved, applied
// again with --transform, and the output measured again meets k^m.
func TestSetsCLISafe(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, "sets.csv", setsCSV)
	hier := writeFile(t, "device.csv", "a;ab;*\nb;ab;*\nc;cN;*\n;cN;*\n")
	out, tr, out2 := filepath.Join(dir, "out.csv"), filepath.Join(dir, "t.json"), filepath.Join(dir, "out2.csv")
	code, js, errs := runCLI(t, "", "sets", path, "--subject", "account", "--item", "device", "--k", "3", "--show-values",
		"--hierarchy", "device="+hier, "--max-suppression", "0.1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if errs := loadSchema(t, "../../schema/sets-report.schema.json").validate([]byte(js)); len(errs) > 0 {
		t.Errorf("schema of a suggestion: %v", errs)
	}
	code, text, errs := runCLI(t, "", "sets", path, "--subject", "account", "--item", "device", "--k", "3",
		"--hierarchy", "device="+hier, "--max-suppression", "0.1", "--out", out, "--save-transform", tr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(text, "items at level 1") || !strings.Contains(text, "NCP = 0.5000") {
		t.Errorf("text report:\n%s", text)
	}
	code, _, errs = runCLI(t, "", "sets", path, "--subject", "account", "--item", "device", "--transform", tr, "--out", out2)
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errs)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(out2)
	if string(a) != string(b) || strings.Count(string(a), ",ab,") != 9 || strings.Count(string(a), ",cN,") != 4 {
		t.Errorf("written tables differ or are wrong:\n%s\n%s", a, b)
	}
	code, text, _ = runCLI(t, "", "sets", out, "--subject", "account", "--item", "device", "--k", "3", "--format", "json")
	if code != 0 || !strings.Contains(text, `"k_m_anonymous": true`) {
		t.Errorf("re-measured (exit %d):\n%s", code, text)
	}
	// Not met: exit 3 with the report, nothing written.
	out3 := filepath.Join(dir, "out3.csv")
	code, _, errs = runCLI(t, "", "sets", path, "--subject", "account", "--item", "device", "--k", "7", "--max-suppression", "0.1", "--out", out3)
	if _, err := os.Stat(out3); code != 3 || err == nil || !strings.Contains(errs, "no item recoding meets") {
		t.Errorf("k=7: exit %d, %s written: %v", code, out3, errs)
	}
	code, html, _ := runCLI(t, "", "sets", path, "--subject", "account", "--item", "device", "--format", "html", "--hierarchy", "device="+hier)
	if code != 0 || !strings.Contains(html, "reidrisk sets report") || !strings.Contains(html, "<svg") {
		t.Errorf("html: exit %d", code)
	}
}

func TestSetsCLIErrors(t *testing.T) {
	path := writeFile(t, "sets.csv", setsCSV)
	for _, c := range []struct {
		code int
		args []string
		msg  string
	}{
		{2, []string{"--item", "device"}, "--subject and --item are required"},
		{2, []string{"--subject", "account", "--item", "account"}, "given to both"},
		{2, []string{"--subject", "account", "--item", "device", "--m", "4"}, "--m 4"},
		{2, []string{"--subject", "account", "--item", "device", "--k", "0"}, "--k 0"},
		{2, []string{"--subject", "account", "--item", "device", "--hierarchy", "account=x.csv"}, "only the item column"},
		{2, []string{"--subject", "account", "--item", "device", "--out", "x.csv"}, "--out needs"},
		{2, []string{"--subject", "account", "--item", "device", "--max-suppression", "2"}, "--max-suppression 2"},
		{1, []string{"--subject", "account", "--item", "nosuch"}, "nosuch"},
	} {
		code, _, errs := runCLI(t, "", append([]string{"sets", path}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.msg) {
			t.Errorf("%q: exit %d %q, want %d and %q", c.args, code, errs, c.code, c.msg)
		}
	}
}

// TestSetsCLIBruteForce: `reidrisk sets` on a seeded CSV of 20,000 accounts
// (rows in shuffled order, repeated items, a null item NA, rows without an
// account) equals a plain count of every subset of every set.
func TestSetsCLIBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(20000, 14))
	z := rand.NewZipf(rng, 1.2, 2, 1999)
	type row struct{ account, device string }
	var rows []row
	for a := range 20000 {
		for range 1 + rng.IntN(7) {
			d := fmt.Sprintf("d%d", z.Uint64())
			if d == "d7" {
				d = "NA"
			}
			rows = append(rows, row{fmt.Sprintf("u%d", a), d})
		}
	}
	for range 50 {
		rows = append(rows, row{"NA", "d1"})
	}
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	var b strings.Builder
	b.WriteString("account,device\n")
	sets := map[string]map[string]bool{}
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s\n", r.account, r.device)
		if r.account == "NA" {
			continue
		}
		if sets[r.account] == nil {
			sets[r.account] = map[string]bool{}
		}
		sets[r.account][r.device] = true
	}
	// Brute force: support of every subset of ≤ 3 items, as sorted tuples.
	support := map[[3]string]int{}
	subsets := map[string][][3]string{}
	for acc, set := range sets {
		items := slices.Sorted(maps.Keys(set))
		for i, x := range items {
			support[[3]string{x}]++
			subsets[acc] = append(subsets[acc], [3]string{x})
			for j := i + 1; j < len(items); j++ {
				key := [3]string{x, items[j]}
				support[key]++
				subsets[acc] = append(subsets[acc], key)
				for _, y := range items[j+1:] {
					key := [3]string{x, items[j], y}
					support[key]++
					subsets[acc] = append(subsets[acc], key)
				}
			}
		}
	}
	const k = 5
	want := map[string]float64{"1": 0, "2": 0, "3": 0}
	for key, n := range support {
		if n < k {
			size := 1
			for _, v := range key[1:] {
				if v != "" {
					size++
				}
			}
			want[strconv.Itoa(size)]++
		}
	}
	inViolation := 0
	for _, keys := range subsets {
		for _, key := range keys {
			if support[key] < k {
				inViolation++
				break
			}
		}
	}
	code, out, errs := runCLI(t, "", "sets", writeFile(t, "gen.csv", b.String()), "--subject", "account", "--item", "device",
		"--m", "3", "--k", "5", "--null", "NA", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		Subjects  int                `json:"subjects"`
		Skipped   int                `json:"rows_without_subject"`
		BySize    map[string]float64 `json:"violating_itemsets_by_size"`
		InViol    int                `json:"subjects_in_violations"`
		Anonymous bool               `json:"k_m_anonymous"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	t.Logf("brute force: violating %v, %d subjects in violations", want, inViolation)
	if r.Subjects != 20000 || r.Skipped != 50 || !maps.Equal(r.BySize, want) || r.InViol != inViolation || r.Anonymous ||
		want["1"] == 0 || want["3"] == 0 {
		t.Errorf("reidrisk sets: %d subjects, %d skipped, violating %v, %d in violations; brute force 20000, 50, %v, %d",
			r.Subjects, r.Skipped, r.BySize, r.InViol, want, inViolation)
	}
}
