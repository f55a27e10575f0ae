package reidrisk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/itemsets"
	"github.com/reidrisk/reidrisk/quasiid"
)

// DefaultM is the default largest itemset size of k^m-anonymity.
const DefaultM = 2

// SetsExamples is the number of smallest violating itemsets a report lists
// with SetsOptions.ShowValues.
const SetsExamples = 20

// SetsNullRule states how Sets treats missing values.
const SetsNullRule = "a null item is a value of its own (NULL), distinct from the empty string; " +
	"a row with a null subject belongs to nobody known and is skipped and counted (rows_without_subject)"

// SetsOptions control Sets. Subject and Item are required.
type SetsOptions struct {
	// Subject names the person or account column, Item the column of the
	// items (device, format, title…) of each row.
	Subject, Item string
	// K is the least number of subjects whose sets must contain every
	// occurring itemset of at most M items (0: DefaultK, 5); M the largest
	// itemset size (0: DefaultM, 2; at most itemsets.MaxM, 3).
	K, M int
	// ShowValues lists the smallest violating itemsets with their items,
	// and the suppressed labels of a suggestion.
	ShowValues bool
	// Hierarchy, if not nil, generalises the items: Sets then searches the
	// least recoding meeting k^m (see itemsets.Suggest). Suggest searches
	// with suppression alone when no hierarchy is given.
	Hierarchy *generalize.Hierarchy
	Suggest   bool
	// MaxSuppression is the largest share of the (subject, item)
	// occurrences the suggestion may suppress.
	MaxSuppression float64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Progress, if not nil, is called as work advances: stage "read" with
	// rows; "pairs" and "triples" with counting passes done out of all
	// (again for each hierarchy level a suggestion tries).
	Progress func(Progress)
}

// SetsReport is the result of Sets; its JSON field names are a stable
// contract.
type SetsReport struct {
	// Provenance: reidrisk_version, generated_at, input_sha256.
	Provenance
	Source   string `json:"source"`
	Subject  string `json:"subject"` // the column's name, never its values
	Item     string `json:"item"`
	NullRule string `json:"null_rule"`
	// Rows were read; RowsWithoutSubject skipped (null subject);
	// DuplicateRows repeat an item already in their subject's set.
	Rows               int64 `json:"rows"`
	RowsWithoutSubject int64 `json:"rows_without_subject"`
	DuplicateRows      int64 `json:"duplicate_rows"`
	SetsFigures
	// SmallestViolatingItemsets lists up to SetsExamples violating
	// itemsets, fewest items then fewest subjects first (ShowValues only).
	SmallestViolatingItemsets []SetsItemset `json:"smallest_violating_itemsets,omitempty"`
	// Suggestion is the least recoding meeting k^m, when asked for.
	Suggestion *SetsSuggestion `json:"suggestion,omitempty"`

	opt SetsOptions
}

// SetsFigures are the k^m-anonymity figures of one collection of sets
// (see package itemsets for the definitions).
type SetsFigures struct {
	Subjects int `json:"subjects"`
	Items    int `json:"items"`
	M        int `json:"m"`
	K        int `json:"k"`
	// ViolatingItemsetsBySize maps j = "1" … "m" to the number of
	// itemsets of j items contained in at least one and fewer than k
	// subjects' sets.
	ViolatingItemsetsBySize map[string]int64 `json:"violating_itemsets_by_size"`
	// SubjectsInViolations counts the subjects whose set contains a
	// violating itemset.
	SubjectsInViolations int  `json:"subjects_in_violations"`
	KMAnonymous          bool `json:"k_m_anonymous"`
	// MinSupport is the fewest subjects holding an occurring itemset of at
	// most m items: the sets are k^m-anonymous for every k ≤ MinSupport.
	MinSupport int `json:"min_support"`
}

// SetsItemset is an itemset with the number of subjects holding it.
type SetsItemset struct {
	Items    []string `json:"items"`
	Subjects int      `json:"subjects"`
}

