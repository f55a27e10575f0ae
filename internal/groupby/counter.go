package groupby

// counter is one counter kind (counterKind) seen by the driver loop, run:
// directCounter, denseCounter or hashCounter. Its methods work on a range
// or a chunk of rows at a time, never on one row: the loops over rows stay
// inside them, over slices.
type counter interface {
	// scatter has worker k take the rows of range x: a direct counter
	// counts them in the worker's own array, a partitioned one appends
	// them to the worker's buffers of their partitions.
	scatter(k, x int) error
	// count has worker k count its partitions' buffered rows of the
	// chunk whose first row is c and first range x0, taking the workers'
	// buffers in row order, and finish the partitions when the chunk is
	// the last. A direct counter has nothing to do.
	count(k, c, x0 int, last bool)
	// groups merges what the workers counted (a direct counter's
	// per-worker arrays; partitions are disjoint) and returns the groups,
	// numbered by first row.
	groups() (*Groups, error)
}

// run is the one driver loop: the rows are taken in chunks of chunk rows,
// each split into w ranges (range x of chunk number i is x = i·w + k for
// worker k, as rangeStarts lays them out); for each chunk every worker
// scatters its range, then every worker counts its partitions, so that a
// partition's index stays in one core's cache while it is counted. The
// counter then gives the groups.
func run(c counter, n, w, chunk int) (*Groups, error) {
	for r, x0 := 0, 0; r < n; r, x0 = r+chunk, x0+w {
		err := parallel(w, func(k int) error {
			return c.scatter(k, x0+k)
		})
		if err != nil {
			return nil, err
		}
		last := r+chunk >= n
		_ = parallel(w, func(k int) error {
			c.count(k, r, x0, last)
			return nil
		})
	}
	return c.groups()
}

// rangeStarts returns the first row of every range of chunks of chunk
// rows split between w workers, then n.
func rangeStarts(n, w, chunk int) []int {
	var lo []int
	for c := 0; c < n; c += chunk {
		b := bounds(min(n, c+chunk)-c, w)
		for k := range w {
			lo = append(lo, c+b[k])
		}
	}
	return append(lo, n)
}
