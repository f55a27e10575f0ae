package reidrisk

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

// SuppressedValue is written in place of a blanked cell. It is a marker,
// not a value: while blanking, a blanked cell matches any value, whereas
// a "*" already in the data is an ordinary value matching only itself
// (counted in SuppressReport.InputStarCells, since the output cannot tell
// the two apart), and null is a value of its own (see NullRule).
const SuppressedValue = "*"

// SuppressOptions say what Suppress does. QI and K are required.
type SuppressOptions struct {
	QI []string
	// K is the least number of records (with Subject: distinct subjects)
	// every record must match, a blanked cell matching any value.
	K int64
	// Importance lists QIs from the most important (blanked last) to the
	// least important, as sdcMicro's importance 1, 2, …; see
	// generalize.LocalOptions.
	Importance []string
	Subject    string
	// Output, if non-nil, receives the whole table, every row and every
	// column, with blanked QI cells set to SuppressedValue, in
	// OutputFormat. Writing needs the input twice, so Suppress then holds
	// the input's record batches in memory.
	Output       io.Writer
	OutputFormat quasiid.Format
	Workers      int
	// Progress, if non-nil, is called with stage "read" (rows read),
	// "suppress" (classes below K examined, of Total) and, with Output,
	// "write" (rows written, of Total).
	Progress func(Progress)
}

// SuppressReport is the outcome of Suppress. Its JSON field names are a
// stable contract.
type SuppressReport struct {
	// Provenance: reidrisk_version, generated_at, input_sha256.
	Provenance
	Source string   `json:"source"`
	Rows   int64    `json:"rows"`
	QI     []string `json:"qi"`
	K      int64    `json:"k"`
	// KCountedIn is KRows or, with a subject column, KSubjects.
	KCountedIn string `json:"k_counted_in"`
	// Importance lists the QIs from the most important (blanked last) to
	// the least important, as used (given, then by fewest distinct values).
	Importance      []string `json:"importance"`
	SuppressedCells int64    `json:"suppressed_cells"`
	// SuppressedByColumn counts blanked cells per QI (every QI listed).
	SuppressedByColumn map[string]int64 `json:"suppressed_by_column"`
	// RecordsTouched counts records with at least one blanked cell.
	RecordsTouched int64 `json:"records_touched"`
	// KBefore is the least class size (distinct subjects) before blanking;
	// KAfter the least number of records (subjects) a record matches
	// after, a blanked cell matching any value. KAfter < K only when the
	// table holds fewer than K records (subjects); nothing is blanked then.
	KBefore int64 `json:"k_before"`
	KAfter  int64 `json:"k_after"`
	// InputStarCells counts QI cells that already held "*" in the input:
	// ordinary values while blanking, indistinguishable from blanks in the
	// output.
	InputStarCells int64  `json:"input_star_cells"`
	Written        int64  `json:"written"` // rows written to Output (all of them)
	NullRule       string `json:"null_rule"`
	Millis         Float  `json:"suppress_ms"` // time spent choosing the cells
}

