package anonymity

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/reidrisk/reidrisk/internal/groupby"
)

// qiUniverse is a table of weighted items the QI analysis partitions: c's
// classes, or those grouped on a suffix of the QIs. Its columns are a
// suffix of the QIs in decreasing order of their number of values; it
// serves the combinations whose first column is its column 0.
type qiUniverse struct {
	cols    []int      // QI index of each column
	codes   [][]uint32 // codes[k][item]
	cards   []uint32
	weights []int64
}

func (u *qiUniverse) len() int { return len(u.weights) }

// qiWork bounds the work of the walk of a universe of n items, in item
// visits: when n ≤ exactItems or its combinations number at most
// exactWork / n, every figure is computed (so small tables get every
// figure exact); beyond, the walk visits at most perItem × n items besides
// the single QI it starts with, and the combinations it cannot afford get
// bounds. The walks so bounded share at most shared × c's classes visits,
// given out in walk order (0: no such cap). A walk that computes every
// figure is cut into spans (qiSplit), whatever the workers, when its items
// times its combinations are at least split (0: never). Its zero value
// means the defaults.
type qiWork struct{ exactItems, exactWork, perItem, shared, split int64 }

func (q qiWork) orDefaults() qiWork {
	if q == (qiWork{}) {
		return qiWork{exactItems: 1 << 16, exactWork: 1 << 24, perItem: 2, shared: 3, split: 1 << 20}
	}
	return q
}

// budget returns whether the walk of a universe of n items and combos
// combinations computes every figure, and else the item visits it may
// make, taken from *left (the visits the walks share, when capped).
func (q qiWork) budget(n, combos int64, left *int64) (unlimited bool, budget int64) {
	if n <= q.exactItems || combos <= q.exactWork/max(n, 1) {
		return true, 0
	}
	budget = q.perItem * n
	if q.shared > 0 {
		budget = min(budget, *left)
		*left -= budget
	}
	return false, budget
}

// walkQI scores every combination of at most limit of c's QIs. The QIs
// are ordered by decreasing number of values; the combinations whose first
// QI is the k-th are walked, depth first, on the universe of columns k, k+1,
// …: c's classes grouped on those columns when that halves the items of
// the universe before (a smaller table with the same partitions), else the
// universe before, seen from column k. Up to workers (0: GOMAXPROCS)
// universes, or spans of a split walk's, are walked at once.
func walkQI(ctx context.Context, c *Classes, limit int, opt QIOptions) ([]qiScored, error) {
	m := len(c.QI)
	order := make([]int, m)
	for j := range order {
		order[j] = j
	}
	card := func(j int) uint32 { return uint32(c.Dicts[j].Len()) }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(card(b), card(a)) })
	u := &qiUniverse{cols: order, codes: make([][]uint32, m), cards: make([]uint32, m), weights: c.Sizes}
	for k, j := range order {
		u.codes[k], u.cards[k] = c.Codes[j], card(j)
	}
	top := qiScored{classes: int64(len(c.Sizes))}
	for _, x := range c.Sizes {
		top.pairs += pairsOf(x)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := &qiRun{m: m, limit: limit, workers: max(1, min(workers, m)), work: opt.work.orDefaults(),
		out: make([][]qiScored, m), errs: make([]error, m), report: qiProgress(m, limit, opt.Progress), spans: opt.spans}
	// Every task ever queued fits: the walks and the spans of each.
	r.tasks = make(chan qiTask, m*(1+maxSpans(r.workers)))
	var wg sync.WaitGroup
	for range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.serve(newQIWalker(ctx, limit, top))
		}()
	}
	left := r.work.shared * int64(len(c.Sizes))
	var err error
	for k := 0; k < m && err == nil; k++ {
		if k > 0 {
			u, err = u.next(ctx)
		}
		if err == nil {
			t := qiTask{k: k, u: u}
			t.unlimited, t.budget = r.work.budget(int64(u.len()), qiTreeSize(m-k-1, limit-1), &left)
			r.pending.Add(1)
			r.tasks <- t
		}
	}
	r.pending.Wait()
	close(r.tasks)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	var all []qiScored
	for k := range m {
		if r.errs[k] != nil {
			return nil, r.errs[k]
		}
		all = append(all, r.out[k]...)
	}
	tightenQI(all, top, c)
	return all, nil
}

