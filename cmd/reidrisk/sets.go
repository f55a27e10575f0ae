package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/cliflags"
	"github.com/reidrisk/reidrisk/internal/htmlreport"
	"github.com/reidrisk/reidrisk/internal/safeout"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/quasiid"
)

// setsFlags are the flags of `reidrisk sets`.
type setsFlags struct {
	in             inputFlags
	item           string
	m, k           int
	hierarchy      cliflags.Hierarchies // ITEM=FILE
	maxSuppression float64
	out            string
	saveTransform  string
	transform      string
}

func (f *setsFlags) input() *inputFlags { return &f.in }

func (f *setsFlags) register(fs *flag.FlagSet) {
	f.hierarchy = cliflags.Hierarchies{}
	fs.StringVar(&f.item, "item", "", "column holding one item (device, format, title…) per row (required; --subject is required too)")
	fs.IntVar(&f.m, "m", reidrisk.DefaultM, "largest number of items an attacker knows (1 to 3)")
	fs.IntVar(&f.k, "k", reidrisk.DefaultK, "least number of subjects holding every itemset of at most m items")
	fs.Var(f.hierarchy, "hierarchy", "ITEM=FILE: ARX hierarchy (value;level1;…;*) of the item column: suggest the least item generalisation meeting k^m")
	fs.Float64Var(&f.maxSuppression, "max-suppression", 0, "largest share of (subject, item) occurrences a suggestion may suppress (items held by fewer than k subjects are removed); giving it asks for a suggestion")
	fs.StringVar(&f.out, "out", "", "write the recoded table to FILE (.csv, .parquet, .arrow, .arrows): the item column generalised, rows of suppressed items removed")
	fs.StringVar(&f.saveTransform, "save-transform", "", "save the suggested recoding as JSON to FILE (apply it with reidrisk sets --transform)")
	fs.StringVar(&f.transform, "transform", "", "apply a recoding saved by --save-transform (needs --out; no search)")
}

// options maps the flags to reidrisk.SetsOptions (Validate checks them).
func (f *setsFlags) options(set map[string]bool) (reidrisk.SetsOptions, error) {
	var opt reidrisk.SetsOptions
	for col := range f.hierarchy {
		if col != f.item {
			return opt, usagef("--hierarchy %s=…: only the item column %q takes a hierarchy", col, f.item)
		}
	}
	if f.out != "" {
		if _, err := quasiid.FormatFromName(f.out); err != nil || f.out == "-" {
			return opt, usagef("--out %s: want a .parquet, .arrow, .arrows or .csv file", f.out)
		}
	}
	suggest := len(f.hierarchy) > 0 || set["max-suppression"] || f.saveTransform != ""
	if f.transform != "" {
		if f.out == "" || suggest {
			return opt, usagef("--transform applies a saved recoding: it needs --out and takes no --hierarchy, --max-suppression or --save-transform")
		}
	} else if f.out != "" && !suggest {
		return opt, usagef("--out needs --hierarchy or --max-suppression: the recoding written is the one suggested")
	}
	return reidrisk.SetsOptions{Subject: f.in.Subject, Item: f.item, K: cliflags.Given(set, "k", f.k), M: cliflags.Given(set, "m", f.m),
		ShowValues: f.in.showValues, Suggest: suggest, MaxSuppression: f.maxSuppression}, nil
}

func (f *setsFlags) files(file string) (inputs, outputs []namedPath) {
	return append([]namedPath{{Path: file}, {Flag: "--transform", Path: f.transform}}, cliflags.HierarchyInputs(f.hierarchy)...),
		[]namedPath{{Flag: "--out", Path: f.out}, {Flag: "--save-transform", Path: f.saveTransform}}
}

func (f *setsFlags) run(ctx context.Context, e env, s *started[reidrisk.SetsOptions]) error {
	opt, out, saved := s.opt, s.outs[0], s.outs[1]
	if hs, err := f.hierarchy.Read(); err != nil {
		return err
	} else if len(hs) > 0 {
		opt.Hierarchy = hs[f.item]
	}
	open, err := reopener(e, s.file, f.in, f.out != "")
	if err != nil {
		return err
	}
	if f.transform != "" {
		return applySetsTransform(ctx, e, f, open, out)
	}
	rep, err := onInput(e, s, f.in, open, &opt.Progress, func(src *quasiid.Source) (*reidrisk.SetsReport, error) { return reidrisk.Sets(ctx, src, opt) })
	if err != nil {
		return err
	}
	var applied *reidrisk.SetsApplyReport
	if sg := rep.Suggestion; sg != nil && sg.Met {
		if applied, err = f.writeSuggested(ctx, rep, open, out, saved); err != nil {
			return err
		}
	}
	switch f.in.format {
	case "json":
		err = writeJSON(e.stdout, rep)
	case "html":
		err = writeSetsHTML(e.stdout, rep)
	default:
		err = writeSetsText(e.stdout, rep, *f, applied)
	}
	if err != nil {
		return err
	}
	if sg := rep.Suggestion; sg != nil && !sg.Met {
		where := " by suppression alone (give --hierarchy to generalise items)"
		if sg.Hierarchy != "" {
			where = ", even at the hierarchy's top level"
		}
		if f.out != "" || f.saveTransform != "" {
			where += "; nothing written"
		}
		return &reidrisk.PolicyError{Policy: fmt.Sprintf("k^m with k=%d, m=%d", rep.K, rep.M),
			Reason: fmt.Sprintf("no item recoding meets it with at most %s of the occurrences suppressed%s", pct(f.maxSuppression), where)}
	}
	return nil
}

