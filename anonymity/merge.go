package anonymity

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/internal/groupby"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Merge combines class tables counted over the same quasi-identifiers (for
// example shards of one table counted separately) into the class table of
// their union. Parts are matched by value, never by code: each part may
// have its own dictionaries, and the result has fresh ones holding every
// value of every part (null stays null). Classes with equal values merge
// and their sizes, subjects and sensitive histograms add up; classes keep
// the order of their first appearance, parts taken in order.
//
// All parts must name the same QIs and sensitive columns in the same
// order, and either all or none carry subjects. RowClass is kept when
// every part has it: rows are then numbered part after part.
func Merge(parts ...*Classes) (*Classes, error) {
	if len(parts) == 0 {
		return nil, errors.New("anonymity: Merge of no class tables")
	}
	for i, p := range parts {
		if p == nil {
			return nil, fmt.Errorf("anonymity: Merge: part %d is nil", i)
		}
		if err := p.check(); err != nil {
			return nil, fmt.Errorf("anonymity: Merge: part %d: %w", i, err)
		}
	}
	first := parts[0]
	for i, p := range parts[1:] {
		if !slices.Equal(p.QI, first.QI) {
			return nil, fmt.Errorf("anonymity: Merge: part %d has QIs %v, part 0 has %v", i+1, p.QI, first.QI)
		}
		if (p.Subjects == nil) != (first.Subjects == nil) {
			return nil, fmt.Errorf("anonymity: Merge: part %d and part 0 differ in carrying subjects", i+1)
		}
		if len(p.Sensitive) != len(first.Sensitive) {
			return nil, fmt.Errorf("anonymity: Merge: part %d has %d sensitive columns, part 0 has %d", i+1, len(p.Sensitive), len(first.Sensitive))
		}
		for s, m := range p.Sensitive {
			if m.Name != first.Sensitive[s].Name {
				return nil, fmt.Errorf("anonymity: Merge: part %d sensitive column %d is %q, part 0 has %q", i+1, s, m.Name, first.Sensitive[s].Name)
			}
		}
	}
	out := &Classes{QI: slices.Clone(first.QI), Dicts: make([]*quasiid.Dictionary, len(first.QI))}
	total := 0
	for _, p := range parts {
		total += p.Len()
		out.Rows += p.Rows
	}
	// Remap every part's codes into fresh dictionaries, by value.
	cols := make([][]uint32, len(out.QI))
	cards := make([]uint32, len(out.QI))
	for j := range out.QI {
		d := quasiid.NewDictionary()
		col := make([]uint32, 0, total)
		for _, p := range parts {
			m := remapDict(d, p.Dicts[j])
			for _, v := range p.Codes[j] {
				col = append(col, m[v])
			}
		}
		out.Dicts[j], cols[j], cards[j] = d, col, uint32(d.Len())
	}
	weights := make([]int64, 0, total)
	for _, p := range parts {
		weights = append(weights, p.Sizes...)
	}
	g, err := groupCodes(cols, cards, weights)
	if err != nil {
		return nil, err
	}
	out.Sizes = g.Sizes
	out.Codes = pick(cols, g.First)
	// classOf[i][c] is the merged class of class c of part i.
	classOf := make([][]uint32, len(parts))
	at := 0
	for i, p := range parts {
		classOf[i] = g.RowIDs[at : at+p.Len()]
		at += p.Len()
	}
	collect := func(get func(*Classes) *Multiset) []*Multiset {
		ms := make([]*Multiset, len(parts))
		for i, p := range parts {
			ms[i] = get(p)
		}
		return ms
	}
	if first.Subjects != nil {
		out.Subjects, err = foldMultisets(collect(func(c *Classes) *Multiset { return c.Subjects }), classOf, g.N, true)
		if err != nil {
			return nil, err
		}
	}
	for s := range first.Sensitive {
		m, err := foldMultisets(collect(func(c *Classes) *Multiset { return c.Sensitive[s] }), classOf, g.N, true)
		if err != nil {
			return nil, err
		}
		out.Sensitive = append(out.Sensitive, m)
	}
	if slices.IndexFunc(parts, func(p *Classes) bool { return p.RowClass == nil }) < 0 {
		for i, p := range parts {
			for _, c := range p.RowClass {
				out.RowClass = append(out.RowClass, classOf[i][c])
			}
		}
	}
	return out, nil
}

