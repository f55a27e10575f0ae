package itemsets

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
)

// MaxM is the largest itemset size Measure counts.
const MaxM = 3

// maxTripleItems bounds the item codes for m = 3: a triple is packed into
// one uint64 with 21 bits per item.
const maxTripleItems = 1 << 21

// Options control Measure.
type Options struct {
	// K is the number of subjects every occurring itemset of at most M
	// items must be contained in (K ≥ 1).
	K int
	// M is the largest itemset size an attacker is assumed to know
	// (1 ≤ M ≤ MaxM).
	M int
	// Examples is the number of smallest violating itemsets to return
	// (0: none): fewest items first, then fewest subjects.
	Examples int
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// PassSize bounds the itemset occurrences sorted in one pass (12
	// bytes each, twice); more are counted in several passes over the
	// subjects, each taking a range of smallest items. 0 means 1<<22.
	PassSize int
	// Progress, if not nil, is called as work advances: stage "pairs" or
	// "triples" with the passes done out of all.
	Progress func(stage string, done, total int)
}

// OptionError is the error of Measure for an option out of range.
type OptionError struct {
	Field string // "K", "M", "Examples", "Workers", "PassSize"
	Msg   string
}

func (e *OptionError) Error() string { return "itemsets: option " + e.Field + ": " + e.Msg }

// Validate reports the first option out of range as an *OptionError.
func (o Options) Validate() error {
	switch {
	case o.K < 1:
		return &OptionError{"K", fmt.Sprintf("%d: want at least 1", o.K)}
	case o.M < 1 || o.M > MaxM:
		return &OptionError{"M", fmt.Sprintf("%d: want 1 to %d", o.M, MaxM)}
	case o.Examples < 0:
		return &OptionError{"Examples", fmt.Sprintf("%d: want 0 or more", o.Examples)}
	case o.Workers < 0:
		return &OptionError{"Workers", fmt.Sprintf("%d: want 0 or more", o.Workers)}
	case o.PassSize < 0:
		return &OptionError{"PassSize", fmt.Sprintf("%d: want 0 or more", o.PassSize)}
	}
	return nil
}

// Itemset is a set of item codes, sorted, with its support: the number of
// subjects whose set contains it.
type Itemset struct {
	Items   []uint32
	Support int
}

// Result is the k^m-anonymity of a collection of sets.
type Result struct {
	K, M     int
	Subjects int // subjects with at least one item
	Items    int // distinct items occurring in some set
	// Violating[j-1] is the number of distinct itemsets of j items
	// contained in at least one and fewer than K subjects' sets.
	Violating []int64
	// SubjectsInViolations counts the subjects whose set contains at
	// least one violating itemset.
	SubjectsInViolations int
	// MinSupport is the smallest support of an occurring itemset of at
	// most M items: the sets are k^m-anonymous for every k ≤ MinSupport
	// (0 when there are no subjects).
	MinSupport int
	// Examples are the smallest violating itemsets (Options.Examples).
	Examples []Itemset
}

// Anonymous reports whether the sets are k^m-anonymous: no violating
// itemset of any size up to M.
func (r *Result) Anonymous() bool {
	for _, n := range r.Violating {
		if n > 0 {
			return false
		}
	}
	return true
}

