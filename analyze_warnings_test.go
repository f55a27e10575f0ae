package reidrisk

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestSingleValueWarning: a QI that is empty in every row, and one that is
// a constant, each get a warning naming the column (not the value); a QI
// with two values does not.
func TestSingleValueWarning(t *testing.T) {
	r, err := Analyze(context.Background(), source(t, "q1,q2,q3\na,,k\nb,,k\na,,k\n"), Options{QI: []string{"q1", "q2", "q3"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range r.Warnings {
		if strings.Contains(w, "holds one value") {
			got = append(got, w)
		}
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], `quasi-identifier "q2" holds one value in all 3 rows`) ||
		!strings.HasPrefix(got[1], `quasi-identifier "q3" holds one value in all 3 rows`) || strings.Contains(strings.Join(got, ""), `"k"`) {
		t.Errorf("warnings %q", r.Warnings)
	}
}

// TestBlankLinesWarning: blank lines between the rows of a two-column CSV
// are not dropped silently.
func TestBlankLinesWarning(t *testing.T) {
	r, err := Analyze(context.Background(), source(t, "a,b\n1,x\n\n2,y\n\n\n3,z\n"), Options{QI: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows != 3 || !slices.Contains(r.Warnings, "3 blank lines between rows skipped: a blank line is no row of a file with two or more columns") {
		t.Errorf("rows %d warnings %q", r.Rows, r.Warnings)
	}
}
