package reidrisk

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

// SuggestOptions say what Suggest searches for. QI and Policy are
// required; every QI needs a hierarchy unless AutoHierarchies is set.
type SuggestOptions struct {
	QI        []string
	Sensitive []string // for l-diversity and t-closeness
	Subject   string   // for k counted in subjects
	// Hierarchies by QI name, and by sensitive column name for
	// hierarchical t-closeness.
	Hierarchies map[string]*generalize.Hierarchy
	// AutoHierarchies builds a hierarchy from the data for every QI
	// without one (generalize.Auto); the report marks them "auto".
	AutoHierarchies bool
	Policy          generalize.Policy
	// Metric is minimised; the zero value is generalize.DM, which charges
	// a suppressed record the table size (see generalize.Metric for which
	// metrics charge suppression).
	Metric generalize.Metric
	// Search tunes the lattice search (its Metric is overridden by Metric).
	Search generalize.Options
	// Output, if non-nil, receives the table anonymised with the optimum
	// in OutputFormat; suppressed records are removed, or kept with every
	// QI "*" when Star is set. Writing needs the input twice, so Suggest
	// then holds the input's record batches in memory.
	Output       io.Writer
	OutputFormat quasiid.Format
	Star         bool
	// Identifiers and Keep say what Output does with the columns it would
	// otherwise write unchanged (see ApplyOptions).
	Identifiers, Keep []string
	Workers           int
	// Progress, if non-nil, is called from the calling goroutine with
	// stage "read" (rows read), "search" (lattice nodes evaluated) and,
	// with Output, "write" (rows written, of Total).
	Progress func(Progress)
}

// SuggestReport is the outcome of Suggest. Its JSON field names are a
// stable contract.
type SuggestReport struct {
	// Provenance: reidrisk_version, generated_at, input_sha256.
	Provenance
	Source          string            `json:"source"`
	Rows            int64             `json:"rows"`
	QI              []string          `json:"qi"`
	Metric          string            `json:"metric"`
	Policy          generalize.Policy `json:"policy"`
	Hierarchies     []HierarchyInfo   `json:"hierarchies"`
	LatticeSize     int64             `json:"lattice_size"`
	NodesEvaluated  int               `json:"nodes_evaluated"`
	ClassesRolledUp int64             `json:"classes_rolled_up"`
	RowsRescanned   int64             `json:"rows_rescanned"` // rows read after the first count: always 0
	Optimal         bool              `json:"optimal"`
	Heuristic       bool              `json:"heuristic"` // greedy best-first search (lattice above the optimal-search cap)
	CutShort        bool              `json:"cut_short"` // the time budget stopped the search: not proven optimal
	SearchMillis    Float             `json:"search_ms"`
	// TReference names the distribution t-closeness is measured against
	// when the policy has t: "input", the whole input with suppressed
	// records included (ARX's convention, which keeps the criterion
	// monotone for the search). An output with suppressed records removed,
	// re-analysed on its own, is measured against the kept records and
	// may exceed t; starred output keeps the input's distribution.
	TReference   string       `json:"t_reference,omitempty"`
	Before       Suggestion   `json:"before"` // the ungeneralised table, nothing suppressed
	Optimum      *Suggestion  `json:"optimum"`
	Alternatives []Suggestion `json:"alternatives"`
	Output       *ApplyReport `json:"output,omitempty"`
	// Warnings say what the reader of the optimum must know: more than a
	// tenth of the records suppressed (SuppressionWarningShare).
	Warnings  []string              `json:"warnings,omitempty"`
	Transform *generalize.Transform `json:"-"`
}

// HierarchyInfo describes the hierarchy used for one QI.
type HierarchyInfo struct {
	Column string `json:"column"`
	Source string `json:"source"`
	Levels int    `json:"levels"` // level 0 included
	Auto   bool   `json:"auto"`
}

// Suggestion is one node of the lattice with its utility and risk. Every
// utility figure is lower-is-better except Precision (Sweeney's Prec: 1 =
// nothing generalised, 0 = everything at the top; higher is better).
type Suggestion struct {
	Levels            map[string]int `json:"levels"`
	DM                int64          `json:"dm"`
	DMStar            int64          `json:"dm_star"`
	Loss              Float          `json:"loss"`
	Precision         Float          `json:"precision"` // higher is better
	AECS              Float          `json:"aecs"`
	Entropy           Float          `json:"entropy"`
	Suppressed        int64          `json:"suppressed"`
	SuppressedClasses int            `json:"suppressed_classes"`
	Classes           int            `json:"classes"`
	HighestRisk       Float          `json:"highest_risk"`
	AverageRisk       Float          `json:"average_risk"`

	// SuppressedCells counts QI cells blanked by local suppression
	// (Policy.LocalSuppression); absent when none.
	SuppressedCells int64 `json:"suppressed_cells,omitempty"`
}

