package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/quasiid"
)

// applyFlags are the flags of reidrisk apply.
type applyFlags struct {
	in        inputFlags
	transform string
	out       string
	star      bool
	columns   outputColumnFlags
}

func (f *applyFlags) input() *inputFlags { return &f.in }

func (f *applyFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.transform, "transform", "", "transformation saved by reidrisk suggest --save-transform (required)")
	fs.StringVar(&f.out, "out", "", "write the anonymised table to FILE (.csv, .parquet, .arrow, .arrows) (required)")
	fs.BoolVar(&f.star, "star", false, "keep suppressed records with every QI set to * (default: as saved in the transform)")
	f.columns.register(fs)
}

func runApply(ctx context.Context, e env, args []string) error {
	var f applyFlags
	file, _, _, err := parseCommand(e, "apply", &f, args)
	if err != nil {
		return err
	}
	if f.transform == "" || f.out == "" {
		return usagef("--transform and --out are required")
	}
	format, err := quasiid.FormatFromName(f.out)
	if err != nil {
		return usagef("--out %s: %v", f.out, err)
	}
	identifiers, keep, err := f.columns.lists()
	if err != nil {
		return err
	}
	outs, err := createOutputs(ctx, e, []namedPath{{Path: file}, {Flag: "--transform", Path: f.transform}}, namedPath{Flag: "--out", Path: f.out})
	if err != nil {
		return err
	}
	defer outs.Abort()
	tf, err := os.Open(f.transform)
	if err != nil {
		return err
	}
	tr, err := generalize.ReadTransform(f.transform, tf)
	tf.Close()
	if err != nil {
		return err
	}
	opt := reidrisk.ApplyOptions{Star: f.star || tr.Star, Identifiers: identifiers, Keep: keep, ShowValues: f.in.showValues}
	if err := opt.Validate(tr); err != nil {
		return cliflags.Mapper{}.Usage(err)
	}
	src, err := openInput(e, file, f.in)
	if err != nil {
		return err
	}
	defer src.Close()
	bar := newProgress(e, f.in.quiet)
	opt.Progress = bar.update
	rep, err := reidrisk.Apply(ctx, src, tr, outs[0], format, opt)
	bar.done()
	if err != nil {
		return err
	}
	if err := outs[0].Commit(); err != nil {
		return err
	}
	switch f.in.format {
	case "json":
		if err := writeJSON(e.stdout, rep); err != nil {
			return err
		}
		return rep.Err()
	case "html":
		if err := writeHTML(e.stdout, htmlPage{Title: "reidrisk apply", Apply: &applyPage{Source: src.Name(), Out: f.out, Transform: tr, Report: rep}}); err != nil {
			return err
		}
		return rep.Err()
	}
	verb := "removed"
	if rep.Starred {
		verb = "starred"
	}
	fmt.Fprintf(e.stdout, "%s: %d records, %d written to %s, %d suppressed (%s, %d classes), k = %d\n",
		src.Name(), rep.Rows, rep.Written, f.out, rep.Suppressed, verb, rep.SuppressedClasses, rep.K)
	if rep.SuppressedCells > 0 {
		fmt.Fprintf(e.stdout, "%d QI cells blanked (*, matching any value; k counted so)\n", rep.SuppressedCells)
	}
	if !rep.WithinLimit && tr.Policy.LocalSuppression {
		fmt.Fprintf(e.stdout, "warning: k = %d or the limit of %.4g of the QI cells blanked is not met on this table\n", tr.Policy.K, tr.Policy.MaxSuppression)
	} else if !rep.WithinLimit {
		fmt.Fprintf(e.stdout, "warning: %d suppressed records exceed the transform's suppression limit of %.4g of the records\n", rep.Suppressed, tr.Policy.MaxSuppression)
	}
	writeOutputColumns(func(format string, a ...any) { fmt.Fprintf(e.stdout, format, a...) }, rep.IdentifiersDropped, rep.ColumnsKept)
	for _, u := range rep.Uncovered {
		fmt.Fprintf(e.stdout, "warning: column %s: %d records hold values the hierarchy does not cover (generalised to *)", u.Column, u.Records)
		if len(u.Values) > 0 { // --show-values
			fmt.Fprintf(e.stdout, ", e.g. %s", escapedList(u.Values))
		}
		fmt.Fprintln(e.stdout)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(e.stdout, "warning: %s\n", w)
	}
	return rep.Err()
}