// writeSuggested saves the suggested recoding to saved and writes the
// recoded table to out, for those not nil.
func (f *setsFlags) writeSuggested(ctx context.Context, rep *reidrisk.SetsReport, open func() (*quasiid.Source, error), out, saved *safeout.File) (*reidrisk.SetsApplyReport, error) {
	tr, err := rep.Transform()
	if err != nil {
		return nil, err
	}
	if saved != nil {
		if err := tr.WriteJSON(saved); err != nil {
			return nil, err
		}
		if err := saved.Commit(); err != nil {
			return nil, err
		}
	}
	if out == nil {
		return nil, nil
	}
	return writeSets(ctx, open, tr, out)
}

// writeSets writes the recoded table to out and commits it.
func writeSets(ctx context.Context, open func() (*quasiid.Source, error), tr *reidrisk.SetsTransform, out *safeout.File) (*reidrisk.SetsApplyReport, error) {
	format, err := quasiid.FormatFromName(out.Name())
	if err != nil {
		return nil, err
	}
	src, err := open()
	if err != nil {
		return nil, err
	}
	defer src.Close()
	rep, err := reidrisk.ApplySets(ctx, src, tr, out, format)
	if err != nil {
		return nil, err
	}
	return rep, out.Commit()
}

// applySetsTransform is `sets --transform FILE --out FILE`.
func applySetsTransform(ctx context.Context, e env, f *setsFlags, open func() (*quasiid.Source, error), out *safeout.File) error {
	tf, err := os.Open(f.transform)
	if err != nil {
		return err
	}
	tr, err := reidrisk.ReadSetsTransform(f.transform, tf)
	tf.Close()
	if err != nil {
		return err
	}
	if tr.Subject != f.in.Subject || tr.Item != f.item {
		return usagef("--transform %s is for --subject %s --item %s", f.transform, tr.Subject, tr.Item)
	}
	rep, err := writeSets(ctx, open, tr, out)
	if err != nil {
		return err
	}
	if f.in.format == "json" {
		return writeJSON(e.stdout, rep)
	}
	p := &printer{w: e.stdout}
	p.f("%s rows read, %s written to %s, %s removed (suppressed items), %s with an item the hierarchy does not cover (written as its top label).\n",
		textfmt.Thousands(rep.Rows), textfmt.Thousands(rep.Written), f.out, textfmt.Thousands(rep.RemovedRows), textfmt.Thousands(rep.UncoveredRows))
	p.f("Check it: reidrisk sets %s --subject %s --item %s --k %d --m %d\n", f.out, tr.Subject, tr.Item, tr.K, tr.M)
	return p.err
}

// bySize formats violating_itemsets_by_size: "1 item: 2   2 items: 4".
func bySize(f reidrisk.SetsFigures) string {
	var parts []string
	for j := 1; j <= f.M; j++ {
		parts = append(parts, fmt.Sprintf("%s: %s", plural(int64(j), "item", "items"), textfmt.Thousands(f.ViolatingItemsetsBySize[strconv.Itoa(j)])))
	}
	return strings.Join(parts, "   ")
}

