package quasiid

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// pqChunkRows is the most rows a worker of readParquet decodes at a time,
// and at most four batches: a longer row group is handed over in several
// chunks.
const pqChunkRows = 1 << 18

// pqFirstChunkRows is the most rows of a worker's first chunk, rounded
// up to a whole number of batches: the merger starts on it while the
// worker decodes the next, twice as long, up to pqChunkRows. The first
// chunk of a read costs most (its pages are read whole and its buffers
// mapped), and the merger waits for it.
const pqFirstChunkRows = 1 << 15

// chunksPerWorker is how many chunks a worker may have decoded and not yet
// merged: memory is bounded by workers × chunksPerWorker chunks.
const chunksPerWorker = 2

// pqRead is the plan of a streaming read of the named columns of a
// Parquet file: row groups are decoded on GOMAXPROCS workers, each column
// onto a dictionary local to the worker, and a merger maps the chunks, in
// row order, onto the columns' dictionaries, each local code once.
type pqRead struct {
	p      *parquetFile
	fr     *pqarrow.FileReader // for the column chunks not decoded from their pages
	file   string
	encs   []*columnEncoder // the Table's encoders
	kinds  []pqKind         // how each column's pages are decoded (pqNone: through pqarrow)
	leaves [][]int          // the leaf columns of each column
	starts []int64          // the first row of each row group, then the number of rows
	chunk  int64            // rows per chunk
	// first is the rows of a worker's first chunk, a whole number of
	// batches (so that errors are those of a sequential read); its next
	// chunks are twice as long, up to chunk.
	first int64
	// maxLocal bounds a worker's local dictionary of a column, to four
	// chunks' worth: past it, the worker starts a new one.
	maxLocal int
	// snaps holds each column's dictionary as the merger last published
	// it, for workers to seed local dictionaries from.
	snaps []atomic.Pointer[dictSnap]
}

// newPQRead plans the read of the columns of encs from p, named file in
// errors.
func newPQRead(p *parquetFile, file string, encs []*columnEncoder) (*pqRead, error) {
	fr, err := p.reader()
	if err != nil {
		return nil, fmt.Errorf("%s: reading Parquet: %w", file, err)
	}
	batch := int64(p.batch)
	r := &pqRead{p: p, fr: fr, file: file, encs: encs, chunk: min(pqChunkRows, 4*batch)}
	r.first = min(r.chunk, (pqFirstChunkRows+batch-1)/batch*batch)
	r.maxLocal = 4 * int(r.chunk)
	r.snaps = snapshots(len(encs))
	for _, e := range encs {
		leaves := p.leaves(e.field)
		kind := pqNone
		if e.col.Role != Time {
			kind = p.pageKind(e.field, leaves)
		}
		r.leaves, r.kinds = append(r.leaves, leaves), append(r.kinds, kind)
	}
	var at int64
	for g := range p.pf.NumRowGroups() {
		n := p.pf.MetaData().RowGroup(g).NumRows()
		if n < 0 || at+n < at {
			return nil, fmt.Errorf("%s: reading Parquet: corrupt input: row group %d has %d rows", file, g, n)
		}
		r.starts = append(r.starts, at)
		at += n
	}
	r.starts = append(r.starts, at)
	return r, nil
}

// pqPiece is one column of a chunk as a worker decoded it.
type pqPiece struct {
	codes  []uint32      // local codes of the rows
	values []string      // the values of the local codes (a snapshot: the worker appends to the dictionary)
	tags   []uint32      // the dictTag of each value
	null   uint32        // the local code of null, or NoCode
	epoch  int           // the local dictionary's: a new one has a new epoch
	seeded int           // the local codes that are the column's codes (seedFrom)
	own    bool          // every code is below seeded: the codes are the column's
	arrays []arrow.Array // for the Time column, its batches instead
}

// release releases the Arrow batches of the piece.
func (p *pqPiece) release() {
	for _, a := range p.arrays {
		a.Release()
	}
	p.arrays = p.arrays[:0]
}

// pqChunk is a run of rows of one row group, decoded by a worker.
type pqChunk struct {
	first int64 // its first row (0-based) in the file
	group int64 // the first row of its row group
	rows  int
	cols  []pqPiece
	err   error // the error of the earliest failed batch, then of the first column
	at    int64 // the first row of that batch
	col   int   // that column
	owner *pqWorker
}

