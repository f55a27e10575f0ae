package generalize

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// TransformVersion is the version of the Transform JSON format.
const TransformVersion = 1

// Transform is a chosen full-domain generalisation: the level of every
// QI, the hierarchies and the policy whose failing classes are suppressed.
// Its JSON form is self-contained (hierarchies are embedded) so that it
// can be reapplied to new data of the same schema.
type Transform struct {
	Version     int                  `json:"version"`
	QI          []string             `json:"qi"`
	Levels      []int                `json:"levels"`
	Hierarchies []TransformHierarchy `json:"hierarchies"`
	Policy      Policy               `json:"policy"`
	// SensitiveHierarchies are the hierarchies of the sensitive columns
	// the policy's hierarchical t-closeness reads.
	SensitiveHierarchies []TransformHierarchy `json:"sensitive_hierarchies,omitempty"`
	// Sensitive and Subject name the columns the policy reads, if any.
	Sensitive []string `json:"sensitive,omitempty"`
	Subject   string   `json:"subject,omitempty"`
	// Star asks for suppressed records to be kept with every QI set to
	// "*" instead of being removed.
	Star bool `json:"star,omitempty"`
}

// TransformHierarchy is a hierarchy as stored in a Transform.
type TransformHierarchy struct {
	Column string     `json:"column"`
	Source string     `json:"source"`
	Auto   bool       `json:"auto,omitempty"`
	Rows   [][]string `json:"rows"`
}

// NewTransform returns the transform that generalises to n's levels with
// the result's hierarchies and policy.
func NewTransform(res *Result, n *Node) *Transform {
	t := &Transform{Version: TransformVersion, QI: slices.Clone(res.QI), Levels: slices.Clone(n.Levels), Policy: res.Policy}
	for _, h := range res.Hierarchies {
		t.Hierarchies = append(t.Hierarchies, TransformHierarchy{Column: h.column, Source: h.source, Auto: h.auto, Rows: h.rows})
	}
	for _, h := range res.SensitiveHierarchies {
		t.SensitiveHierarchies = append(t.SensitiveHierarchies, TransformHierarchy{Column: h.column, Source: h.source, Auto: h.auto, Rows: h.rows})
	}
	return t
}

// ReadTransform reads a transform saved as JSON and checks it.
func ReadTransform(name string, r io.Reader) (*Transform, error) {
	var t Transform
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if _, err := t.hierarchies(name); err != nil {
		return nil, err
	}
	if _, err := t.sensitiveHierarchies(name); err != nil {
		return nil, err
	}
	return &t, nil
}

// WriteJSON writes the transform as indented JSON.
func (t *Transform) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// hierarchies rebuilds and checks the transform's hierarchies, in QI order.
func (t *Transform) hierarchies(name string) ([]*Hierarchy, error) {
	if t.Version != TransformVersion {
		return nil, fmt.Errorf("%s: transform version %d, want %d", name, t.Version, TransformVersion)
	}
	if len(t.QI) == 0 || len(t.Levels) != len(t.QI) || len(t.Hierarchies) != len(t.QI) {
		return nil, fmt.Errorf("%s: transform has %d QIs, %d levels and %d hierarchies", name, len(t.QI), len(t.Levels), len(t.Hierarchies))
	}
	if err := t.Policy.validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	hs := make([]*Hierarchy, len(t.QI))
	for j, th := range t.Hierarchies {
		if th.Column != t.QI[j] {
			return nil, fmt.Errorf("%s: hierarchy %d is for %q, want %q", name, j+1, th.Column, t.QI[j])
		}
		h, err := NewHierarchy(th.Column, name+": "+th.Source, th.Rows)
		if err != nil {
			return nil, err
		}
		h.auto = th.Auto
		if t.Levels[j] < 0 || t.Levels[j] >= h.Levels() {
			return nil, fmt.Errorf("%s: level %d of %q out of range 0…%d", name, t.Levels[j], th.Column, h.Levels()-1)
		}
		hs[j] = h
	}
	return hs, nil
}

