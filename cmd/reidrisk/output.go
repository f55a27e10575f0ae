package main

import (
	"cmp"
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/safeout"
	"github.com/reidrisk/reidrisk/quasiid"
)

// writeReport writes rep to e.stdout in the given format.
func writeReport(e env, format string, rep *reidrisk.Report) error {
	switch format {
	case "json":
		return writeJSON(e.stdout, rep)
	case "html":
		return writeHTML(e.stdout, htmlPage{Analyze: rep})
	}
	return writeText(e.stdout, rep)
}

// writeText writes the short human-readable report.
func writeText(w io.Writer, r *reidrisk.Report) error {
	p := &printer{w: w}
	p.f("%s: %s, %s over %s\n  (%s)\n",
		filepath.Base(r.Source), plural(r.Rows, "row", "rows"), plural(r.Classes, "equivalence class", "equivalence classes"),
		plural(int64(len(r.QI)), "quasi-identifier", "quasi-identifiers"), strings.Join(r.QI, ", "))
	if r.Rows == 0 {
		return writeEmptyText(p, r)
	}
	p.f("\n")
	p.kAnonymity(r)
	if len(r.QIAnalysis) > 0 {
		p.qiStory(r)
	} else {
		p.f("\nQI analysis: off (--qi-analysis=false or --qi-max-columns 0).\n")
	}
	p.sensitive(r)
	p.population(r)
	if s := r.SUDA; s != nil {
		p.f("\nSUDA2 (minimal sample uniques up to size %d): max score %s, mean DIS-SUDA %s\n",
			s.MaxSize, num(s.MaxScore), num(s.MeanDIS))
		var parts []string
		for _, k := range s.MSUCountBySize.Keys() {
			parts = append(parts, fmt.Sprintf("size %d: %s", k, textfmt.Thousands(s.MSUCountBySize[k])))
		}
		p.f("  MSUs by size  %s\n", strings.Join(parts, "   "))
	}
	if len(r.RiskiestClasses) > 0 {
		p.f("\nSmallest classes:\n")
		for _, c := range r.RiskiestClasses {
			var kv []string
			for _, q := range r.QI {
				kv = append(kv, q+"="+textfmt.Escape(c.Values[q]))
			}
			p.f("  %s  %s\n", plural(c.Size, "row ", "rows"), strings.Join(kv, " "))
		}
	}
	if pol := r.Policy; pol.Satisfied != nil {
		if *pol.Satisfied {
			p.f("\nPolicy met.\n")
		} else {
			p.f("\nPolicy NOT met: %s. Try `reidrisk suggest` for the least coarsening that meets it.\n", strings.Join(pol.Failed, ", "))
		}
	}
	for _, wn := range r.Warnings {
		p.f("warning: %s\n", wn)
	}
	p.f("\nNulls: %s.\n", r.NullRule)
	return p.err
}

// kAnonymity prints k (in rows and subjects), the sample uniques, the
// rows in small classes, the subjects singled out and the prosecutor risk.
func (p *printer) kAnonymity(r *reidrisk.Report) {
	verdict := func(k int64) string {
		if k < int64(r.Policy.K) {
			return "NOT met"
		}
		return "met"
	}
	if r.KSubjects != nil && r.Policy.KCountedIn == reidrisk.KSubjects {
		p.f("k-anonymity: k = %d (the smallest class holds %s); k_subjects = %d (the fewest people in a class).\n",
			r.K, plural(r.K, "row", "rows"), *r.KSubjects)
		p.f("  policy k = %d counted in subjects (people, not rows): %s.\n", r.Policy.K, verdict(*r.KSubjects))
	} else {
		p.f("k-anonymity: k = %d (the smallest class holds %s); policy k = %d (rows) %s.\n",
			r.K, plural(r.K, "row", "rows"), r.Policy.K, verdict(r.K))
	}
	if r.SampleUniques == 1 {
		p.f("  1 row (%s) is unique on these columns: anyone who knows them can single that row out.\n",
			pct(float64(r.SampleUniquesFraction)))
	} else {
		p.f("  %s (%s) are unique on these columns: anyone who knows them can single those rows out.\n",
			plural(r.SampleUniques, "row", "rows"), pct(float64(r.SampleUniquesFraction)))
	}
	below := r.RecordsInClassesBelowK
	var parts []string
	for _, k := range below.Keys() {
		parts = append(parts, fmt.Sprintf("<%d: %s", k, textfmt.Thousands(below[k])))
	}
	p.f("  rows in classes smaller than k  %s\n", strings.Join(parts, "   "))
	if r.KSubjects != nil {
		p.f("\nPeople, not rows (subject column %q):\n", r.Subject)
		p.f("  %s in all; k_subjects = %d (fewest distinct subjects in a class).\n", plural(*r.Subjects, "subject", "subjects"), *r.KSubjects)
		p.f("  %s (%s) %s alone in at least one class: their rows there are theirs alone.\n",
			textfmt.Thousands(*r.SubjectsSingledOut), pct(ratio(*r.SubjectsSingledOut, *r.Subjects)), be(*r.SubjectsSingledOut))
		p.f("  %s rows in more than one class (linking those rows narrows them down further).\n",
			plural(*r.SubjectsInSeveralClasses, "subject has", "subjects have"))
	}
	pr := r.Prosecutor
	p.f("\nProsecutor risk (ARX): highest %s, average %s; %s of rows have risk above %s.\n",
		num(pr.Highest), num(pr.Average), pct(float64(pr.RecordsAtRisk)), num(pr.RiskThreshold))
	if r.KSubjects != nil && *r.KSubjects > 0 && *r.KSubjects < r.K {
		p.f("  Counted in people the highest risk is 1/k_subjects = %s: rows of one account do not hide each other.\n",
			num(reidrisk.Float(1/float64(*r.KSubjects))))
	}
}

