package reidrisk

import (
	"fmt"

	"github.com/reidrisk/reidrisk/quasiid"
)

// blankLinesWarning says how many blank lines between the rows of a CSV
// source with two or more columns were skipped (such a line is no row; in
// a one-column file it is a row holding "").
func blankLinesWarning(src *quasiid.Source) []string {
	if n := src.SkippedLines(); n > 0 {
		return []string{fmt.Sprintf("%d blank lines between rows skipped: a blank line is no row of a file with two or more columns", n)}
	}
	return nil
}

// singleValueWarnings names the quasi-identifiers of t that hold one value
// in every row (all empty, all null, or one constant): such a column
// separates nobody, which is most often a wrong column name, delimiter or
// null rule. The value itself is not named.
func singleValueWarnings(t *quasiid.Table) []string {
	if t.Rows < 2 {
		return nil
	}
	var out []string
	for _, c := range t.ByRole(quasiid.QuasiIdentifier) {
		if c.Dict != nil && c.Dict.Len() == 1 {
			out = append(out, fmt.Sprintf("quasi-identifier %q holds one value in all %d rows (all empty, all null or a constant): it separates nobody; check the column, the delimiter and --null", c.Name, t.Rows))
		}
	}
	return out
}
