package quasiid

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// pqKind says how the values of a dictionary page are read.
type pqKind uint8

const (
	pqNone  pqKind = iota // not decoded from the pages: read through pqarrow
	pqText                // BYTE_ARRAY read as Arrow strings: checked for UTF-8
	pqBytes               // BYTE_ARRAY read as Arrow binary
	pqInt32               // INT32 read as Arrow int32: decimal text
	pqInt64               // INT64 read as Arrow int64: decimal text
)

// pageKind returns how the leaf column c, all of top-level field i, can be
// decoded from its dictionary pages with the canonical text of the Arrow
// path: a flat column (definition level at most 1) of byte arrays read as
// strings or binary, or of plain integers. Logical types (dates,
// timestamps, decimals, small or unsigned integers) are pqNone.
func (p *parquetFile) pageKind(i int, leaves []int) pqKind {
	if len(leaves) != 1 {
		return pqNone
	}
	col := p.pf.MetaData().Schema.Column(leaves[0])
	if col.MaxRepetitionLevel() > 0 || col.MaxDefinitionLevel() > 1 {
		return pqNone
	}
	switch t := p.schema.Field(i).Type.ID(); {
	case col.PhysicalType() == parquet.Types.ByteArray && (t == arrow.STRING || t == arrow.LARGE_STRING):
		return pqText
	case col.PhysicalType() == parquet.Types.ByteArray && (t == arrow.BINARY || t == arrow.LARGE_BINARY):
		return pqBytes
	case col.PhysicalType() == parquet.Types.Int32 && t == arrow.INT32:
		return pqInt32
	case col.PhysicalType() == parquet.Types.Int64 && t == arrow.INT64:
		return pqInt64
	}
	return pqNone
}

// errNotDictionary says a column chunk has a page the page decoder does
// not read (an encoding other than dictionary, or PLAIN for byte arrays):
// the rest of the chunk is read through pqarrow.
var errNotDictionary = errors.New("not a dictionary-encoded page")

// errPagesEnd says a column chunk has fewer values than its row group.
var errPagesEnd = errors.New("column chunk ends before its row group")

// pageDecoder decodes one column chunk from its pages: the dictionary
// page once, then each data page's definition levels (for nulls) and
// dictionary indices, straight into local codes (an entry is looked up in
// the local dictionary once per piece); byte arrays in PLAIN pages are
// looked up one by one.
type pageDecoder struct {
	pr     pageSource
	kind   pqKind
	maxDef uint32
	dict   [][]byte // the page dictionary, as canonical text
	ends   []int    // the end of each entry in arena
	read1  bool     // the dictionary page was read
	arena  []byte   // the bytes of dict
	// seen maps a dictionary entry to its local code, or NoCode; it has
	// at least 256 entries before the last, null's, so that an index of 8
	// bits maps without a range check (past the dictionary: NoCode).
	seen   []uint32
	left   int64 // values left in the current data page
	defs   hybridDecoder
	idx    hybridDecoder
	levels []uint32
	plain  []byte // the values left in a PLAIN page
	// last is the last value read from the PLAIN page and lastCode its
	// local code, when lastOK: a run of one value (rows of one account)
	// is looked up once.
	last     []byte
	lastCode uint32
	lastOK   bool
	plainP   bool // the current page is PLAIN-encoded
}

// reset starts decoding the column chunk of pr.
func (d *pageDecoder) reset(pr pageSource, kind pqKind, maxDef int16) {
	d.pr, d.kind, d.maxDef = pr, kind, uint32(maxDef)
	d.dict, d.arena, d.left, d.read1, d.plainP = d.dict[:0], d.arena[:0], 0, false, false
}

// newPiece forgets the local codes: the next read is onto a new local
// dictionary.
func (d *pageDecoder) newPiece() {
	d.lastOK = false
	for i := range d.seen {
		d.seen[i] = NoCode
	}
}

