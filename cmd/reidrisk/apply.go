package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

func runApply(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var in inputFlags
	in.register(fs)
	transform := fs.String("transform", "", "transformation saved by reidrisk suggest --save-transform (required)")
	outPath := fs.String("out", "", "write the anonymised table to FILE (.csv, .parquet, .arrow, .arrows) (required)")
	star := fs.Bool("star", false, "keep suppressed records with every QI set to * (default: as saved in the transform)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one input FILE (use - for standard input), got %d", len(pos))
	}
	if err := in.check(); err != nil {
		return err
	}
	if *transform == "" || *outPath == "" {
		return usagef("--transform and --out are required")
	}
	format, err := quasiid.FormatFromName(*outPath)
	if err != nil {
		return usagef("--out %s: %v", *outPath, err)
	}
	tf, err := os.Open(*transform)
	if err != nil {
		return err
	}
	tr, err := generalize.ReadTransform(*transform, tf)
	tf.Close()
	if err != nil {
		return err
	}
	src, err := openInput(e, pos[0], in.delimiter)
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := os.Create(*outPath)
	if err != nil {
		return err
	}
	defer out.Close()
	bar := newProgress(e, in.quiet)
	rep, err := reidrisk.Apply(ctx, src, tr, out, format, reidrisk.ApplyOptions{Star: *star || tr.Star, Progress: bar.update})
	bar.done()
	if err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	switch in.format {
	case "json":
		return writeJSON(e.stdout, rep)
	case "html":
		return writeHTML(e.stdout, htmlPage{Title: "reidrisk apply", Apply: &applyPage{Source: src.Name(), Out: *outPath, Transform: tr, Report: rep}})
	}
	verb := "removed"
	if rep.Starred {
		verb = "starred"
	}
	fmt.Fprintf(e.stdout, "%s: %d records, %d written to %s, %d suppressed (%s, %d classes), k = %d\n",
		src.Name(), rep.Rows, rep.Written, *outPath, rep.Suppressed, verb, rep.SuppressedClasses, rep.K)
	if !rep.WithinLimit {
		fmt.Fprintf(e.stdout, "warning: %d suppressed records exceed the transform's suppression limit of %.4g of the records\n", rep.Suppressed, tr.Policy.MaxSuppression)
	}
	for _, u := range rep.Uncovered {
		fmt.Fprintf(e.stdout, "warning: column %s: %d records hold values the hierarchy does not cover (generalised to *), e.g. %q\n", u.Column, u.Records, u.Values)
	}
	return nil
}
