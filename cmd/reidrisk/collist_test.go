package main

import (
	"strings"
	"testing"
)

// TestQuotedColumnName: a column named "a " (trailing space) is selected
// by quoting it in --qi.
func TestQuotedColumnName(t *testing.T) {
	path := writeFile(t, "sp.csv", "a ,b\n1,x\n1,x\n2,y\n")
	code, out, errs := runCLI(t, "", "analyze", path, "--qi", `"a ",b`, "--k", "1")
	if code != 0 || !strings.Contains(out, "3 rows, 2 equivalence classes over 2 quasi-identifiers") {
		t.Errorf("exit %d: %s\n%s", code, errs, out)
	}
}