// read sets out[i] to the local code (in local, in order of first
// appearance) of the next rows; first is the file row (0-based) of out[0],
// name the column's, for errors. It returns the rows read: fewer than
// len(out) only with an error (errNotDictionary included).
func (d *pageDecoder) read(out []uint32, local *Dictionary, first int64, file, name string) (int, error) {
	n := 0
	for n < len(out) {
		if d.left == 0 {
			if err := d.nextPage(); err != nil {
				return n, err
			}
			continue
		}
		k := int(min(d.left, int64(len(out)-n), 4096))
		if err := d.decode(out[n:n+k], local, first+int64(n), file, name); err != nil {
			return n, err
		}
		d.left -= int64(k)
		n += k
	}
	return n, nil
}

// decode reads the levels and values of len(out) rows of the current
// page into local codes.
func (d *pageDecoder) decode(out []uint32, local *Dictionary, first int64, file, name string) error {
	m, err := d.nonNull(len(out))
	if err != nil {
		return err
	}
	if d.plainP {
		return d.decodePlain(out, m < len(out), local, first, file, name)
	}
	if m == len(out) {
		return d.decodeIndices(out, local, first, file, name)
	}
	idx := out[len(out)-m:] // the indices, moved to their rows below
	if _, err := d.idx.read(idx); err != nil {
		return fmt.Errorf("dictionary indices: %w", err)
	}
	null := uint32(len(d.dict))
	j := len(out) - m
	for i, l := range d.levels[:len(out)] {
		if l == d.maxDef {
			out[i] = out[j]
			j++
		} else {
			out[i] = null
		}
	}
	return d.mapIndices(out, d.levels[:len(out)], local, first, file, name)
}

// nonNull reads the definition levels of the next n rows (at most 4,096)
// and returns how many are not null; the levels are in d.levels unless
// every row is non-null.
func (d *pageDecoder) nonNull(n int) (int, error) {
	if d.maxDef == 0 {
		return n, nil
	}
	if d.defs.rle == 0 && d.defs.lit == 0 {
		if err := d.defs.header(); err != nil {
			return 0, fmt.Errorf("definition levels: %w", err)
		}
	}
	if d.defs.rle >= int64(n) && d.defs.val == d.maxDef {
		// A run of non-null rows covers them all.
		d.defs.rle -= int64(n)
		return n, nil
	}
	if cap(d.levels) < n {
		d.levels = make([]uint32, 4096)
	}
	lv := d.levels[:n]
	if _, err := d.defs.read(lv); err != nil {
		return 0, fmt.Errorf("definition levels: %w", err)
	}
	m := 0
	for _, l := range lv {
		if l == d.maxDef {
			m++
		} else if l > d.maxDef {
			return 0, fmt.Errorf("definition level %d above %d", l, d.maxDef)
		}
	}
	return m, nil
}

// decodeIndices reads the dictionary indices of len(out) rows, none null,
// into local codes: a repeated run is looked up once, and indices of up
// to 8 bits are unpacked and looked up together (readMapped) but for the
// first of each entry in a piece.
func (d *pageDecoder) decodeIndices(out []uint32, local *Dictionary, first int64, file, name string) error {
	table := (*[256]uint32)(d.seen)
	idx := &d.idx
	for n := 0; n < len(out); {
		k, err := idx.readMapped(out[n:], table)
		n += k
		if err != nil {
			return fmt.Errorf("dictionary indices: %w", err)
		}
		switch {
		case n == len(out):
		case idx.rle > 0:
			c, err := d.codeOf(idx.val, false, local, first+int64(n), file, name)
			if err != nil {
				return err
			}
			k := int(min(idx.rle, int64(len(out)-n)))
			fillRun(out[n:n+k], c)
			idx.rle -= int64(k)
			n += k
		case idx.lit > 0:
			// A group with an entry not yet looked up, or cut short: the
			// fused path resumes after it.
			lim := len(out)
			if idx.width <= 8 {
				lim = min(lim, n+8)
			}
			k, _, err := idx.next(out[n:lim])
			if err != nil {
				return fmt.Errorf("dictionary indices: %w", err)
			}
			if err := d.mapIndices(out[n:n+k], nil, local, first+int64(n), file, name); err != nil {
				return err
			}
			n += k
		default:
			if err := idx.header(); err != nil {
				return fmt.Errorf("dictionary indices: %w", err)
			}
		}
	}
	return nil
}

