package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/stretchr/testify/require"
)

const adultCSV = "../../testdata/adult/adult.csv"

var adultQI = "age,education,marital-status,native-country,race,salary-class,sex,workclass"

// runCLI runs one command line in-process and returns its exit status,
// standard output and standard error.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), env{strings.NewReader(stdin), &out, &errb}, args)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAnalyzeAdult checks the figures pyCANON, sdcMicro, DuckDB and Polars
// give on UCI Adult with these eight QIs, and the JSON against the schema.
func TestAnalyzeAdult(t *testing.T) {
	code, out, errs := runCLI(t, "", "analyze", adultCSV, "--qi", adultQI, "--delimiter", ";", "--sensitive", "occupation",
		"--hierarchy", "occupation=../../testdata/adult/adult_hierarchy_occupation.csv", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r reidrisk.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"rows", r.Rows, 30162},
		{"classes", r.Classes, 12458},
		{"sample_uniques", r.SampleUniques, 8841},
		{"records_in_classes_below_k[5]", r.RecordsInClassesBelowK[5], 15353},
		{"k", r.K, 1},
		{"l_diversity.distinct", r.LDiversity.Distinct, 1},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if got := float64(r.Prosecutor.Average); math.Abs(got-0.4130363) > 1e-7 {
		t.Errorf("prosecutor.average = %.9f, want 0.4130363", got)
	}
	if got := float64(r.TCloseness.Equal); math.Abs(got-0.9997016) > 1e-7 {
		t.Errorf("t_closeness.equal = %.9f, want 0.9997016 (pyCANON)", got)
	}
	// occupation is nominal text: its ordered distance uses byte order
	// (0.5415500, recomputed independently in Python) and says so.
	if got := float64(r.TCloseness.Ordered); math.Abs(got-0.54155) > 1e-5 || r.TCloseness.OrderedBy != reidrisk.OrderedLexicographic {
		t.Errorf("t_closeness.ordered = %.7f by %q, want 0.54155 by lexicographic", got, r.TCloseness.OrderedBy)
	}
	if h := r.TCloseness.Hierarchical; h == nil || math.Abs(float64(*h)-0.8296532) > 1e-7 {
		t.Errorf("t_closeness.hierarchical = %v, want 0.8296532 (ARX hierarchy; docs/metrics_privacy.md)", h)
	}
	if got := float64(r.LDiversity.Entropy); got != 1 {
		t.Errorf("l_diversity.entropy = %g, want 1", got)
	}
	if !strings.Contains(out, `"recursive_c": "Infinity"`) {
		t.Errorf("recursive_c is not written as \"Infinity\" (a class has one occupation):\n%s", out)
	}
	if keys := r.RecordsInClassesBelowK.Keys(); len(keys) != 4 { // 2, 3, 5, 10; --k 5 is among them
		t.Errorf("records_in_classes_below_k keys %v, want 2 3 5 10", keys)
	}
	v := loadSchema(t, "../../schema/analyze-report.schema.json")
	if errs := v.validate([]byte(out)); len(errs) > 0 {
		t.Errorf("JSON does not match the schema:\n%s", strings.Join(errs, "\n"))
	}
}

