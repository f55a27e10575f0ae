package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/internal/htmlreport"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/quasiid"
)

// suppressFlags are the flags of `reidrisk suppress`.
type suppressFlags struct {
	in         inputFlags
	cols       cliflags.Columns // --qi only
	k          int64
	importance string
	out        string
}

func (f *suppressFlags) input() *inputFlags { return &f.in }

func (f *suppressFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cols.QI, "qi", "", "quasi-identifier columns, comma-separated (required)")
	fs.Int64Var(&f.k, "k", 0, "every record must match at least k records (in subjects when --subject is given), * matching any value (required)")
	fs.StringVar(&f.importance, "importance", "", "QIs from the most important (blanked last) to the least important, comma-separated, as sdcMicro's importance 1, 2, …; default: more distinct values, less important")
	fs.StringVar(&f.out, "out", "", "write the table with blanked cells as * to FILE (.csv, .parquet, .arrow, .arrows); every row and non-QI value is kept")
}

// options maps the flags to reidrisk.SuppressOptions (Validate checks them).
func (f *suppressFlags) options(map[string]bool) (reidrisk.SuppressOptions, error) {
	var opt reidrisk.SuppressOptions
	var err error
	if opt.QI, _, err = f.cols.Lists(); err != nil {
		return opt, err
	}
	if opt.Importance, err = splitList("--importance", f.importance); err != nil {
		return opt, err
	}
	opt.Subject, opt.K = f.in.Subject, f.k
	if f.out != "" {
		if opt.OutputFormat, err = quasiid.FormatFromName(f.out); err != nil {
			return opt, usagef("--out %s: %v", f.out, err)
		}
	}
	return opt, nil
}

func (f *suppressFlags) files(file string) (inputs, outputs []namedPath) {
	return fileAndOut(file, f.out)
}

func (f *suppressFlags) run(ctx context.Context, e env, s *started[reidrisk.SuppressOptions]) error {
	opt, out := s.opt, s.outs[0]
	if out != nil {
		opt.Output = out
	}
	rep, err := onInput(e, s, f.in, nil, &opt.Progress, func(src *quasiid.Source) (*reidrisk.SuppressReport, error) { return reidrisk.Suppress(ctx, src, opt) })
	if err != nil {
		return err
	}
	// A table that cannot reach k is not written: the deferred Abort
	// leaves an existing --out as it was.
	written := f.out
	if rep.KAfter < rep.K {
		written = ""
	} else if out != nil {
		if err := out.Commit(); err != nil {
			return err
		}
	}
	return writeOut(e, f.in.format, rep,
		func(w io.Writer) error {
			return writeHTML(w, htmlPage{Title: "reidrisk suppress: " + rep.Source, Suppress: rep})
		},
		func(w io.Writer) error { writeSuppressText(w, rep, written); return nil })
}

// writeSuppressText writes the human-readable report of suppress.
func writeSuppressText(w io.Writer, r *reidrisk.SuppressReport, out string) {
	fmt.Fprintf(w, "%s: %s records, quasi-identifiers %s\n", r.Source, textfmt.Thousands(r.Rows), strings.Join(r.QI, ", "))
	fmt.Fprintf(w, "k = %d counted in %s, * matching any value; importance (blanked last first): %s\n", r.K, r.KCountedIn, strings.Join(r.Importance, ", "))
	fmt.Fprintf(w, "blanked %s cells in %s records (%.1f ms):", textfmt.Thousands(r.SuppressedCells), textfmt.Thousands(r.RecordsTouched), float64(r.Millis))
	for _, q := range r.QI {
		fmt.Fprintf(w, " %s %s", q, textfmt.Thousands(r.SuppressedByColumn[q]))
	}
	fmt.Fprintf(w, "\nk before %d (exact classes), after %d (* matching any value)\n", r.KBefore, r.KAfter)
	if r.InputStarCells > 0 {
		fmt.Fprintf(w, "warning: %s QI cells already held * in the input (an ordinary value here); the output cannot tell them from blanks\n", textfmt.Thousands(r.InputStarCells))
	}
	if out != "" {
		fmt.Fprintf(w, "wrote %s: %s records, every column kept\n", out, textfmt.Thousands(r.Written))
	}
}

// suppressSections are the HTML report's sections for suppress.
func suppressSections(r *reidrisk.SuppressReport) []htmlreport.Section {
	s := htmlreport.Section{ID: "suppress", Title: "Local suppression"}
	s.Verdict = fmt.Sprintf("%s cells blanked in %s of %s records; every record now matches at least %d %s (k = %d asked).",
		textfmt.Thousands(r.SuppressedCells), textfmt.Thousands(r.RecordsTouched), textfmt.Thousands(r.Rows), r.KAfter, r.KCountedIn, r.K)
	s.Bad = r.KAfter < r.K
	s.Paragraphs = []string{"A blanked cell is written * and matches any value (sdcMicro's localSuppression semantics); " +
		"no row is removed and no other column changes. Importance, most important (blanked last) first: " + strings.Join(r.Importance, ", ") + "."}
	t := &htmlreport.Table{Header: []string{"quasi-identifier", "cells blanked"}}
	for _, q := range r.QI {
		t.Rows = append(t.Rows, []string{q, textfmt.Thousands(r.SuppressedByColumn[q])})
	}
	t.Rows = append(t.Rows, []string{"all", textfmt.Thousands(r.SuppressedCells)},
		[]string{"k before (exact classes)", fmt.Sprint(r.KBefore)}, []string{"k after (* matching any value)", fmt.Sprint(r.KAfter)})
	s.Table = t
	return []htmlreport.Section{s}
}
