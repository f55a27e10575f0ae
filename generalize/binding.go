package generalize

import (
	"fmt"

	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/quasiid"
)

// binding ties a hierarchy to the dictionary of one encoded column: the
// labels that occur in the data get dense codes per level.
type binding struct {
	h     *Hierarchy
	dicts []*quasiid.Dictionary // per level; dicts[0] is the column's dictionary
	// step[a][b-a][x] is the level-b code of the level-a code x (a ≤ b).
	step [][][]uint32
	// cover[l][x] is the number of level-0 codes under level-l code x.
	cover [][]int64
}

// valueKey is the hierarchy key of a dictionary code: nulls are looked up
// as "NULL", as ARX writes them.
func valueKey(d *quasiid.Dictionary, code uint32) string {
	if d.IsNull(code) {
		return "NULL"
	}
	return d.Value(code)
}

// bind maps every code of dict through h. A data value that h does not
// hold is an error naming the value, the column and the hierarchy.
func bind(h *Hierarchy, dict *quasiid.Dictionary) (*binding, error) {
	levels := h.Levels()
	n := dict.Len()
	up := make([][]uint32, levels) // up[l][c0]
	b := &binding{h: h, dicts: make([]*quasiid.Dictionary, levels), cover: make([][]int64, levels)}
	b.dicts[0] = dict
	for l := range levels {
		up[l] = make([]uint32, n)
		if l > 0 {
			b.dicts[l] = quasiid.NewDictionary()
		}
	}
	for c := range uint32(n) {
		key := valueKey(dict, c)
		i, ok := h.index[key]
		if !ok {
			return nil, missingValues(h, dict)
		}
		up[0][c] = c
		for l := 1; l < levels; l++ {
			up[l][c] = b.dicts[l].Code(h.rows[i][l])
		}
	}
	for l := range levels {
		b.cover[l] = make([]int64, b.dicts[l].Len())
		for c := range n {
			b.cover[l][up[l][c]]++
		}
	}
	b.step = make([][][]uint32, levels)
	for a := range levels {
		b.step[a] = make([][]uint32, levels-a)
		for d := range levels - a {
			m := make([]uint32, b.dicts[a].Len())
			for c := range n {
				m[up[a][c]] = up[a+d][c]
			}
			b.step[a][d] = m
		}
	}
	return b, nil
}

// mapTo returns the map from level-a codes to level-b codes.
func (b *binding) mapTo(a, lvl int) []uint32 { return b.step[a][lvl-a] }

// label returns the label of level-l code x.
func (b *binding) label(l int, x uint32) string {
	if l == 0 {
		return valueKey(b.dicts[0], x)
	}
	return b.dicts[l].Value(x)
}

// missingValues is the error for values of dict that h does not hold. It
// counts them and never shows them: they are data.
func missingValues(h *Hierarchy, dict *quasiid.Dictionary) error {
	missing := 0
	for c := range uint32(dict.Len()) {
		if _, ok := h.index[valueKey(dict, c)]; !ok {
			missing++
		}
	}
	return fmt.Errorf("%s: %d of the %d distinct values of column %s are not in the hierarchy", h.source, missing, dict.Len(), textfmt.Name(h.column))
}
