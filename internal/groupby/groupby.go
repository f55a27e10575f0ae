// Package groupby assigns dense group ids to rows of dictionary-coded
// columns: rows with equal tuples of codes share an id. It is the hot
// kernel under equivalence-class counting, roll-ups of class tables and
// habit grouping.
//
// A row's tuple (c_0, …, c_{m-1}) is packed into one mixed-radix uint64
// key, built a column (two columns) at a time over batches of 2048 rows:
//
//	key = ((c_0·card_1 + c_1)·card_2 + c_2)·… + c_{m-1}
//
// Keys are then counted by one of three counter kinds (counterKind, picked
// by chooseCounter), by key space K = Π card_j, each its own type behind
// the counter interface:
//
//   - K ≤ 2^17: an array of K counters per worker (it fits in a core's
//     cache); per-worker arrays merge at the end (directCounter).
//   - K ≤ 2^26 and not far above the rows: keys are scattered by their top
//     bits into partitions of 2^15 keys, each counted in its own array
//     (denseCounter).
//   - otherwise: keys are scattered by the top bits of a Fibonacci hash
//     into up to 1024 partitions, each counted in an open-addressing table
//     specialised for uint64 keys, small enough to stay in cache
//     (hashCounter).
//
// One driver loop, run, takes the rows in chunks: each worker scatters
// (or, direct, counts) its range of a chunk, then each partition is
// counted by one worker taking the workers' buffers in row order, so
// partitions never need merging; the counter then numbers its groups. The
// interface is called per range and per chunk; the loops over rows stay
// inside the kinds' methods, over slices. When Π card_j does not fit in
// 64 bits, a prefix of the columns is first re-coded to its own dense
// group ids (recursively), which is exact.
//
// Plain counting (no weights, no row ids) keeps no per-group first rows:
// counting marks first rows in a bitmap, and the marked rows, read in
// order, give the groups' ids, codes (Options.Codes) and sizes; see
// plain.go.
//
// Group ids are numbered in order of each group's first row, so the result
// does not depend on the number of workers. No memory is allocated per
// row: buffers and tables are allocated per call and per partition.
package groupby

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
)

// Options control Group.
type Options struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Weights, when not nil, holds one weight per row; a group's size is
	// then the sum of its rows' weights instead of its number of rows.
	Weights []int64
	// RowIDs asks for Groups.RowIDs.
	RowIDs bool
	// Codes asks for Groups.Codes.
	Codes bool
	// NoFirst leaves Groups.First nil.
	NoFirst bool

	// Test knobs: the fewest rows per worker (0: minWorkerRows), the
	// counter kind (kindAuto: chooseCounter's), the partition bits (0
	// auto, else bits+1) and the rows per range (0 auto).
	minRows, pbits, rangeRows int
	force                     counterKind
}

// Groups is the result of Group.
type Groups struct {
	// N is the number of groups.
	N int
	// Sizes[g] is the number of rows of group g (the sum of their weights
	// when Options.Weights is set).
	Sizes []int64
	// First[g] is the index of the first row of group g; First is
	// ascending.
	First []int
	// RowIDs[i] is the group of row i, when Options.RowIDs is set.
	RowIDs []uint32
	// Codes[j][g] is the code of column j in group g (cols[j][First[g]]),
	// when Options.Codes is set.
	Codes [][]uint32
}

// MaxRows is the largest number of rows Group accepts: group ids and row
// numbers are held in uint32.
const MaxRows = math.MaxUint32

const (
	batchSize = 2048 // rows per key batch
	// directLimit is the largest key space counted in one array per
	// worker (512 KiB of counters); denseLimit the largest counted in
	// dense partitions.
	directLimit = 1 << 17
	denseLimit  = 1 << 26
	// minWorkerRows is the fewest rows worth a goroutine of their own.
	minWorkerRows = 1 << 15
)

// Group assigns a dense group id to each distinct tuple
// (cols[0][i], …, cols[m-1][i]); codes of column j must be below cards[j].
// Group ids follow the order of each group's first row.
//
// With no columns every row is in one group; the number of rows is then
// len(opt.Weights), so Group returns an error when Weights is nil.
func Group(cols [][]uint32, cards []uint32, opt Options) (*Groups, error) {
	return GroupContext(context.Background(), cols, cards, opt)
}

