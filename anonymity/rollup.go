package anonymity

import (
	"errors"
	"fmt"

	"github.com/reidrisk/reidrisk/internal/groupby"
	"github.com/reidrisk/reidrisk/quasiid"
)

// RollUp returns the class table after recoding each QI: code v of QI j
// becomes maps[j][v], a code of dicts[j] (for example the generalisation
// of a value one level up its hierarchy). Classes that become equal merge;
// their sizes, subjects and sensitive histograms add up. A nil maps[j]
// keeps QI j as it is (dicts[j] is then ignored). Classes keep the order
// of their first appearance, and RowClass, when present, follows.
//
// RollUp never reads rows: it groups the classes, weighted by their sizes.
func (c *Classes) RollUp(maps [][]uint32, dicts []*quasiid.Dictionary) (*Classes, error) {
	if len(maps) != len(c.QI) || len(dicts) != len(c.QI) {
		return nil, fmt.Errorf("anonymity: RollUp: %d maps and %d dictionaries for %d QIs", len(maps), len(dicts), len(c.QI))
	}
	codes := make([][]uint32, len(c.QI))
	nd := make([]*quasiid.Dictionary, len(c.QI))
	for j, m := range maps {
		if m == nil {
			codes[j], nd[j] = c.Codes[j], c.Dicts[j]
			continue
		}
		if dicts[j] == nil {
			return nil, fmt.Errorf("anonymity: RollUp: QI %q has a map but no dictionary", c.QI[j])
		}
		col := make([]uint32, len(c.Codes[j]))
		for k, v := range c.Codes[j] {
			if int(v) >= len(m) {
				return nil, fmt.Errorf("anonymity: RollUp: QI %q: code %d has no image in a map of %d codes",
					c.QI[j], v, len(m))
			}
			col[k] = m[v]
		}
		codes[j], nd[j] = col, dicts[j]
	}
	return c.regroup(codes, c.QI, nd)
}

// Project returns the class table over the QIs cols (indices into c.QI,
// in the order given): classes equal on those QIs merge.
func (c *Classes) Project(cols []int) (*Classes, error) {
	codes := make([][]uint32, len(cols))
	qi := make([]string, len(cols))
	dicts := make([]*quasiid.Dictionary, len(cols))
	seen := make(map[int]bool, len(cols))
	for i, j := range cols {
		if j < 0 || j >= len(c.QI) {
			return nil, fmt.Errorf("anonymity: Project: column %d of %d QIs", j, len(c.QI))
		}
		if seen[j] {
			return nil, fmt.Errorf("anonymity: Project: QI %q named twice", c.QI[j])
		}
		seen[j] = true
		codes[i], qi[i], dicts[i] = c.Codes[j], c.QI[j], c.Dicts[j]
	}
	return c.regroup(codes, qi, dicts)
}

// regroup groups the classes of c by the given per-class codes, weighted
// by size, and folds subjects, sensitive histograms and RowClass along.
func (c *Classes) regroup(codes [][]uint32, qi []string, dicts []*quasiid.Dictionary) (*Classes, error) {
	cards := make([]uint32, len(codes))
	for j, d := range dicts {
		cards[j] = uint32(d.Len())
	}
	g, err := groupCodes(codes, cards, c.Sizes)
	if err != nil {
		var ce *groupby.CodeError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("anonymity: QI %q: code %d outside its dictionary of %d values", qi[ce.Column], ce.Code, ce.Card)
		}
		return nil, err
	}
	out := &Classes{Rows: c.Rows, QI: qi, Dicts: dicts, Sizes: g.Sizes, Codes: pick(codes, g.First)}
	classOf := [][]uint32{g.RowIDs}
	if c.Subjects != nil {
		if out.Subjects, err = foldMultisets([]*Multiset{c.Subjects}, classOf, g.N, false); err != nil {
			return nil, err
		}
	}
	for _, m := range c.Sensitive {
		f, err := foldMultisets([]*Multiset{m}, classOf, g.N, false)
		if err != nil {
			return nil, err
		}
		out.Sensitive = append(out.Sensitive, f)
	}
	if c.RowClass != nil {
		out.RowClass = make([]uint32, len(c.RowClass))
		for i, k := range c.RowClass {
			out.RowClass[i] = g.RowIDs[k]
		}
	}
	return out, nil
}
