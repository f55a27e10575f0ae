package anonymity

import "github.com/reidrisk/reidrisk/quasiid"

// Classes is the equivalence-class table of a set of quasi-identifiers: one
// entry per distinct combination of QI values, with its size and, when
// asked for, the distinct subjects and the sensitive-value histogram of
// each class. It is the partial result of the counter: two Classes over the
// same QI names merge by value with Merge.
//
// Fields are exported so that measures and other packages can read them
// column-wise; treat them as read-only.
type Classes struct {
	// Rows is the number of rows counted (the sum of Sizes).
	Rows int64
	// QI names the quasi-identifier columns, in order.
	QI []string
	// Dicts holds the dictionary of each QI column (Dicts[j] for QI[j]).
	Dicts []*quasiid.Dictionary
	// Codes[j][c] is the code, in Dicts[j], of QI j in class c.
	Codes [][]uint32
	// Sizes[c] is the number of rows in class c.
	Sizes []int64
	// Subjects, when a subject column was given, holds for each class the
	// distinct subjects in it, with their row counts.
	Subjects *Multiset
	// Sensitive holds, per sensitive column, each class's histogram of
	// sensitive values.
	Sensitive []*Multiset
	// RowClass, when asked for, maps each counted row to its class.
	RowClass []uint32
}

// Multiset holds one histogram per class in compressed sparse row form:
// class c holds Values[Offsets[c]:Offsets[c+1]] (codes in Dict, ascending)
// with Counts[Offsets[c]:Offsets[c+1]] (rows carrying each value).
type Multiset struct {
	Name    string
	Dict    *quasiid.Dictionary
	Offsets []int // length = number of classes + 1
	Values  []uint32
	Counts  []int64
}

// Len returns the number of classes.
func (c *Classes) Len() int { return len(c.Sizes) }
