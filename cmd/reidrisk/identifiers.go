package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/internal/textfmt"
)

// outputColumnFlags are --identifiers and --keep of the commands that
// write an anonymised table (suggest, apply, temporal).
type outputColumnFlags struct {
	identifiers, keep string
}

func (f *outputColumnFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.identifiers, "identifiers", "", "direct identifiers, comma-separated: dropped from the --out table (the subject may be one)")
	fs.StringVar(&f.keep, "keep", "", "columns carried through to the --out table unchanged on purpose, comma-separated (insensitive); any other column that looks like a direct identifier (the subject, or ≥ 90% distinct values) stops the command")
}

// lists returns the two column lists.
func (f *outputColumnFlags) lists() (identifiers, keep []string, err error) {
	return cliflags.SplitPair("--identifiers", f.identifiers, "--keep", f.keep)
}

// identifierUsage turns a *reidrisk.IdentifierError into a usage error
// (exit 2) naming the column and both flags; other errors pass through.
func identifierUsage(err error) error {
	var ie *reidrisk.IdentifierError
	if !errors.As(err, &ie) {
		return err
	}
	name := textfmt.Name(ie.Column)
	return usagef("output column %s looks like a direct identifier (%s): drop it with --identifiers %s or carry it through with --keep %s; nothing written",
		name, ie.Why(), name, name)
}

// writeOutputColumns lists the dropped and kept columns in the text report.
func writeOutputColumns(p func(format string, a ...any), dropped, kept []string) {
	if len(dropped) > 0 {
		p("identifiers dropped from the output: %s\n", names(dropped))
	}
	if len(kept) > 0 {
		p("columns kept unchanged (--keep): %s\n", names(kept))
	}
}

// names joins column names for a report, each cut to a bounded length.
func names(cols []string) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		s += textfmt.Name(c)
	}
	return s
}

// escapedList shows data values (only with --show-values) quoted, with
// control characters escaped by textfmt.Escape: "a", "b\x1b[2J".
func escapedList(values []string) string {
	s := ""
	for i, v := range values {
		if i > 0 {
			s += ", "
		}
		s += `"` + textfmt.Escape(v) + `"`
	}
	return s
}

// outputColumnsText is the HTML report's sentence on dropped and kept
// columns ("" when neither).
func outputColumnsText(dropped, kept []string) string {
	var b []string
	if len(dropped) > 0 {
		b = append(b, fmt.Sprintf("Identifiers dropped from the output: %s.", names(dropped)))
	}
	if len(kept) > 0 {
		b = append(b, fmt.Sprintf("Columns kept unchanged (--keep): %s.", names(kept)))
	}
	return strings.Join(b, " ")
}
