package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/demo"
)

// noData fails when path holds any byte (the command must refuse before
// writing; whether an empty file is left is the writer's business).
func noData(t *testing.T, path string) {
	t.Helper()
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		t.Errorf("%s holds %d bytes after a refusal", path, len(b))
	}
}

// Issue 12, case 4: suggest --out and apply write no column that looks
// like a direct identifier without a word. An id column (every value
// distinct) stops both with exit 2, in every format, naming the column
// and both flags; --identifiers drops it, --keep carries it, and every
// report lists what was dropped and kept.
func TestIdentifiersSuggestApply(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, "in.csv", "id,city,sex\n1,Paris,F\n2,Paris,F\n3,Lyon,F\n4,Paris,M\n5,Paris,M\n6,Lyon,M\n")
	hc := writeFile(t, "city.csv", "Paris;France;*\nLyon;France;*\n")
	hs := writeFile(t, "sex.csv", "F;*\nM;*\n")
	suggest := []string{"suggest", in, "--qi", "city,sex", "--hierarchy", "city=" + hc, "--hierarchy", "sex=" + hs, "--k", "2"}
	const refusal = `output column "id" looks like a direct identifier (100% of its values are distinct): drop it with --identifiers "id" or carry it through with --keep "id"`
	for _, f := range formats {
		out := filepath.Join(dir, "refused-"+f+".csv")
		code, _, errs := runCLI(t, "", append(suggest, "--out", out, "--format", f)...)
		if code != 2 || !strings.Contains(errs, refusal) {
			t.Errorf("suggest --format %s: exit %d, want 2 naming id and both flags: %s", f, code, errs)
		}
		noData(t, out)
	}
	tr := filepath.Join(dir, "t.json")
	out := filepath.Join(dir, "out.csv")
	code, stdout, errs := runCLI(t, "", append(suggest, "--out", out, "--identifiers", "id", "--save-transform", tr)...)
	if code != 0 {
		t.Fatalf("suggest --identifiers id: exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(out); !strings.HasPrefix(string(b), "city,sex\n") {
		t.Errorf("suggest --identifiers id wrote %q", b)
	}
	if !strings.Contains(stdout, `identifiers dropped from the output: "id"`) {
		t.Errorf("text report does not list the dropped column:\n%s", stdout)
	}
	for _, f := range formats {
		aout := filepath.Join(dir, "apply-"+f+".csv")
		code, _, errs := runCLI(t, "", "apply", in, "--transform", tr, "--out", aout, "--format", f)
		if code != 2 || !strings.Contains(errs, refusal) {
			t.Errorf("apply --format %s: exit %d, want 2: %s", f, code, errs)
		}
		noData(t, aout)
		code, stdout, errs := runCLI(t, "", "apply", in, "--transform", tr, "--out", aout, "--keep", "id", "--format", f)
		if code != 0 {
			t.Fatalf("apply --keep id --format %s: exit %d: %s", f, code, errs)
		}
		want := map[string]string{"text": `columns kept unchanged (--keep): "id"`, "json": "\"identifiers_dropped\": [],\n  \"columns_kept\": [\n    \"id\"\n  ]",
			"html": `Columns kept unchanged (--keep): &#34;id&#34;.`}[f]
		if !strings.Contains(stdout, want) {
			t.Errorf("apply --keep id --format %s lacks %q:\n%s", f, want, stdout)
		}
		if b, _ := os.ReadFile(aout); !strings.HasPrefix(string(b), "id,city,sex\n1,France,F\n") {
			t.Errorf("apply --keep id wrote %q", b)
		}
	}
	// Misuse of the flags is bad usage.
	for _, args := range [][]string{
		append(suggest, "--identifiers", "id"), // no --out
		append(suggest, "--out", out, "--identifiers", "city"),
		append(suggest, "--out", out, "--identifiers", "id", "--keep", "id"),
		{"apply", in, "--transform", tr, "--out", out, "--keep", "sex"},
	} {
		if code, _, errs := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args[len(args)-4:], code, errs)
		}
	}
}

// Issue 12, case 4 for temporal --out: the account column is the subject;
// it is refused (exit 2, nothing written) until dropped or kept, and the
// JSON report lists it.
func TestIdentifiersTemporal(t *testing.T) {
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Seed: 1, Subjects: 300})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ev.WriteCSV(&b, nil); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, "events.csv", b.String())
	out := filepath.Join(t.TempDir(), "safe.csv")
	base := []string{"temporal", in, "--subject", "account", "--time", "time", "--attrs", "media_type", "--max-p", "0", "--policy", "unique_p1<=0.05", "--out", out}
	for _, f := range formats {
		code, _, errs := runCLI(t, "", append(base, "--format", f)...)
		if code != 2 || !strings.Contains(errs, `output column "account" looks like a direct identifier (it is the subject column): drop it with --identifiers "account" or carry it through with --keep "account"`) {
			t.Errorf("--format %s: exit %d, want 2: %s", f, code, errs)
		}
		noData(t, out)
	}
	code, stdout, errs := runCLI(t, "", append(base, "--identifiers", "account", "--format", "json")...)
	if code != 0 {
		t.Fatalf("--identifiers account: exit %d: %s", code, errs)
	}
	if !strings.Contains(stdout, "\"identifiers_dropped\": [\n    \"account\"\n  ],\n  \"columns_kept\": []") {
		t.Errorf("JSON does not list the dropped account:\n%s", stdout)
	}
	got, _ := os.ReadFile(out)
	if header, _, _ := strings.Cut(string(got), "\n"); header != "time,media_type,device,duration" {
		t.Errorf("header %q, want the account dropped", header)
	}
	code, _, errs = runCLI(t, "", append(base, "--keep", "account")...)
	if got, _ := os.ReadFile(out); code != 0 || !strings.HasPrefix(string(got), "account,time,") {
		t.Errorf("--keep account: exit %d (%s), output starts %.20q", code, errs, got)
	}
}
