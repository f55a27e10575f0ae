package anonymity

import (
	"context"
	"errors"

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
// both come from sorting the rows' (class, value) keys and counting each
// run, never by reading the rows again.
//
// A table without QI columns has one class holding every row; a table
// without rows has no class. The Dicts of the result are those of t,
// shared and read-only. Count is a Counter fed t as one chunk.
func Count(ctx context.Context, t *quasiid.Table, opt CountOptions) (*Classes, error) {
	if t == nil {
		return nil, errors.New("anonymity: Count of a nil table")
	}
	s := NewCounter(opt)
	if err := s.Add(ctx, t); err != nil {
		return nil, err
	}
	return s.Classes(t)
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