func writeSetsText(w io.Writer, r *reidrisk.SetsReport, f setsFlags, applied *reidrisk.SetsApplyReport) error {
	p := &printer{w: w}
	p.f("%s: %s (%s without a subject, skipped; %s repeating an item of their subject), %s, %s in column %s\n",
		filepath.Base(r.Source), plural(r.Rows, "row", "rows"), textfmt.Thousands(r.RowsWithoutSubject), textfmt.Thousands(r.DuplicateRows),
		plural(int64(r.Subjects), "subject", "subjects"), plural(int64(r.Items), "distinct item", "distinct items"), r.Item)
	verdict := "met"
	if !r.KMAnonymous {
		verdict = "NOT met"
	}
	p.f("\nk^m-anonymity (Terrovitis et al. 2008), k = %d subjects, m = %d items: %s.\n", r.K, r.M, verdict)
	p.f("  violating itemsets (held by 1 to %d subjects)  %s\n", r.K-1, bySize(r.SetsFigures))
	p.f("  %s (%s) hold one: someone knowing up to %d of their items narrows each to fewer than %d accounts.\n",
		plural(int64(r.SubjectsInViolations), "subject", "subjects"), pct(ratio(int64(r.SubjectsInViolations), int64(r.Subjects))), r.M, r.K)
	p.f("  The sets are k^m-anonymous for every k ≤ %d (the fewest subjects holding an itemset of ≤ %d items).\n", r.MinSupport, r.M)
	if len(r.SmallestViolatingItemsets) > 0 {
		p.f("\nSmallest violating itemsets (fewest items, then fewest subjects):\n")
		for _, e := range r.SmallestViolatingItemsets {
			p.f("  {%s}  %s\n", quoted(e.Items), plural(int64(e.Subjects), "subject", "subjects"))
		}
	}
	if sg := r.Suggestion; sg != nil {
		writeSetsSuggestion(p, r, sg)
	}
	if applied != nil {
		p.f("\nRecoded table written to %s: %s of %s rows (%s removed with a suppressed item).\n",
			f.out, textfmt.Thousands(applied.Written), textfmt.Thousands(applied.Rows), textfmt.Thousands(applied.RemovedRows))
	}
	if f.saveTransform != "" && r.Suggestion != nil && r.Suggestion.Met {
		p.f("Recoding saved to %s (reidrisk sets FILE --subject %s --item %s --transform %s --out OUT).\n", f.saveTransform, r.Subject, r.Item, f.saveTransform)
	}
	p.f("\nNulls: %s.\n", r.NullRule)
	return p.err
}

func writeSetsSuggestion(p *printer, r *reidrisk.SetsReport, sg *reidrisk.SetsSuggestion) {
	what := "suppression of rare items alone (no hierarchy)"
	if sg.Hierarchy != "" {
		what = fmt.Sprintf("hierarchy %s (%d levels), one level for every item, then suppression of rare labels", sg.Hierarchy, sg.Levels)
	}
	p.f("\nSuggestion (%s, at most %s of the occurrences suppressed): ", what, pct(float64(sg.MaxSuppression)))
	switch {
	case !sg.Met:
		p.f("NOT met at any level; the top level tried leaves %s.\n", bySize(sg.After))
	case sg.Level == 0 && sg.SuppressedItems == 0:
		p.f("nothing to do, the sets already meet k^m.\n")
	default:
		p.f("items at level %d, %s suppressed.\n", sg.Level, plural(int64(sg.SuppressedItems), "label", "labels"))
	}
	p.f("  occurrences (subject, item): %s; generalised %s (%s), suppressed %s (%s)\n", textfmt.Thousands(sg.Occurrences),
		textfmt.Thousands(sg.GeneralisedOccurrences), pct(ratio(sg.GeneralisedOccurrences, sg.Occurrences)),
		textfmt.Thousands(sg.SuppressedOccurrences), pct(float64(sg.SuppressedFraction)))
	p.f("  subjects losing an item %s, losing every item %s; items the hierarchy does not cover %s\n",
		textfmt.Thousands(int64(sg.SubjectsTouched)), textfmt.Thousands(int64(sg.SubjectsEmptied)), textfmt.Thousands(int64(sg.UncoveredItems)))
	p.f("  information loss NCP = %s (0: none, 1: every item generalised to the root or suppressed)\n", fix(sg.NCP))
	if len(sg.SuppressedLabels) > 0 {
		p.f("  suppressed: %s\n", quoted(sg.SuppressedLabels))
	}
	p.f("  after: %s subjects, %s distinct items, violating %s, min support %d\n", textfmt.Thousands(int64(sg.After.Subjects)),
		textfmt.Thousands(int64(sg.After.Items)), bySize(sg.After), sg.After.MinSupport)
	for _, t := range sg.Trials {
		how := "k^m not met after suppressing rare labels"
		switch {
		case t.Met:
			how = "meets k^m within the suppression limit"
		case t.KMAnonymous:
			how = "meets k^m, but suppresses more than the limit"
		}
		p.f("  level %d: %s (%s occurrences suppressed, NCP %s)\n", t.Level, how, textfmt.Thousands(t.SuppressedOccurrences), fix(t.NCP))
	}
}