// SetsSuggestion is the least global recoding of the items found by Sets.
type SetsSuggestion struct {
	// Met is false when no level meets k^m within MaxSuppression; the
	// figures are then those of the top level.
	Met            bool   `json:"met"`
	MaxSuppression Float  `json:"max_suppression"`
	Hierarchy      string `json:"hierarchy,omitempty"` // its file
	// Level is the hierarchy level every item is generalised to (0: kept),
	// out of Levels.
	Level  int `json:"level"`
	Levels int `json:"levels"`
	// SuppressedItems labels are removed from every set (listed in
	// SuppressedLabels with ShowValues).
	SuppressedItems  int      `json:"suppressed_items"`
	SuppressedLabels []string `json:"suppressed_labels,omitempty"`
	// Occurrences are the (subject, item) pairs before recoding; of them
	// GeneralisedOccurrences got a label covering several values and
	// SuppressedOccurrences were removed (share SuppressedFraction).
	Occurrences            int64 `json:"occurrences"`
	GeneralisedOccurrences int64 `json:"generalised_occurrences"`
	SuppressedOccurrences  int64 `json:"suppressed_occurrences"`
	SuppressedFraction     Float `json:"suppressed_fraction"`
	// SubjectsTouched lost an item; SubjectsEmptied lost every item.
	SubjectsTouched int `json:"subjects_touched"`
	SubjectsEmptied int `json:"subjects_emptied"`
	// UncoveredItems are distinct items the hierarchy does not hold
	// (generalised to its top label).
	UncoveredItems int `json:"uncovered_items"`
	// NCP is the normalized certainty penalty over the occurrences
	// (itemsets.Loss): 0 nothing lost, 1 everything generalised to the
	// root or suppressed.
	NCP Float `json:"ncp"`
	// After are the figures of the recoded sets.
	After SetsFigures `json:"after"`
	// Trials are the levels tried, bottom up.
	Trials []SetsTrial `json:"trials"`

	recoding itemsets.Recoding
}

// SetsTrial is one hierarchy level tried.
type SetsTrial struct {
	Level                 int   `json:"level"`
	Met                   bool  `json:"met"`
	KMAnonymous           bool  `json:"k_m_anonymous"`
	SuppressedOccurrences int64 `json:"suppressed_occurrences"`
	NCP                   Float `json:"ncp"`
}

func (o SetsOptions) check() (SetsOptions, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	if o.K == 0 {
		o.K = DefaultK
	}
	if o.M == 0 {
		o.M = DefaultM
	}
	if o.Hierarchy != nil {
		o.Suggest = true
	}
	return o, nil
}

// Sets reads a table with one (subject, item) pair per row and measures the
// k^m-anonymity of the subjects' item sets (Terrovitis, Mamoulis & Kalnis,
// PVLDB 2008): every itemset of at most m items held by some subject must be
// held by at least k subjects. Counts are of subjects, never rows. With a
// hierarchy or Suggest it also searches the least global recoding of the
// items (one hierarchy level for the whole domain, then suppression of the
// labels held by fewer than k subjects) meeting k^m within MaxSuppression.
// See package itemsets for the definitions.
func Sets(ctx context.Context, src *quasiid.Source, opt SetsOptions) (*SetsReport, error) {
	opt, err := opt.check()
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, errors.New("reidrisk: nil source")
	}
	var eopt quasiid.EncodeOptions
	if opt.Progress != nil {
		eopt.Progress = func(rows int64) { opt.Progress(Progress{Stage: "read", Done: rows}) }
	}
	tbl, err := quasiid.Encode(ctx, src, quasiid.Spec{Subject: opt.Subject, Insensitive: []string{opt.Item}}, eopt)
	if err != nil {
		return nil, err
	}
	s, err := itemsets.FromTable(tbl, opt.Subject, opt.Item)
	if err != nil {
		return nil, err
	}
	r, err := setsReport(ctx, src.Name(), s, opt)
	if err != nil {
		return nil, err
	}
	r.Provenance = provenance(src)
	return r, nil
}

