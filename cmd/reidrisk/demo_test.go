package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	code, out, errs := runCLI(t, "", "demo", "--accounts", "300", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res demoResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Accounts != 300 || len(res.Steps) < 3 {
		t.Fatalf("accounts %d, %d steps", res.Accounts, len(res.Steps))
	}
	all, few := res.Steps[0].Report, res.Steps[2].Report
	if all.Rows != int64(res.Sessions) || *all.Subjects != 300 {
		t.Errorf("rows %d subjects %d, want %d and 300", all.Rows, *all.Subjects, res.Sessions)
	}
	// Fewer QIs can only merge classes: fewer uniques, fewer singled out.
	if few.Classes > all.Classes || *few.SubjectsSingledOut > *all.SubjectsSingledOut {
		t.Errorf("three fields: %d classes, %d singled out; all fields: %d, %d",
			few.Classes, *few.SubjectsSingledOut, all.Classes, *all.SubjectsSingledOut)
	}
	if regexp.MustCompile(`acct-\d+`).MatchString(out) {
		t.Error("demo JSON shows account ids")
	}
	code, text, errs := runCLI(t, "", "demo", "--accounts", "300")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"1. Everything in the log", "accounts", "reidrisk analyze usage.csv"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo text lacks %q:\n%s", want, text)
		}
	}
	if regexp.MustCompile(`acct-\d+`).MatchString(text) {
		t.Error("demo text shows account ids")
	}
	if code, _, _ := runCLI(t, "", "demo", "some.csv"); code != 2 {
		t.Errorf("demo FILE: exit %d, want 2", code)
	}
}