// sensitive prints l-diversity, (α,k), t-closeness, β-likeness and
// δ-disclosure of the sensitive columns.
func (p *printer) sensitive(r *reidrisk.Report) {
	if l := r.LDiversity; l != nil {
		p.f("\nSensitive columns (%s):\n", strings.Join(r.Sensitive, ", "))
		p.f("  l-diversity: distinct l = %d, entropy l = %s, recursive (c,l=%d) boundary c = %s\n",
			l.Distinct, num(l.Entropy), r.Policy.L, num(l.RecursiveC))
		if l.Distinct <= 1 {
			p.f("  some class holds a single sensitive value: knowing the QIs reveals it.\n")
		}
	}
	if a := r.AlphaK; a != nil {
		p.f("  (α,k)-anonymity: α = %s (largest share of one sensitive value in a class), k = %d\n", num(a.Alpha), a.K)
	}
	if t := r.TCloseness; t != nil {
		p.f("  t-closeness: equal distance %s, ordered distance %s (%s order", num(t.Equal), num(t.Ordered), t.OrderedBy)
		if t.OrderedBy == reidrisk.OrderedLexicographic {
			p.f(": text values, meaningful only if alphabetical order is their order")
		}
		p.f(")")
		if t.Hierarchical != nil {
			p.f(", hierarchical %s", num(*t.Hierarchical))
		}
		p.f("\n")
	}
	if b := r.BetaLikeness; b != nil {
		p.f("  β-likeness: basic %s, enhanced %s\n", num(b.Basic), num(b.Enhanced))
	}
	if d := r.DeltaDisclosure; d != nil {
		p.f("  δ-disclosure: δ = %s\n", num(*d))
	}
	for _, s := range r.PerSensitive {
		p.f("    %s: distinct l %d, entropy l %s, t (equal) %s\n", s.Column, s.LDiversity.Distinct, num(s.LDiversity.Entropy), num(s.TCloseness.Equal))
	}
}

// population prints journalist, marketer and individual risk and the
// population uniques.
func (p *printer) population(r *reidrisk.Report) {
	if j := r.Journalist; j != nil {
		p.f("\nAgainst the population:\n  journalist risk: highest %s, average %s, %s of rows above %s\n",
			num(j.Highest), num(j.Average), pct(float64(j.RecordsAtRisk)), num(j.RiskThreshold))
	}
	if m := r.Marketer; m != nil {
		p.f("  marketer risk: %s (expected fraction of rows re-identified by linking everyone)\n", num(*m))
	}
	if ir := r.IndividualRisk; ir != nil {
		p.f("  individual risk (sdcMicro): %s expected re-identifications, global risk %s\n",
			num(ir.ExpectedReidentifications), num(ir.GlobalRisk))
	}
	if pu := r.PopulationUniqueness; pu != nil {
		p.f("  population uniques: %s of the population estimated unique (%s model)\n", pct(float64(pu.Estimate)), pu.Model)
	}
	if note := populationNote(r); note != "" {
		p.f("%s\n", wrap(note, 96, "  "))
	}
}

