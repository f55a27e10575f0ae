package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/internal/version"
)

// TestDemoWriteEvents: --write-events writes the log, says so, and does not
// retell the story.
func TestDemoWriteEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.csv")
	code, out, errs := runCLI(t, "", "demo", "--quiet", "--accounts", "100", "--write-events", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(data), "\n") - 1
	if !strings.HasPrefix(out, "wrote "+path+": ") || !strings.Contains(out, "events of 100 accounts") || !strings.Contains(out, "reidrisk temporal "+path) {
		t.Errorf("output:\n%s", out)
	}
	if strings.Contains(out, "The rhythm") || strings.Contains(out, "Everything in the log") || lines < 100 {
		t.Errorf("story retold or log short (%d events):\n%s", lines, out)
	}
}

// TestSlotHelp: --slot's help lists the widths allowed, each dividing a day.
func TestSlotHelp(t *testing.T) {
	_, _, errs := runCLI(t, "", "temporal", "--help")
	i := strings.Index(errs, "-slot")
	if i < 0 {
		t.Fatalf("no -slot in help:\n%s", errs)
	}
	help := errs[i:]
	for n := 1; n <= 1440; n++ {
		if 1440%n == 0 && !strings.Contains(help, " "+strconv.Itoa(n)+",") && !strings.Contains(help, " "+strconv.Itoa(n)+" ") {
			t.Errorf("--slot help lacks %d", n)
		}
	}
}

// TestHeaderOnlyText: a file with a header and no rows gets no sentences
// about classes, uniques or risks that do not exist.
func TestHeaderOnlyText(t *testing.T) {
	path := writeFile(t, "empty.csv", "a,b\n")
	_, out, _ := runCLI(t, "", "analyze", path, "--qi", "a,b")
	if !strings.Contains(out, "No data rows") || !strings.Contains(out, "warning: the table has no data rows") {
		t.Errorf("output:\n%s", out)
	}
	for _, s := range []string{"smallest class", "are unique", "Prosecutor", "distinction", "reidrisk suggest"} {
		if strings.Contains(out, s) {
			t.Errorf("header-only report says %q:\n%s", s, out)
		}
	}
}

// TestLAlone: --l without --c is a usage error (exit 2) saying it needs --c.
func TestLAlone(t *testing.T) {
	path := writeFile(t, "s.csv", "q,s\na,x\na,y\n")
	code, _, errs := runCLI(t, "", "analyze", path, "--qi", "q", "--sensitive", "s", "--l", "3")
	if code != 2 || !strings.Contains(errs, "needs --c") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI(t, "", "analyze", path, "--qi", "q", "--sensitive", "s", "--l", "2", "--c", "1"); code == 2 {
		t.Errorf("--l with --c: exit %d: %s", code, errs)
	}
}

// TestPopulationNote: with journalist risk and population uniques side by
// side, the text and HTML reports say why they can disagree.
func TestPopulationNote(t *testing.T) {
	path := writeFile(t, "p.csv", "a,b\n1,x\n1,x\n2,y\n3,y\n3,y\n3,z\n")
	for _, format := range []string{"text", "html"} {
		code, out, errs := runCLI(t, "", "analyze", path, "--qi", "a,b", "--sampling-fraction", "0.1", "--format", format)
		if code != 0 && code != 3 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(strings.Join(strings.Fields(out), " "), "come from different models and need not agree") {
			t.Errorf("%s: no note on journalist risk vs population uniques", format)
		}
	}
}

// TestProvenance: JSON and HTML reports carry the version, the time (RFC
// 3339 UTC) and the input's SHA-256, hashed while reading (sha256sum of the
// file's bytes).
func TestProvenance(t *testing.T) {
	const data = "a,b\n1,x\n1,x\n2,y\n"
	path := writeFile(t, "p.csv", data)
	want := fmt.Sprintf("%x", sha256.Sum256([]byte(data)))
	_, out, _ := runCLI(t, "", "analyze", path, "--qi", "a,b", "--k", "1", "--format", "json")
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339, fmt.Sprint(r["generated_at"]))
	if r["reidrisk_version"] != version.Version || r["input_sha256"] != want || err != nil || at.Location() != time.UTC {
		t.Errorf("version %v time %v sha %v, want %s, RFC 3339 UTC, %s", r["reidrisk_version"], r["generated_at"], r["input_sha256"], version.Version, want)
	}
	// Standard input is hashed too.
	_, out, _ = runCLI(t, data, "analyze", "-", "--qi", "a,b", "--k", "1", "--format", "json")
	if !strings.Contains(out, `"input_sha256": "`+want+`"`) {
		t.Errorf("stdin: no input_sha256 %s", want)
	}
	_, out, _ = runCLI(t, "", "analyze", path, "--qi", "a,b", "--k", "1", "--format", "html")
	if !strings.Contains(out, "reidrisk "+version.Version+", generated at ") || !strings.Contains(out, "input SHA-256 "+want) {
		t.Errorf("HTML footer lacks the provenance")
	}
	// suggest, apply, sets and suppress carry it too.
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	for _, args := range [][]string{
		{"suggest", path, "--qi", "a,b", "--k", "1", "--auto-hierarchies", "--save-transform", tr},
		{"apply", path, "--transform", tr, "--out", filepath.Join(dir, "o.csv")},
		{"sets", path, "--subject", "a", "--item", "b", "--k", "1"},
		{"suppress", path, "--qi", "a,b", "--k", "1"},
	} {
		code, out, errs := runCLI(t, "", append(args, "--format", "json", "--quiet")...)
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
			t.Fatalf("%s: exit %d, %v: %s", args[0], code, err, errs)
		}
		if _, err := time.Parse(time.RFC3339, fmt.Sprint(r["generated_at"])); err != nil || r["reidrisk_version"] != version.Version || r["input_sha256"] != want {
			t.Errorf("%s: version %v time %v sha %v, want %s, RFC 3339, %s", args[0], r["reidrisk_version"], r["generated_at"], r["input_sha256"], version.Version, want)
		}
	}
}

// TestHTMLClassSizesBySubject: with --subject the policy counts people, and
// the class-size chart counts people too: class (a) holds 3 rows of one
// account u1, class (b) 2 rows of u2 and u3.
func TestHTMLClassSizesBySubject(t *testing.T) {
	path := writeFile(t, "s.csv", "id,q\nu1,a\nu1,a\nu1,a\nu2,b\nu3,b\n")
	_, out, errs := runCLI(t, "", "analyze", path, "--qi", "q", "--subject", "id", "--k", "2", "--format", "html")
	if !strings.Contains(out, "People by the number of people in their class") || strings.Contains(out, "Rows by the size of their class") {
		t.Errorf("chart not by people: %s", errs)
	}
	_, out, _ = runCLI(t, "", "analyze", path, "--qi", "q", "--subject", "id", "--k", "2", "--format", "json")
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if h := r["class_subjects_histogram"].(map[string]any); len(h) != 2 || h["1"] != 1.0 || h["2"] != 1.0 {
		t.Errorf("class_subjects_histogram %v, want {1:1, 2:1}", h)
	}
}