// GroupContext is Group with cancellation: ctx is checked once per batch
// of rows, and its error is returned when it is done.
func GroupContext(ctx context.Context, cols [][]uint32, cards []uint32, opt Options) (*Groups, error) {
	if len(cols) != len(cards) {
		return nil, fmt.Errorf("groupby: %d columns but %d cardinalities", len(cols), len(cards))
	}
	if len(cols) == 0 {
		if opt.Weights == nil {
			return nil, errors.New("groupby: no columns and no weights: the number of rows is unknown")
		}
		g := single(len(opt.Weights), opt)
		if opt.Codes {
			g.Codes = [][]uint32{}
		}
		if opt.NoFirst {
			g.First = nil
		}
		return g, nil
	}
	n := len(cols[0])
	for j, c := range cols {
		if len(c) != n {
			return nil, fmt.Errorf("groupby: column %d has %d rows, column 0 has %d", j, len(c), n)
		}
	}
	if opt.Weights != nil && len(opt.Weights) != n {
		return nil, fmt.Errorf("groupby: %d weights for %d rows", len(opt.Weights), n)
	}
	if uint64(n) > MaxRows {
		return nil, fmt.Errorf("groupby: %d rows; at most %d are supported", n, uint64(MaxRows))
	}
	if n == 0 {
		g := &Groups{}
		if opt.RowIDs {
			g.RowIDs = []uint32{}
		}
		if opt.Codes {
			g.Codes = gather(cols, nil, 1)
		}
		return g, nil
	}
	callerCols := cols
	// Re-code prefixes while the key space overflows 64 bits. orig[j] is
	// the caller's index of column j (-1 for a re-coded prefix), for errors.
	orig := make([]int, len(cols))
	for j := range orig {
		orig[j] = j
	}
	for {
		l := fittingPrefix(cards)
		if l == len(cards) {
			break
		}
		pre, err := GroupContext(ctx, cols[:l], cards[:l], Options{Workers: opt.Workers, RowIDs: true, NoFirst: true,
			minRows: opt.minRows, force: opt.force, pbits: opt.pbits, rangeRows: opt.rangeRows})
		if err != nil {
			return nil, renumber(err, orig)
		}
		cols = append([][]uint32{pre.RowIDs}, cols[l:]...)
		cards = append([]uint32{uint32(pre.N)}, cards[l:]...)
		orig = append([]int{-1}, orig[l:]...)
	}
	// Codes come straight from the counter unless a prefix was re-coded
	// (its codes are group ids, not the caller's).
	codes := opt.Codes && orig[0] >= 0
	g, err := group(ctx, cols, cards, n, opt, codes, !opt.NoFirst || (opt.Codes && !codes))
	if err != nil {
		return nil, renumber(err, orig)
	}
	if opt.Codes && g.Codes == nil {
		g.Codes = gather(callerCols, g.First, opt.Workers)
	}
	if opt.NoFirst {
		g.First = nil
	}
	return g, nil
}

// renumber maps the column of a range error back to the caller's index.
func renumber(err error, orig []int) error {
	var re *CodeError
	if errors.As(err, &re) {
		re.Column = orig[re.Column]
	}
	return err
}

// fittingPrefix returns the length of the longest prefix of cards whose
// product is at most 2^64-1 (so that key 2^64-1 is never used and can mark
// an empty slot). Any two uint32 cardinalities fit, so the result is at
// least min(2, len(cards)).
func fittingPrefix(cards []uint32) int {
	p := uint64(1)
	for j, c := range cards {
		hi, lo := bits.Mul64(p, uint64(c))
		if hi != 0 || lo == math.MaxUint64 {
			return j
		}
		p = lo
	}
	return len(cards)
}

// single is the one group of all rows (no columns).
func single(n int, opt Options) *Groups {
	g := &Groups{}
	if opt.RowIDs {
		g.RowIDs = make([]uint32, n)
	}
	if n == 0 {
		return g
	}
	var s int64
	for _, w := range opt.Weights {
		s += w
	}
	g.N, g.Sizes, g.First = 1, []int64{s}, []int{0}
	return g
}

// job is what every worker shares.
type job struct {
	cols    [][]uint32
	cards   []uint64
	weights []int64
	rowIDs  []uint32 // per row: a worker- or partition-local id, then the final id
	parts   []uint16 // per row: its partition (partitioned counting with row ids)
	done    <-chan struct{}
	space   uint64 // key space Π cards
	pbits   int    // forced partition bits + 1, or 0
	ranges  int    // rows per range, 0 for the counter's default
	codes   bool   // plain partitioned counting: Groups.Codes wanted
	first   bool   // plain partitioned counting: Groups.First wanted
}

// errCanceled marks a worker stopped by the context.
var errCanceled = errors.New("groupby: canceled")

// CodeError reports a code at or above its column's cardinality.
type CodeError struct {
	Row, Column int // 0-based row and index of the column in cols
	Code        uint32
	Card        uint64
}

func (e *CodeError) Error() string {
	return fmt.Sprintf("groupby: row %d column %d: code %d not below cardinality %d", e.Row, e.Column, e.Code, e.Card)
}

// group counts with codes and first asking for Groups.Codes and
// Groups.First (which only the plain partitioned counter may leave out).
func group(ctx context.Context, cols [][]uint32, cards []uint32, n int, opt Options, codes, first bool) (*Groups, error) {
	j := &job{cols: cols, weights: opt.Weights, done: ctx.Done(), space: 1, codes: codes, first: first,
		pbits: opt.pbits, ranges: opt.rangeRows}
	j.cards = make([]uint64, len(cards))
	for i, c := range cards {
		j.cards[i] = uint64(c)
		j.space *= uint64(c)
	}
	w := opt.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	minRows := minWorkerRows
	if opt.minRows > 0 {
		minRows = opt.minRows
	}
	w = max(1, min(w, n/minRows))
	if opt.RowIDs {
		j.rowIDs = make([]uint32, n)
		prefaultAll(j.rowIDs, w)
	}
	var c counter
	var chunk int
	switch chooseCounter(j.space, n, opt.force) {
	case kindDirect:
		c, chunk = j.newDirect(n, w), n
	case kindDense:
		c, chunk = j.newDense(n, w)
	default:
		c, chunk = j.newHash(n, w)
	}
	g, err := run(c, n, w, chunk)
	if err != nil {
		if errors.Is(err, errCanceled) {
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
		}
		return nil, err
	}
	g.RowIDs = j.rowIDs
	return g, nil
}