// TestAnalyzeSmall pins the text and JSON of a hand-computed table:
// classes (a,x)×3, (a,y)×1, (b,x)×2.
func TestAnalyzeSmall(t *testing.T) {
	csv := "id,q1,q2,s\nu1,a,x,s1\nu1,a,x,s2\nu2,a,x,s1\nu3,a,y,s1\nu4,b,x,s2\nu4,b,x,s2\n"
	p := writeFile(t, "small.csv", csv)
	code, out, errs := runCLI(t, "", "analyze", p, "--qi", "q1,q2", "--subject", "id", "--sensitive", "s", "--k", "3", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r reidrisk.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Rows != 6 || r.Classes != 3 || r.K != 1 || r.SampleUniques != 1 {
		t.Errorf("rows %d classes %d k %d uniques %d, want 6 3 1 1", r.Rows, r.Classes, r.K, r.SampleUniques)
	}
	if want := (reidrisk.Counts{1: 1, 2: 1, 3: 1}); !equalCounts(r.ClassSizeHistogram, want) {
		t.Errorf("class_size_histogram %v, want %v", r.ClassSizeHistogram, want)
	}
	// below 2: the unique row; below 3: + the pair; below 5 and 10: all 6.
	if want := (reidrisk.Counts{2: 1, 3: 3, 5: 6, 10: 6}); !equalCounts(r.RecordsInClassesBelowK, want) {
		t.Errorf("records_in_classes_below_k %v, want %v", r.RecordsInClassesBelowK, want)
	}
	// average = classes/rows = 3/6; at risk (1/|E| > 0.2): all 6 rows.
	if p := r.Prosecutor; p.Highest != 1 || p.Average != 0.5 || p.RecordsAtRisk != 1 || p.RiskThreshold != 0.2 {
		t.Errorf("prosecutor %+v", p)
	}
	// subjects: class (a,x) has u1,u2; (a,y) u3; (b,x) u4 (two rows, one person).
	if *r.KSubjects != 1 || *r.Subjects != 4 || *r.SubjectsSingledOut != 2 || *r.SubjectsInSeveralClasses != 0 {
		t.Errorf("k_subjects %d subjects %d singled out %d several %d, want 1 4 2 0",
			*r.KSubjects, *r.Subjects, *r.SubjectsSingledOut, *r.SubjectsInSeveralClasses)
	}
	// classes (a,y) and (b,x) hold one sensitive value each.
	if r.LDiversity.Distinct != 1 {
		t.Errorf("distinct l %d, want 1", r.LDiversity.Distinct)
	}
	if r.Policy.Satisfied == nil || *r.Policy.Satisfied || r.Policy.Failed[0] != "k=3 (subjects)" {
		t.Errorf("policy %+v, want k=3 (subjects) failed", r.Policy)
	}
	for _, secret := range []string{"u1", "u2", "u3", "u4"} {
		if strings.Contains(out, secret) {
			t.Errorf("JSON shows subject value %q without --show-values", secret)
		}
	}
	code, text, _ := runCLI(t, "", "analyze", p, "--qi", "q1,q2", "--subject", "id")
	if code != 0 {
		t.Fatal(text)
	}
	for _, want := range []string{
		"6 rows, 3 equivalence classes over 2 quasi-identifiers",
		"k = 1 (the smallest class holds 1 row); k_subjects = 1 (the fewest people in a class)",
		"policy k = 5 counted in subjects (people, not rows): NOT met",
		"1 row (16.7%) is unique",
		"4 subjects in all; k_subjects = 1",
		"2 (50.0%) are alone in at least one class",
		"highest 1, average 0.5; 100.0% of rows have risk above 0.2",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"u1", "u2", "u3", "u4"} {
		if strings.Contains(text, secret) {
			t.Errorf("text shows subject value %q", secret)
		}
	}
	// --show-values lists the smallest classes with their QI values, still no subject values.
	_, shown, _ := runCLI(t, "", "analyze", p, "--qi", "q1,q2", "--subject", "id", "--show-values")
	if !strings.Contains(shown, "1 row   q1=a q2=y") || strings.Contains(shown, "u3") {
		t.Errorf("--show-values text:\n%s", shown)
	}
}

// TestAnalyzeSubjectK is the reviewer's table: account u1 has 5 rows with
// q = a, accounts u2 and u3 one row each with q = b. In rows the smallest
// class has 2 rows (k = 2); in people the class q = a holds one account
// (k_subjects = 1), so with --subject the policy k = 2 is not met.
func TestAnalyzeSubjectK(t *testing.T) {
	p := writeFile(t, "subj.csv", "acct,q\nu1,a\nu1,a\nu1,a\nu1,a\nu1,a\nu2,b\nu3,b\n")
	code, out, errs := runCLI(t, "", "analyze", p, "--subject", "acct", "--qi", "q", "--k", "2", "--format", "json")
	require.Equal(t, 0, code, errs)
	var r reidrisk.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, int64(7), r.Rows)
	require.Equal(t, int64(2), r.K)
	require.NotNil(t, r.KSubjects)
	require.Equal(t, int64(1), *r.KSubjects)
	require.Equal(t, reidrisk.KSubjects, r.Policy.KCountedIn)
	require.NotNil(t, r.Policy.Satisfied)
	require.False(t, *r.Policy.Satisfied, "k_subjects = 1 < 2: the policy must fail")
	require.Equal(t, []string{"k=2 (subjects)"}, r.Policy.Failed)
	v := loadSchema(t, "../../schema/analyze-report.schema.json")
	require.Empty(t, v.validate([]byte(out)))

	code, text, errs := runCLI(t, "", "analyze", p, "--subject", "acct", "--qi", "q", "--k", "2")
	require.Equal(t, 0, code, errs)
	require.Contains(t, text, "policy k = 2 counted in subjects (people, not rows): NOT met")
	require.Contains(t, text, "Policy NOT met: k=2 (subjects)")
	require.Contains(t, text, "Counted in people the highest risk is 1/k_subjects = 1:")
	require.NotContains(t, text, "u1")

	// Without --subject the same table meets k = 2 in rows, and says so.
	code, out, errs = runCLI(t, "", "analyze", p, "--qi", "q", "--k", "2", "--format", "json")
	require.Equal(t, 0, code, errs)
	r = reidrisk.Report{}
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, reidrisk.KRows, r.Policy.KCountedIn)
	require.True(t, *r.Policy.Satisfied)
	_, text, _ = runCLI(t, "", "analyze", p, "--qi", "q", "--k", "2")
	require.Contains(t, text, "policy k = 2 (rows) met")
}

