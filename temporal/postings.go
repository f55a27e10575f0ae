package temporal

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// csr holds lists in compressed sparse row form: list i is
// data[off[i]:off[i+1]].
type csr struct {
	off  []int
	data []uint32
}

func (c *csr) list(i int) []uint32 { return c.data[c.off[i]:c.off[i+1]] }
func (c *csr) len(i int) int       { return c.off[i+1] - c.off[i] }

// invert returns the postings of c: for each value v in 0..n-1, the
// ascending list of rows i whose list holds v (counting sort, O(len(data))).
func (c *csr) invert(n int) csr {
	p := csr{off: make([]int, n+1), data: make([]uint32, len(c.data))}
	for _, v := range c.data {
		p.off[v+1]++
	}
	for v := 0; v < n; v++ {
		p.off[v+1] += p.off[v]
	}
	next := make([]int, n)
	copy(next, p.off[:n])
	for i := 0; i+1 < len(c.off); i++ {
		for _, v := range c.data[c.off[i]:c.off[i+1]] {
			p.data[next[v]] = uint32(i)
			next[v]++
		}
	}
	return p
}

// search returns the index of the first element ≥ x in a sorted list,
// galloping from lo: O(log distance).
func search(a []uint32, lo int, x uint32) int {
	if lo >= len(a) || a[lo] >= x {
		return lo
	}
	// Invariant: a[lo] < x; gallop until a[hi] ≥ x or the end.
	step, hi := 1, lo+1
	for hi < len(a) && a[hi] < x {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	hi = min(hi, len(a))
	lo++
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// intersectCount returns min(|∩ lists|, limit) for sorted lists given
// smallest first, stopping as soon as limit common elements are found.
func intersectCount(lists [][]uint32, limit int, pos []int) int {
	if len(lists) == 0 {
		return 0
	}
	for j := range pos {
		pos[j] = 0
	}
	n := 0
outer:
	for _, x := range lists[0] {
		for j := 1; j < len(lists); j++ {
			l := lists[j]
			i := search(l, pos[j], x)
			pos[j] = i
			if i == len(l) {
				break outer
			}
			if l[i] != x {
				continue outer
			}
		}
		n++
		if n >= limit {
			break
		}
	}
	return n
}

// parallel runs fn over [0,n) in chunks of size chunk on workers goroutines
// (0: GOMAXPROCS); fn gets its worker index for per-worker buffers. Results
// must be written by position, which makes them independent of scheduling.
func parallel(ctx context.Context, n, chunk, workers int, fn func(w, lo, hi int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nchunks := (n + chunk - 1) / chunk
	workers = max(1, min(workers, nchunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= nchunks {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				lo := c * chunk
				if err := fn(w, lo, min(lo+chunk, n)); err != nil {
					errs[w] = err
					next.Store(int64(nchunks))
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// maxWorkers returns the number of goroutines parallel will use at most.
func maxWorkers(workers int) int {
	if workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return workers
}