// sensitiveHierarchies rebuilds the transform's hierarchies of sensitive
// columns.
func (t *Transform) sensitiveHierarchies(name string) ([]*Hierarchy, error) {
	var hs []*Hierarchy
	for _, th := range t.SensitiveHierarchies {
		h, err := NewHierarchy(th.Column, name+": "+th.Source, th.Rows)
		if err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	if t.Policy.hierarchicalT() && len(hs) == 0 {
		return nil, fmt.Errorf("%s: hierarchical t-closeness without sensitive_hierarchies", name)
	}
	return hs, nil
}

// Failing returns, per class of c (counted from data generalised by t,
// with the sensitive columns and subject its policy reads), whether the
// class fails a per-class criterion of t's policy: Failing with the
// transform's hierarchies of sensitive columns.
func (t *Transform) Failing(c *anonymity.Classes) ([]bool, error) {
	hs, err := t.sensitiveHierarchies("transform")
	if err != nil {
		return nil, err
	}
	return Failing(c, t.Policy, hs...)
}

// Check is Check with the transform's policy and hierarchies of
// sensitive columns.
func (t *Transform) Check(c *anonymity.Classes) ([]bool, *Node, error) {
	hs, err := t.sensitiveHierarchies("transform")
	if err != nil {
		return nil, nil, err
	}
	return Check(c, t.Policy, hs...)
}

// Uncovered counts the records of one column whose value the hierarchy
// does not hold; they are generalised to the top label.
type Uncovered struct {
	Column  string   `json:"column"`
	Records int64    `json:"records"`
	Values  []string `json:"values"` // up to 10 distinct examples
}

// Generalizer rewrites rows with a Transform's labels. It is not safe for
// concurrent use.
type Generalizer struct {
	t         *Transform
	hs        []*Hierarchy
	uncovered []Uncovered
	seen      []map[string]bool
}

// Generalizer returns a Generalizer for t.
func (t *Transform) Generalizer() (*Generalizer, error) {
	hs, err := t.hierarchies("transform")
	if err != nil {
		return nil, err
	}
	g := &Generalizer{t: t, hs: hs, uncovered: make([]Uncovered, len(hs)), seen: make([]map[string]bool, len(hs))}
	for j := range hs {
		g.uncovered[j].Column = t.QI[j]
		g.seen[j] = map[string]bool{}
	}
	return g, nil
}

// Generalize replaces values[j] (the value of QI j, null if nulls[j]) by
// its label at the transform's level, in place; a null is looked up as
// "NULL". A value the hierarchy does not hold becomes the top label ("*")
// — or stays as it is when its QI is kept at level 0 — and is counted in
// Uncovered. It reports whether every value was covered.
func (g *Generalizer) Generalize(values []string, nulls []bool) bool {
	ok := true
	for j, h := range g.hs {
		v := values[j]
		if nulls[j] {
			v = "NULL"
		}
		lv := g.t.Levels[j]
		label, found := h.Label(v, lv)
		if !found {
			ok = false
			u := &g.uncovered[j]
			u.Records++
			if !g.seen[j][v] && len(u.Values) < 10 {
				g.seen[j][v] = true
				u.Values = append(u.Values, v)
			}
			label = h.rows[0][h.Levels()-1]
			if lv == 0 {
				label = v // level 0 keeps values, covered or not
			}
		}
		values[j], nulls[j] = label, false
	}
	return ok
}

// Uncovered returns, per QI with uncovered values, how many records had one.
func (g *Generalizer) Uncovered() []Uncovered {
	var out []Uncovered
	for _, u := range g.uncovered {
		if u.Records > 0 {
			out = append(out, u)
		}
	}
	return out
}

// Failing reports, for every class of c, whether it fails one of p's
// per-class criteria (k, subjects, l, t, α, highest risk) and is
// therefore suppressed. c is counted over data that is already
// generalised; hierarchical t-closeness reads the hierarchies of the
// sensitive columns in sensitiveHierarchies.
func Failing(c *anonymity.Classes, p Policy, sensitiveHierarchies ...*Hierarchy) ([]bool, error) {
	if p.LocalSuppression { // cells are blanked (LocalSuppress), no class removed
		if err := p.validate(); err != nil {
			return nil, err
		}
		bs := make([]*binding, len(c.QI))
		for j, d := range c.Dicts {
			bs[j] = identity(d)
		}
		if _, _, err := newEvaluator(c, newRoller(bs), p, sensitiveHierarchies); err != nil {
			return nil, err
		}
		return make([]bool, c.Len()), nil
	}
	fail, _, err := Check(c, p, sensitiveHierarchies...)
	return fail, err
}

// identity is the one-level binding of a dictionary.
func identity(d *quasiid.Dictionary) *binding {
	n := d.Len()
	id := make([]uint32, n)
	cover := make([]int64, n)
	for i := range id {
		id[i] = uint32(i)
		cover[i] = 1
	}
	return &binding{dicts: []*quasiid.Dictionary{d}, step: [][][]uint32{{id}}, cover: [][]int64{cover}}
}