// mapIndices replaces each dictionary index in out, of the rows from
// first on, with its local code; a row whose level in levels (if any) is
// below the column's greatest is null.
func (d *pageDecoder) mapIndices(out, levels []uint32, local *Dictionary, first int64, file, name string) error {
	null := uint32(len(d.dict))
	for i, v := range out {
		if v < null {
			if c := d.seen[v]; c != NoCode {
				out[i] = c
				continue
			}
		}
		c, err := d.codeOf(v, levels != nil && levels[i] != d.maxDef, local, first+int64(i), file, name)
		if err != nil {
			return err
		}
		out[i] = c
	}
	return nil
}

// codeOf returns the local code of dictionary index v, or of null when
// null, in row row (0-based), entering it in d.seen: an index out of the
// dictionary is an error, as is an entry that is not UTF-8 in a text
// column.
func (d *pageDecoder) codeOf(v uint32, null bool, local *Dictionary, row int64, file, name string) (uint32, error) {
	n := uint32(len(d.dict))
	switch {
	case null:
		v = uint32(len(d.seen) - 1)
		if d.seen[v] == NoCode {
			d.seen[v] = local.NullCode()
		}
	case v >= n:
		return NoCode, fmt.Errorf("dictionary index %d of %d entries", v, n)
	case d.seen[v] == NoCode:
		if d.kind == pqText && !utf8.Valid(d.dict[v]) {
			return NoCode, &InputError{File: file, Row: row + 1, Column: name, Msg: "invalid UTF-8"}
		}
		d.seen[v] = local.codeBytes(d.dict[v])
	}
	return d.seen[v], nil
}

// decodePlain reads the PLAIN-encoded byte arrays of len(out) rows (the
// levels of the rows read when nulls) into local codes.
func (d *pageDecoder) decodePlain(out []uint32, nulls bool, local *Dictionary, first int64, file, name string) error {
	for i := range out {
		if nulls && d.levels[i] != d.maxDef {
			out[i] = local.NullCode()
			continue
		}
		if len(d.plain) < 4 || int64(binary.LittleEndian.Uint32(d.plain)) > int64(len(d.plain)-4) {
			return errors.New("plain values end before their page")
		}
		size := 4 + int(binary.LittleEndian.Uint32(d.plain))
		v := d.plain[4:size]
		d.plain = d.plain[size:]
		if d.lastOK && bytes.Equal(v, d.last) {
			out[i] = d.lastCode
			continue
		}
		known := uint32(local.Len())
		c := local.codeBytes(v)
		if c == known && d.kind == pqText && !utf8.Valid(v) {
			return &InputError{File: file, Row: first + int64(i) + 1, Column: name, Msg: "invalid UTF-8"}
		}
		out[i] = c
		d.last, d.lastCode, d.lastOK = v, c, true
	}
	return nil
}

