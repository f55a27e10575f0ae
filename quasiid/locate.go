package quasiid

import (
	"bufio"
	"errors"
	"os"
)

// Locate fills in the line of an *InputError in err's chain that names a
// data row of s but no line — an error found after encoding, such as a
// bad weight or duration, which the encoded table knows by row only — by
// scanning the CSV file s was opened from (Open) up to that row, as the
// loader counts records: a record ends at a newline outside double
// quotes, blank lines are skipped. It returns err. Other errors, other
// formats and standard input are left as they are.
func (s *Source) Locate(err error) error {
	var ie *InputError
	if s == nil || s.path == "" || s.format != CSV || !errors.As(err, &ie) || ie.File != s.name || ie.Row <= 0 || ie.Line > 0 {
		return err
	}
	f, ferr := os.Open(s.path)
	if ferr != nil {
		return err
	}
	defer f.Close()
	ie.Line = rowLine(bufio.NewReader(f), ie.Row)
	return err
}

// rowLine returns the line on which data row `row` (1-based, after the
// header) of a CSV text starts, or 0 if there is no such row. The
// delimiter does not matter.
func rowLine(r *bufio.Reader, row int64) int64 {
	var (
		line    int64 = 1
		record  int64 = -1   // the header is record 0
		start         = true // at the start of a line, outside quotes
		inQuote bool
	)
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0
		}
		if start && c != '\n' && c != '\r' {
			record++
			if record == row {
				return line
			}
		}
		start = false
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '\n':
			line++
			start = !inQuote
		}
	}
}
