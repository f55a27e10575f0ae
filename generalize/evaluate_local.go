package generalize

import (
	"context"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// localEval is what evaluating a node with local suppression needs.
type localEval struct {
	maxCells int64 // ⌊MaxSuppression · rows · QIs⌋
	qi       []string
	subjects *quasiid.Dictionary // of the subject column, for SubjectK
}

// evaluateLocal evaluates node t under Policy.LocalSuppression: no class
// is removed; the classes below K are handed, with the rest of the node's
// table, to LocalSuppress, and the node is feasible when every record
// then reaches K with at most maxCells cells blanked.
func (e *evaluator) evaluateLocal(t *table, n *Node) {
	fail := e.fail[:len(t.sizes)]
	low := false
	for c, size := range t.sizes {
		n.DMStar += size * size
		fail[c] = false
		k := size
		if e.p.SubjectK {
			k = int64(t.subj.off[c+1] - t.subj.off[c])
		}
		low = low || k < e.p.K
	}
	e.measure(t, n)
	if !low {
		return
	}
	res, err := LocalSuppress(context.Background(), e.localClasses(t), LocalOptions{K: e.p.K, Subjects: e.p.SubjectK})
	if err != nil { // the options are checked with the policy: cannot happen
		n.Feasible = false
		return
	}
	n.SuppressedCells = res.Cells
	n.Feasible = n.Feasible && res.K >= e.p.K && res.Cells <= e.local.maxCells
}

// localClasses returns node t as a class table for LocalSuppress.
func (e *evaluator) localClasses(t *table) *anonymity.Classes {
	t.gather()
	m := len(e.bs)
	c := &anonymity.Classes{Rows: e.rows, QI: make([]string, m), Dicts: make([]*quasiid.Dictionary, m), Codes: make([][]uint32, m), Sizes: t.sizes}
	for j, b := range e.bs {
		w := e.r.where[j]
		codes, ids := t.combos[w[0]].codes[w[1]], t.ids[w[0]]
		c.QI[j] = e.local.qi[j]
		c.Dicts[j] = b.dicts[t.levels[j]]
		c.Codes[j] = make([]uint32, len(t.sizes))
		for k := range t.sizes {
			c.Codes[j][k] = codes[ids[k]]
		}
	}
	if e.p.SubjectK {
		c.Subjects = &anonymity.Multiset{Dict: e.local.subjects, Offsets: t.subj.off, Values: t.subj.vals, Counts: t.subj.cnts}
	}
	return c
}