// nextPage moves to the next data page, reading the dictionary page
// first.
func (d *pageDecoder) nextPage() error {
	pg, err := d.pr.next()
	if err != nil {
		return err
	}
	if pg == nil {
		return errPagesEnd
	}
	data := pg.data
	switch pg.typ {
	case pageDictionary:
		if d.read1 {
			return errors.New("a second dictionary page")
		}
		if enc := pg.encoding; enc != parquet.Encodings.Plain && enc != parquet.Encodings.PlainDict {
			return errNotDictionary
		}
		return d.readDictionary(data, int(pg.values))
	case pageData:
		if d.maxDef > 0 {
			if pg.defEnc != parquet.Encodings.RLE {
				return errNotDictionary
			}
			if len(data) < 4 {
				return errors.New("page too short for its definition levels")
			}
			size := binary.LittleEndian.Uint32(data)
			if uint64(size) > uint64(len(data)-4) {
				return errors.New("definition levels longer than their page")
			}
			d.defs.reset(data[4:4+size], bits.Len32(d.maxDef))
			data = data[4+size:]
		}
		return d.startValues(pg.encoding, data, pg.values)
	case pageDataV2:
		rep, def := int64(pg.repLen), int64(pg.defLen)
		if rep != 0 || def < 0 || def > int64(len(data)) {
			return errors.New("bad level lengths in a data page")
		}
		d.defs.reset(data[:def], bits.Len32(d.maxDef))
		return d.startValues(pg.encoding, data[def:], pg.values)
	}
	return errNotDictionary
}

// startValues starts reading the values of a data page of n values:
// dictionary indices, or byte arrays in PLAIN encoding (the pages a writer
// writes once the dictionary grew too large).
func (d *pageDecoder) startValues(enc parquet.Encoding, data []byte, n int32) error {
	if n < 0 {
		return errors.New("negative number of values in a data page")
	}
	d.plain, d.plainP = data, enc == parquet.Encodings.Plain && (d.kind == pqText || d.kind == pqBytes)
	d.lastOK = false // last was in the page before
	if d.plainP {
		d.left = int64(n)
		return nil
	}
	if !d.read1 || (enc != parquet.Encodings.RLEDict && enc != parquet.Encodings.PlainDict) {
		return errNotDictionary
	}
	if len(data) == 0 {
		d.idx.reset(nil, 0)
	} else if err := d.idx.reset(data[1:], int(data[0])); err != nil {
		return err
	}
	d.left = int64(n)
	return nil
}

// readDictionary reads the PLAIN-encoded dictionary page data of n
// values as canonical text.
func (d *pageDecoder) readDictionary(data []byte, n int) error {
	width := 4 // the least size of a value
	if d.kind == pqInt64 {
		width = 8
	}
	if n < 0 || n > len(data)/width {
		return fmt.Errorf("dictionary page of %d bytes cannot hold %d values", len(data), n)
	}
	if d.kind != pqInt32 && d.kind != pqInt64 {
		// The values' bytes are the page's less their lengths: room made
		// at once, not by append's quarters (a dictionary of accounts).
		d.arena = prefault.Grow(d.arena, len(data))
	}
	d.dict = prefault.Grow(d.dict, n)
	ends := prefault.Grow(d.ends[:0], n)
	for pos := 0; len(ends) < n; {
		switch d.kind {
		case pqInt32:
			d.arena = strconv.AppendInt(d.arena, int64(int32(binary.LittleEndian.Uint32(data[pos:]))), 10)
			pos += 4
		case pqInt64:
			d.arena = strconv.AppendInt(d.arena, int64(binary.LittleEndian.Uint64(data[pos:])), 10)
			pos += 8
		default:
			if pos+4 > len(data) {
				return errors.New("dictionary page ends before its values")
			}
			size := int64(binary.LittleEndian.Uint32(data[pos:]))
			if size > int64(len(data)-pos-4) {
				return errors.New("dictionary page ends before its values")
			}
			d.arena = append(d.arena, data[pos+4:pos+4+int(size)]...)
			pos += 4 + int(size)
		}
		ends = append(ends, len(d.arena))
	}
	d.ends = ends
	start := 0
	for _, end := range ends {
		d.dict = append(d.dict, d.arena[start:end:end])
		start = end
	}
	size := max(n, 256) + 1
	if cap(d.seen) < size {
		d.seen = make([]uint32, size)
	}
	d.seen = d.seen[:size]
	d.newPiece()
	d.read1 = true
	return nil
}