func equalCounts(a, b reidrisk.Counts) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestAnalyzeStdin(t *testing.T) {
	code, out, errs := runCLI(t, "q,r\n1,2\n1,2\n3,4\n", "analyze", "-", "--qi", "q", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r reidrisk.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Rows != 3 || r.Classes != 2 || r.SampleUniques != 1 {
		t.Errorf("rows %d classes %d uniques %d, want 3 2 1", r.Rows, r.Classes, r.SampleUniques)
	}
}

// TestAnalyzeBadInput: each mistake gives its exit status and an error
// naming the file, row and column, never a panic.
func TestAnalyzeBadInput(t *testing.T) {
	ok := writeFile(t, "ok.csv", "a,b\n1,2\n")
	for _, tc := range []struct {
		name, content string
		args          []string
		code          int
		want          []string
	}{
		{"ragged.csv", "a,b,c\n1,2,3\n4,5\n", []string{"--qi", "a,b"}, 1, []string{"ragged.csv", "row 2", `column "c"`}},
		{"empty.csv", "", []string{"--qi", "a"}, 1, []string{"empty.csv", "empty"}},
		{"utf8.csv", "a,b\n1,\xff\xfe\n", []string{"--qi", "a,b"}, 1, []string{"utf8.csv", "row 1", `column "b"`, "UTF-8"}},
		{"dup.csv", "a,b,a\n1,2,3\n", []string{"--qi", "a,b"}, 1, []string{"dup.csv", `column "a"`, "twice"}},
		{"", "", []string{ok, "--qi", "a,zz"}, 1, []string{"ok.csv", `"zz"`}},
		{"", "", []string{ok, "--qi", "a", "--k", "0"}, 2, []string{"--k 0"}},
		{"", "", []string{ok, "--qi", "a,a"}, 2, []string{"--qi", `"a"`, "twice"}},
		{"", "", []string{ok}, 2, []string{"--qi is required"}},
		{"", "", []string{"--qi", "a"}, 2, []string{"no input FILE"}},
		{"", "", []string{ok, "--qi", "a", "--format", "xml"}, 2, []string{"--format"}},
		{"", "", []string{ok, "--qi", "a", "--risk-threshold", "1.5"}, 2, []string{"--risk-threshold"}},
		{"", "", []string{ok, "--qi", "a", "--weights", "b", "--sampling-fraction", "0.1"}, 2, []string{"at most one"}},
		{"", "", []string{ok, "--qi", "a", "--records", "r.txt"}, 2, []string{"--records"}},
		{"", "", []string{ok, "--qi", "a", "--hierarchy", "b=h.csv"}, 2, []string{"--hierarchy", `"b" is not a --sensitive column`}},
		{"", "", []string{ok, "--qi", "a", "--hierarchy", "nofile"}, 2, []string{"COLUMN=FILE"}},
		{"", "", []string{filepath.Join(t.TempDir(), "missing.csv"), "--qi", "a"}, 1, []string{"missing.csv"}},
	} {
		args := append([]string{"analyze"}, tc.args...)
		if tc.name != "" {
			args = append([]string{"analyze", writeFile(t, tc.name, tc.content)}, tc.args...)
		}
		code, out, errs := runCLI(t, "", args...)
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args[1:], code, tc.code, errs)
		}
		if out != "" {
			t.Errorf("%q: wrote %q to stdout on error", args[1:], out)
		}
		for _, w := range tc.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%q: stderr %q lacks %q", args[1:], errs, w)
			}
		}
	}
}