// ApplyOptions control Apply.
type ApplyOptions struct {
	// Star keeps suppressed records with every QI set to "*" instead of
	// removing them.
	Star bool
	// Identifiers names direct identifiers, dropped from the output. Keep
	// names columns carried through unchanged on purpose (insensitive).
	// Every other column that is neither a QI nor sensitive is written
	// unchanged only if it does not look like a direct identifier: the
	// subject column, or a column quasiid.Profile's rule at
	// IdentifierRatio calls one, stops Apply with an *IdentifierError
	// before anything is written. The subject may be dropped: it is used
	// for counting first.
	Identifiers, Keep []string
	// ShowValues allows data values in the report (examples of values the
	// hierarchies do not cover); without it the report holds counts only.
	ShowValues bool
	Workers    int
	// Progress, if non-nil, is called from the calling goroutine with
	// stage "read" (rows read) and "write" (rows written, of Total).
	Progress func(Progress)

	checked *passThrough // Identifiers and Keep, checked by Suggest
}

// progressEvery is how many rows pass between two progress calls.
const progressEvery = 1 << 14

// ApplyReport counts what Apply wrote.
type ApplyReport struct {
	// Provenance: reidrisk_version, generated_at, input_sha256.
	Provenance
	Rows              int64 `json:"rows"`
	Written           int64 `json:"written"`
	Suppressed        int64 `json:"suppressed"`
	SuppressedClasses int   `json:"suppressed_classes"`
	Starred           bool  `json:"starred"`
	// WithinLimit reports whether Suppressed is within the policy's
	// suppression limit (it may not be on new data).
	WithinLimit bool `json:"within_limit"`
	// PolicyMet reports whether the written table meets the transform's
	// policy as the search checks a node (generalize.Check): suppression
	// within the limit, some record kept, and the table-level criteria
	// over the kept records (with local suppression: k reached within the
	// cell limit). Err says what failed.
	PolicyMet bool                   `json:"policy_met"`
	K         int64                  `json:"k"` // smallest kept class
	Uncovered []generalize.Uncovered `json:"uncovered"`
	// SuppressedCells counts QI cells blanked ("*") by local suppression
	// (Policy.LocalSuppression; no record is then removed, and K is the
	// least number of records, or subjects, a record matches with * as a
	// wildcard); absent when none.
	SuppressedCells int64 `json:"suppressed_cells,omitempty"`
	// IdentifiersDropped are the columns left out of the output
	// (ApplyOptions.Identifiers); ColumnsKept the columns carried through
	// unchanged on purpose (ApplyOptions.Keep).
	IdentifiersDropped []string `json:"identifiers_dropped"`
	ColumnsKept        []string `json:"columns_kept"`
	// Warnings: more than a tenth of the records suppressed.
	Warnings []string `json:"warnings,omitempty"`

	policy, unmet string // for Err
}