// remapDict adds every value of src to dst and returns the code in dst of
// each code of src.
func remapDict(dst, src *quasiid.Dictionary) []uint32 {
	m := make([]uint32, src.Len())
	for v := range m {
		if src.IsNull(uint32(v)) {
			m[v] = dst.NullCode()
		} else {
			m[v] = dst.Code(src.Value(uint32(v)))
		}
	}
	return m
}

// groupCodes groups weighted rows of codes, asking for row ids; with no
// columns every row is one group.
func groupCodes(cols [][]uint32, cards []uint32, weights []int64) (*groupby.Groups, error) {
	if weights == nil {
		weights = []int64{}
	}
	return groupby.Group(cols, cards, groupby.Options{Weights: weights, RowIDs: true})
}

// pick returns, per column, the codes of the given rows.
func pick(cols [][]uint32, rows []int) [][]uint32 {
	out := make([][]uint32, len(cols))
	for j, col := range cols {
		codes := make([]uint32, len(rows))
		for k, r := range rows {
			codes[k] = col[r]
		}
		out[j] = codes
	}
	return out
}

// foldMultisets moves the histograms of ms (one per part, each over its
// part's classes) to nclass classes: class c of part i becomes class
// classOf[i][c]. With byValue the values are remapped into a fresh
// dictionary; otherwise all parts share ms[0].Dict.
func foldMultisets(ms []*Multiset, classOf [][]uint32, nclass int, byValue bool) (*Multiset, error) {
	dict := ms[0].Dict
	if byValue {
		dict = quasiid.NewDictionary()
	}
	total := 0
	for _, m := range ms {
		total += len(m.Values)
	}
	cls := make([]uint32, 0, total)
	vals := make([]uint32, 0, total)
	wts := make([]int64, 0, total)
	for i, m := range ms {
		var vm []uint32
		if byValue {
			vm = remapDict(dict, m.Dict)
		}
		for c := range len(m.Offsets) - 1 {
			for e := m.Offsets[c]; e < m.Offsets[c+1]; e++ {
				v := m.Values[e]
				if vm != nil {
					v = vm[v]
				}
				cls = append(cls, classOf[i][c])
				vals = append(vals, v)
			}
		}
		wts = append(wts, m.Counts...)
	}
	return histogram(context.Background(), ms[0].Name, dict, cls, nclass, vals, wts, 0)
}

// check verifies the shape of c: lengths agree and codes and values lie
// within their dictionaries.
func (c *Classes) check() error {
	n := len(c.Sizes)
	if len(c.Dicts) != len(c.QI) || len(c.Codes) != len(c.QI) {
		return fmt.Errorf("%d QIs, %d dictionaries, %d code columns", len(c.QI), len(c.Dicts), len(c.Codes))
	}
	for j, codes := range c.Codes {
		if c.Dicts[j] == nil || len(codes) != n {
			return fmt.Errorf("QI %q: %d codes for %d classes", c.QI[j], len(codes), n)
		}
		l := uint32(c.Dicts[j].Len())
		for _, v := range codes {
			if v >= l {
				return fmt.Errorf("QI %q: code %d outside its dictionary of %d values", c.QI[j], v, l)
			}
		}
	}
	ms := c.Sensitive
	if c.Subjects != nil {
		ms = append([]*Multiset{c.Subjects}, ms...)
	}
	for _, m := range ms {
		if m == nil || m.Dict == nil {
			return errors.New("multiset without dictionary")
		}
		if len(m.Offsets) != n+1 || m.Offsets[0] != 0 || m.Offsets[n] != len(m.Values) || len(m.Counts) != len(m.Values) {
			return fmt.Errorf("multiset %q: malformed offsets", m.Name)
		}
		for k := range n {
			if m.Offsets[k] > m.Offsets[k+1] {
				return fmt.Errorf("multiset %q: offsets decrease at class %d", m.Name, k)
			}
		}
		l := uint32(m.Dict.Len())
		for _, v := range m.Values {
			if v >= l {
				return fmt.Errorf("multiset %q: value code %d outside its dictionary of %d values", m.Name, v, l)
			}
		}
	}
	for _, r := range c.RowClass {
		if int(r) >= n {
			return fmt.Errorf("row class %d of %d classes", r, n)
		}
	}
	return nil
}
