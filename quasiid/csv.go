package quasiid

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// delimiters are the candidates of delimiter detection, in order of
// preference on ties.
var delimiters = [...]byte{',', ';', '\t', '|'}

// detectDelimiter picks the candidate delimiter that occurs (outside
// quotes) the same, non-zero number of times in the header and in every
// complete record of head, preferring more occurrences; failing that, the
// one occurring most often in the header; failing that, a comma.
func detectDelimiter(head []byte, complete bool) byte {
	const maxRecords = 20
	var counts [len(delimiters)][]int
	var cur [len(delimiters)]int
	inQuotes := false
	records := 0
	for i := 0; i < len(head) && records < maxRecords; i++ {
		c := head[i]
		switch {
		case c == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case c == '\n' || (c == '\r' && (i+1 == len(head) || head[i+1] != '\n')):
			for k := range delimiters {
				counts[k] = append(counts[k], cur[k])
				cur[k] = 0
			}
			records++
		default:
			for k, d := range delimiters {
				if c == d {
					cur[k]++
				}
			}
		}
	}
	if complete && !inQuotes && records < maxRecords {
		// The last record ends at end of file without a newline.
		for k := range delimiters {
			if cur[k] > 0 || len(counts[k]) == 0 {
				counts[k] = append(counts[k], cur[k])
			}
		}
	}
	best, bestN := -1, 0
	for k := range delimiters {
		if len(counts[k]) == 0 || counts[k][0] == 0 {
			continue
		}
		n := counts[k][0]
		consistent := true
		for _, m := range counts[k][1:] {
			if m != n {
				consistent = false
				break
			}
		}
		if consistent && n > bestN {
			best, bestN = k, n
		}
	}
	if best >= 0 {
		return delimiters[best]
	}
	for k := range delimiters {
		if len(counts[k]) > 0 && counts[k][0] > bestN {
			best, bestN = k, counts[k][0]
		}
	}
	if best >= 0 {
		return delimiters[best]
	}
	return ','
}

// csvReader reads CSV into record batches whose columns are all UTF-8
// strings. It implements array.RecordReader.
type csvReader struct {
	name   string
	r      *csv.Reader
	header []string
	schema *arrow.Schema
	batch  int
	mem    memory.Allocator
	nulls  map[string]struct{}

	// The fast path of Encode (encode_csv_parallel.go) reads the bytes
	// after the header itself: raw is then the input after the header,
	// head the header's bytes, and r is made on first use, over head and
	// raw. raw is nil when r was made at once (a delimiter that is not one
	// ASCII byte, a header longer than the read buffer).
	raw       *bufio.Reader
	head      []byte
	delim     rune
	size      int64       // input size in bytes when known, else 0
	lineBase  int         // lines before the bytes r reads (a block of the fast path)
	maxBlock  int         // the most bytes the fast path holds for one record (0: maxCSVBlock)
	blockSize int         // the fast path's block size (0: csvBlockSize)
	maxField  int64       // the longest field allowed (ReadOptions.MaxFieldBytes)
	sink      *chunkSink  // EncodeChunks' callback (nil: Encode keeps every row)
	buffers   *csvBuffers // the fast path's recycled buffers
	chunkRows int         // rows per chunk for EncodeChunks (0: ChunkRows)

	refs  int64
	cur   arrow.Record
	err   error
	rows  int64   // data rows read so far
	blank int64   // blank lines encoding/csv skipped between rows
	next  int     // line where the next row should start, if no blank line
	lines []int64 // line where each row of the current batch starts
	line  int64   // line where the row readRow returned last starts
	done  bool
	// In a one-column file a blank line between rows is a row holding "":
	// pend such rows are due before held, the row read after them.
	pend     int
	held     []string
	heldLine int
}