// Suggest reads src, counts its equivalence classes once and searches the
// generalisation lattice of opt.QI for the node that meets opt.Policy
// with the least opt.Metric (see generalize.Search); every other node is
// rolled up from class tables, never from the rows. It returns the
// optimum, a short Pareto list of alternatives (average risk against the
// metric) and the transform to save or apply. Suggest consumes src but
// does not close it.
func Suggest(ctx context.Context, src *quasiid.Source, opt SuggestOptions) (*SuggestReport, error) {
	if src == nil {
		return nil, fmt.Errorf("reidrisk: nil source")
	}
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	var tbl arrow.Table
	var checked *passThrough
	if opt.Output != nil {
		var err error
		if tbl, err = buffer(ctx, src, nil, readProgress(opt.Progress)); err != nil {
			return nil, err
		}
		defer tbl.Release()
		// The columns written unchanged are checked before the search, so
		// that a direct identifier stops Suggest before any work is done.
		chk := quasiid.FromTable(src.Name(), tbl)
		pt, err := checkPassThrough(ctx, chk, slices.Concat(opt.QI, opt.Sensitive), opt.Subject, opt.Identifiers, opt.Keep)
		chk.Close()
		if err != nil {
			return nil, err
		}
		checked = &pt
		src = quasiid.FromTable(src.Name(), tbl)
		defer src.Close()
	}
	var eo quasiid.EncodeOptions
	if opt.Progress != nil && opt.Output == nil {
		eo.Progress = func(rows int64) { opt.Progress(Progress{Stage: "read", Done: rows}) }
	}
	t, err := quasiid.Encode(ctx, src, quasiid.Spec{QI: opt.QI, Sensitive: opt.Sensitive, Subject: opt.Subject}, eo)
	if err != nil {
		return nil, err
	}
	c, err := anonymity.Count(ctx, t, anonymity.CountOptions{Workers: opt.Workers})
	if err != nil {
		return nil, err
	}
	hs := make([]*generalize.Hierarchy, len(opt.QI))
	for j, q := range opt.QI {
		if h := opt.Hierarchies[q]; h != nil {
			hs[j] = h
			continue
		}
		values, counts := columnValues(c, j)
		if hs[j], err = generalize.Auto(q, values, counts); err != nil {
			return nil, err
		}
	}
	for name, h := range opt.Hierarchies {
		if slices.Contains(opt.Sensitive, name) {
			hs = append(hs, h) // for hierarchical t-closeness (Validate checked the names)
		}
	}
	so := opt.Search
	so.Metric = opt.Metric
	if opt.Progress != nil && so.Progress == nil {
		so.Progress = func(n int) { opt.Progress(Progress{Stage: "search", Done: int64(n)}) }
	}
	start := time.Now()
	res, err := generalize.Search(ctx, c, hs, opt.Policy, so)
	if err != nil {
		return nil, err
	}
	r := &SuggestReport{
		Source: t.Source, Rows: c.Rows, QI: slices.Clone(opt.QI), Metric: opt.Metric.String(), Policy: opt.Policy,
		LatticeSize: res.LatticeSize, NodesEvaluated: res.NodesEvaluated, ClassesRolledUp: res.ClassesRolledUp,
		Optimal: res.Optimal, Heuristic: res.Heuristic, CutShort: res.CutShort, SearchMillis: Float(time.Since(start).Seconds() * 1000),
		Before: suggestion(res.QI, res.Before), Alternatives: []Suggestion{},
		Provenance: provenance(src),
	}
	if opt.Policy.T > 0 {
		r.TReference = "input"
	}
	for _, h := range hs[:len(opt.QI)] {
		r.Hierarchies = append(r.Hierarchies, HierarchyInfo{Column: h.Column(), Source: h.Source(), Levels: h.Levels(), Auto: h.Auto()})
	}
	if res.Optimum == nil {
		return r, nil
	}
	o := suggestion(res.QI, res.Optimum)
	r.Optimum = &o
	if w := suppressionWarning(o.Suppressed, r.Rows); w != "" {
		r.Warnings = append(r.Warnings, w)
	}
	for _, n := range res.Alternatives {
		r.Alternatives = append(r.Alternatives, suggestion(res.QI, n))
	}
	r.Transform = generalize.NewTransform(res, res.Optimum)
	r.Transform.Sensitive, r.Transform.Subject = slices.Clone(opt.Sensitive), opt.Subject
	r.Transform.Star = opt.Star
	if opt.Output != nil {
		out := quasiid.FromTable(src.Name(), tbl)
		defer out.Close()
		if r.Output, err = Apply(ctx, out, r.Transform, opt.Output, opt.OutputFormat, ApplyOptions{Star: opt.Star, Workers: opt.Workers, Progress: opt.Progress, checked: checked}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func suggestion(qi []string, n *generalize.Node) Suggestion {
	s := Suggestion{Levels: map[string]int{}, DM: n.DM, DMStar: n.DMStar, Loss: Float(n.Loss), Precision: Float(n.Precision),
		AECS: Float(n.AECS), Entropy: Float(n.Entropy), Suppressed: n.Suppressed, SuppressedClasses: n.SuppressedClasses, SuppressedCells: n.SuppressedCells,
		Classes: n.Classes, HighestRisk: Float(n.HighestRisk), AverageRisk: Float(n.AverageRisk)}
	for j, q := range qi {
		s.Levels[q] = n.Levels[j]
	}
	return s
}

// columnValues returns the distinct values of QI j ("NULL" for null) with
// their record counts.
func columnValues(c *anonymity.Classes, j int) ([]string, []int64) {
	d := c.Dicts[j]
	counts := make([]int64, d.Len())
	for k, code := range c.Codes[j] {
		counts[code] += c.Sizes[k]
	}
	values := make([]string, d.Len())
	for code := range values {
		values[code] = d.Label(uint32(code))
	}
	return values, counts
}

// readProgress returns a RowFunc that keeps every row and reports the
// rows read to progress (nil: none).
func readProgress(progress func(Progress)) quasiid.RowFunc {
	return func(row int64, _ []string, _ []bool) (bool, error) {
		if progress != nil && (row+1)%progressEvery == 0 {
			progress(Progress{Stage: "read", Done: row + 1})
		}
		return true, nil
	}
}

// buffer reads src into memory, rewriting columns with fn (nil: none).
func buffer(ctx context.Context, src *quasiid.Source, columns []string, fn ...quasiid.RowFunc) (arrow.Table, error) {
	f := quasiid.RowFunc(func(int64, []string, []bool) (bool, error) { return true, nil })
	if len(fn) > 0 {
		f = fn[0]
	}
	schema := src.Schema()
	recs, _, err := quasiid.RewriteRecords(ctx, src, columns, f)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	if len(recs) > 0 {
		schema = recs[0].Schema()
	} else if len(columns) > 0 {
		fields := slices.Clone(schema.Fields())
		for i := range fields {
			if slices.Contains(columns, fields[i].Name) {
				fields[i] = arrow.Field{Name: fields[i].Name, Type: arrow.BinaryTypes.String, Nullable: true}
			}
		}
		schema = arrow.NewSchema(fields, nil)
	}
	return array.NewTableFromRecords(schema, recs), nil
}

// Apply writes src generalised by tr to w in format: every QI value is
// replaced by its label at the transform's level (values the hierarchies
// do not hold become "*" and are counted in Uncovered), the generalised
// table is counted, and records in classes failing the transform's policy
// are suppressed — removed, or kept with every QI "*" when opt.Star is
// set; the count is always reported. Apply holds src in memory (it needs
// the rows twice) and consumes src but does not close it.
func Apply(ctx context.Context, src *quasiid.Source, tr *generalize.Transform, w io.Writer, format quasiid.Format, opt ApplyOptions) (*ApplyReport, error) {
	p, err := prepareApply(ctx, src, tr, opt)
	if err != nil {
		return nil, err
	}
	defer p.tbl.Release()
	out, err := quasiid.Without(quasiid.FromTable(src.Name(), p.tbl), p.pass.drop)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	stats, err := quasiid.Rewrite(ctx, out, w, format, tr.QI, p.rowFunc(opt))
	if opt.Progress != nil && err == nil {
		opt.Progress(Progress{Stage: "write", Done: p.rep.Rows, Total: p.rep.Rows})
	}
	if err != nil {
		return nil, err
	}
	p.rep.Written = stats.Kept
	p.rep.Provenance = provenance(src)
	return p.rep, nil
}

// ApplyRecords is Apply into memory: it returns the anonymised table as
// Arrow record batches, which the caller must Release.
func ApplyRecords(ctx context.Context, src *quasiid.Source, tr *generalize.Transform, opt ApplyOptions) ([]arrow.Record, *ApplyReport, error) {
	p, err := prepareApply(ctx, src, tr, opt)
	if err != nil {
		return nil, nil, err
	}
	defer p.tbl.Release()
	out, err := quasiid.Without(quasiid.FromTable(src.Name(), p.tbl), p.pass.drop)
	if err != nil {
		return nil, nil, err
	}
	defer out.Close()
	recs, stats, err := quasiid.RewriteRecords(ctx, out, tr.QI, p.rowFunc(opt))
	if err != nil {
		return nil, nil, err
	}
	p.rep.Written = stats.Kept
	p.rep.Provenance = provenance(src)
	return recs, p.rep, nil
}

// applied is a generalised table in memory with its suppression decision.
type applied struct {
	tbl      arrow.Table
	rowClass []uint32
	fail     []bool
	masks    []uint32 // per class, QIs blanked by local suppression (nil: none)
	rep      *ApplyReport
	pass     passThrough
}

// rowFunc keeps, stars or drops each row by its class.
func (p *applied) rowFunc(opt ApplyOptions) quasiid.RowFunc {
	return func(row int64, values []string, nulls []bool) (bool, error) {
		if opt.Progress != nil && row%progressEvery == 0 {
			opt.Progress(Progress{Stage: "write", Done: row, Total: p.rep.Rows})
		}
		if p.masks != nil {
			m := p.masks[p.rowClass[row]]
			for j := range values {
				if m&(1<<j) != 0 {
					values[j], nulls[j] = SuppressedValue, false
				}
			}
		}
		if !p.fail[p.rowClass[row]] {
			return true, nil
		}
		if !opt.Star {
			return false, nil
		}
		for j := range values {
			values[j], nulls[j] = "*", false
		}
		return true, nil
	}
}

// prepareApply generalises src into memory, counts it and decides which
// classes are suppressed.
func prepareApply(ctx context.Context, src *quasiid.Source, tr *generalize.Transform, opt ApplyOptions) (*applied, error) {
	if src == nil || tr == nil {
		return nil, fmt.Errorf("reidrisk: Apply needs a source and a transform")
	}
	if err := opt.Validate(tr); err != nil {
		return nil, err
	}
	g, err := tr.Generalizer()
	if err != nil {
		return nil, err
	}
	tbl, err := buffer(ctx, src, tr.QI, func(row int64, values []string, nulls []bool) (bool, error) {
		if opt.Progress != nil && (row+1)%progressEvery == 0 {
			opt.Progress(Progress{Stage: "read", Done: row + 1})
		}
		g.Generalize(values, nulls)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	pass := passThrough{}
	if opt.checked != nil {
		pass = *opt.checked
	} else {
		chk := quasiid.FromTable(src.Name(), tbl)
		pass, err = checkPassThrough(ctx, chk, slices.Concat(tr.QI, tr.Sensitive), tr.Subject, opt.Identifiers, opt.Keep)
		chk.Close()
		if err != nil {
			tbl.Release()
			return nil, err
		}
	}
	counted := quasiid.FromTable(src.Name(), tbl)
	t, err := quasiid.Encode(ctx, counted, quasiid.Spec{QI: tr.QI, Sensitive: tr.Sensitive, Subject: tr.Subject}, quasiid.EncodeOptions{})
	counted.Close()
	if err != nil {
		tbl.Release()
		return nil, err
	}
	c, err := anonymity.Count(ctx, t, anonymity.CountOptions{Workers: opt.Workers, RowClass: true})
	if err != nil {
		tbl.Release()
		return nil, err
	}
	if tr.Policy.LocalSuppression {
		p, err := applyLocal(ctx, tbl, c, tr, g, opt)
		if err != nil {
			return nil, err
		}
		p.pass = pass
		p.finish(tr, opt)
		return p, nil
	}
	fail, node, err := tr.Check(c)
	if err != nil {
		tbl.Release()
		return nil, err
	}
	rep := &ApplyReport{Rows: c.Rows, Starred: opt.Star, Uncovered: g.Uncovered(), PolicyMet: node.Feasible, policy: policyText(tr.Policy)}
	if rep.Uncovered == nil {
		rep.Uncovered = []generalize.Uncovered{}
	}
	if !opt.ShowValues {
		for i := range rep.Uncovered {
			rep.Uncovered[i].Values = []string{}
		}
	}
	pass.report(rep)
	for k, f := range fail {
		if f {
			rep.Suppressed += c.Sizes[k]
			rep.SuppressedClasses++
		} else if rep.K == 0 || c.Sizes[k] < rep.K {
			rep.K = c.Sizes[k]
		}
	}
	rep.WithinLimit = float64(rep.Suppressed) <= tr.Policy.MaxSuppression*float64(c.Rows)+1e-9
	switch {
	case node.Feasible:
	case rep.Suppressed == c.Rows:
		rep.unmet = fmt.Sprintf("every one of the %d records is suppressed", c.Rows)
	case !rep.WithinLimit:
		rep.unmet = fmt.Sprintf("%d of %d records suppressed, above the limit of %g of the records", rep.Suppressed, c.Rows, tr.Policy.MaxSuppression)
	default:
		rep.unmet = "a table-level criterion (average risk, records at risk or sample uniques) fails over the kept records"
	}
	if w := suppressionWarning(rep.Suppressed, c.Rows); w != "" {
		rep.Warnings = append(rep.Warnings, w)
	}
	return &applied{tbl: tbl, rowClass: c.RowClass, fail: fail, rep: rep, pass: pass}, nil
}

// finish completes the report of a locally suppressed table (applyLocal):
// its policy is met when k is reached within the cell limit.
func (p *applied) finish(tr *generalize.Transform, opt ApplyOptions) {
	rep := p.rep
	rep.PolicyMet, rep.policy = rep.WithinLimit, policyText(tr.Policy)
	if !rep.PolicyMet {
		rep.unmet = fmt.Sprintf("k = %d with %d cells blanked, want k ≥ %d with at most %g of the cells", rep.K, rep.SuppressedCells, tr.Policy.K, tr.Policy.MaxSuppression)
	}
	if !opt.ShowValues {
		for i := range rep.Uncovered {
			rep.Uncovered[i].Values = []string{}
		}
	}
	p.pass.report(rep)
}
