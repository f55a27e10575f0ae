package reidrisk

import (
	"context"
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/quasiid"
)

// IdentifierRatio is the share of distinct values at or above which a
// column written unchanged to an anonymised output is taken for a direct
// identifier (quasiid.Profile's rule, at this ratio).
const IdentifierRatio = 0.9

// IdentifierError reports a column that an anonymised output (Suggest with
// Output, Apply, TemporalReport.WriteSafe) would carry unchanged although
// it looks like a direct identifier: it is the subject column, or
// quasiid.Profile's rule at IdentifierRatio calls it an identifier (nearly
// every value distinct, not continuous numbers). Nothing has been written
// when it is returned. Name the column in the options' Identifiers to drop
// it from the output, or in Keep to carry it through on purpose.
type IdentifierError struct {
	Column string
	// Subject reports that Column is the subject column; otherwise
	// Uniqueness is its share of distinct values.
	Subject    bool
	Uniqueness float64
}

func (e *IdentifierError) Error() string {
	return fmt.Sprintf("reidrisk: output column %s looks like a direct identifier (%s): name it in Identifiers to drop it from the output or in Keep to carry it through",
		textfmt.Name(e.Column), e.Why())
}

// Why says why the column looks like a direct identifier.
func (e *IdentifierError) Why() string {
	if e.Subject {
		return "it is the subject column"
	}
	return fmt.Sprintf("%.0f%% of its values are distinct", 100*e.Uniqueness)
}

// passThrough holds the columns an output drops and the ones it carries
// through on purpose, checked against a source's columns.
type passThrough struct {
	drop, keep []string
}

// planPassThrough checks that the columns Identifiers (drop) and Keep
// (keep) name are among the columns cols of the source named name (their
// roles against each other and the columns the output rewrites, rewritten,
// are the options' Validate's to check). It returns an
// *IdentifierError when the subject would pass through unchanged, and
// otherwise the other columns that would, to be profiled.
func planPassThrough(name string, cols, rewritten []string, subject string, drop, keep []string) (check []string, err error) {
	for _, list := range []struct {
		field string
		names []string
	}{{"Identifiers", drop}, {"Keep", keep}} {
		for _, n := range list.names {
			if !slices.Contains(cols, n) {
				return nil, &OptionError{Field: list.field, Msg: fmt.Sprintf("%s has no column %s", name, textfmt.Name(n))}
			}
		}
	}
	for _, c := range cols {
		if slices.Contains(rewritten, c) || slices.Contains(drop, c) || slices.Contains(keep, c) {
			continue
		}
		if c == subject {
			return nil, &IdentifierError{Column: c, Subject: true}
		}
		check = append(check, c)
	}
	return check, nil
}

// checkPassThrough is planPassThrough followed by quasiid.Profile of the
// columns that pass through, at IdentifierRatio: the first one the rule
// calls a direct identifier is an *IdentifierError. src is read.
func checkPassThrough(ctx context.Context, src *quasiid.Source, rewritten []string, subject string, drop, keep []string) (passThrough, error) {
	check, err := planPassThrough(src.Name(), src.Columns(), rewritten, subject, drop, keep)
	if err != nil {
		return passThrough{}, err
	}
	if len(check) > 0 {
		ps, err := quasiid.Profile(ctx, src, quasiid.ProfileOptions{IdentifierRatio: IdentifierRatio, Columns: check})
		if err != nil {
			return passThrough{}, err
		}
		if err := identifierIn(ps); err != nil {
			return passThrough{}, err
		}
	}
	return passThrough{drop: slices.Clone(drop), keep: slices.Clone(keep)}, nil
}

// identifierIn returns an *IdentifierError for the first profile the rule
// suggests as a direct identifier.
func identifierIn(ps []quasiid.ColumnProfile) error {
	for _, p := range ps {
		if p.Suggested == quasiid.Identifier {
			return &IdentifierError{Column: p.Name, Uniqueness: p.Uniqueness}
		}
	}
	return nil
}

// report fills the report fields of an output.
func (p passThrough) report(r *ApplyReport) {
	r.IdentifiersDropped, r.ColumnsKept = nonNil(p.drop), nonNil(p.keep)
}
