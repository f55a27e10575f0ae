package quasiid

import "github.com/reidrisk/reidrisk/internal/prefault"

// newChunks returns m chunks of worker w, the local codes of their
// columns (those not Time) carved from one array mapped at once, on huge
// pages where the kernel gives them (prefault.Huge): the chunks' codes are
// a read's largest buffers, written again chunk after chunk, and mapping
// them page by page on first write cost more kernel time than decoding
// into them.
func (r *pqRead) newChunks(w *pqWorker, m int) []*pqChunk {
	var rows int64 // the most rows of a chunk: of a row group at most
	for g := 1; g < len(r.starts); g++ {
		rows = max(rows, min(r.chunk, r.starts[g]-r.starts[g-1]))
	}
	n, cols := int(rows), 0
	for _, e := range r.encs {
		if e.col.Role != Time {
			cols++
		}
	}
	codes := make([]uint32, m*cols*n)
	prefault.Huge(codes)
	chunks := make([]*pqChunk, m)
	for i := range chunks {
		c := &pqChunk{cols: make([]pqPiece, len(r.encs)), owner: w}
		for k, e := range r.encs {
			if e.col.Role != Time {
				c.cols[k].codes, codes = codes[:0:n], codes[n:]
			}
		}
		chunks[i] = c
	}
	return chunks
}
