package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readCSV reads a whole CSV file with delimiter d.
func readCSV(t *testing.T, path string, d rune) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = d
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestSuppressAdultCommand runs the command on Adult: every row
// and every non-QI value is kept, the blanks the report counts are the
// "*" cells in the output, and every record checked matches at least 3
// records with * as a wildcard — by comparing it with every row of the
// output (all blanked rows and every 50th other row are checked).
func TestSuppressAdultCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join("..", "..", "testdata", "adult", "adult.csv")
	out := filepath.Join(dir, "out.csv")
	qi := []string{"age", "sex", "race", "marital-status", "education"}
	var stdout, stderr bytes.Buffer
	args := []string{"suppress", in, "--delimiter", ";", "--qi", strings.Join(qi, ","), "--k", "3", "--out", out, "--format", "json"}
	if code := run(context.Background(), env{nil, &stdout, &stderr}, args); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"rows", "suppressed_cells", "suppressed_by_column", "records_touched", "k_after", "k_before", "k", "importance", "k_counted_in", "null_rule", "input_star_cells", "written"} {
		if _, ok := rep[f]; !ok {
			t.Errorf("no JSON field %q in %s", f, stdout.String())
		}
	}
	// sdcMicro 5.8.1 blanks 5,101 cells here (issue 14).
	if rep["rows"] != 30162.0 || rep["suppressed_cells"] != 1044.0 || rep["records_touched"] != 1039.0 || rep["k_after"] != 3.0 ||
		rep["k_before"] != 1.0 || rep["written"] != 30162.0 || rep["k_counted_in"] != "rows" {
		t.Fatalf("report %s", stdout.String())
	}
	byCol := rep["suppressed_by_column"].(map[string]any)
	if byCol["age"] != 906.0 || byCol["sex"] != 0.0 || byCol["race"] != 13.0 || byCol["marital-status"] != 35.0 || byCol["education"] != 90.0 {
		t.Errorf("by column %v", byCol)
	}
	orig := readCSV(t, in, ';')
	got := readCSV(t, out, ',')
	if len(got) != len(orig) || !slices.Equal(got[0], orig[0]) {
		t.Fatalf("%d lines, header %v; want %d, %v", len(got), got[0], len(orig), orig[0])
	}
	isQI := make([]bool, len(orig[0]))
	var qcols []int
	for i, h := range orig[0] {
		if slices.Contains(qi, h) {
			isQI[i] = true
			qcols = append(qcols, i)
		}
	}
	stars, touched := 0, 0
	var check []int
	for r := 1; r < len(got); r++ {
		n := 0
		for i := range got[r] {
			switch {
			case isQI[i] && got[r][i] == "*":
				n++
			case got[r][i] != orig[r][i]:
				t.Fatalf("line %d column %s: %q, was %q", r+1, orig[0][i], got[r][i], orig[r][i])
			}
		}
		stars += n
		if n > 0 {
			touched++
		}
		if n > 0 || r%50 == 0 {
			check = append(check, r)
		}
	}
	if stars != 1044 || touched != 1039 {
		t.Fatalf("%d * cells in %d rows of the output", stars, touched)
	}
	for _, r := range check {
		matches := 0
		for s := 1; s < len(got); s++ {
			ok := true
			for _, i := range qcols {
				if a, b := got[r][i], got[s][i]; a != "*" && b != "*" && a != b {
					ok = false
					break
				}
			}
			if ok {
				matches++
			}
		}
		if matches < 3 {
			t.Fatalf("line %d matches %d records", r+1, matches)
		}
	}
}