// Measure computes the k^m-anonymity of s (Terrovitis, Mamoulis & Kalnis,
// "Privacy-preserving anonymization of set-valued data", PVLDB 1(1), 2008):
// the sets are k^m-anonymous iff every itemset I with |I| ≤ m that is
// contained in some subject's set has support
//
//	sup(I) = |{subjects s : I ⊆ set(s)}| ≥ k.
//
// It counts, for each size j ≤ m, the violating itemsets (1 ≤ sup < k) —
// every one of them, also those with a violating subset — and the subjects
// whose set contains one. The counting follows Apriori's monotonicity
// (sup(I) ≤ sup(J) for J ⊆ I): an itemset holding an infrequent item or,
// for triples, an infrequent pair is violating and is enumerated only from
// the fewer than K sets holding that subset; only the candidates (itemsets
// whose subsets are all frequent) are counted over all subjects, by radix
// sort, in passes of at most Options.PassSize occurrences. See the package
// documentation.
func Measure(ctx context.Context, s *Sets, opt Options) (*Result, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("itemsets: nil sets")
	}
	if opt.M == 3 && s.NumItems > maxTripleItems {
		return nil, &OptionError{"M", fmt.Sprintf("3 with %d distinct items: at most %d items are supported for m = 3", s.NumItems, maxTripleItems)}
	}
	if opt.Workers == 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.PassSize == 0 {
		opt.PassSize = 1 << 22
	}
	m := &measurer{s: s, opt: opt, res: &Result{K: opt.K, M: opt.M, Subjects: s.Len(), Violating: make([]int64, opt.M)}}
	m.postings()
	m.singles()
	if opt.M >= 2 {
		if err := m.infrequentSupersets(ctx); err != nil {
			return nil, err
		}
		m.frequentSets()
		m.shift = max(bits.Len(uint(s.NumItems-1)), 1)
		outs, err := m.countRanges(ctx, 2, opt.M >= 3)
		if err != nil {
			return nil, err
		}
		if opt.M >= 3 {
			m.indexPairs(outs)
			outs = nil
			m.markPairs()
			if err := m.infrequentPairSupersets(ctx); err != nil {
				return nil, err
			}
			if _, err := m.countRanges(ctx, 3, false); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range m.flagged {
		m.res.SubjectsInViolations += bits.OnesCount64(f)
	}
	m.res.Examples = m.examples.itemsets()
	return m.res, nil
}

// measurer holds the state of one Measure call.
type measurer struct {
	s   *Sets
	opt Options
	res *Result

	pstart []int    // subjects holding item a: psub[pstart[a]:pstart[a+1]]
	psub   []uint32 // subject indices, ascending per item
	freq   []bool   // freq[a]: sup(a) ≥ K
	// fstart/fitems: each subject's frequent items only.
	fstart []int
	fitems []uint32
	shift  int // bits per item in a key

	pairs pairIndex // infrequent pairs of frequent items (m = 3)
	boff  []int     // subject i's pair bits start at pbits bit boff[i]
	pbits []uint64

	mu       sync.Mutex
	flagged  []uint64 // bitset of subjects in violations
	examples topN
}

func (m *measurer) support(a uint32) int { return m.pstart[a+1] - m.pstart[a] }

// postings builds, for every item, the ascending list of subjects holding it.
func (m *measurer) postings() {
	s := m.s
	m.pstart = make([]int, s.NumItems+1)
	for _, a := range s.items {
		m.pstart[a+1]++
	}
	for i := 1; i < len(m.pstart); i++ {
		m.pstart[i] += m.pstart[i-1]
	}
	m.psub = make([]uint32, len(s.items))
	next := make([]int, s.NumItems)
	copy(next, m.pstart)
	for i := range s.Len() {
		for _, a := range s.Set(i) {
			m.psub[next[a]] = uint32(i)
			next[a]++
		}
	}
	m.flagged = make([]uint64, (s.Len()+63)/64)
	m.examples.n = m.opt.Examples
}

// singles counts the violating items, flags the subjects holding one and
// records the items' supports.
func (m *measurer) singles() {
	r := m.res
	m.freq = make([]bool, m.s.NumItems)
	for a := range m.s.NumItems {
		sup := m.support(uint32(a))
		if sup == 0 {
			continue
		}
		r.Items++
		m.minSupport(sup)
		if sup >= m.opt.K {
			m.freq[a] = true
			continue
		}
		r.Violating[0]++
		for _, i := range m.psub[m.pstart[a]:m.pstart[a+1]] {
			m.flagged[i/64] |= 1 << (i % 64)
		}
		m.examples.add(1, [3]uint32{uint32(a)}, sup)
	}
}

// minSupport lowers the result's least support of a violating itemset to
// sup; 0 means none was seen and changes nothing.
func (m *measurer) minSupport(sup int) {
	if sup > 0 && (m.res.MinSupport == 0 || sup < m.res.MinSupport) {
		m.res.MinSupport = sup
	}
}

// mergeWorker adds a worker's least support and examples to the result;
// the caller holds m.mu.
func (m *measurer) mergeWorker(minSup int, top *topN) {
	m.minSupport(minSup)
	m.examples.merge(top)
}

// parallel runs work(w) for w = 0 … Options.Workers−1, each on its own
// goroutine, waits for all and returns the first error to arrive.
func (m *measurer) parallel(work func(w int) error) error {
	errc := make(chan error, m.opt.Workers)
	for w := range m.opt.Workers {
		go func() { errc <- work(w) }()
	}
	var first error
	for range m.opt.Workers {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// frequentSets keeps, for every subject, its frequent items only.
func (m *measurer) frequentSets() {
	s := m.s
	m.fstart = make([]int, 1, s.Len()+1)
	for i := range s.Len() {
		for _, a := range s.Set(i) {
			if m.freq[a] {
				m.fitems = append(m.fitems, a)
			}
		}
		m.fstart = append(m.fstart, len(m.fitems))
	}
}

func (m *measurer) fset(i int) []uint32 { return m.fitems[m.fstart[i]:m.fstart[i+1]] }
