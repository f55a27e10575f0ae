package quasiid

import (
	"bytes"
	"unicode/utf8"
)

// csvWorker splits blocks into fields and codes them in dictionaries of
// its own.
type csvWorker struct {
	id     int
	c      *csvReader
	encs   []*columnEncoder
	split  *csvFields
	dicts  []*Dictionary
	keys   []keyCodes // per column: codes of fields of at most 15 bytes in dicts
	last   [][]byte   // per column: the last longer field, and its code
	lastC  []uint32
	times  []timeParser
	nulls  map[string]struct{}
	fields []int // the field of each column
}

func newCSVWorker(id int, c *csvReader, encs []*columnEncoder) *csvWorker {
	w := &csvWorker{id: id, c: c, encs: encs, split: newCSVFields(byte(c.delim), len(c.header), c.maxField),
		dicts: make([]*Dictionary, len(encs)), keys: make([]keyCodes, len(encs)),
		last: make([][]byte, len(encs)), lastC: make([]uint32, len(encs)), times: make([]timeParser, len(encs)), nulls: c.nulls,
		fields: make([]int, len(encs))}
	for k, e := range encs {
		w.dicts[k] = NewDictionary()
		w.fields[k] = e.field
	}
	return w
}

// parse codes the rows of b; on a block it cannot split simply it leaves
// its dictionaries as they were and marks the result slow.
func (w *csvWorker) parse(b *csvBlock) *csvResult {
	if b.rest {
		return &csvResult{block: b, worker: w.id, slow: true}
	}
	r := &csvResult{block: b, worker: w.id, codes: make([][]uint32, len(w.encs)), fresh: make([][]string, len(w.encs)),
		null: make([]int, len(w.encs)), reset: make([]bool, len(w.encs))}
	start := make([]int, len(w.encs))
	nullBefore := make([]uint32, len(w.encs))
	for k, d := range w.dicts {
		if d.Len() > maxLocalDict {
			d = NewDictionary()
			w.dicts[k] = d
			w.forget(k)
			r.reset[k] = true
		}
		start[k], nullBefore[k] = d.Len(), d.null
	}
	rowsGuess := len(b.data)/64 + 1
	for k, e := range w.encs {
		if e.col.Role == Time {
			r.times = make([][]int64, len(w.encs))
			r.valid = make([][]bool, len(w.encs))
		} else {
			r.codes[k] = w.c.buffers.code(rowsGuess)
		}
	}
	if !w.encodeBlock(b.data, r) {
		for k, d := range w.dicts {
			d.truncate(start[k], nullBefore[k])
			w.forget(k)
		}
		r.slow, r.codes, r.times, r.valid = true, nil, nil, nil
		return r
	}
	for k, d := range w.dicts {
		r.fresh[k] = d.values[start[k]:d.Len()]
		r.null[k] = -1
		if d.null != nullBefore[k] {
			r.null[k] = int(d.null) - start[k]
		}
	}
	p := w.split
	r.lines, r.lead, r.inner, r.trail = p.lines, p.lead, p.inner, p.trail
	return r
}

// forget empties the caches of column k's dictionary.
func (w *csvWorker) forget(k int) {
	w.keys[k].clear()
	w.last[k] = nil
}

