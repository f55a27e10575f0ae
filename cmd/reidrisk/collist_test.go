package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestColumnItems: unquoted names are trimmed; quoted ones are exact.
func TestColumnItems(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{" a , b", []string{"a", "b"}, true},
		{`"a ",b`, []string{"a ", "b"}, true},
		{` "x, ""y""" , z`, []string{`x, "y"`, "z"}, true},
		{`"a`, nil, false},
		{`"a"b`, nil, false},
	} {
		got, ok := columnItems(tc.in)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestQuotedColumnName: a column named "a " (trailing space) is selected
// by quoting it in --qi.
func TestQuotedColumnName(t *testing.T) {
	path := writeFile(t, "sp.csv", "a ,b\n1,x\n1,x\n2,y\n")
	code, out, errs := runCLI(t, "", "analyze", path, "--qi", `"a ",b`, "--k", "1")
	if code != 0 || !strings.Contains(out, "3 rows, 2 equivalence classes over 2 quasi-identifiers") {
		t.Errorf("exit %d: %s\n%s", code, errs, out)
	}
}