// TestAnalyzeOptionFileErrors pins the whole message of errors found
// after loading: weights and population name the flag, the file, the
// 1-based row with its line, the column, and a class by its QI values;
// hierarchies name their file; no "reidrisk: " or "anonymity: " prefix
// follows the command's own.
func TestAnalyzeOptionFileErrors(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	wbad := file("wbad.csv", "w,a\nx,1\n2,2\n")
	// A blank line and a quoted newline before the bad weight: row 2 starts on line 4.
	wml := file("wml.csv", "w,a\n\n2,1\n\"x\ny\",2\n0,3\n")
	wlow := file("wlow.csv", "w,a\n0.5,1\n0.5,2\n0.5,2\n")
	samp := file("samp.csv", "a,b\n1,2\n1,2\n")
	pop := file("pop.csv", "a,b\n1,2\n")
	hs := file("hs.csv", "a,s\n1,x\n1,y\n")
	h := file("h.csv", "x;*\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{wbad, "--qi", "a", "--weights", "w"}, wbad + `: row 1 (line 2), column "w": the weight is not a positive number`},
		{[]string{wml, "--qi", "a", "--weights", "w"}, wml + `: row 2 (line 4), column "w": the weight is not a positive number`},
		{[]string{wlow, "--qi", "a", "--weights", "w"}, `--weights w: class #1 of 2 (first row 1): weights sum to 0.5 over its 1 record: want at least 1 per record`},
		{[]string{samp, "--qi", "a,b", "--population", pop}, "--population " + pop + `: sample class #1 of 1 has 2 records, the population only 1`},
		{[]string{hs, "--qi", "a", "--sensitive", "s", "--hierarchy", "s=" + h}, "--hierarchy s=" + h + `: no row for 1 of the column's 2 distinct values`},
		{[]string{hs, "--qi", "a", "--sensitive", "s", "--hierarchy", "s=" + dir + "/none.csv"}, "--hierarchy s=" + dir + "/none.csv: open " + dir + "/none.csv: no such file or directory"},
	} {
		code, out, errs := runCLI(t, "", append([]string{"analyze"}, tc.args...)...)
		require.Equal(t, 1, code, errs)
		require.Empty(t, out)
		require.Equal(t, "reidrisk analyze: "+tc.want+"\n", errs)
	}
	// From standard input the row is named without a line.
	code, _, errs := runCLI(t, "w,a\nx,1\n", "analyze", "-", "--qi", "a", "--weights", "w")
	require.Equal(t, 1, code)
	require.Equal(t, "reidrisk analyze: stdin: row 1, column \"w\": the weight is not a positive number\n", errs)
}