// quoted formats item values for text: "a", "b" ("" for the empty string,
// NULL for null as the report gives it).
func quoted(items []string) string {
	q := make([]string, len(items))
	for i, v := range items {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// writeSetsHTML writes the sets report as a self-contained HTML page.
func writeSetsHTML(w io.Writer, r *reidrisk.SetsReport) error {
	sum := htmlreport.Section{ID: "sets", Title: fmt.Sprintf("Item sets per subject: k^m-anonymity, k = %d, m = %d", r.K, r.M)}
	sum.Paragraphs = []string{fmt.Sprintf("Every combination of at most %d items held by some subject must be held by at least %d subjects "+
		"(Terrovitis, Mamoulis & Kalnis 2008). Counts are of subjects, never rows.", r.M, r.K)}
	if r.KMAnonymous {
		sum.Verdict = "The sets are k^m-anonymous."
	} else {
		sum.Verdict = fmt.Sprintf("%s of %s subjects hold an itemset fewer than %d subjects share.",
			textfmt.Thousands(int64(r.SubjectsInViolations)), textfmt.Thousands(int64(r.Subjects)), r.K)
		sum.Bad = true
	}
	sum.Table = &htmlreport.Table{Header: []string{"figure", "value"}, Rows: [][]string{
		{"rows (without subject; repeating an item)", fmt.Sprintf("%s (%s; %s)", textfmt.Thousands(r.Rows), textfmt.Thousands(r.RowsWithoutSubject), textfmt.Thousands(r.DuplicateRows))},
		{"subjects", textfmt.Thousands(int64(r.Subjects))},
		{"distinct items", textfmt.Thousands(int64(r.Items))},
		{"subjects in violations", textfmt.Thousands(int64(r.SubjectsInViolations))},
		{"largest k met (min support)", strconv.Itoa(r.MinSupport)},
	}}
	var bars []htmlreport.Bar
	for j := 1; j <= r.M; j++ {
		n := r.ViolatingItemsetsBySize[strconv.Itoa(j)]
		sum.Table.Rows = append(sum.Table.Rows, []string{fmt.Sprintf("violating itemsets of %s", plural(int64(j), "item", "items")), textfmt.Thousands(n)})
		bars = append(bars, htmlreport.Bar{Label: strconv.Itoa(j), Value: float64(n), Highlight: n > 0})
	}
	svg, err := htmlreport.BarChart(htmlreport.Axes{Title: "Violating itemsets by size", X: "items in the itemset", Y: "itemsets held by 1 to k−1 subjects"}, bars, false)
	if err != nil {
		return err
	}
	sum.Plots = []htmlreport.Plot{{ID: "plot-sets", SVG: svg, How: "each bar counts the distinct itemsets of that size held by at least one and fewer than k subjects; an attacker knowing such items of a person narrows them to fewer than k accounts."}}
	secs := []htmlreport.Section{sum}
	if len(r.SmallestViolatingItemsets) > 0 {
		t := &htmlreport.Table{Header: []string{"itemset", "subjects"}}
		for _, e := range r.SmallestViolatingItemsets {
			t.Rows = append(t.Rows, []string{strings.Join(e.Items, ", "), strconv.Itoa(e.Subjects)})
		}
		secs = append(secs, htmlreport.Section{ID: "sets-smallest", Title: "Smallest violating itemsets", Table: t})
	}
	if sg := r.Suggestion; sg != nil {
		s := htmlreport.Section{ID: "sets-suggestion", Title: "Least item recoding meeting k^m"}
		switch {
		case !sg.Met:
			s.Verdict, s.Bad = "No level of the hierarchy meets k^m within the suppression limit.", true
		default:
			s.Verdict = fmt.Sprintf("Generalise every item to level %d and suppress %s: NCP %s, %s of the occurrences suppressed.",
				sg.Level, plural(int64(sg.SuppressedItems), "label", "labels"), fix(sg.NCP), pct(float64(sg.SuppressedFraction)))
		}
		s.Table = &htmlreport.Table{Header: []string{"level", "k^m met", "occurrences suppressed", "NCP"}}
		for _, t := range sg.Trials {
			s.Table.Rows = append(s.Table.Rows, []string{strconv.Itoa(t.Level), strconv.FormatBool(t.KMAnonymous), textfmt.Thousands(t.SuppressedOccurrences), fix(t.NCP)})
		}
		s.Paragraphs = []string{fmt.Sprintf("Subjects losing an item: %s; losing every item: %s. Items the hierarchy does not cover: %s.",
			textfmt.Thousands(int64(sg.SubjectsTouched)), textfmt.Thousands(int64(sg.SubjectsEmptied)), textfmt.Thousands(int64(sg.UncoveredItems)))}
		secs = append(secs, s)
	}
	return htmlreport.Render(w, htmlreport.Page{
		Title:    "reidrisk sets report",
		Intro:    fmt.Sprintf("%s: %s rows of %s subjects, item column %s.", filepath.Base(r.Source), textfmt.Thousands(r.Rows), textfmt.Thousands(int64(r.Subjects)), r.Item),
		Sections: secs,
		Footer: []string{"Nulls: " + r.NullRule + ".", "Generated by reidrisk. Self-contained: this file loads nothing from the network. " +
			"Subject values are never shown; item values only with --show-values."},
	})
}