func setsReport(ctx context.Context, source string, s *itemsets.Sets, opt SetsOptions) (*SetsReport, error) {
	mo := itemsets.Options{K: opt.K, M: opt.M, Workers: opt.Workers}
	if opt.ShowValues {
		mo.Examples = SetsExamples
	}
	if opt.Progress != nil {
		mo.Progress = func(stage string, done, total int) {
			opt.Progress(Progress{Stage: stage, Done: int64(done), Total: int64(total)})
		}
	}
	res, err := itemsets.Measure(ctx, s, mo)
	if err != nil {
		return nil, err
	}
	r := &SetsReport{
		Source: source, Subject: opt.Subject, Item: opt.Item, NullRule: SetsNullRule,
		Rows: s.Rows, RowsWithoutSubject: s.SkippedRows, DuplicateRows: s.DuplicateRows,
		SetsFigures: setsFigures(res), opt: opt,
	}
	for _, e := range res.Examples {
		r.SmallestViolatingItemsets = append(r.SmallestViolatingItemsets, SetsItemset{Items: labels(s, e.Items), Subjects: e.Support})
	}
	if !opt.Suggest {
		return r, nil
	}
	so := itemsets.SafeOptions{Options: mo, MaxSuppression: opt.MaxSuppression}
	so.Examples = 0
	levels := 1
	if opt.Hierarchy != nil {
		so.Hierarchy = opt.Hierarchy
		levels = opt.Hierarchy.Levels()
	}
	sg, err := itemsets.Suggest(ctx, s, so)
	if err != nil {
		return nil, err
	}
	l := sg.Loss
	out := &SetsSuggestion{
		Met: sg.Met, MaxSuppression: Float(opt.MaxSuppression), Level: sg.Recoding.Level, Levels: levels,
		SuppressedItems: l.SuppressedItems, Occurrences: l.Occurrences, GeneralisedOccurrences: l.Generalised,
		SuppressedOccurrences: l.Suppressed, SuppressedFraction: Float(fraction(l.Suppressed, l.Occurrences)),
		SubjectsTouched: l.SubjectsTouched, SubjectsEmptied: l.SubjectsEmptied, UncoveredItems: l.Uncovered,
		NCP: Float(l.NCP), After: setsFigures(sg.After), recoding: sg.Recoding,
	}
	if opt.Hierarchy != nil {
		out.Hierarchy = opt.Hierarchy.Source()
	}
	if opt.ShowValues {
		out.SuppressedLabels = sg.Recoding.Suppressed
	}
	for _, t := range sg.Trials {
		out.Trials = append(out.Trials, SetsTrial{Level: t.Level, Met: t.Met, KMAnonymous: t.Result.Anonymous(),
			SuppressedOccurrences: t.Loss.Suppressed, NCP: Float(t.Loss.NCP)})
	}
	r.Suggestion = out
	return r, nil
}

func setsFigures(res *itemsets.Result) SetsFigures {
	f := SetsFigures{Subjects: res.Subjects, Items: res.Items, M: res.M, K: res.K, SubjectsInViolations: res.SubjectsInViolations,
		KMAnonymous: res.Anonymous(), MinSupport: res.MinSupport, ViolatingItemsetsBySize: map[string]int64{}}
	for j, n := range res.Violating {
		f.ViolatingItemsetsBySize[strconv.Itoa(j+1)] = n
	}
	return f
}

func labels(s *itemsets.Sets, codes []uint32) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = s.Label(c)
	}
	return out
}

func fraction(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// SetsTransformVersion is the version of the SetsTransform JSON format.
const SetsTransformVersion = 1

// SetsTransform is a saved item recoding: the hierarchy level, the
// hierarchy itself (embedded, so the file is self-contained) and the
// suppressed labels. Applied to a table (ApplySets) it rewrites the item
// column and removes the rows whose label is suppressed.
type SetsTransform struct {
	Version int    `json:"version"`
	Kind    string `json:"kind"` // "itemsets"
	Subject string `json:"subject"`
	Item    string `json:"item"`
	K       int    `json:"k"`
	M       int    `json:"m"`
	// MaxSuppression is the share the suggestion was searched with.
	MaxSuppression float64                        `json:"max_suppression"`
	Level          int                            `json:"level"`
	Hierarchy      *generalize.TransformHierarchy `json:"hierarchy,omitempty"`
	// Suppressed are the labels at Level removed, null written "NULL".
	Suppressed []string `json:"suppressed"`
}

// Transform returns the suggestion as a SetsTransform; it fails without a
// suggestion or when the suggestion does not meet k^m.
func (r *SetsReport) Transform() (*SetsTransform, error) {
	sg := r.Suggestion
	if sg == nil {
		return nil, errors.New("reidrisk: no suggestion: give a hierarchy or ask for one")
	}
	if !sg.Met {
		return nil, fmt.Errorf("reidrisk: no recoding meets k=%d, m=%d within max suppression %g", r.K, r.M, float64(sg.MaxSuppression))
	}
	t := &SetsTransform{Version: SetsTransformVersion, Kind: "itemsets", Subject: r.Subject, Item: r.Item, K: r.K, M: r.M,
		MaxSuppression: float64(sg.MaxSuppression), Level: sg.recoding.Level, Suppressed: append([]string{}, sg.recoding.Suppressed...)}
	if h := r.opt.Hierarchy; h != nil {
		t.Hierarchy = &generalize.TransformHierarchy{Column: r.Item, Source: h.Source(), Auto: h.Auto(), Rows: h.Rows()}
	}
	return t, nil
}

// WriteJSON writes the transform as indented JSON.
func (t *SetsTransform) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(t)
}

