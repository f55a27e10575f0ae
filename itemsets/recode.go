package itemsets

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/quasiid"
)

// Hierarchy is a generalisation hierarchy of the item values, level 0 being
// the values themselves; *generalize.Hierarchy (ARX's format) satisfies it.
// Levels must nest: items with the same label at one level share their
// labels above it.
type Hierarchy interface {
	Levels() int
	Values() []string
	Label(value string, level int) (string, bool)
}

// Recoding is a global recoding of the item domain, in the manner of the
// full-domain generalisation of Terrovitis et al.'s AA (one cut of the
// hierarchy for the whole domain, applied to every set): every item is
// replaced by its label at Level, and the labels in Suppressed are removed
// from every set. A null item is looked up, and listed in Suppressed, as
// "NULL" (as generalize does); an item the hierarchy does not hold becomes
// its top label (at Level 0 it stays as it is).
type Recoding struct {
	Level      int
	Suppressed []string
}

// Loss is the information a recoding gives up, counted in occurrences:
// the (subject, item) pairs of the original sets.
type Loss struct {
	Occurrences int64 // original (subject, item) pairs
	// Generalised counts the occurrences whose label covers more than one
	// value of the hierarchy; Suppressed those whose label was removed.
	Generalised, Suppressed int64
	// SuppressedItems is the number of labels removed.
	SuppressedItems int
	// SubjectsTouched lost at least one occurrence; SubjectsEmptied lost
	// all of theirs and no longer hold any item.
	SubjectsTouched, SubjectsEmptied int
	// Uncovered is the number of distinct items the hierarchy does not hold.
	Uncovered int
	// NCP is the normalized certainty penalty of Terrovitis et al. (2008,
	// §6, after Xu et al., KDD 2006) averaged over the original
	// occurrences: an occurrence of an item recoded to label p costs
	// NCP(p) = 0 if p covers one value of the hierarchy and |leaves(p)|/|I|
	// otherwise (|I| the hierarchy's values), and a suppressed occurrence
	// costs 1 (as if generalised to the root); NCP = Σ cost / Occurrences.
	NCP float64
}

// recoder maps the item codes of one Sets to the codes of a recoding.
type recoder struct {
	to     []uint32 // original code -> recoded code
	dict   *quasiid.Dictionary
	leaves []int // recoded code -> number of hierarchy values it covers
	domain int   // |I|
	uncov  int
}

// newRecoder maps every item of s to its label at level of h (h may be nil
// for level 0).
func newRecoder(s *Sets, h Hierarchy, level int) (*recoder, error) {
	if level == 0 || h == nil {
		if level != 0 {
			return nil, errors.New("itemsets: a recoding level above 0 needs a hierarchy")
		}
		r := &recoder{to: make([]uint32, s.NumItems), dict: s.dict, leaves: make([]int, s.NumItems), domain: 1}
		for c := range r.to {
			r.to[c], r.leaves[c] = uint32(c), 1
		}
		return r, nil
	}
	if s.dict == nil {
		return nil, errors.New("itemsets: recoding needs sets built by FromTable (item values)")
	}
	top := h.Levels() - 1
	if level < 0 || level > top {
		return nil, fmt.Errorf("itemsets: level %d out of range 0…%d", level, top)
	}
	values := h.Values()
	r := &recoder{to: make([]uint32, s.NumItems), dict: quasiid.NewDictionary(), domain: len(values)}
	count := map[string]int{}
	for _, v := range values {
		l, _ := h.Label(v, level)
		count[l]++
	}
	topLabel, _ := h.Label(values[0], top)
	for c := range s.NumItems {
		v := s.dict.Value(uint32(c))
		if s.dict.IsNull(uint32(c)) {
			v = "NULL"
		}
		l, ok := h.Label(v, level)
		if !ok {
			l = topLabel
			r.uncov++
		}
		r.to[c] = r.dict.Code(l)
	}
	r.leaves = make([]int, r.dict.Len())
	for c := range r.leaves {
		r.leaves[c] = count[r.dict.Value(uint32(c))]
	}
	return r, nil
}

