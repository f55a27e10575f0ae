package anonymity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/reidrisk/reidrisk/quasiid"
)

// SUDAOptions control SUDA2.
type SUDAOptions struct {
	// MaxSize is the largest MSU size searched, M in the score; 0 means the
	// number of quasi-identifiers (sdcMicro's only setting).
	MaxSize int
	// DisFraction is the sampling fraction π of the DIS-SUDA estimate;
	// 0 means 0.01, sdcMicro's default.
	DisFraction float64
	// NullIsValue makes null an ordinary value. By default null is a
	// missing value, as sdcMicro treats NA (recoded to its missing code
	// -999): a record never forms an MSU on a column where it is missing.
	NullIsValue bool
	// Missing lists further values, on every QI column, that count as
	// missing in the same way (sdcMicro's missing argument).
	Missing []string
	// KeepMSUs asks for SUDAResult.MSUs.
	KeepMSUs bool
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Progress, if set, is called from the calling goroutine after the
	// column sets of each size k = 1, 2, … have been searched, with k and
	// MaxSize. The search may stop before MaxSize when no larger set can
	// hold an MSU.
	Progress func(size, maxSize int)
}

// MSU is one minimal sample unique: the record Row is the only one in the
// table with its values on Columns (indexes into SUDAResult.QI), and on
// no proper subset of Columns is it unique.
type MSU struct {
	Row     int
	Columns []int
}

// SUDAResult holds the per-record SUDA and DIS-SUDA scores.
type SUDAResult struct {
	// QI names the quasi-identifiers searched, in table order.
	QI []string
	// MaxSize is M, the largest MSU size searched.
	MaxSize int
	// Score[i] is record i's SUDA score, Σ (M − |u|)! over its MSUs u.
	Score []float64
	// DIS[i] is record i's DIS-SUDA score (see SUDA2).
	DIS []float64
	// MSUCountBySize[k-1] is the number of MSUs with k columns.
	MSUCountBySize []int64
	// Contribution[j] is sdcMicro's attribute contribution of QI j, in
	// percent: 100 · Σ_{MSUs u ∋ j} (M − |u|)! / Σ_i Score[i]. An MSU
	// counts for each of its columns, so the figures need not sum to 100.
	Contribution []float64
	// MaxScore is the largest Score; MeanDIS the mean of DIS over all records.
	MaxScore, MeanDIS float64
	// SampleUniques is the number of records unique on all QIs; Pairs the
	// number of records in classes of exactly two (the DIS inputs).
	SampleUniques, Pairs int64
	// MSUs lists every MSU when SUDAOptions.KeepMSUs is set, ordered by
	// row, then size, then columns.
	MSUs []MSU
}

