package quasiid

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
)

// ColumnProfile describes one column for quasi-identifier discovery.
type ColumnProfile struct {
	Name string
	Type string // Arrow type of the column ("utf8" for CSV)
	Rows int64
	// Distinct counts the distinct non-null values; Nulls the null cells.
	Distinct, Nulls int64
	// Uniqueness is Distinct / Rows (0 for an empty table).
	Uniqueness float64
	// Numeric reports that every non-null value reads as a number;
	// Continuous that, moreover, some value is not an integer.
	Numeric, Continuous bool
	// Suggested is the role the heuristic of Profile suggests, and Reason
	// says why in a few words.
	Suggested Role
	Reason    string
}

// ProfileOptions control Profile.
type ProfileOptions struct {
	// IdentifierRatio is the uniqueness at or above which a column that is
	// not continuous is suggested as a direct identifier; 0 means 0.95.
	IdentifierRatio float64
	// Columns, if not empty, names the columns to profile (in this order);
	// the others are read but not profiled.
	Columns []string
	// Progress, if non-nil, is called after each batch with the rows read so far.
	Progress func(rows int64)
}

func (o ProfileOptions) ratio() float64 {
	if o.IdentifierRatio <= 0 {
		return 0.95
	}
	return o.IdentifierRatio
}

// Profile reads every column of src and suggests a role for each. It
// keeps one dictionary per column and no codes, so memory grows with the
// distinct values, not with the rows.
//
// The suggestion is a heuristic, not a finding, and must be reviewed by
// someone who knows the data:
//   - no rows, or at most one distinct value: Insensitive (a constant
//     cannot single anyone out);
//   - Distinct ≥ IdentifierRatio·Rows and not continuous: Identifier
//     (nearly every value is unique, like a name, e-mail or account id);
//   - otherwise QuasiIdentifier, a candidate to check with a QI analysis.
//     A continuous numeric column with nearly unique values (a measured
//     amount) is a quasi-identifier to bin, not a direct identifier.
//
// It cannot tell a sensitive attribute from a quasi-identifier: that
// depends on what an attacker may know, which the data do not say.
func Profile(ctx context.Context, src *Source, opt ProfileOptions) ([]ColumnProfile, error) {
	rr, err := src.reader()
	if err != nil {
		return nil, err
	}
	schema := rr.Schema()
	fields := make([]int, schema.NumFields())
	for i := range fields {
		fields[i] = i
	}
	if len(opt.Columns) > 0 {
		fields = fields[:0]
		for _, name := range opt.Columns {
			i, err := columnIndex(src.name, schema, name)
			if err != nil {
				return nil, err
			}
			fields = append(fields, i)
		}
	}
	n := len(fields)
	encs := make([]*columnEncoder, n)
	nulls := make([]int64, n)
	for k, i := range fields {
		encs[k] = &columnEncoder{file: src.name, field: i, col: &Column{Name: schema.Field(i).Name, Role: Insensitive, Dict: NewDictionary()}}
	}
	rows, err := eachBatch(ctx, src.name, rr, func(rec arrow.Record, before int64) error {
		for i, e := range encs {
			if err := e.encodeGuarded(rec.Column(fields[i]), before, nil); err != nil {
				return err
			}
			if null := e.col.Dict.Null(); null != NoCode {
				for _, c := range e.col.Codes {
					if c == null {
						nulls[i]++
					}
				}
			}
			e.col.Codes = e.col.Codes[:0]
		}
		if opt.Progress != nil {
			opt.Progress(before + rec.NumRows())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]ColumnProfile, n)
	for i, e := range encs {
		out[i] = profileColumn(e.col.Name, schema.Field(fields[i]).Type.String(), rows, nulls[i], e.col.Dict, opt.ratio())
	}
	return out, nil
}

// ProfileTable profiles the columns of an encoded table (Time columns are
// left out), with the rule of Profile.
func ProfileTable(t *Table, opt ProfileOptions) []ColumnProfile {
	var out []ColumnProfile
	for _, c := range t.Columns {
		if c.Dict == nil {
			continue
		}
		var nulls int64
		if null := c.Dict.Null(); null != NoCode {
			for _, code := range c.Codes {
				if code == null {
					nulls++
				}
			}
		}
		out = append(out, profileColumn(c.Name, "", int64(t.Rows), nulls, c.Dict, opt.ratio()))
	}
	return out
}

// profileColumn applies the rule of Profile to one column.
func profileColumn(name, typ string, rows, nulls int64, d *Dictionary, ratio float64) ColumnProfile {
	p := ColumnProfile{Name: name, Type: typ, Rows: rows, Nulls: nulls}
	p.Distinct = int64(d.Len())
	if d.Null() != NoCode {
		p.Distinct--
	}
	if rows > 0 {
		p.Uniqueness = float64(p.Distinct) / float64(rows)
	}
	p.Numeric = p.Distinct > 0
	for code := range d.Len() {
		c := uint32(code)
		if d.IsNull(c) {
			continue
		}
		f, err := strconv.ParseFloat(d.Value(c), 64)
		if err != nil {
			p.Numeric, p.Continuous = false, false
			break
		}
		if !math.IsNaN(f) && !math.IsInf(f, 0) && f != math.Trunc(f) {
			p.Continuous = true
		}
	}
	switch {
	case rows == 0:
		p.Suggested, p.Reason = Insensitive, "no rows"
	case p.Distinct <= 1:
		p.Suggested, p.Reason = Insensitive, "constant: at most one distinct value"
	case p.Uniqueness >= ratio && !p.Continuous:
		p.Suggested, p.Reason = Identifier, fmt.Sprintf("nearly every value is unique (%.0f%% distinct)", 100*p.Uniqueness)
	case p.Uniqueness >= ratio:
		p.Suggested, p.Reason = QuasiIdentifier, "continuous numbers, nearly all unique: bin before release"
	default:
		p.Suggested, p.Reason = QuasiIdentifier, "candidate: check with a QI analysis"
	}
	return p
}