// qiStory prints the best-separating combination of each size: how few
// columns it takes to single people out.
func (p *printer) qiStory(r *reidrisk.Report) {
	best := map[int]reidrisk.QIScore{}
	for _, s := range r.QIAnalysis {
		n := len(s.Columns)
		if b, ok := best[n]; !ok || s.Distinction > b.Distinction {
			best[n] = s
		}
	}
	sizes := make([]int, 0, len(best))
	for n := range best {
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	p.f("\nWhich columns single people out (QI analysis; distinction = classes/rows, 1 = everyone unique;\n")
	p.f("separation = share of row pairs told apart):\n")
	p.f("  %-6s %-11s %-10s %s\n", "#cols", "distinction", "separation", "most identifying combination")
	for _, n := range sizes {
		s := best[n]
		d, sep := fix(s.Distinction), fix(s.Separation)
		if s.UpperBound {
			d, sep = "≤"+d, "≤"+sep
		}
		p.f("  %-6d %-11s %-10s %s\n", n, d, sep, strings.Join(s.Columns, ", "))
	}
	var singles []reidrisk.QIScore
	for _, s := range r.QIAnalysis {
		if len(s.Columns) == 1 {
			singles = append(singles, s)
		}
	}
	slices.SortStableFunc(singles, func(a, b reidrisk.QIScore) int { return cmp.Compare(b.Distinction, a.Distinction) })
	if len(singles) > 1 {
		var parts []string
		for _, s := range singles {
			parts = append(parts, fmt.Sprintf("%s %s", s.Columns[0], fix(s.Distinction)))
		}
		p.f("  single columns by distinction: %s\n", strings.Join(parts, ", "))
	}
	if !r.QIAnalysisComplete {
		p.f("  (only some combinations scored: more QIs than --qi-max-columns)\n")
	}
	if n := qiBounded(r.QIAnalysis); n > 0 {
		p.f("  (%d of %d combinations not computed, too costly: their figures are upper bounds, marked ≤ here and upper_bound in JSON)\n",
			n, len(r.QIAnalysis))
	}
}

// qiBounded returns how many scores are upper bounds.
func qiBounded(qs []reidrisk.QIScore) int {
	n := 0
	for _, q := range qs {
		if q.UpperBound {
			n++
		}
	}
	return n
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return textfmt.Thousands(n) + " " + many
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// be returns the verb "is" or "are" for n things.
func be(n int64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// pct formats a fraction as a percentage with one decimal, or with two
// significant digits when one decimal would show a share that is not 0 as
// 0.0% (0.0004 → "0.04%") or one that is not 1 as 100.0%.
func pct(f float64) string {
	if math.IsNaN(f) {
		return "n/a"
	}
	v := 100 * f
	s := strconv.FormatFloat(v, 'f', 1, 64)
	switch {
	case v != 0 && s == "0.0" || s == "-0.0":
		return strconv.FormatFloat(v, 'g', 2, 64) + "%"
	case v < 100 && s == "100.0":
		return strconv.FormatFloat(v, 'f', 3, 64) + "%"
	}
	return s + "%"
}

// num formats a figure with up to 7 significant digits; ±Inf as "∞".
func num(f reidrisk.Float) string {
	v := float64(f)
	if math.IsNaN(v) {
		return "n/a"
	}
	if math.IsInf(v, 0) {
		return map[bool]string{true: "∞", false: "-∞"}[v > 0]
	}
	return strconv.FormatFloat(v, 'g', 7, 64)
}

// fix formats a value in [0,1] with four decimals.
func fix(f reidrisk.Float) string { return strconv.FormatFloat(float64(f), 'f', 4, 64) }

// checkRecordsPath checks that --records names a file format we write.
func checkRecordsPath(path string) error {
	if _, err := quasiid.FormatFromName(path); err != nil || path == "-" {
		return usagef("--records %s: want a .arrow, .arrows, .parquet or .csv file", path)
	}
	return nil
}

// writeRecords writes the per-record risk table to out in the format its
// extension names, and commits it: row index, class id, class size,
// subjects in class (with a subject column), prosecutor risk, at-risk
// flag, and the SUDA and DIS-SUDA scores when computed.
func writeRecords(out *safeout.File, rec *reidrisk.Records) error {
	path := out.Name()
	if rec == nil {
		return fmt.Errorf("--records %s: no per-record table was computed", path)
	}
	format, err := quasiid.FormatFromName(path)
	if err != nil {
		return usagef("--records %s: %v", path, err)
	}
	cols := []quasiid.OutColumn{
		{Name: "row", Int64: rec.Row},
		{Name: "class", Int64: rec.Class},
		{Name: "class_size", Int64: rec.ClassSize},
	}
	if rec.SubjectsInClass != nil {
		cols = append(cols, quasiid.OutColumn{Name: "subjects_in_class", Int64: rec.SubjectsInClass})
	}
	cols = append(cols,
		quasiid.OutColumn{Name: "prosecutor_risk", Float64: rec.Prosecutor},
		quasiid.OutColumn{Name: "at_risk", Bool: rec.AtRisk})
	if rec.SUDA != nil {
		cols = append(cols, quasiid.OutColumn{Name: "suda_score", Float64: rec.SUDA})
	}
	if rec.DIS != nil {
		cols = append(cols, quasiid.OutColumn{Name: "dis_suda_score", Float64: rec.DIS})
	}
	if err := quasiid.WriteTable(out, format, cols); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return out.Commit()
}