// ReadSetsTransform reads a SetsTransform saved as JSON and checks it;
// name is used in messages.
func ReadSetsTransform(name string, r io.Reader) (*SetsTransform, error) {
	var t SetsTransform
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if _, err := t.hierarchy(name); err != nil {
		return nil, err
	}
	return &t, nil
}

// hierarchy checks t and rebuilds its hierarchy (nil at level 0 without one).
func (t *SetsTransform) hierarchy(name string) (*generalize.Hierarchy, error) {
	if t.Version != SetsTransformVersion || t.Kind != "itemsets" {
		return nil, fmt.Errorf("%s: not an itemsets transform of version %d (kind %q, version %d)", name, SetsTransformVersion, t.Kind, t.Version)
	}
	if t.Item == "" || t.Subject == "" {
		return nil, fmt.Errorf("%s: transform names no subject or item column", name)
	}
	if t.Hierarchy == nil {
		if t.Level != 0 {
			return nil, fmt.Errorf("%s: level %d without a hierarchy", name, t.Level)
		}
		return nil, nil
	}
	if t.Hierarchy.Column != t.Item {
		return nil, fmt.Errorf("%s: hierarchy is for %q, want the item column %q", name, t.Hierarchy.Column, t.Item)
	}
	h, err := generalize.NewHierarchy(t.Item, name+": "+t.Hierarchy.Source, t.Hierarchy.Rows)
	if err != nil {
		return nil, err
	}
	if t.Level < 0 || t.Level >= h.Levels() {
		return nil, fmt.Errorf("%s: level %d out of range 0…%d", name, t.Level, h.Levels()-1)
	}
	return h, nil
}

// SetsApplyReport counts what ApplySets wrote.
type SetsApplyReport struct {
	Rows    int64 `json:"rows"`
	Written int64 `json:"written"`
	// RemovedRows held a suppressed label (rows of one subject repeating
	// an item are each removed).
	RemovedRows int64 `json:"removed_rows"`
	// UncoveredRows held an item the hierarchy does not cover (written as
	// its top label).
	UncoveredRows int64 `json:"uncovered_rows"`
}

// ApplySets streams src to w in format with t applied: the item column
// becomes its label at t.Level (null looked up as "NULL"; at level 0 the
// value is kept) and rows whose label is suppressed are removed; every other
// column and row passes through. Run Sets on the output to check k^m.
func ApplySets(ctx context.Context, src *quasiid.Source, t *SetsTransform, w io.Writer, format quasiid.Format) (*SetsApplyReport, error) {
	h, err := t.hierarchy("transform")
	if err != nil {
		return nil, err
	}
	drop := map[string]bool{}
	for _, l := range t.Suppressed {
		drop[l] = true
	}
	var top string
	if h != nil {
		top, _ = h.Label(h.Values()[0], h.Levels()-1)
	}
	rep := &SetsApplyReport{}
	stats, err := quasiid.Rewrite(ctx, src, w, format, []string{t.Item}, func(_ int64, values []string, nulls []bool) (bool, error) {
		v := values[0]
		if nulls[0] {
			v = "NULL"
		}
		if t.Level > 0 {
			l, ok := h.Label(v, t.Level)
			if !ok {
				l = top
				rep.UncoveredRows++
			}
			v, values[0], nulls[0] = l, l, false
		}
		return !drop[v], nil
	})
	if err != nil {
		return nil, err
	}
	rep.Rows, rep.Written, rep.RemovedRows = stats.Rows, stats.Kept, stats.Dropped
	return rep, nil
}