// fail records the error err of column k in the batch holding row row
// unless an error of an earlier batch, or of an earlier column in the
// same batch, was recorded: the error a sequential read reports.
func (c *pqChunk) fail(batch int64, row int64, k int, err error) {
	at := c.group + (row-c.group)/batch*batch
	if c.err == nil || at < c.at || at == c.at && k < c.col {
		c.err, c.at, c.col = err, at, k
	}
}

// pqWorker decodes row groups, all named columns of one at a time.
type pqWorker struct {
	r    *pqRead
	cols []pqColumn
	pool chan *pqChunk // its chunks not handed to the merger
	// For the merger only: the code of each local code of each column, or
	// NoCode, and the epoch of the local dictionary they are of.
	global [][]uint32
	epochs []int
	size   int64 // the rows of its next chunk
	// compressed is the buffer of its columns' pageReaders for the
	// compressed bytes of a page: they read one page at a time.
	compressed []byte
}

// newWorker returns a worker with its chunks.
func (r *pqRead) newWorker() *pqWorker {
	w := &pqWorker{r: r, cols: make([]pqColumn, len(r.encs)), pool: make(chan *pqChunk, chunksPerWorker), size: r.first,
		global: make([][]uint32, len(r.encs)), epochs: make([]int, len(r.encs))}
	for k, e := range r.encs {
		w.cols[k] = pqColumn{r: r, k: k, enc: columnEncoder{file: r.file, field: e.field}}
		w.cols[k].src.pr.shared = &w.compressed
	}
	for _, c := range r.newChunks(w, chunksPerWorker) {
		w.pool <- c
	}
	return w
}

// group decodes row group g into chunks sent on out in row order, up to
// the first error, and closes out.
func (w *pqWorker) group(ctx context.Context, g int, out chan<- *pqChunk) {
	defer close(out)
	defer func() {
		for k := range w.cols {
			w.cols[k].close()
		}
	}()
	first, rows := w.r.starts[g], w.r.starts[g+1]-w.r.starts[g]
	batch := int64(w.r.p.batch)
	for done := int64(0); done < rows; {
		var c *pqChunk
		select {
		case c = <-w.pool:
		case <-ctx.Done():
			return
		}
		n := int(min(rows-done, w.size))
		w.size = min(2*w.size, w.r.chunk)
		c.first, c.group, c.rows, c.err = first+done, first, n, nil
		for k := range w.cols {
			col := &w.cols[k]
			var err error
			at := c.first
			if done == 0 {
				err = col.open(ctx, g, first)
			}
			if err == nil {
				// A decoder panic on corrupt input becomes an error.
				err = guard(func() (err error) {
					at, err = col.fill(ctx, &c.cols[k], c.first, n)
					return err
				})
			}
			if err != nil {
				c.fail(batch, at, k, err)
			}
		}
		select {
		case out <- c:
		case <-ctx.Done():
			for k := range c.cols {
				c.cols[k].release()
			}
			return
		}
		if c.err != nil {
			return
		}
		done += int64(n)
	}
}

