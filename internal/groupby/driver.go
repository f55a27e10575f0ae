package groupby

// chunked is a partitioned counter seen by the driver loop, countChunks:
// runPlain's plainRun or runParts' partsRun. Both take the rows in
// chunks of w ranges (rangeStarts), one range per worker and chunk.
type chunked interface {
	// scatter has worker k append the rows of range r to its buffers of
	// their partitions.
	scatter(k, r int) error
	// count has worker k count its partitions' buffered rows of the
	// chunk whose first row is c and first range r0, taking the
	// workers' buffers in row order, and finish the partitions when the
	// chunk is the last.
	count(k, c, r0 int, last bool)
}

// countChunks is the one driver loop of partitioned counting: for each
// chunk of rows, every worker scatters its range of it by partition,
// then every worker counts its partitions, so that a partition's index
// stays in one core's cache while it is counted.
func countChunks(n, w, chunk int, ph chunked) error {
	for c, r0 := 0, 0; c < n; c, r0 = c+chunk, r0+w {
		err := parallel(w, func(k int) error {
			return ph.scatter(k, r0+k)
		})
		if err != nil {
			return err
		}
		last := c+chunk >= n
		_ = parallel(w, func(k int) error {
			ph.count(k, c, r0, last)
			return nil
		})
	}
	return nil
}