// Suppress reads src and blanks the fewest QI cells it can so that every
// record matches at least opt.K records (distinct subjects), a blanked
// cell matching any value — sdcMicro's localSuppression semantics; see
// generalize.LocalSuppress for the method. No row is removed and no
// non-QI value changes. With opt.Output the table is written with the
// blanks. Suppress consumes src but does not close it.
func Suppress(ctx context.Context, src *quasiid.Source, opt SuppressOptions) (*SuppressReport, error) {
	if src == nil {
		return nil, fmt.Errorf("reidrisk: nil source")
	}
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	lo := generalize.LocalOptions{K: opt.K, Importance: opt.Importance, Subjects: opt.Subject != ""}
	var tbl arrow.Table
	if opt.Output != nil {
		var err error
		if tbl, err = buffer(ctx, src, nil, readProgress(opt.Progress)); err != nil {
			return nil, err
		}
		defer tbl.Release()
		src = quasiid.FromTable(src.Name(), tbl)
		defer src.Close()
	}
	var eo quasiid.EncodeOptions
	if opt.Progress != nil && opt.Output == nil {
		eo.Progress = func(rows int64) { opt.Progress(Progress{Stage: "read", Done: rows}) }
	}
	t, err := quasiid.Encode(ctx, src, quasiid.Spec{QI: opt.QI, Subject: opt.Subject}, eo)
	if err != nil {
		return nil, err
	}
	c, err := anonymity.Count(ctx, t, anonymity.CountOptions{Workers: opt.Workers, RowClass: opt.Output != nil})
	if err != nil {
		return nil, err
	}
	if opt.Progress != nil {
		lo.Progress = func(done, total int) {
			opt.Progress(Progress{Stage: "suppress", Done: int64(done), Total: int64(total)})
		}
	}
	start := time.Now()
	res, err := generalize.LocalSuppress(ctx, c, lo)
	if err != nil {
		return nil, err
	}
	r := suppressReport(t.Source, c, res, opt)
	r.Provenance = provenance(src)
	r.Millis = Float(time.Since(start).Seconds() * 1000)
	if opt.Output == nil {
		return r, nil
	}
	out := quasiid.FromTable(src.Name(), tbl)
	defer out.Close()
	stats, err := quasiid.Rewrite(ctx, out, opt.Output, opt.OutputFormat, opt.QI, func(row int64, values []string, nulls []bool) (bool, error) {
		if opt.Progress != nil && row%progressEvery == 0 {
			opt.Progress(Progress{Stage: "write", Done: row, Total: c.Rows})
		}
		m := res.Masks[c.RowClass[row]]
		for j := range values {
			if m&(1<<j) != 0 {
				values[j], nulls[j] = SuppressedValue, false
			}
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if opt.Progress != nil {
		opt.Progress(Progress{Stage: "write", Done: c.Rows, Total: c.Rows})
	}
	r.Written = stats.Kept
	return r, nil
}

// suppressReport fills the report of Suppress from the class table and
// the blanks chosen.
func suppressReport(source string, c *anonymity.Classes, res *generalize.Local, opt SuppressOptions) *SuppressReport {
	r := &SuppressReport{Source: source, Rows: c.Rows, QI: slices.Clone(c.QI), K: opt.K, KCountedIn: KRows,
		SuppressedCells: res.Cells, SuppressedByColumn: map[string]int64{}, RecordsTouched: res.Records,
		KAfter: res.K, NullRule: NullRule}
	if opt.Subject != "" {
		r.KCountedIn = KSubjects
	}
	for i := len(res.Order) - 1; i >= 0; i-- {
		r.Importance = append(r.Importance, c.QI[res.Order[i]])
	}
	for j, q := range c.QI {
		r.SuppressedByColumn[q] = res.ByColumn[j]
	}
	star := make([]uint32, len(c.QI))
	for j, d := range c.Dicts {
		code, ok := d.Lookup(SuppressedValue)
		star[j] = code
		if !ok {
			star[j] = quasiid.NoCode
		}
	}
	for i := range c.Len() {
		n := c.Sizes[i]
		if opt.Subject != "" {
			n = int64(c.Subjects.Offsets[i+1] - c.Subjects.Offsets[i])
		}
		if r.KBefore == 0 || n < r.KBefore {
			r.KBefore = n
		}
		for j := range c.QI {
			if c.Codes[j][i] == star[j] {
				r.InputStarCells += c.Sizes[i]
			}
		}
	}
	return r
}

// applyLocal finishes prepareApply for a transform whose policy blanks
// cells (Policy.LocalSuppression): no class is removed, LocalSuppress
// chooses the blanks of the generalised table, and the report counts them
// against MaxSuppression of the QI cells.
func applyLocal(ctx context.Context, tbl arrow.Table, c *anonymity.Classes, tr *generalize.Transform, g *generalize.Generalizer, opt ApplyOptions) (*applied, error) {
	res, err := generalize.LocalSuppress(ctx, c, generalize.LocalOptions{K: tr.Policy.K, Subjects: tr.Policy.SubjectK})
	if err != nil {
		tbl.Release()
		return nil, err
	}
	rep := &ApplyReport{Rows: c.Rows, Starred: opt.Star, Uncovered: g.Uncovered(), K: res.K, SuppressedCells: res.Cells}
	if rep.Uncovered == nil {
		rep.Uncovered = []generalize.Uncovered{}
	}
	cells := float64(c.Rows) * float64(len(c.QI))
	rep.WithinLimit = res.K >= tr.Policy.K && float64(res.Cells) <= tr.Policy.MaxSuppression*cells+1e-9
	return &applied{tbl: tbl, rowClass: c.RowClass, fail: make([]bool, c.Len()), masks: res.Masks, rep: rep}, nil
}