// qiRun is the walks of one AnalyzeQI, served by its workers.
type qiRun struct {
	m, limit, workers int
	work              qiWork
	tasks             chan qiTask
	pending           sync.WaitGroup // tasks queued or being done
	out               [][]qiScored   // out[k]: the scores of walk k
	errs              []error
	report            func(k int)
	spans             *atomic.Int64 // QIOptions.spans
}

// qiTask is a walk to do — the combinations whose first QI is the k-th,
// on u, within the budget the walks were given in order — or a span of a
// split walk.
type qiTask struct {
	k         int
	u         *qiUniverse
	unlimited bool
	budget    int64
	split     *qiSplit
	span      int
}

// serve does r's tasks on w until there are none left. A walk that
// computes every figure and is large enough (r.work.split) is packed and
// its spans queued, for any worker; any other walk is done on w.
func (r *qiRun) serve(w *qiWalker) {
	for t := range r.tasks {
		switch {
		case t.split != nil:
			if r.spans != nil {
				r.spans.Add(1)
			}
			if w.walkSpan(t.split, t.span) {
				r.out[t.k], r.errs[t.k] = t.split.merge()
				r.report(t.k)
			}
		case t.unlimited && r.work.split > 0 &&
			int64(t.u.len())*qiTreeSize(r.m-t.k-1, r.limit-1) >= r.work.split:
			s := newQISplit(w.detach(t.u), r.workers)
			r.pending.Add(len(s.spans))
			for i := range s.spans {
				r.tasks <- qiTask{k: t.k, split: s, span: i}
			}
		default:
			w.use(t.u, t.unlimited, t.budget)
			r.out[t.k], r.errs[t.k] = w.run()
			r.report(t.k)
		}
		r.pending.Done()
	}
}

// qiProgress returns a function to call as the share of the k-th QI (the
// combinations of up to limit QIs whose first QI it is: Σ_{s<limit}
// C(m−k−1, s)) is done; it calls progress with the running total, under a
// lock. With a nil progress it does nothing.
func qiProgress(m, limit int, progress func(done, total int64)) func(k int) {
	if progress == nil {
		return func(int) {}
	}
	share := make([]int64, m)
	var total int64
	for k := range m {
		share[k] = qiTreeSize(m-k-1, limit-1)
		total += share[k]
	}
	var mu sync.Mutex
	var done int64
	return func(k int) {
		mu.Lock()
		defer mu.Unlock()
		done += share[k]
		progress(done, total)
	}
}

// qiTreeSize returns the number of combinations of a QI with at most
// extra of the rest QIs after it: Σ_{s ≤ extra} C(rest, s).
func qiTreeSize(rest, extra int) int64 {
	var n int64
	c := int64(1) // C(rest, 0)
	for s := 0; s <= extra && s <= rest; s++ {
		n += c
		c = c * int64(rest-s) / int64(s+1)
	}
	return n
}

// next returns the universe of u's columns but the first: u's items
// grouped on them when that leaves at most half as many, else u seen
// without its first column. Grouping is tried only when the columns'
// numbers of values multiply to at most 4 × u's items (beyond, the rows
// seldom repeat on them).
func (u *qiUniverse) next(ctx context.Context) (*qiUniverse, error) {
	v := &qiUniverse{cols: u.cols[1:], codes: u.codes[1:], cards: u.cards[1:], weights: u.weights}
	prod := uint64(1)
	for _, d := range v.cards {
		prod *= uint64(max(d, 1))
		if prod > 4*uint64(u.len()) {
			return v, nil
		}
	}
	g, err := groupby.GroupContext(ctx, v.codes, v.cards, groupby.Options{Weights: u.weights, Codes: true, NoFirst: true})
	if err != nil {
		return nil, err
	}
	if g.N > u.len()/2 {
		return v, nil
	}
	v.codes, v.weights = g.Codes, g.Sizes
	return v, nil
}