// run decodes the row groups on GOMAXPROCS workers and calls emit with
// each chunk in row order, from this goroutine; an error of emit stops
// the read, and is returned once the workers stopped.
func (r *pqRead) run(ctx context.Context, emit func(c *pqChunk) error) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	groups := len(r.starts) - 1
	workers := min(runtime.GOMAXPROCS(0), groups)
	type task struct {
		g   int
		out chan *pqChunk
	}
	order := make(chan chan *pqChunk, workers)
	tasks := make(chan task)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(tasks)
		for g := range groups {
			out := make(chan *pqChunk, 1)
			select {
			case order <- out:
			case <-ctx.Done():
				return
			}
			select {
			case tasks <- task{g, out}:
			case <-ctx.Done():
				close(out)
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := r.newWorker() // its buffers mapped in parallel, not before the merger starts
			for t := range tasks {
				w.group(ctx, t.g, t.out)
			}
		}()
	}
	var err error
	for out := range order {
		for c := range out {
			if err == nil {
				if err = emit(c); err != nil {
					cancel() // and take the chunks in flight, releasing them
				}
			}
			for k := range c.cols {
				c.cols[k].release()
			}
			c.owner.pool <- c
		}
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// merge encodes the Time column of chunk c and maps its other columns'
// local codes onto the Table's dictionaries (in row order, so codes are
// those of a sequential read): into the pieces' codes when inPlace, else
// appended to the Table's columns.
func (r *pqRead) merge(c *pqChunk, inPlace bool) error {
	for k, e := range r.encs {
		if e.col.Role != Time {
			continue
		}
		if inPlace {
			e.col.Times, e.col.Valid = e.col.Times[:0], nil
		}
		at := c.first
		for _, a := range c.cols[k].arrays {
			if err := e.encodeGuarded(a, at, nil); err != nil {
				c.fail(int64(r.p.batch), at, k, err)
				break
			}
			at += int64(a.Len())
		}
		c.cols[k].release()
	}
	if c.err != nil {
		return c.err
	}
	for k, e := range r.encs {
		if e.col.Role == Time {
			continue
		}
		piece, d := &c.cols[k], e.col.Dict
		m := c.owner.global[k]
		if c.owner.epochs[k] != piece.epoch {
			m, c.owner.epochs[k] = m[:0], piece.epoch
			for l := range piece.seeded {
				m = append(m, uint32(l))
			}
		}
		for len(m) < len(piece.values) {
			m = append(m, NoCode)
		}
		c.owner.global[k] = m
		out := piece.codes[:c.rows]
		if !inPlace {
			e.col.Codes = extendCodes(e.col.Codes, c.rows)
			out = e.col.Codes[len(e.col.Codes)-c.rows:]
		}
		if piece.own {
			if !inPlace {
				copy(out, piece.codes[:c.rows])
			}
			continue
		}
		for i, l := range piece.codes[:c.rows] {
			g := m[l]
			if g == NoCode {
				if l == piece.null {
					g = d.NullCode()
				} else {
					g = d.codeTagged(piece.values[l], piece.tags[l])
				}
				m[l] = g
			}
			out[i] = g
		}
		r.publish(k, d)
	}
	return nil
}

// extendCodes returns codes n longer, growing its capacity by doubling.
func extendCodes(codes []uint32, n int) []uint32 {
	if cap(codes)-len(codes) < n {
		grown := make([]uint32, len(codes), 2*len(codes)+n)
		copy(grown, codes)
		codes = grown
	}
	return codes[:len(codes)+n]
}

// readParquet reads the named columns of p into t, streaming: with fn
// nil, the codes and times are appended to t's columns (Encode); else
// each chunk is handed to fn as EncodeChunks says, and t keeps only the
// dictionaries and the time metadata.
func readParquet(ctx context.Context, p *parquetFile, t *Table, encs []*columnEncoder, opt EncodeOptions, fn func(chunk *Table, first int64) error) (*Table, error) {
	r, err := newPQRead(p, t.Source, encs)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		_, bound := p.rows()
		reserve := min(r.starts[len(r.starts)-1], bound)
		for _, e := range encs {
			if e.col.Role == Time {
				e.col.Times = make([]int64, 0, reserve)
			} else {
				e.col.Codes = make([]uint32, 0, reserve)
			}
		}
	}
	var rows int64
	err = r.run(ctx, func(c *pqChunk) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.merge(c, fn != nil); err != nil {
			return err
		}
		rows = c.first + int64(c.rows)
		if opt.Progress != nil {
			opt.Progress(rows)
		}
		if fn == nil {
			return nil
		}
		chunk := &Table{Source: t.Source, Rows: c.rows, Columns: make([]*Column, len(t.Columns))}
		for k, col := range t.Columns {
			v := *col
			if col.Role != Time {
				v.Codes = c.cols[k].codes[:c.rows:c.rows]
			}
			chunk.Columns[k] = &v
		}
		return fn(chunk, c.first)
	})
	if err != nil {
		return nil, err
	}
	t.Rows = int(rows)
	if fn != nil {
		dropRows(t)
	}
	return t, nil
}

// encodeParquet is Encode for a Parquet source: readParquet, appending.
func encodeParquet(ctx context.Context, p *parquetFile, t *Table, encs []*columnEncoder, opt EncodeOptions) (*Table, error) {
	return readParquet(ctx, p, t, encs, opt, nil)
}

// parquetStream reports whether EncodeChunks reads src with readParquet:
// a Parquet source not yet turned into a record reader, with columns to
// encode.
func parquetStream(src *Source, spec Spec) bool {
	if src == nil || src.pq == nil || src.rr != nil {
		return false
	}
	cols, err := plan(spec)
	return err == nil && len(cols) > 0
}

// encodeParquetChunks is EncodeChunks for a Parquet source.
func encodeParquetChunks(ctx context.Context, src *Source, spec Spec, opt EncodeOptions, fn func(chunk *Table, first int64) error) (*Table, error) {
	t, encs, err := newEncoders(src, spec, opt)
	if err != nil {
		return nil, err
	}
	if _, err := src.encodeReader(); err != nil {
		return nil, err
	}
	return readParquet(ctx, src.pq, t, encs, opt, fn)
}