// SUDA2 finds the minimal sample uniques (MSUs) of the quasi-identifier
// columns of t and scores each record with SUDA and DIS-SUDA, reproducing
// sdcMicro's suda2 (5.x, original_scores = TRUE).
//
// An MSU of record r is a set u of QI columns such that r is the only record
// with its values on u, and r is not unique on any proper subset of u.
// Since uniqueness is inherited by supersets, u is minimal iff r is not
// unique on any u \ {a}, a ∈ u (Manning, Haglin & Keane, "A recursive
// search algorithm for statistical disclosure assessment", Data Min Knowl
// Disc 16:165–196, 2008). A record's SUDA score is
//
//	score(r) = Σ_{MSUs u of r, |u| ≤ M} (M − |u|)!
//
// with M = MaxSize (Elliot, Manning, Mayes, Gurd & Bane, "SUDA: a program
// for detecting special uniques", 2005; sdcMicro uses M = number of key
// variables). The DIS-SUDA score is sdcMicro's:
//
//	dis(r) = 1 / (1 + P(1−π)/π / (score(r)^Q · Σ_{s>0} s^{−Q}))  if score(r) > 0, else 0
//
// with π = DisFraction, Q = 1 + (8 − m)/20 for m QI columns, the sum over
// the positive scores of all records, and P the number of records in
// classes (on all QIs) of exactly two records. (sdcMicro writes the term as
// U/Dis − U with Dis = Uπ/(Uπ + P(1−π)), U the sample uniques; it equals
// P(1−π)/π.)
//
// Missing values (null unless NullIsValue, and SUDAOptions.Missing) never
// belong to an MSU but are otherwise compared as values, as in sdcMicro.
// Unlike sdcMicro, one or two QIs are searched as they are (sdcMicro pads
// them with constant columns, which changes M and Q).
//
// The search is level-wise over column sets (Apriori-style): a set of
// size k is visited only if each of its (k−1)-subsets leaves some record
// non-unique, and only records non-unique on every (k−1)-subset are
// grouped on it — exactly those for which a unique is minimal (Manning et
// al.'s pruning property). Each parent set's grouping is computed once
// and refined by one column for each child set. Records duplicated on all
// QIs are kept twice at most, as sdcMicro does. The sets of one size are
// shared among Workers goroutines.
func SUDA2(ctx context.Context, t *quasiid.Table, opt SUDAOptions) (*SUDAResult, error) {
	qcols := t.ByRole(quasiid.QuasiIdentifier)
	m := len(qcols)
	maxK, pi, err := opt.check(m)
	if err != nil {
		return nil, err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := t.Rows
	res := &SUDAResult{MaxSize: maxK, Score: make([]float64, n), DIS: make([]float64, n),
		MSUCountBySize: make([]int64, maxK)}
	s := &sudaSearch{m: m, maxK: maxK, workers: workers, keep: opt.KeepMSUs, progress: opt.Progress}
	for _, c := range qcols {
		res.QI = append(res.QI, c.Name)
		if err := s.addColumn(t, c, opt); err != nil {
			return nil, err
		}
	}
	if n == 0 {
		return res, nil
	}
	if err := s.reduce(); err != nil {
		return nil, err
	}
	res.SampleUniques, res.Pairs = s.uniques, s.pairs
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	s.score(res)
	res.dis(s, pi)
	return res, nil
}

// check validates opt for m quasi-identifiers and returns the largest MSU
// size searched and the sampling fraction π.
func (opt SUDAOptions) check(m int) (maxK int, pi float64, err error) {
	if m == 0 {
		return 0, 0, errors.New("anonymity: SUDA2: table has no quasi-identifier")
	}
	if m > 64 {
		return 0, 0, fmt.Errorf("anonymity: SUDA2: %d quasi-identifiers, at most 64 are supported", m)
	}
	maxK = opt.MaxSize
	if maxK == 0 {
		maxK = m
	}
	if maxK < 0 || maxK > m {
		return 0, 0, fmt.Errorf("anonymity: SUDA2: MaxSize %d out of range 1..%d", opt.MaxSize, m)
	}
	pi = opt.DisFraction
	if pi == 0 {
		pi = 0.01
	}
	if !(pi > 0 && pi < 1) {
		return 0, 0, fmt.Errorf("anonymity: SUDA2: DisFraction %v not in (0, 1)", opt.DisFraction)
	}
	return maxK, pi, nil
}

// addColumn appends a quasi-identifier column of t to the search: its
// codes, its cardinality and which of its codes are missing (null unless
// opt.NullIsValue, and opt.Missing).
func (s *sudaSearch) addColumn(t *quasiid.Table, c *quasiid.Column, opt SUDAOptions) error {
	n := t.Rows
	if len(c.Codes) != n {
		return fmt.Errorf("anonymity: SUDA2: %s: column %q has %d codes for %d rows", t.Source, c.Name, len(c.Codes), n)
	}
	card := 0
	if c.Dict != nil {
		card = c.Dict.Len()
	}
	for i, v := range c.Codes {
		if int(v) >= card {
			if c.Dict != nil {
				return fmt.Errorf("anonymity: SUDA2: %s: row %d, column %q: code %d outside dictionary", t.Source, i, c.Name, v)
			}
			card = int(v) + 1
		}
	}
	var miss []bool // indexed by code; nil without a dictionary
	if c.Dict != nil {
		miss = make([]bool, max(card, 1))
		if !opt.NullIsValue && c.Dict.Null() != quasiid.NoCode {
			miss[c.Dict.Null()] = true
		}
		for _, v := range opt.Missing {
			if code, ok := c.Dict.Lookup(v); ok {
				miss[code] = true
			}
		}
	}
	s.cols = append(s.cols, c.Codes)
	s.cards = append(s.cards, uint64(max(card, 1)))
	s.missing = append(s.missing, miss)
	return nil
}

// sudaWeights returns weight[k] = (M − k)! for k = 1..maxK.
func sudaWeights(maxK int) []float64 {
	weight := make([]float64, maxK+1)
	for k := 1; k <= maxK; k++ {
		weight[k] = math.Gamma(float64(maxK-k) + 1)
	}
	return weight
}

// score sums each record's MSUs weighted by (M − k)! into res.Score, counts
// them by size and, with KeepMSUs, lists them.
func (s *sudaSearch) score(res *SUDAResult) {
	weight := sudaWeights(s.maxK)
	for it, row := range s.rows {
		counts := s.counts[it*s.maxK : (it+1)*s.maxK]
		for k, c := range counts {
			if c > 0 {
				res.Score[row] += float64(c) * weight[k+1]
				res.MSUCountBySize[k] += int64(c)
			}
		}
	}
	if s.keep {
		for _, u := range s.found {
			res.MSUs = append(res.MSUs, MSU{Row: s.rows[u.row], Columns: setColumns(u.set)})
		}
		sort.Slice(res.MSUs, func(a, b int) bool { return lessMSU(res.MSUs[a], res.MSUs[b]) })
	}
}

// dis computes, from the scores, the maximum score, each column's
// contribution and the DIS-SUDA score of each record for the sampling
// fraction pi.
func (res *SUDAResult) dis(s *sudaSearch, pi float64) {
	m, maxK := s.m, s.maxK
	weight := sudaWeights(maxK)
	q := 1 + (8-float64(m))/20
	var adj, total float64
	for _, sc := range res.Score {
		res.MaxScore = max(res.MaxScore, sc)
		total += sc
		if sc > 0 {
			adj += math.Pow(sc, -q)
		}
	}
	res.Contribution = make([]float64, m)
	if total > 0 {
		for j := range m {
			var w float64
			for k := 1; k <= maxK; k++ {
				w += float64(s.colCounts[j*maxK+k-1]) * weight[k]
			}
			res.Contribution[j] = 100 * w / total
		}
	}
	odds := float64(res.Pairs) * (1 - pi) / pi
	var sum float64
	for i, sc := range res.Score {
		if sc > 0 {
			res.DIS[i] = 1 / (1 + odds/(math.Pow(sc, q)*adj))
			sum += res.DIS[i]
		}
	}
	res.MeanDIS = sum / float64(len(res.Score))
}

// lessMSU orders MSUs by row, then size, then columns.
func lessMSU(x, y MSU) bool {
	if x.Row != y.Row {
		return x.Row < y.Row
	}
	if len(x.Columns) != len(y.Columns) {
		return len(x.Columns) < len(y.Columns)
	}
	for i := range x.Columns {
		if x.Columns[i] != y.Columns[i] {
			return x.Columns[i] < y.Columns[i]
		}
	}
	return false
}

// setColumns lists the members of a column set.
func setColumns(set uint64) []int {
	out := make([]int, 0, bits.OnesCount64(set))
	for set != 0 {
		j := bits.TrailingZeros64(set)
		out = append(out, j)
		set &= set - 1
	}
	return out
}

// sudaSearch is the state of one SUDA2 run. The search works on "items":
// one per distinct QI tuple, with weight 1 (a unique) or 2 (two or more
// records), which keeps every count's "one or more than one" answer.
type sudaSearch struct {
	cols    [][]uint32
	cards   []uint64
	missing [][]bool
	m, maxK int
	workers int

	rows    []int      // item → first row
	weights []uint8    // item → 1 or 2
	miss    []uint64   // item → columns where it is missing
	codes   [][]uint32 // codes[j][item]
	uniques int64
	pairs   int64

	// counts[item·maxK + k−1] is the number of MSUs of size k of item;
	// colCounts[j·maxK + k−1] the number of MSUs of size k holding column j.
	counts    []int32
	colCounts []int64
	keep      bool // keep the MSUs in found
	progress  func(size, maxSize int)
	found     []sudaMSU // with keep
}

type sudaMSU struct {
	row int // item index
	set uint64
}

// reduce groups the rows on all QIs into items.
func (s *sudaSearch) reduce() error {
	n := len(s.cols[0])
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	g := newSudaGrouper()
	ids, ngroups := g.group(s.cols, s.cards, fullSet(s.m), all)
	size := make([]int32, ngroups)
	first := make([]int32, ngroups)
	for i, id := range ids {
		if size[id] == 0 {
			first[id] = int32(i)
		}
		size[id]++
	}
	s.codes = make([][]uint32, s.m)
	for id := range size {
		switch size[id] {
		case 1:
			s.uniques++
		case 2:
			s.pairs += 2
		}
		w := uint8(2)
		if size[id] == 1 {
			w = 1
		}
		s.rows = append(s.rows, int(first[id]))
		s.weights = append(s.weights, w)
	}
	s.miss = make([]uint64, len(s.rows))
	for j := range s.m {
		c := make([]uint32, len(s.rows))
		for it, r := range s.rows {
			c[it] = s.cols[j][r]
			if miss := s.missing[j]; miss != nil && miss[c[it]] {
				s.miss[it] |= 1 << uint(j)
			}
		}
		s.codes[j] = c
	}
	return nil
}

func fullSet(m int) uint64 {
	if m == 64 {
		return ^uint64(0)
	}
	return 1<<uint(m) - 1
}

// sudaLevel holds, for each column set of one size, the items that are
// not unique on it (sets with none are absent).
type sudaLevel map[uint64]itemSet

// run searches sets of size 1..maxK.
func (s *sudaSearch) run(ctx context.Context) error {
	nItems := len(s.rows)
	s.counts = make([]int32, nItems*s.maxK)
	s.colCounts = make([]int64, s.m*s.maxK)
	// The empty set does not count as a unique, even for a one-record
	// table (as in sdcMicro, where a value seen once is a 1-MSU).
	allBits := make([]uint64, (nItems+63)/64)
	for i := range nItems {
		allBits[i/64] |= 1 << uint(i%64)
	}
	prev := sudaLevel{0: {bits: allBits}}
	for k := 1; k <= s.maxK && len(prev) > 0; k++ {
		jobs, nsets := s.candidates(prev)
		if nsets == 0 {
			break
		}
		next := make([]itemSet, nsets)
		var mu sync.Mutex
		var nextJob atomic.Int64
		var wg sync.WaitGroup
		errs := make([]error, s.workers)
		for w := range s.workers {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				sw := s.newWorker()
				for {
					ji := int(nextJob.Add(1) - 1)
					if ji >= len(jobs) {
						break
					}
					if err := ctx.Err(); err != nil {
						errs[w] = err
						return
					}
					sw.job(prev, jobs[ji], k, next)
				}
				mu.Lock()
				s.found = append(s.found, sw.local...)
				for x, c := range sw.colCounts {
					s.colCounts[x] += c
				}
				mu.Unlock()
			}(w)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		if s.progress != nil {
			s.progress(k, s.maxK)
		}
		prev = sudaLevel{}
		for _, job := range jobs {
			for c, set := range job.sets {
				if is := next[job.first+c]; !is.empty() {
					prev[set] = is
				}
			}
		}
	}
	return nil
}

// sudaWorker is one goroutine's scratch space and findings in a level of
// the search.
type sudaWorker struct {
	s               *sudaSearch
	g               *sudaGrouper
	active          []uint64
	pid             []int32 // item → group on the parent set
	list, nonUnique []int32
	subs            []itemSet
	local           []sudaMSU
	colCounts       []int64
}

func (s *sudaSearch) newWorker() *sudaWorker {
	nItems := len(s.rows)
	return &sudaWorker{s: s, g: newSudaGrouper(), active: make([]uint64, (nItems+63)/64),
		pid: make([]int32, nItems), subs: make([]itemSet, 0, s.m), colCounts: make([]int64, s.m*s.maxK)}
}

// job searches the child sets of one parent set at size k, storing in
// next the items left non-unique on each.
func (sw *sudaWorker) job(prev sudaLevel, job sudaJob, k int, next []itemSet) {
	s := sw.s
	// Group the items not unique on the parent set once; each child set
	// refines that grouping by one column.
	sw.list = prev[job.parent].items(sw.list[:0])
	groupsP := 1
	if job.parent == 0 {
		for _, it := range sw.list {
			sw.pid[it] = 0
		}
	} else {
		ids, ng := sw.g.group(s.codes, s.cards, job.parent, sw.list)
		for x, it := range sw.list {
			sw.pid[it] = ids[x]
		}
		groupsP = ng
	}
	for c, set := range job.sets {
		// active = items not unique on any (k−1)-subset.
		sw.subs = append(sw.subs[:0], prev[job.parent])
		for rest := job.parent; rest != 0; rest &= rest - 1 {
			sw.subs = append(sw.subs, prev[set&^(rest&-rest)])
		}
		var dense bool
		sw.list, dense = intersect(sw.list[:0], sw.active, sw.subs)
		if len(sw.list) == 0 {
			continue
		}
		nNonUnique := sw.child(set, k, groupsP, dense)
		if nNonUnique > 0 && k < s.maxK {
			switch {
			case !dense:
				// A subset of a sparse set is sparse.
				next[job.first+c] = itemSet{list: append([]int32(nil), sw.nonUnique...)}
			case nNonUnique*32 < len(s.rows):
				next[job.first+c] = itemSet{list: bitsetItems(nil, sw.active)}
			default:
				next[job.first+c] = itemSet{bits: append([]uint64(nil), sw.active...)}
			}
		}
	}
}

// child groups the active items (sw.list) on set, the parent's grouping
// (sw.pid, groupsP groups) refined by set's last column, records the
// uniques among them as MSUs of size k and returns the number of
// non-unique items: cleared from sw.active's bits when the intersection
// was a bitset (dense), else listed in sw.nonUnique.
func (sw *sudaWorker) child(set uint64, k, groupsP int, dense bool) int {
	s := sw.s
	j := bits.Len64(set) - 1
	card, col := s.cards[j], s.codes[j]
	keys := sw.g.keyBuf(len(sw.list))
	for x, it := range sw.list {
		keys[x] = uint64(sw.pid[it])*card + uint64(col[it])
	}
	ids, ngroups := sw.g.assign(keys, uint64(groupsP)*card)
	cnt := sw.g.counts(ngroups)
	for x, it := range sw.list {
		cnt[ids[x]] += int32(s.weights[it])
	}
	sw.nonUnique = sw.nonUnique[:0]
	nNonUnique := 0
	for x, it := range sw.list {
		if cnt[ids[x]] > 1 {
			nNonUnique++
			if !dense {
				sw.nonUnique = append(sw.nonUnique, it)
			}
			continue
		}
		if dense {
			sw.active[it/64] &^= 1 << uint(it%64)
		}
		if s.miss[it]&set == 0 {
			atomic.AddInt32(&s.counts[int(it)*s.maxK+k-1], 1)
			for rest := set; rest != 0; rest &= rest - 1 {
				sw.colCounts[bits.TrailingZeros64(rest)*s.maxK+k-1]++
			}
			if s.keep {
				sw.local = append(sw.local, sudaMSU{row: int(it), set: set})
			}
		}
	}
	return nNonUnique
}

// itemSet is a set of items, as a bitset when dense and as an ascending
// list when it holds fewer than one item in 32 (deep in the search most
// items are unique, and a bitset per column set would dominate memory).
type itemSet struct {
	bits []uint64
	list []int32
}

func (is itemSet) empty() bool { return is.bits == nil && len(is.list) == 0 }

// items appends the members to list, ascending.
func (is itemSet) items(list []int32) []int32 {
	if is.bits == nil {
		return append(list, is.list...)
	}
	return bitsetItems(list, is.bits)
}

// intersect appends to list, ascending, the items in every set of subs;
// scratch is a bitset buffer of the right length. When every set is a
// bitset it reports dense, and scratch then holds the intersection.
func intersect(list []int32, scratch []uint64, subs []itemSet) (_ []int32, dense bool) {
	// Start from the shortest list, if any; else AND the bitsets.
	best := -1
	for i, is := range subs {
		if is.bits == nil && (best < 0 || len(is.list) < len(subs[best].list)) {
			best = i
		}
	}
	if best < 0 {
		copy(scratch, subs[0].bits)
		for _, is := range subs[1:] {
			for x := range scratch {
				scratch[x] &= is.bits[x]
			}
		}
		return bitsetItems(list, scratch), true
	}
	start := len(list)
	list = append(list, subs[best].list...)
	for i, is := range subs {
		if i == best {
			continue
		}
		out := list[:start]
		cur := list[start:]
		if is.bits != nil {
			for _, it := range cur {
				if is.bits[it/64]&(1<<uint(it%64)) != 0 {
					out = append(out, it)
				}
			}
		} else {
			other, o := is.list, 0
			for _, it := range cur {
				for o < len(other) && other[o] < it {
					o++
				}
				if o < len(other) && other[o] == it {
					out = append(out, it)
				}
			}
		}
		list = out
		if len(list) == start {
			break
		}
	}
	return list, false
}

// bitsetItems appends the members of a bitset to list.
func bitsetItems(list []int32, set []uint64) []int32 {
	for x, word := range set {
		for word != 0 {
			list = append(list, int32(x*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return list
}

// sudaJob is the work on one parent set: its child sets, each the parent
// plus one column above the parent's highest; first numbers the children
// across jobs.
type sudaJob struct {
	parent uint64
	sets   []uint64
	first  int
}

// candidates lists, per set of prev, the sets one larger (by a column
// above its highest) all of whose subsets one smaller are in prev (have
// some non-unique item); parents in increasing order. It returns the jobs
// and the number of sets.
func (s *sudaSearch) candidates(prev sudaLevel) ([]sudaJob, int) {
	parents := make([]uint64, 0, len(prev))
	for base := range prev {
		parents = append(parents, base)
	}
	sort.Slice(parents, func(a, b int) bool { return parents[a] < parents[b] })
	var jobs []sudaJob
	n := 0
	for _, base := range parents {
		job := sudaJob{parent: base, first: n}
		for j := bits.Len64(base); j < s.m; j++ {
			set := base | 1<<uint(j)
			ok := true
			for rest := base; rest != 0; rest &= rest - 1 {
				if _, in := prev[set&^(rest&-rest)]; !in {
					ok = false
					break
				}
			}
			if ok {
				job.sets = append(job.sets, set)
			}
		}
		if len(job.sets) > 0 {
			jobs = append(jobs, job)
			n += len(job.sets)
		}
	}
	return jobs, n
}

// sudaGrouper assigns dense group ids to rows by their codes on a column
// set, reusing its tables between calls.
type sudaGrouper struct {
	keys  []uint64
	ids   []int32
	cnt   []int32
	slots []uint64 // hash slots: key
	sid   []int32  // hash slots: id
	stamp []uint32 // slot in use when stamp == hgen
	hgen  uint32
	dense []int32
	dgen  []uint32 // dense entry in use when dgen == dcur
	dcur  uint32
}

func newSudaGrouper() *sudaGrouper { return &sudaGrouper{} }

// keyBuf returns a key slice of length n (valid until the next call).
func (g *sudaGrouper) keyBuf(n int) []uint64 {
	if cap(g.keys) < n {
		g.keys = make([]uint64, n)
		g.ids = make([]int32, n)
	}
	return g.keys[:n]
}

// counts returns a zeroed count slice of length n.
func (g *sudaGrouper) counts(n int) []int32 {
	if cap(g.cnt) < n {
		g.cnt = make([]int32, n)
	}
	g.cnt = g.cnt[:n]
	clear(g.cnt)
	return g.cnt
}

// group returns, for each row in list, a group id in 0..n−1 (ids are
// valid until the next call), grouping on the columns of set. cols is
// indexed by column, then by row.
func (g *sudaGrouper) group(cols [][]uint32, cards []uint64, set uint64, list []int32) ([]int32, int) {
	n := len(list)
	if cap(g.keys) < n {
		g.keys = make([]uint64, n)
		g.ids = make([]int32, n)
	}
	keys := g.keys[:n]
	j0 := bits.TrailingZeros64(set)
	col0 := cols[j0]
	for x, r := range list {
		keys[x] = uint64(col0[r])
	}
	radix := cards[j0]
	for rest := set & (set - 1); rest != 0; rest &= rest - 1 {
		j := bits.TrailingZeros64(rest)
		card := cards[j]
		if hi, _ := bits.Mul64(radix, card); hi != 0 {
			// The mixed-radix key would overflow: re-code the keys so far
			// to dense ids and continue from there.
			ids, ng := g.assign(keys, radix)
			for x, id := range ids {
				keys[x] = uint64(id)
			}
			radix = uint64(max(ng, 1))
		}
		col := cols[j]
		for x, r := range list {
			keys[x] = keys[x]*card + uint64(col[r])
		}
		radix *= card
	}
	return g.assign(keys, radix)
}

// nextGeneration starts a new generation of stamps: entries stamped with
// an older one count as unset. When gen wraps round, the stamps are
// cleared.
func nextGeneration(gen *uint32, stamps []uint32) {
	*gen++
	if *gen == 0 {
		clear(stamps)
		*gen = 1
	}
}

// assign maps keys (each below radix) to dense ids in order of first
// appearance, writing g.ids.
func (g *sudaGrouper) assign(keys []uint64, radix uint64) ([]int32, int) {
	n := len(keys)
	ids := g.ids[:n]
	next := int32(0)
	if radix <= uint64(max(8*n, 1<<16)) {
		if uint64(len(g.dense)) < radix {
			g.dense = make([]int32, radix)
			g.dgen = make([]uint32, radix)
			g.dcur = 0
		}
		nextGeneration(&g.dcur, g.dgen)
		for x, k := range keys {
			if g.dgen[k] != g.dcur {
				g.dgen[k] = g.dcur
				g.dense[k] = next
				next++
			}
			ids[x] = g.dense[k]
		}
		return ids, int(next)
	}
	size := 1
	for size < 2*n {
		size <<= 1
	}
	if len(g.slots) < size {
		g.slots = make([]uint64, size)
		g.sid = make([]int32, size)
		g.stamp = make([]uint32, size)
		g.hgen = 0
	}
	nextGeneration(&g.hgen, g.stamp)
	mask := uint64(size - 1)
	shift := uint(64 - bits.TrailingZeros(uint(size)))
	for x, k := range keys {
		h := (k * 0x9E3779B97F4A7C15) >> shift & mask
		for {
			if g.stamp[h] != g.hgen {
				g.stamp[h] = g.hgen
				g.slots[h] = k
				g.sid[h] = next
				ids[x] = next
				next++
				break
			}
			if g.slots[h] == k {
				ids[x] = g.sid[h]
				break
			}
			h = (h + 1) & mask
		}
	}
	return ids, int(next)
}
