package quasiid

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// maxCSVBlock bounds the bytes the fast path holds for one record, below
// the field limit; a longer record sends the rest of the input to
// encoding/csv.
const maxCSVBlock = 64 << 20

// csvBlockSize is the largest block the CSV fast path reads and hands to
// its workers; blocks are no larger than the field limit either.
const csvBlockSize = 2 << 20

// maxLocalDict bounds a worker's dictionary of one column: past it the
// worker starts afresh, so that a column of unique values is not held
// once per worker.
const maxLocalDict = 1 << 14

// encodeCSVParallel is Encode for a CSV source whose header was read from
// the buffer (c.raw is set): the input is cut into blocks of whole
// records, found by quote parity; workers split the blocks into fields
// and code them in dictionaries of their own; the blocks are then merged
// in order, each worker's new values entering the column's dictionary in
// their order of first appearance, so codes are those of a sequential
// read. A block the workers cannot split simply (anything encoding/csv
// reports as an error, a row of the wrong length, text that is not
// UTF-8, a time that does not parse) is parsed again with encoding/csv
// in its turn, and errors name the file, row, line and column as the
// sequential reader does.
func encodeCSVParallel(ctx context.Context, c *csvReader, t *Table, encs []*columnEncoder, opt EncodeOptions) (*Table, error) {
	// Blocks are no larger than the field limit, and a block in which no
	// record ends sends the rest of the input to encoding/csv, whose field
	// bound names a field over the limit: a huge field is read only to
	// about the limit.
	if c.blockSize == 0 {
		c.blockSize = int(min(int64(csvBlockSize), max(64<<10, c.maxField)))
	}
	if c.maxBlock == 0 {
		c.maxBlock = max(c.blockSize, int(min(int64(maxCSVBlock), c.maxField)))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nw := max(1, runtime.GOMAXPROCS(0))
	m := &csvMerge{ctx: ctx, c: c, t: t, encs: encs, workers: make([]*csvWorker, nw), line: int64(bytes.Count(c.head, []byte{'\n'}))}
	m.l2g = make([][][]uint32, nw)
	for w := range m.workers {
		m.workers[w] = newCSVWorker(w, c, encs)
		m.l2g[w] = make([][]uint32, len(encs))
	}
	credit := make(chan struct{}, 2*nw+2) // blocks in flight
	c.buffers = newCSVBuffers(cap(credit)+1, len(encs))
	defer func() { c.buffers = nil }()
	results, readErr := c.parseBlocks(ctx, m.workers, credit)
	if err := m.run(results, credit, cancel, opt); err != nil {
		return nil, err
	}
	if err := *readErr; err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if opt.Progress != nil && m.rows > m.reported {
		opt.Progress(m.rows)
	}
	if err := c.sink.flush(t, m.rows, true); err != nil {
		return nil, err
	}
	c.rows, c.blank, c.done = m.rows, m.blank, true
	t.Rows = int(m.rows)
	return t, nil
}

// parseBlocks starts the goroutines of the fast path: one cuts the input
// into blocks (readBlocks), taking a credit for each, and the workers
// parse them. The results come in any order; the channel is closed when
// every goroutine is done, and the reading error is then set.
func (c *csvReader) parseBlocks(ctx context.Context, workers []*csvWorker, credit chan struct{}) (<-chan *csvResult, *error) {
	blocks := make(chan *csvBlock, len(workers))
	results := make(chan *csvResult, len(workers))
	readErr := new(error)
	go func() {
		defer close(blocks)
		*readErr = c.readBlocks(ctx, blocks, credit)
	}()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range blocks {
				results <- w.parse(b)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	return results, readErr
}

// run merges the results in block order, handing chunks to the sink and
// reporting progress per batch of rows, as encodeCSV does, until results
// is closed. On an error it cancels the other goroutines and drains
// results, returning a credit for each.
func (m *csvMerge) run(results <-chan *csvResult, credit chan struct{}, cancel func(), opt EncodeOptions) error {
	pending := map[int]*csvResult{}
	var err error
	for r := range results {
		if err != nil {
			<-credit
			continue
		}
		pending[r.block.seq] = r
		for {
			r, ok := pending[m.seq]
			if !ok {
				break
			}
			delete(pending, m.seq)
			m.seq++
			if err = m.ctx.Err(); err == nil {
				err = m.merge(r)
			}
			if err == nil {
				err = m.c.sink.flush(m.t, m.rows, false)
			}
			m.c.buffers.recycle(r)
			<-credit
			if err != nil {
				cancel()
				break
			}
			for opt.Progress != nil && m.reported+int64(m.c.batch) <= m.rows {
				m.reported += int64(m.c.batch)
				opt.Progress(m.reported)
			}
		}
	}
	return err
}

// csvBuffers recycles the blocks' bytes and codes once merged, for the
// blocks in flight: no page faults, no zeroing and no garbage per block.
type csvBuffers struct {
	blocks chan []byte   // of capacity csvReader.blockSize
	codes  chan []uint32 // of any capacity
}

func newCSVBuffers(blocks, columns int) *csvBuffers {
	return &csvBuffers{blocks: make(chan []byte, blocks), codes: make(chan []uint32, blocks*columns)}
}

// block returns an empty buffer of capacity n, recycled when one of that
// capacity is free.
func (b *csvBuffers) block(n int) []byte {
	select {
	case buf := <-b.blocks:
		if cap(buf) == n {
			return buf[:0]
		}
	default:
	}
	buf := make([]byte, 0, n)
	prefault.Slice(buf[:n]) // the read fills it
	return buf
}

// code returns an empty code slice of capacity about n or more.
func (b *csvBuffers) code(n int) []uint32 {
	select {
	case c := <-b.codes:
		if cap(c) >= n/2 {
			return c[:0]
		}
	default:
	}
	return make([]uint32, 0, n)
}

// recycle keeps the buffers of a merged result for the next blocks (not
// a block grown for a long record).
func (b *csvBuffers) recycle(r *csvResult) {
	if cap(r.block.data) <= csvBlockSize {
		select {
		case b.blocks <- r.block.data:
		default:
		}
	}
	for _, c := range r.codes {
		if c != nil {
			select {
			case b.codes <- c:
			default:
			}
		}
	}
}

// readBlocks cuts the input after the header into blocks of whole
// records and sends them, taking a credit for each.
func (c *csvReader) readBlocks(ctx context.Context, out chan<- *csvBlock, credit chan<- struct{}) error {
	var carry []byte
	for seq := 0; ; seq++ {
		size := c.blockSize
		for {
			if len(carry) >= c.maxBlock {
				// A record this long (a huge field, or quotes that never
				// close): the rest of the input goes to encoding/csv as a
				// stream, in the merge's turn.
				select {
				case credit <- struct{}{}:
				case <-ctx.Done():
					return ctx.Err()
				}
				out <- &csvBlock{seq: seq, data: carry, rest: true}
				return nil
			}
			// Never read past maxBlock bytes of one record.
			buf := c.buffers.block(min(max(size, 2*len(carry)), c.maxBlock))[:len(carry)]
			copy(buf, carry)
			n, err := io.ReadFull(c.raw, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			eof := err == io.EOF || err == io.ErrUnexpectedEOF
			if err != nil && !eof {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			end := len(buf)
			if !eof {
				end = recordEnd(buf)
			}
			if end == 0 && !eof {
				carry = buf // no record ends in the block: read more
				size = 2 * cap(buf)
				continue
			}
			carry = append([]byte(nil), buf[end:]...)
			select {
			case credit <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			out <- &csvBlock{seq: seq, data: buf[:end], eof: eof}
			if eof {
				return nil
			}
			break
		}
	}
}

// csvResult is a worker's encoding of one block.
type csvResult struct {
	block  *csvBlock
	worker int
	slow   bool // parse the block again with encoding/csv
	rows   int
	lines  int // newlines in the block
	// blank lines before the first row, between rows, after the last
	lead, inner, trail int
	codes              [][]uint32 // per column: local codes (nil for a time column)
	times              [][]int64
	valid              [][]bool
	fresh              [][]string // per column: values new to the worker's dictionary
	null               []int      // per column: index in fresh of null, or -1
	reset              []bool     // per column: the worker's dictionary started afresh
}

// csvMerge merges the workers' results in block order.
type csvMerge struct {
	ctx     context.Context
	c       *csvReader
	t       *Table
	encs    []*columnEncoder
	workers []*csvWorker
	l2g     [][][]uint32 // worker, column, local code -> code
	seq     int          // next block to merge
	rows    int64
	line    int64 // newlines before the next block
	blank   int64
	trail   int64 // blank lines after the last row so far
	// rows reported to EncodeOptions.Progress so far
	reported int64
}

// merge appends the codes of block result r to the table.
func (m *csvMerge) merge(r *csvResult) error {
	if r.slow {
		return m.sequential(r.block)
	}
	for k, e := range m.encs {
		col := e.col
		if col.Role == Time {
			m.appendTimes(col, r.times[k], r.valid[k])
			continue
		}
		l2g := m.l2g[r.worker][k]
		if r.reset[k] {
			l2g = l2g[:0]
		}
		for i, v := range r.fresh[k] {
			if i == r.null[k] {
				l2g = append(l2g, col.Dict.NullCode())
			} else {
				l2g = append(l2g, col.Dict.Code(v))
			}
		}
		m.l2g[r.worker][k] = l2g
		codes := col.Codes
		n := len(codes)
		if cap(codes)-n < len(r.codes[k]) {
			codes = m.grow(codes, len(r.codes[k]), len(r.block.data))
		}
		codes = codes[:n+len(r.codes[k])]
		for i, lc := range r.codes[k] {
			codes[n+i] = l2g[lc]
		}
		col.Codes = codes
	}
	if r.rows > 0 {
		m.blank += m.trail + int64(r.lead+r.inner)
		m.trail = int64(r.trail)
	} else {
		m.trail += int64(r.lead + r.trail)
	}
	m.rows += int64(r.rows)
	m.line += int64(r.lines)
	return nil
}

// grow returns codes with room for n more, reserving for the rest of the
// input at the rows per byte of the block just read when the input's size
// is known, else doubling.
func (m *csvMerge) grow(codes []uint32, n, blockBytes int) []uint32 {
	want := 2*len(codes) + n
	if k := m.c.sink; k != nil {
		want = max(want, k.size+n) // a chunk, reused
	} else if m.c.size > 0 && blockBytes > 0 {
		if est := int(float64(m.c.size) / float64(blockBytes) * float64(n) * 1.02); est >= len(codes)+n {
			want = est
		}
	}
	grown := make([]uint32, len(codes), want)
	// Mapped at once: the rows of this block, and nine tenths of those the
	// input's size predicts, which will surely be written.
	fill := len(codes) + n
	if m.c.size > 0 && blockBytes > 0 {
		fill = max(fill, min(want, int(float64(m.c.size)/float64(blockBytes)*float64(n)*0.9)))
	}
	prefault.Huge(grown[:fill])
	copy(grown, codes)
	return grown
}

// appendTimes appends a block's times to a Time column.
func (m *csvMerge) appendTimes(c *Column, times []int64, valid []bool) {
	start := len(c.Times)
	c.Times = append(c.Times, times...)
	allValid := true
	for _, ok := range valid {
		allValid = allValid && ok
	}
	if c.Valid == nil && allValid {
		return
	}
	if c.Valid == nil {
		c.Valid = make([]bool, start, cap(c.Times))
		for i := range c.Valid {
			c.Valid[i] = true
		}
	}
	c.Valid = append(c.Valid, valid...)
}

// sequential parses block b with encoding/csv, as the sequential reader
// would at this point of the file, and appends its rows; a rest block is
// followed by the rest of the input, which no other goroutine reads any
// more.
func (m *csvMerge) sequential(b *csvBlock) error {
	c := m.c
	var in io.Reader = bytes.NewReader(b.data)
	if b.rest {
		in = io.MultiReader(in, c.raw)
	}
	s := &csvReader{name: c.name, header: c.header, nulls: c.nulls, batch: c.batch, rows: m.rows,
		r: c.newParser(in, m.rows, int(m.line)), lineBase: int(m.line),
		next: int(m.line - m.trail + 1), sink: c.sink}
	rows0 := s.rows
	for more := true; more; {
		if s.rows%int64(c.batch) == 0 {
			if err := m.ctx.Err(); err != nil {
				return err
			}
		}
		var err error
		if more, err = s.encodeRow(m.t, m.encs); err != nil {
			return err
		}
	}
	m.line += int64(bytes.Count(b.data, []byte{'\n'})) // (the rest block is the last)
	if s.rows > rows0 {
		m.blank += s.blank
	}
	m.trail = m.line + 1 - int64(s.next)
	m.rows = s.rows
	return nil
}
