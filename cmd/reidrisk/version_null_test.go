package main

import (
	"encoding/json"
	"testing"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/version"
)

// TestVersion: `reidrisk version` and `reidrisk --version` print the one
// version the Python package checks against.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		code, out, errs := runCLI(t, "", arg)
		if code != 0 || out != "reidrisk "+version.Version+"\n" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 0 and %q", arg, code, out, errs, "reidrisk "+version.Version+"\n")
		}
	}
}

// TestNullFlag: with --null, the listed CSV texts are one null value,
// distinct from the empty string; without it every field is a string.
// Table a,b: x,"" / x,NA / x,"" / x,N/A.
func TestNullFlag(t *testing.T) {
	const csv = "a,b\nx,\nx,NA\nx,\nx,N/A\n"
	for _, tc := range []struct {
		null             string
		classes, uniques int64
	}{
		{"", 3, 2},        // "", "NA", "N/A": three string values
		{"NA", 3, 2},      // null, "", "N/A"
		{"NA,N/A", 2, 0},  // null ×2, "" ×2
		{"NA,N/A,", 1, 0}, // all four null
	} {
		args := []string{"analyze", "-", "--qi", "a,b", "--format", "json", "--quiet"}
		if tc.null != "" {
			args = append(args, "--null", tc.null)
		}
		code, out, errs := runCLI(t, csv, args...)
		if code != 0 {
			t.Fatalf("--null %q: exit %d: %s", tc.null, code, errs)
		}
		var r reidrisk.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Classes != tc.classes || r.SampleUniques != tc.uniques {
			t.Errorf("--null %q: classes %d, uniques %d; want %d, %d", tc.null, r.Classes, r.SampleUniques, tc.classes, tc.uniques)
		}
	}
}