func newCSVReader(name string, br *bufio.Reader, opt ReadOptions) (*csvReader, error) {
	if bom, _ := br.Peek(3); len(bom) == 3 && bom[0] == 0xef && bom[1] == 0xbb && bom[2] == 0xbf {
		br.Discard(3)
	}
	delim := opt.Delimiter
	if delim == 0 {
		head, err := br.Peek(br.Size())
		complete := err == io.EOF
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		delim = rune(detectDelimiter(head, complete))
	}
	if delim == '"' || delim == '\r' || delim == '\n' || delim == utf8.RuneError || !utf8.ValidRune(delim) {
		return nil, fmt.Errorf("%s: invalid CSV delimiter %q", name, delim)
	}
	max, err := opt.maxFieldBytes()
	if err != nil {
		return nil, err
	}
	c := &csvReader{name: name, batch: opt.batchSize(), mem: opt.allocator(), refs: 1, delim: delim, maxField: max}
	var r *csv.Reader
	if head, ok := headerBytes(br, delim); ok {
		c.raw, c.head = br, head
		r = c.newParser(bytes.NewReader(head), 0, 0)
	} else {
		r = c.newParser(br, 0, 0)
		c.r = r
	}
	if len(opt.NullValues) > 0 {
		c.nulls = make(map[string]struct{}, len(opt.NullValues))
		for _, v := range opt.NullValues {
			c.nulls[v] = struct{}{}
		}
	}
	rec, err := r.Read()
	if err == io.EOF {
		return nil, &InputError{File: name, Msg: "empty file: a header row is required"}
	}
	if err != nil {
		return nil, c.parseError(err)
	}
	seen := make(map[string]int, len(rec))
	fields := make([]arrow.Field, len(rec))
	c.header = make([]string, len(rec))
	for i, h := range rec {
		if !utf8.ValidString(h) {
			return nil, &InputError{File: name, Line: 1, Msg: fmt.Sprintf("header: column %d: invalid UTF-8 in column name %s", i+1, textfmt.Name(h))}
		}
		if h == "" {
			return nil, &InputError{File: name, Line: 1, Msg: fmt.Sprintf("header: column %d has an empty name", i+1)}
		}
		if j, dup := seen[h]; dup {
			return nil, &InputError{File: name, Line: 1, Column: h, Msg: fmt.Sprintf("column named twice in the header (columns %d and %d)", j+1, i+1)}
		}
		seen[h] = i
		c.header[i] = h
		fields[i] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	c.schema = arrow.NewSchema(fields, nil)
	last, _ := r.FieldPos(len(rec) - 1)
	c.next = last + strings.Count(rec[len(rec)-1], "\n") + 1
	if c.raw != nil {
		br.Discard(len(c.head))
	}
	return c, nil
}

// newParser returns an encoding/csv reader of r as this package reads
// CSV, under a fieldBound that stops any field longer than c.maxField;
// r starts after rows data rows and lines lines of the file (a block of
// the fast path), so that the bound's errors name the file's row and line.
func (c *csvReader) newParser(r io.Reader, rows int64, lines int) *csv.Reader {
	fb := newFieldBound(r, c.delim, c.maxField)
	if rows > 0 || lines > 0 {
		fb.record, fb.line = rows+1, int64(lines)+1
	}
	p := csv.NewReader(bufio.NewReaderSize(fb, 64<<10))
	p.Comma = c.delim
	p.FieldsPerRecord = -1
	p.ReuseRecord = true
	return p
}

// parser returns the encoding/csv reader of the rows, making it on first
// use over the header and the rest of the input (it reads the header
// again, so that its line numbers count from the top of the file).
func (c *csvReader) parser() *csv.Reader {
	if c.r == nil {
		c.r = c.newParser(io.MultiReader(bytes.NewReader(c.head), c.raw), 0, 0)
		c.r.Read()
	}
	return c.r
}

// headerBytes returns the bytes of the header record of br, blank lines
// before it included, without consuming them: they end after the first
// newline outside quotes that ends a non-blank line, or at the end of the
// input. It reports false when the delimiter is not a single ASCII byte or
// the header does not fit in br's buffer.
func headerBytes(br *bufio.Reader, delim rune) ([]byte, bool) {
	if delim >= utf8.RuneSelf {
		return nil, false
	}
	data, err := br.Peek(br.Size())
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, false
	}
	inQuotes := false
	lineStart := 0
	for i, b := range data {
		switch {
		case b == '"':
			inQuotes = !inQuotes
		case b == '\n' && !inQuotes:
			if line := data[lineStart:i]; len(line) > 0 && !(len(line) == 1 && line[0] == '\r') {
				return data[:i+1], true
			}
			lineStart = i + 1
		}
	}
	if err == io.EOF {
		return data, true
	}
	return nil, false
}

