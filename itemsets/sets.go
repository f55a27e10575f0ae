package itemsets

import (
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/quasiid"
)

// Sets holds one set of items per subject: the distinct item codes of the
// subject's rows, sorted. Subjects without any row are not held.
type Sets struct {
	start []int    // subject i's items are items[start[i]:start[i+1]]
	items []uint32 // item codes, sorted and distinct within a subject
	dict  *quasiid.Dictionary

	// NumItems bounds the item codes: every code is < NumItems.
	NumItems int
	// Rows is the number of rows read, SkippedRows those without a
	// subject (null subject) and DuplicateRows those repeating an item
	// already in their subject's set (counted once).
	Rows, SkippedRows, DuplicateRows int64
}

// Len returns the number of subjects.
func (s *Sets) Len() int { return len(s.start) - 1 }

// Set returns the sorted item codes of subject i; the slice must not be
// modified.
func (s *Sets) Set(i int) []uint32 { return s.items[s.start[i]:s.start[i+1]] }

// Occurrences returns the number of (subject, item) pairs: the sum of the
// set sizes.
func (s *Sets) Occurrences() int { return len(s.items) }

// Label returns the text of item code c: its value in the item column's
// dictionary (null as "NULL"), or the number for sets built by New.
func (s *Sets) Label(c uint32) string {
	if s.dict == nil {
		return fmt.Sprint(c)
	}
	return s.dict.Label(c)
}

// Dictionary returns the item column's dictionary, or nil for sets built
// by New.
func (s *Sets) Dictionary() *quasiid.Dictionary { return s.dict }

// New builds the sets from one (subject code, item code) pair per row;
// codes are small non-negative integers (dictionary codes). Rows of a
// subject may come in any order and repeat items.
func New(subjects, items []uint32) (*Sets, error) {
	return build(subjects, items, quasiid.NoCode)
}

// FromTable builds the sets from the subject and item columns of t. A row
// whose subject is null is skipped and counted in SkippedRows (it belongs
// to no known person); a null item is a value of its own.
func FromTable(t *quasiid.Table, subject, item string) (*Sets, error) {
	sc, ic := t.Column(subject), t.Column(item)
	if sc == nil || sc.Dict == nil {
		return nil, fmt.Errorf("%s: no encoded subject column %q", t.Source, subject)
	}
	if ic == nil || ic.Dict == nil {
		return nil, fmt.Errorf("%s: no encoded item column %q", t.Source, item)
	}
	if subject == item {
		return nil, fmt.Errorf("%s: column %q cannot be both subject and item", t.Source, subject)
	}
	s, err := build(sc.Codes, ic.Codes, sc.Dict.Null())
	if err != nil {
		return nil, err
	}
	s.dict = ic.Dict
	s.NumItems = max(s.NumItems, ic.Dict.Len())
	return s, nil
}

// build groups items by subject with a counting sort, then sorts and
// deduplicates each set; rows whose subject is skip are left out.
func build(subjects, items []uint32, skip uint32) (*Sets, error) {
	if len(subjects) != len(items) {
		return nil, fmt.Errorf("itemsets: %d subject codes but %d item codes", len(subjects), len(items))
	}
	s := &Sets{Rows: int64(len(subjects))}
	var nSub uint32
	for i, c := range subjects {
		if c == skip {
			s.SkippedRows++
			continue
		}
		if c >= 1<<31 || items[i] >= 1<<31 {
			return nil, fmt.Errorf("itemsets: row %d: code out of range", i+1)
		}
		nSub = max(nSub, c+1)
		s.NumItems = max(s.NumItems, int(items[i])+1)
	}
	count := make([]int, nSub+1)
	for _, c := range subjects {
		if c != skip {
			count[c+1]++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	raw := make([]uint32, count[nSub])
	next := slices.Clone(count[:nSub])
	for i, c := range subjects {
		if c != skip {
			raw[next[c]] = items[i]
			next[c]++
		}
	}
	next = nil
	// Sort and deduplicate in place, compacting subjects without rows away.
	s.start = make([]int, 1, nSub+1)
	w := 0
	for c := range nSub {
		set := raw[count[c]:count[c+1]]
		if len(set) == 0 {
			continue
		}
		slices.Sort(set)
		set = slices.Compact(set)
		w += copy(raw[w:], set)
		s.start = append(s.start, w)
	}
	s.DuplicateRows = int64(len(raw) - w)
	s.items = slices.Clip(raw[:w])
	return s, nil
}
