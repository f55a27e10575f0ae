package quasiid

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/stretchr/testify/require"
)

// TestParquetNewChunks checks the chunks' code arrays carved from one
// array: each column but Time gets room for the largest chunk (the chunk
// size, or a shorter file's largest row group), no more, and the arrays do
// not overlap.
func TestParquetNewChunks(t *testing.T) {
	for _, tc := range []struct{ rows, group, want int }{
		{1000, 300, 200}, // chunks of 4 batches of 50: 200 rows
		{30, 300, 30},    // one row group shorter than a chunk
	} {
		rec := pqTestRecord(rand.New(rand.NewPCG(5, uint64(tc.rows))), tc.rows, 4, nil)
		data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(int64(tc.group)))
		rec.Release()
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: 50})
		require.NoError(t, err)
		tbl, encs, err := newEncoders(src, pqTestSpec, EncodeOptions{})
		require.NoError(t, err)
		r, err := newPQRead(src.pq, tbl.Source, encs)
		require.NoError(t, err)
		w := &pqWorker{r: r}
		chunks := r.newChunks(w, 3)
		require.Len(t, chunks, 3)
		var all [][]uint32
		for _, c := range chunks {
			require.Same(t, w, c.owner)
			require.Len(t, c.cols, len(encs))
			for k, e := range encs {
				p := c.cols[k].codes
				if e.col.Role == Time {
					require.Nil(t, p, "rows %d: Time column %s", tc.rows, e.col.Name)
					continue
				}
				require.Equal(t, 0, len(p))
				require.Equal(t, tc.want, cap(p), "rows %d: column %s", tc.rows, e.col.Name)
				all = append(all, p[:cap(p)])
			}
		}
		for i, p := range all {
			for j := range p {
				p[j] = uint32(i)
			}
		}
		for i, p := range all {
			for j, v := range p {
				require.Equal(t, uint32(i), v, "rows %d: array %d element %d overwritten", tc.rows, i, j)
			}
		}
		src.Close()
	}
}