// counterKind names how keys are counted; each kind is its own type
// behind the counter interface, driven by run.
type counterKind int

const (
	// kindAuto lets chooseCounter decide (the test knob's zero value).
	kindAuto counterKind = iota
	// kindDirect counts in one array of the whole key space per worker;
	// the workers' arrays merge at the end (directCounter).
	kindDirect
	// kindHash scatters keys by the top bits of their hash into
	// partitions, each counted in an open-addressing table (hashCounter;
	// plain counting uses compact slots when the hash bits within a
	// partition fit 32, see compactLayout).
	kindHash
	// kindDense scatters keys by their top bits into partitions of
	// 2^subBits keys, each counted in its own array (denseCounter).
	kindDense
)

// chooseCounter returns the counter kind for a key space of space keys
// and n rows: a direct array while the key space fits in a core's cache
// (space ≤ directLimit); dense partitions while the key space is at most
// denseLimit and not far above the rows (space ≤ 4n + 2^16), so that
// most of each partition's array is used; hash partitions otherwise.
// force, when not kindAuto, overrides the choice, except that the array
// kinds are never forced on a key space above denseLimit.
func chooseCounter(space uint64, n int, force counterKind) counterKind {
	if force == kindHash || force != kindAuto && space <= denseLimit {
		return force
	}
	switch {
	case space <= directLimit:
		return kindDirect
	case space <= denseLimit && space <= 4*uint64(n)+1<<16:
		return kindDense
	}
	return kindHash
}

// gather returns cols[j][rows[g]] for every column j and row g, the
// columns spread over workers (0: GOMAXPROCS).
func gather(cols [][]uint32, rows []int, workers int) [][]uint32 {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if len(rows) < 1<<16 {
		workers = 1
	}
	out := make([][]uint32, len(cols))
	w := min(workers, len(cols))
	_ = parallel(max(w, 1), func(k int) error {
		for c := k; c < len(cols); c += w {
			col, dst := cols[c], make([]uint32, len(rows))
			for g, r := range rows {
				dst[g] = col[r]
			}
			out[c] = dst
		}
		return nil
	})
	return out
}

// bounds splits n rows into w contiguous ranges.
func bounds(n, w int) []int {
	b := make([]int, w+1)
	for i := range b {
		b[i] = int(int64(n) * int64(i) / int64(w))
	}
	return b
}

// parallel runs f(i) for i in [0, w) and returns the first error.
func parallel(w int, f func(i int) error) error {
	if w == 1 {
		return f(0)
	}
	errs := make([]error, w)
	var wg sync.WaitGroup
	for i := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// canceled reports whether done is closed, without blocking.
func canceled(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// keys fills k with the packed keys of rows [lo, lo+len(k)), two
// columns per pass over the batch.
func (j *job) keys(k []uint64, lo int) error {
	n := len(k)
	c0 := j.cols[0][lo : lo+n]
	var mx uint32
	for i, c := range c0 {
		k[i] = uint64(c)
		mx = max(mx, c)
	}
	if uint64(mx) >= j.cards[0] {
		return j.badCode(0, lo, n)
	}
	col := 1
	for ; col+1 < len(j.cols); col += 2 {
		a, b := j.cols[col][lo:lo+n], j.cols[col+1][lo:lo+n]
		ca, cb := j.cards[col], j.cards[col+1]
		var ma, mb uint32
		for i := range k {
			x, y := a[i], b[i]
			k[i] = (k[i]*ca+uint64(x))*cb + uint64(y)
			ma, mb = max(ma, x), max(mb, y)
		}
		if uint64(ma) >= ca {
			return j.badCode(col, lo, n)
		}
		if uint64(mb) >= cb {
			return j.badCode(col+1, lo, n)
		}
	}
	if col < len(j.cols) {
		cj := j.cols[col][lo : lo+n]
		card := j.cards[col]
		mx = 0
		for i, c := range cj {
			k[i] = k[i]*card + uint64(c)
			mx = max(mx, c)
		}
		if uint64(mx) >= card {
			return j.badCode(col, lo, n)
		}
	}
	return nil
}

func (j *job) badCode(col, lo, n int) error {
	for i, c := range j.cols[col][lo : lo+n] {
		if uint64(c) >= j.cards[col] {
			return &CodeError{Row: lo + i, Column: col, Code: c, Card: j.cards[col]}
		}
	}
	return nil
}
