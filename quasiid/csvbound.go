package quasiid

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// DefaultMaxFieldBytes is the longest CSV field or column name, in bytes,
// when ReadOptions.MaxFieldBytes is 0: 1 MiB.
const DefaultMaxFieldBytes = 1 << 20

func (o ReadOptions) maxFieldBytes() (int64, error) {
	switch {
	case o.MaxFieldBytes < 0:
		return 0, fmt.Errorf("quasiid: ReadOptions.MaxFieldBytes %d: want at least 1 (0: DefaultMaxFieldBytes)", o.MaxFieldBytes)
	case o.MaxFieldBytes == 0:
		return DefaultMaxFieldBytes, nil
	}
	return o.MaxFieldBytes, nil
}

// fieldBound passes CSV text through while following its fields (quotes,
// delimiters, line ends, as encoding/csv splits them), and fails with a
// *fieldTooLong as soon as one field passes max bytes: the CSV parser
// above it then never holds more than about max bytes of one field, however
// long the field in the file.
type fieldBound struct {
	r     io.Reader
	max   int64
	delim []byte    // the delimiter's UTF-8 bytes
	class [256]byte // 0 for bytes that only lengthen the field

	n      int64 // bytes of the current field so far
	field  int   // index of the current field in its record
	record int64 // records begun; the header is record 1
	line   int64 // the current line, 1-based
	start  int64 // line where the current record began
	bol    bool  // at the start of a line, outside quotes
	quoted bool
	match  int // bytes of a multi-byte delimiter matched so far
	err    error
}

const (
	classDelim = 1 + iota
	classQuote
	classNewline
)

func newFieldBound(r io.Reader, delim rune, max int64) *fieldBound {
	b := &fieldBound{r: r, max: max, delim: utf8.AppendRune(nil, delim), line: 1, bol: true}
	b.class[b.delim[0]] = classDelim
	b.class['"'] = classQuote
	b.class['\n'] = classNewline
	return b
}

func (b *fieldBound) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	cls := &b.class
	for i := 0; i < n; i++ {
		if !b.bol && b.match == 0 {
			// The common case: bytes that only lengthen the field, and
			// single-byte delimiters outside quotes.
			fn, field, max := b.n, b.field, b.max
			split := len(b.delim) == 1 && !b.quoted
			j := i
			for ; j < n; j++ {
				k := cls[p[j]]
				if k == 0 {
					if fn++; fn > max {
						break
					}
				} else if k == classDelim && split {
					fn = 0
					field++
				} else {
					break
				}
			}
			b.n, b.field = fn, field
			if fn > max {
				return j, b.tooLong()
			}
			if i = j; i == n {
				break
			}
		}
		if !b.step(p[i]) {
			return i, b.tooLong()
		}
	}
	return n, err
}

// step follows one byte that may end a field, a record or a line, and
// reports whether the field is still within the limit.
func (b *fieldBound) step(c byte) bool {
	if b.match > 0 { // inside a multi-byte delimiter
		if c == b.delim[b.match] {
			if b.match++; b.match == len(b.delim) {
				b.match, b.n = 0, 0
				b.field++
			}
			return true
		}
		b.n += int64(b.match) // not a delimiter: those bytes were the field's
		b.match = 0
		if b.n > b.max {
			return false
		}
	}
	if b.bol && c != '\n' && c != '\r' {
		b.record++
		b.start, b.field, b.n = b.line, 0, 0
	}
	b.bol = false
	switch b.class[c] {
	case classNewline:
		b.line++
		if !b.quoted {
			b.bol, b.n = true, 0
			return true
		}
	case classQuote:
		b.quoted = !b.quoted
	case classDelim:
		if b.quoted {
			break
		}
		if len(b.delim) == 1 {
			b.n = 0
			b.field++
			return true
		}
		b.match = 1
		return true
	}
	b.n++
	return b.n <= b.max
}

func (b *fieldBound) tooLong() error {
	b.err = &fieldTooLong{record: b.record, field: b.field, line: b.start, max: b.max}
	return b.err
}

// fieldTooLong is the error of fieldBound: field (0-based) of record
// (1-based, the header is record 1, blank lines not counted), which begins
// at line, is longer than max bytes.
type fieldTooLong struct {
	record int64
	field  int
	line   int64
	max    int64
}

func (e *fieldTooLong) Error() string {
	return fmt.Sprintf("record %d, field %d: longer than %d bytes", e.record, e.field+1, e.max)
}

// inputError names the field by its row and column.
func (e *fieldTooLong) inputError(file string, header []string) *InputError {
	limit := "longer than " + strconv.FormatInt(e.max, 10) + " bytes, the limit on a CSV field"
	if e.record <= 1 {
		return &InputError{File: file, Line: e.line, Msg: fmt.Sprintf("header: column %d: name %s", e.field+1, limit)}
	}
	ie := &InputError{File: file, Row: e.record - 1, Line: e.line, Msg: "field " + limit}
	if e.field < len(header) {
		ie.Column = header[e.field]
	} else {
		ie.Msg = fmt.Sprintf("field %d (beyond the header's %d): %s", e.field+1, len(header), limit)
	}
	return ie
}