// TestSuppressCommand checks the text and HTML reports, subjects, the
// impossible case and bad usage on a small table.
func TestSuppressCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	data := "acct,a,b,n\np,x,1,10\nq,x,1,11\nr,x,2,12\ns,y,2,13\n"
	if err := os.WriteFile(in, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	exec := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), env{nil, &stdout, &stderr}, append([]string{"suppress", in}, args...))
		return code, stdout.String(), stderr.String()
	}
	out := filepath.Join(dir, "out.csv")
	// Hand-computed in generalize's TestLocalSuppressHand: b most
	// important, (x,2) becomes (*,2).
	code, text, errs := exec("--qi", "a,b", "--k", "2", "--importance", "b", "--out", out)
	if code != 0 || !strings.Contains(text, "blanked 1 cells in 1 records") || !strings.Contains(text, "importance (blanked last first): b, a") {
		t.Fatalf("exit %d: %s%s", code, text, errs)
	}
	if b, _ := os.ReadFile(out); string(b) != "acct,a,b,n\np,x,1,10\nq,x,1,11\nr,*,2,12\ns,y,2,13\n" {
		t.Errorf("output %q", b)
	}
	code, html, errs := exec("--qi", "a,b", "--k", "2", "--format", "html")
	if code != 0 || !strings.Contains(html, "Local suppression") || !strings.Contains(html, "1 cells blanked in 1 of 4 records") {
		t.Errorf("html: exit %d %s %s", code, errs, html)
	}
	code, js, errs := exec("--qi", "a,b", "--k", "4", "--subject", "acct", "--format", "json")
	var rep struct {
		KAfter     int64  `json:"k_after"`
		KCountedIn string `json:"k_counted_in"`
		Cells      int64  `json:"suppressed_cells"`
	}
	if err := json.Unmarshal([]byte(js), &rep); code != 0 || err != nil || rep.KAfter < 4 || rep.KCountedIn != "subjects" {
		t.Errorf("subjects: exit %d %v %s %s", code, err, js, errs)
	}
	// A "*" already in the data is an ordinary value, counted and warned of.
	starred := filepath.Join(dir, "star.csv")
	if err := os.WriteFile(starred, []byte("a,b\n*,1\n*,1\nx,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var so, se bytes.Buffer
	if code := run(context.Background(), env{nil, &so, &se}, []string{"suppress", starred, "--qi", "a,b", "--k", "1"}); code != 0 ||
		!strings.Contains(so.String(), "warning: 2 QI cells already held *") {
		t.Errorf("literal *: exit %d: %s%s", code, so.String(), se.String())
	}
	if code, _, errs := exec("--qi", "a,b", "--k", "5"); code != 3 || !strings.Contains(errs, "not met") {
		t.Errorf("k above the table: exit %d %s", code, errs)
	}
	for _, bad := range [][]string{
		{"--qi", "a,b"},
		{"--qi", "a,b", "--k", "2", "--importance", "c"},
		{"--qi", "a,b", "--k", "2", "--importance", "a,a"},
		{"--k", "2"},
		{"--qi", "a,b", "--k", "2", "--out", filepath.Join(dir, "out.xyz")},
	} {
		if code, _, errs := exec(bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", bad, code, errs)
		}
	}
}

// TestSuggestLocalSuppression runs suggest --local-suppression on Adult
// (k = 3, at most 0.2% of the QI cells blanked): the optimum is the node
// generalize's TestSearchLocalSuppression pins, every row is written, and
// the output holds as many * cells as the report's blanks; apply with the
// saved transform writes the same table; --l with --local-suppression is
// a usage error.
func TestSuggestLocalSuppression(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join("..", "..", "testdata", "adult", "adult.csv")
	out := filepath.Join(dir, "out.csv")
	qi := []string{"age", "sex", "race", "marital-status", "education"}
	args := []string{"suggest", in, "--delimiter", ";", "--qi", strings.Join(qi, ","), "--k", "3", "--local-suppression",
		"--max-suppression", "0.002", "--metric", "loss", "--format", "json", "--out", out, "--save-transform", filepath.Join(dir, "t.json")}
	for _, q := range qi {
		args = append(args, "--hierarchy", q+"="+filepath.Join("..", "..", "testdata", "adult", "adult_hierarchy_"+q+".csv"))
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), env{nil, &stdout, &stderr}, args); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep struct {
		Policy struct {
			Local bool `json:"local_suppression"`
		} `json:"policy"`
		Optimum struct {
			Levels     map[string]int `json:"levels"`
			Suppressed int64          `json:"suppressed"`
			Cells      int64          `json:"suppressed_cells"`
		} `json:"optimum"`
		Output struct {
			Written    int64 `json:"written"`
			Suppressed int64 `json:"suppressed"`
			Cells      int64 `json:"suppressed_cells"`
			K          int64 `json:"k"`
			Within     bool  `json:"within_limit"`
		} `json:"output"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	o := rep.Optimum
	if !rep.Policy.Local || o.Cells != 259 || o.Suppressed != 0 || o.Levels["age"] != 1 || o.Levels["education"] != 2 || o.Levels["race"] != 0 ||
		rep.Output.Written != 30162 || rep.Output.Suppressed != 0 || rep.Output.Cells != 259 || rep.Output.K < 3 || !rep.Output.Within {
		t.Fatalf("report %s", stdout.String())
	}
	stars := 0
	for _, row := range readCSV(t, out, ',')[1:] {
		for _, v := range row {
			if v == "*" {
				stars++
			}
		}
	}
	if stars != 259 {
		t.Errorf("%d * cells in the output, want 259", stars)
	}
	// apply with the saved transform blanks the same cells.
	again := filepath.Join(dir, "again.csv")
	if code := run(context.Background(), env{nil, &stdout, &stderr}, []string{"apply", in, "--delimiter", ";",
		"--transform", filepath.Join(dir, "t.json"), "--out", again}); code != 0 {
		t.Fatalf("apply: exit %d: %s", code, stderr.String())
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) || !strings.Contains(stdout.String(), "259 QI cells blanked") {
		t.Errorf("apply wrote another table (%d and %d bytes): %s", len(a), len(b), stdout.String())
	}
	stderr.Reset()
	bad := append(slices.Clone(args), "--l", "2", "--sensitive", "occupation")
	if code := run(context.Background(), env{nil, &stdout, &stderr}, bad); code != 2 || !strings.Contains(stderr.String(), "--local-suppression: supports k (in records or subjects) as the only criterion") {
		t.Errorf("--local-suppression with --l: exit %d, want 2: %s", code, stderr.String())
	}
}