// parseError turns an encoding/csv error into an InputError.
func (c *csvReader) parseError(err error) error {
	var long *fieldTooLong
	if errors.As(err, &long) {
		return long.inputError(c.name, c.header)
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &InputError{File: c.name, Row: c.rows + 1, Err: err}
	}
	row := c.rows + 1
	if c.header == nil {
		row = 0 // in the header
	}
	msg := pe.Err.Error()
	if pe.Line != pe.StartLine {
		msg += " (at line " + strconv.Itoa(c.lineBase+pe.Line) + ", byte " + strconv.Itoa(pe.Column) + ")"
	} else {
		msg += " (at byte " + strconv.Itoa(pe.Column) + ")"
	}
	if row == 0 {
		msg = "header: " + msg
	}
	return &InputError{File: c.name, Row: row, Line: int64(c.lineBase + pe.StartLine), Msg: msg}
}

func (c *csvReader) Retain()               { c.refs++ }
func (c *csvReader) Schema() *arrow.Schema { return c.schema }
func (c *csvReader) Record() arrow.Record  { return c.cur }
func (c *csvReader) Err() error            { return c.err }

func (c *csvReader) Release() {
	c.refs--
	if c.refs == 0 && c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
}

// readRow reads and checks the next row. It returns nil at the end of the
// file and on error, which it leaves in c.err. c.line is set to the line
// where the row starts.
func (c *csvReader) readRow() []string {
	if c.err != nil {
		return nil
	}
	if c.pend > 0 {
		c.pend--
		c.line = int64(c.next)
		c.next++
		c.rows++
		return []string{""}
	}
	if c.held != nil {
		rec, line := c.held, c.heldLine
		c.held = nil
		return c.accept(rec, line)
	}
	if c.done {
		return nil
	}
	rec, err := c.parser().Read()
	if err == io.EOF {
		c.done = true
		return nil
	}
	if err != nil {
		c.err = c.parseError(err)
		return nil
	}
	ncol := len(c.header)
	line, _ := c.r.FieldPos(0)
	line += c.lineBase
	if len(rec) != ncol {
		e := &InputError{File: c.name, Row: c.rows + 1, Line: int64(line)}
		if len(rec) < ncol {
			e.Column = c.header[len(rec)]
			e.Msg = fmt.Sprintf("missing field: the row has %d fields, the header %d", len(rec), ncol)
		} else {
			e.Msg = fmt.Sprintf("extra field: the row has %d fields, the header %d", len(rec), ncol)
		}
		c.err = e
		return nil
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			fline, _ := c.r.FieldPos(i)
			c.err = &InputError{File: c.name, Row: c.rows + 1, Line: int64(c.lineBase + fline), Column: c.header[i], Msg: "invalid UTF-8"}
			return nil
		}
	}
	if c.next > 0 && line > c.next {
		if ncol == 1 {
			c.pend, c.held, c.heldLine = line-c.next, rec, line
			return c.readRow()
		}
		c.blank += int64(line - c.next)
	}
	return c.accept(rec, line)
}

// accept counts rec, the row just read, starting at line.
func (c *csvReader) accept(rec []string, line int) []string {
	ncol := len(c.header)
	last, _ := c.r.FieldPos(ncol - 1)
	c.next = c.lineBase + last + strings.Count(rec[ncol-1], "\n") + 1
	c.line = int64(line)
	c.rows++
	return rec
}

// isNull reports whether the field text v is read as null.
func (c *csvReader) isNull(v string) bool {
	if c.nulls == nil {
		return false
	}
	_, null := c.nulls[v]
	return null
}

// Next reads the next batch of at most c.batch rows.
func (c *csvReader) Next() bool {
	if c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
	if c.done || c.err != nil {
		return false
	}
	ncol := len(c.header)
	bs := make([]*array.StringBuilder, ncol)
	for i := range bs {
		bs[i] = array.NewStringBuilder(c.mem)
	}
	defer func() {
		for _, b := range bs {
			b.Release()
		}
	}()
	n := 0
	c.lines = c.lines[:0]
	for n < c.batch {
		rec := c.readRow()
		if rec == nil {
			if c.err != nil {
				return false
			}
			break
		}
		for i, v := range rec {
			if c.isNull(v) {
				bs[i].AppendNull()
			} else {
				bs[i].Append(v)
			}
		}
		c.lines = append(c.lines, c.line)
		n++
	}
	if n == 0 {
		return false
	}
	cols := make([]arrow.Array, ncol)
	for i, b := range bs {
		cols[i] = b.NewArray()
	}
	c.cur = array.NewRecord(c.schema, cols, int64(n))
	for _, a := range cols {
		a.Release()
	}
	return true
}
