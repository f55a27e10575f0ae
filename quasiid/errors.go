package quasiid

import (
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"strconv"
	"strings"
)

// InputError reports bad input at a place in a file. Row is the 1-based
// data row (the header is not counted; 0 when the error is not about a
// row), Line the 1-based line of the file where the row starts (0 when
// unknown, as for Parquet and Arrow), Column the column's name (empty when
// the error is not about one column), Msg what is wrong and Err the cause,
// if any (a parser's or a conversion's error), which Unwrap returns.
type InputError struct {
	File   string
	Row    int64
	Line   int64
	Column string
	Msg    string
	Err    error
}

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

// Error formats the error as `file: row R (line L), column "C": msg: err`,
// leaving out the parts that are unknown; the column name is quoted and cut
// to a bounded length (textfmt.Name).
func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	sep := ": "
	if e.Row > 0 {
		b.WriteString(sep)
		b.WriteString("row ")
		b.WriteString(strconv.FormatInt(e.Row, 10))
		if e.Line > 0 {
			b.WriteString(" (line ")
			b.WriteString(strconv.FormatInt(e.Line, 10))
			b.WriteString(")")
		}
		sep = ", "
	} else if e.Line > 0 {
		b.WriteString(sep)
		b.WriteString("line ")
		b.WriteString(strconv.FormatInt(e.Line, 10))
		sep = ", "
	}
	if e.Column != "" {
		b.WriteString(sep)
		b.WriteString("column ")
		b.WriteString(textfmt.Name(e.Column))
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}