// apply returns s recoded, without the recoded codes marked in drop (nil:
// none), and the loss.
func (r *recoder) apply(s *Sets, drop []bool) (*Sets, Loss) {
	out := &Sets{dict: r.dict, NumItems: r.dict.Len(), Rows: s.Rows, SkippedRows: s.SkippedRows, DuplicateRows: s.DuplicateRows}
	out.start = make([]int, 1, s.Len()+1)
	out.items = make([]uint32, 0, len(s.items))
	loss := Loss{Occurrences: int64(len(s.items)), Uncovered: r.uncov}
	var cost float64
	for i := range s.Len() {
		from := len(out.items)
		lost := 0
		for _, c := range s.Set(i) {
			g := r.to[c]
			switch {
			case drop != nil && drop[g]:
				lost++
				cost++
				continue
			case r.leaves[g] > 1:
				loss.Generalised++
				cost += float64(r.leaves[g]) / float64(r.domain)
			}
			out.items = append(out.items, g)
		}
		set := out.items[from:]
		slices.Sort(set)
		out.items = out.items[:from+len(slices.Compact(set))]
		loss.Suppressed += int64(lost)
		if lost > 0 {
			loss.SubjectsTouched++
			if len(out.items) == from {
				loss.SubjectsEmptied++
				continue
			}
		}
		out.start = append(out.start, len(out.items))
	}
	if loss.Occurrences > 0 {
		loss.NCP = cost / float64(loss.Occurrences)
	}
	for _, d := range drop {
		if d {
			loss.SuppressedItems++
		}
	}
	return out, loss
}

// Recode applies rec to s: it returns the recoded sets (without subjects
// left with no item) and the loss. h may be nil when rec.Level is 0.
func Recode(s *Sets, h Hierarchy, rec Recoding) (*Sets, Loss, error) {
	r, err := newRecoder(s, h, rec.Level)
	if err != nil {
		return nil, Loss{}, err
	}
	drop := make([]bool, r.dict.Len())
	want := map[string]bool{}
	for _, l := range rec.Suppressed {
		want[l] = true
	}
	for c := range drop {
		drop[c] = want[r.dict.Label(uint32(c))]
	}
	out, loss := r.apply(s, drop)
	return out, loss, nil
}

// SafeOptions control Suggest.
type SafeOptions struct {
	Options
	// Hierarchy generalises the items; nil tries suppression alone.
	Hierarchy Hierarchy
	// MaxSuppression is the largest share of the original occurrences
	// that may be suppressed (0 ≤ MaxSuppression ≤ 1).
	MaxSuppression float64
}

// Trial is one level tried by Suggest.
type Trial struct {
	Level int
	// Met reports whether the recoding meets k^m with at most
	// MaxSuppression of the occurrences suppressed.
	Met    bool
	Loss   Loss
	Result *Result // k^m after the recoding
}

// Suggestion is the least recoding found by Suggest.
type Suggestion struct {
	// Met is false when no level meets k^m within MaxSuppression; the
	// recoding is then that of the top level tried.
	Met      bool
	Recoding Recoding
	Loss     Loss
	After    *Result
	Trials   []Trial
}

// Suggest searches the least global recoding of the items that makes s
// k^m-anonymous: for each level L of the hierarchy from 0 upwards, every
// item is generalised to its label at L, the labels then held by fewer
// than K subjects are suppressed (removed from every set, which cannot
// create a violation: the support of an itemset without them is
// unchanged), and k^m is measured on what is left. The first level whose
// recoding is k^m-anonymous with at most MaxSuppression of the original
// occurrences suppressed is chosen: levels nest, so a lower level keeps
// more detail (Terrovitis et al.'s AA also searches generalisations bottom
// up; it cuts the hierarchy per node, this search one level for the whole
// domain, the simplest globally consistent recoding). Violations of 2 or 3
// items left after suppressing rare items are resolved by generalisation
// only.
func Suggest(ctx context.Context, s *Sets, opt SafeOptions) (*Suggestion, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if !(opt.MaxSuppression >= 0 && opt.MaxSuppression <= 1) {
		return nil, &OptionError{"MaxSuppression", fmt.Sprintf("%v: want a share from 0 to 1", opt.MaxSuppression)}
	}
	levels := 1
	if opt.Hierarchy != nil {
		levels = opt.Hierarchy.Levels()
	}
	sg := &Suggestion{}
	for level := range levels {
		r, err := newRecoder(s, opt.Hierarchy, level)
		if err != nil {
			return nil, err
		}
		rec, _ := r.apply(s, nil)
		drop := make([]bool, r.dict.Len())
		var names []string
		sup := make([]int, r.dict.Len())
		for _, g := range rec.items {
			sup[g]++
		}
		for g, n := range sup {
			if n > 0 && n < opt.K {
				drop[g] = true
				names = append(names, r.dict.Label(uint32(g)))
			}
		}
		after, loss := r.apply(s, drop)
		res, err := Measure(ctx, after, opt.Options)
		if err != nil {
			return nil, err
		}
		t := Trial{Level: level, Loss: loss, Result: res,
			Met: res.Anonymous() && float64(loss.Suppressed) <= opt.MaxSuppression*float64(loss.Occurrences)}
		sg.Trials = append(sg.Trials, t)
		sg.Recoding, sg.Loss, sg.After, sg.Met = Recoding{Level: level, Suppressed: names}, loss, res, t.Met
		if t.Met {
			break
		}
	}
	return sg, nil
}