// TestAnalyzeRecords writes the per-record table as CSV and as Arrow IPC
// and reads it back: one row per input row, in input order.
func TestAnalyzeRecords(t *testing.T) {
	p := writeFile(t, "small.csv", "id,q1,q2\nu1,a,x\nu1,a,x\nu2,a,x\nu3,a,y\nu4,b,x\nu4,b,x\n")
	dir := t.TempDir()
	csvOut := filepath.Join(dir, "risk.csv")
	code, _, errs := runCLI(t, "", "analyze", p, "--qi", "q1,q2", "--subject", "id", "--records", csvOut, "--suda", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(csvOut)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 7 || lines[0] != "row,class,class_size,subjects_in_class,prosecutor_risk,at_risk,suda_score,dis_suda_score" {
		t.Fatalf("records CSV:\n%s", b)
	}
	// row 3 is the unique (a,y): class 1, size 1, one subject, risk 1, at risk.
	if !strings.HasPrefix(lines[4], "3,1,1,1,1,true,") {
		t.Errorf("row 3: %q", lines[4])
	}
	if !strings.HasPrefix(lines[1], "0,0,3,2,0.333") {
		t.Errorf("row 0: %q", lines[1])
	}
	// The same table as Arrow IPC reads back through quasiid.
	ipcOut := filepath.Join(dir, "risk.arrow")
	if code, _, errs := runCLI(t, "", "analyze", p, "--qi", "q1,q2", "--records", ipcOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	src, err := quasiid.Open(ipcOut, quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if got := strings.Join(src.Columns(), ","); got != "row,class,class_size,prosecutor_risk,at_risk" {
		t.Errorf("IPC columns %s", got)
	}
	tbl, err := quasiid.Encode(context.Background(), src, quasiid.Spec{QI: []string{"class_size"}}, quasiid.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := tbl.Columns[0]
	var sizes []string
	for _, code := range c.Codes {
		sizes = append(sizes, c.Dict.Value(code))
	}
	if got := strings.Join(sizes, " "); got != "3 3 3 1 2 2" {
		t.Errorf("class sizes from IPC: %s", got)
	}
}

// TestAnalyzePublishedFigures checks, through the JSON of the command, the
// figures issue 3 cites: SUDA2 on Adult (sdcMicro 5.8.1 defaults) and the
// l-diversity / t-closeness of two anonymised Adult extracts (pyCANON).
func TestAnalyzePublishedFigures(t *testing.T) {
	code, out, errs := runCLI(t, "", "analyze", adultCSV, "--qi", adultQI, "--suda", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r reidrisk.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.SUDA == nil || r.SUDA.MaxScore != 5040 || math.Abs(float64(r.SUDA.MeanDIS)-0.050787) > 5e-7 {
		t.Errorf("suda %+v, want max score 5040, mean DIS 0.050787", r.SUDA)
	}
	for _, tc := range []struct {
		file, qi, sensitive string
		classes, k, l       int64
		entropy, t          float64
	}{
		{"adult_G2_k5_l2.csv", "age,education,marital-status,native-country,race,sex,workclass", "salary-class", 34, 6, 2, 1.010982, 0.4319067},
		{"adult_G3_k5_l3.csv", adultQI, "occupation", 268, 5, 3, 2.032192, 0.8158598},
	} {
		code, out, errs := runCLI(t, "", "analyze", "../../testdata/adult/derived/"+tc.file, "--qi", tc.qi, "--sensitive", tc.sensitive, "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.file, code, errs)
		}
		var r reidrisk.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Classes != tc.classes || r.K != tc.k || r.LDiversity.Distinct != tc.l ||
			math.Abs(float64(r.LDiversity.Entropy)-tc.entropy) > 5e-7 || math.Abs(float64(r.TCloseness.Equal)-tc.t) > 5e-8 {
			t.Errorf("%s: classes %d k %d l %d entropy %.7f t %.7f; want %d %d %d %.7f %.7f", tc.file,
				r.Classes, r.K, r.LDiversity.Distinct, r.LDiversity.Entropy, r.TCloseness.Equal, tc.classes, tc.k, tc.l, tc.entropy, tc.t)
		}
	}
}

// TestAnalyzeSchemaFull validates a report with every optional part
// (several sensitive columns, population figures, SUDA2, smallest
// classes) against the JSON Schema.
func TestAnalyzeSchemaFull(t *testing.T) {
	code, out, errs := runCLI(t, "", "analyze", adultCSV, "--qi", "age,education,sex,race", "--sensitive", "occupation,salary-class",
		"--sampling-fraction", "0.1", "--suda", "--suda-max-size", "2", "--show-values", "--c", "3", "--t", "0.5", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	v := loadSchema(t, "../../schema/analyze-report.schema.json")
	if errs := v.validate([]byte(out)); len(errs) > 0 {
		t.Errorf("JSON does not match the schema:\n%s", strings.Join(errs, "\n"))
	}
	var r reidrisk.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.PerSensitive) != 2 || r.Journalist == nil || r.PopulationUniqueness == nil || r.SUDA == nil || len(r.RiskiestClasses) == 0 {
		t.Errorf("missing parts: per_sensitive %d, journalist %v, population %v, suda %v, riskiest %d",
			len(r.PerSensitive), r.Journalist, r.PopulationUniqueness, r.SUDA, len(r.RiskiestClasses))
	}
	// The table-level l is the smaller of the two columns', t the larger.
	a, b := r.PerSensitive[0], r.PerSensitive[1]
	if r.LDiversity.Distinct != min(a.LDiversity.Distinct, b.LDiversity.Distinct) || r.TCloseness.Equal != max(a.TCloseness.Equal, b.TCloseness.Equal) {
		t.Errorf("table level %+v %+v from %+v and %+v", *r.LDiversity, *r.TCloseness, a, b)
	}
}

// TestAnalyzeArrowStdin pipes an Arrow IPC stream into `analyze -`: the
// format is detected and the figures equal the CSV run's.
func TestAnalyzeArrowStdin(t *testing.T) {
	var ipc bytes.Buffer
	err := quasiid.WriteTable(&ipc, quasiid.IPCStream, []quasiid.OutColumn{
		{Name: "q1", String: []string{"a", "a", "a", "a", "b", "b"}},
		{Name: "q2", Int64: []int64{1, 1, 1, 2, 1, 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, ipc.String(), "analyze", "-", "--qi", "q1,q2", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r reidrisk.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Rows != 6 || r.Classes != 3 || r.SampleUniques != 1 || r.Prosecutor.Average != 0.5 {
		t.Errorf("rows %d classes %d uniques %d average %v, want 6 3 1 0.5", r.Rows, r.Classes, r.SampleUniques, r.Prosecutor.Average)
	}
}