// encodeBlock splits data, which holds whole records, and codes its rows
// into r; it reports false if the block is not valid UTF-8 or has a
// record the fast path cannot split (see csvFields). Records without a
// quote are split in batches (csvFields.split) and coded column by
// column; a record with a quote is split by csvFields.record and coded
// at once, in its turn.
func (w *csvWorker) encodeBlock(data []byte, r *csvResult) bool {
	if !utf8.Valid(data) {
		return false
	}
	p := w.split
	p.lines, p.lead, p.inner, p.trail = 0, 0, 0, 0
	n := 0      // rows in the batch
	quote := -1 // the next quote at or after pos, once looked for
	for pos := 0; pos < len(data); {
		if p.blankLine(data, &pos) {
			continue
		}
		if r.rows == 0 {
			p.lead = p.trail
		} else {
			p.inner += p.trail
		}
		p.trail = 0
		r.rows++
		end := bytes.IndexByte(data[pos:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += pos
		}
		if quote < pos {
			if quote = bytes.IndexByte(data[pos:], '"'); quote < 0 {
				quote = len(data)
			} else {
				quote += pos
			}
		}
		if quote < end || end-pos > p.max {
			// A quoted field, or a field that may be too long.
			if !w.encodeBatch(data, n, r) {
				return false
			}
			n = 0
			var ok bool
			if pos, ok = p.record(data, pos); !ok || !w.encodeRecord(p.fields, r) {
				return false
			}
			continue
		}
		if !p.split(data, pos, end, n) {
			return false
		}
		if pos = end + 1; end < len(data) {
			p.lines++
		}
		if n++; n == csvBatchRows {
			if !w.encodeBatch(data, n, r) {
				return false
			}
			n = 0
		}
	}
	return w.encodeBatch(data, n, r)
}

// encodeRecord codes the fields of one record.
func (w *csvWorker) encodeRecord(fields [][]byte, r *csvResult) bool {
	for k, f := range w.fields {
		if !w.cell(k, fields[f], r) {
			return false
		}
	}
	return true
}

// encodeBatch codes the first n rows split into w.split.bounds, column
// by column. A field of at most 15 bytes whose code the column's key
// table holds is coded here; any other goes through cell.
func (w *csvWorker) encodeBatch(data []byte, n int, r *csvResult) bool {
	stride := w.split.ncol + 1
	bounds := w.split.bounds[:n*stride]
	for k, f := range w.fields {
		if w.encs[k].col.Role == Time || w.nulls != nil {
			for o := f; o < len(bounds); o += stride {
				if !w.cell(k, data[bounds[o]:bounds[o+1]-1], r) {
					return false
				}
			}
			continue
		}
		for o := f; o < len(bounds); o += stride {
			r.codes[k], o = w.keys[k].codeKnown(data, bounds, o, stride, r.codes[k])
			if o < len(bounds) {
				w.cell(k, data[bounds[o]:bounds[o+1]-1], r)
			}
		}
	}
	return true
}

// codeKnown appends to out the codes of the fields o, o+stride, ... of a
// batch's bounds (csvFields.split) while each is at most 15 bytes long
// and in the table; it returns the index of the first that is not, or
// one past the last row. The key's home slot is looked up inline.
func (t *keyCodes) codeKnown(data []byte, bounds []uint32, o, stride int, out []uint32) ([]uint32, int) {
	if t.n == 0 {
		return out, o
	}
	slots, mask := t.slots, uint64(len(t.slots)-1)
	// The last key, for runs of one account: only for a table too large
	// for the L1 cache (a test that fails half the time costs more than
	// a lookup in a small table).
	runs := len(slots) > 2048
	var runLo, runHi uint64
	var runCode uint32
	for ; o < len(bounds); o += stride {
		s, e := int(bounds[o]), int(bounds[o+1])-1
		if e-s > 15 || s+16 > len(data) {
			return out, o
		}
		lo, hi := packKey16(data[s:], e-s)
		if runs && lo == runLo && hi == runHi {
			out = append(out, runCode)
			continue
		}
		sl := &slots[t.home(lo, hi)&mask]
		code := sl.code
		if sl.hi != hi || sl.lo != lo {
			var ok bool
			if code, ok = t.probe(lo, hi); !ok {
				return out, o
			}
		}
		out = append(out, code)
		runLo, runHi, runCode = lo, hi, code
	}
	return out, o
}

// cell codes the field v of column k; it reports false for a time the
// fast path does not read.
func (w *csvWorker) cell(k int, v []byte, r *csvResult) bool {
	_, null := w.nulls[string(v)]
	if w.encs[k].col.Role == Time {
		// An empty cell is no time (skipped by its user). Text with an
		// offset, or offsetless text read as UTC, is coded here; integers
		// (whose unit may be detected from the column's first one) and
		// offsetless times in a zone (with DST gaps and repeats counted)
		// go to the sequential reader (timeReader), as does anything that
		// is no time.
		var sec int64
		null = null || len(v) == 0
		if !null {
			var offsetless, ok bool
			sec, offsetless, ok = w.times[k].parse(string(v))
			if !ok || (offsetless && w.encs[k].times.zone != nil) {
				return false
			}
		}
		r.times[k] = append(r.times[k], sec)
		r.valid[k] = append(r.valid[k], !null)
		return true
	}
	d := w.dicts[k]
	var code uint32
	if null {
		code = d.NullCode()
	} else if len(v) <= 15 {
		lo, hi := packKey(v)
		var found bool
		if code, found = w.keys[k].get(lo, hi); !found {
			// w.keys[k] alone indexes the short values of d: they are
			// appended to it, not hashed into its map.
			code = uint32(len(d.values))
			d.values = append(d.values, string(v))
			w.keys[k].put(lo, hi, code)
		}
	} else if w.last[k] != nil && bytes.Equal(v, w.last[k]) {
		code = w.lastC[k] // runs of one account, one id
	} else {
		code = d.codeBytes(v)
		w.last[k], w.lastC[k] = append(w.last[k][:0], v...), code
	}
	r.codes[k] = append(r.codes[k], code)
	return true
}
