package anonymity

import (
	"context"
	"errors"
	"fmt"

	"github.com/reidrisk/reidrisk/internal/groupby"
	"github.com/reidrisk/reidrisk/quasiid"
)

// CountOptions control Count.
type CountOptions struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// RowClass asks for Classes.RowClass.
	RowClass bool
}

// Count groups the rows of t into equivalence classes over its
// quasi-identifier columns: rows with equal codes on every QI form one
// class. Classes are numbered in order of their first row. With a subject
// column each class carries its distinct subjects (Classes.Subjects), and
// each sensitive column gives a histogram per class (Classes.Sensitive);
// both come from grouping the in-memory codes by (class, value), never by
// reading the rows again.
//
// A table without QI columns has one class holding every row; a table
// without rows has no class. The Dicts of the result are those of t,
// shared and read-only.
func Count(ctx context.Context, t *quasiid.Table, opt CountOptions) (*Classes, error) {
	if t == nil {
		return nil, errors.New("anonymity: Count of a nil table")
	}
	for _, col := range t.Columns {
		if col.Role != quasiid.QuasiIdentifier && col.Role != quasiid.Subject && col.Role != quasiid.Sensitive {
			continue
		}
		if col.Dict == nil || len(col.Codes) != t.Rows {
			return nil, fmt.Errorf("anonymity: %s: column %q has %d codes for %d rows", t.Source, col.Name, len(col.Codes), t.Rows)
		}
	}
	qis := t.ByRole(quasiid.QuasiIdentifier)
	subjects := t.ByRole(quasiid.Subject)
	if len(subjects) > 1 {
		return nil, fmt.Errorf("anonymity: %s: %d subject columns; at most one is allowed", t.Source, len(subjects))
	}
	sensitive := t.ByRole(quasiid.Sensitive)
	c := &Classes{
		Rows:  int64(t.Rows),
		QI:    make([]string, len(qis)),
		Dicts: make([]*quasiid.Dictionary, len(qis)),
		Codes: make([][]uint32, len(qis)),
	}
	cols := make([][]uint32, len(qis))
	cards := make([]uint32, len(qis))
	for j, q := range qis {
		c.QI[j], c.Dicts[j] = q.Name, q.Dict
		cols[j], cards[j] = q.Codes, uint32(q.Dict.Len())
	}
	needRows := opt.RowClass || len(subjects) > 0 || len(sensitive) > 0
	var rowClass []uint32
	if len(qis) == 0 {
		c.Sizes = []int64{}
		if t.Rows > 0 {
			c.Sizes = []int64{int64(t.Rows)}
		}
		if needRows {
			rowClass = make([]uint32, t.Rows)
		}
	} else {
		g, err := groupby.GroupContext(ctx, cols, cards, groupby.Options{Workers: opt.Workers, RowIDs: needRows,
			Codes: true, NoFirst: true})
		if err != nil {
			return nil, tableError(t, qis, err)
		}
		c.Sizes = g.Sizes
		c.Codes = g.Codes
		rowClass = g.RowIDs
	}
	if len(subjects) == 1 {
		s := subjects[0]
		m, err := histogram(ctx, s.Name, s.Dict, rowClass, c.Len(), s.Codes, nil, opt.Workers)
		if err != nil {
			return nil, tableError(t, []*quasiid.Column{s, s}, err)
		}
		c.Subjects = m
	}
	for _, s := range sensitive {
		m, err := histogram(ctx, s.Name, s.Dict, rowClass, c.Len(), s.Codes, nil, opt.Workers)
		if err != nil {
			return nil, tableError(t, []*quasiid.Column{s, s}, err)
		}
		c.Sensitive = append(c.Sensitive, m)
	}
	if opt.RowClass {
		c.RowClass = rowClass
	}
	return c, nil
}

// tableError names the file, row and column of a code out of its
// dictionary's range.
func tableError(t *quasiid.Table, cols []*quasiid.Column, err error) error {
	var ce *groupby.CodeError
	if errors.As(err, &ce) && ce.Column < len(cols) {
		return fmt.Errorf("anonymity: %s: row %d, column %q: code %d outside its dictionary of %d values",
			t.Source, ce.Row+1, cols[ce.Column].Name, ce.Code, ce.Card)
	}
	return err
}

// histogram builds the Multiset of (class[i], values[i]) pairs over
// nclass classes, each pair weighted by weights[i] (1 when nil): values of
// a class come out ascending.
func histogram(ctx context.Context, name string, dict *quasiid.Dictionary, class []uint32, nclass int,
	values []uint32, weights []int64, workers int) (*Multiset, error) {
	m := &Multiset{Name: name, Dict: dict, Offsets: make([]int, nclass+1)}
	if len(values) == 0 {
		m.Values, m.Counts = []uint32{}, []int64{}
		return m, nil
	}
	g, err := groupby.GroupContext(ctx, [][]uint32{class, values}, []uint32{uint32(nclass), uint32(dict.Len())},
		groupby.Options{Workers: workers, Weights: weights, Codes: true, NoFirst: true})
	if err != nil {
		return nil, err
	}
	fillCSR(m, g.Codes[0], g.Codes[1], g.Sizes, dict.Len())
	return m, nil
}

// fillCSR lays out pairs (class pc[k], value pv[k], count n[k]), each pair
// distinct, as m's rows: sorted by class, then value, with two stable
// counting sorts (by value, then by class).
func fillCSR(m *Multiset, pc, pv []uint32, n []int64, card int) {
	p := len(pc)
	byValue := make([]int, card+1)
	for _, v := range pv {
		byValue[v+1]++
	}
	for v := 1; v <= card; v++ {
		byValue[v] += byValue[v-1]
	}
	order := make([]uint32, p)
	for k, v := range pv {
		order[byValue[v]] = uint32(k)
		byValue[v]++
	}
	off := m.Offsets
	for _, c := range pc {
		off[c+1]++
	}
	for c := 1; c < len(off); c++ {
		off[c] += off[c-1]
	}
	next := make([]int, len(off)-1)
	copy(next, off)
	m.Values = make([]uint32, p)
	m.Counts = make([]int64, p)
	for _, k := range order {
		c := pc[k]
		i := next[c]
		next[c]++
		m.Values[i], m.Counts[i] = pv[k], n[k]
	}
}
