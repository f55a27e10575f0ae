package quasiid

import (
	"bytes"
	"unicode/utf8"
)

// csvBlock is a run of whole CSV records: it starts at the start of a
// record, outside quotes, and ends after a record's newline or at the end
// of the input.
type csvBlock struct {
	seq  int
	data []byte
	eof  bool // the last block
	rest bool // the last block: encoding/csv reads it and the rest of the input
}

// recordEnd returns the length of the longest prefix of data that ends
// after a newline outside quotes, data starting outside quotes; 0 if
// there is none. Quotes are counted by parity: "" inside a quoted field
// toggles twice. A quote in a position encoding/csv rejects may make the
// split wrong, but the parse of the block then fails and the block is
// parsed again by encoding/csv, which reports the error where a
// sequential read would (every block before it was split right).
func recordEnd(data []byte) int {
	q := bytes.IndexByte(data, '"')
	if q < 0 {
		return bytes.LastIndexByte(data, '\n') + 1
	}
	end := bytes.LastIndexByte(data[:q], '\n') + 1
	inQuotes := false
	for pos := q; ; {
		inQuotes = !inQuotes
		next := bytes.IndexByte(data[pos+1:], '"')
		if next < 0 {
			if !inQuotes {
				if nl := bytes.LastIndexByte(data[pos+1:], '\n'); nl >= 0 {
					end = pos + 1 + nl + 1
				}
			}
			return end
		}
		next += pos + 1
		if !inQuotes {
			if nl := bytes.LastIndexByte(data[pos+1:next], '\n'); nl >= 0 {
				end = pos + 1 + nl + 1
			}
		}
		pos = next
	}
}

// csvFields splits the CSV records of a block into fields as encoding/csv
// does (RFC 4180 quoting, "" inside quotes, \r\n read as \n, blank lines
// skipped, a \r at the very end dropped), for blocks free of anything
// encoding/csv reports as an error; it reports false at the first record
// it cannot split that simply (a quote inside an unquoted field, a
// quoted field not followed by a delimiter or newline or never closed, a
// record with another number of fields than ncol), and the caller then
// parses the block with encoding/csv, which names the error.
type csvFields struct {
	delim  byte
	ncol   int
	max    int // the longest field in bytes as it is in the file (fieldBound)
	fields [][]byte
	quoted [][]byte // scratch for unquoted copies of quoted fields
	lines  int      // newlines passed
	// blank lines: before the first record, between records, and after
	// the last
	lead, inner, trail int
}

func newCSVFields(delim byte, ncol int, max int64) *csvFields {
	return &csvFields{delim: delim, ncol: ncol, max: int(min(max, 1<<40)), fields: make([][]byte, ncol), quoted: make([][]byte, ncol)}
}

// each calls fn with the fields of every record of data, which must be
// valid UTF-8; it reports false if a record cannot be split simply (see
// csvFields), leaving the counts undefined.
func (p *csvFields) each(data []byte, fn func(fields [][]byte)) bool {
	if !utf8.Valid(data) {
		return false
	}
	p.lines, p.lead, p.inner, p.trail = 0, 0, 0, 0
	rows := 0
	pos := 0
	for pos < len(data) {
		// Blank lines (and a lone \r at the end of the input).
		if b := data[pos]; b == '\n' || (b == '\r' && (pos+1 == len(data) || data[pos+1] == '\n')) {
			if b == '\r' {
				pos++
			}
			if pos < len(data) {
				pos++
				p.lines++
				p.trail++
			}
			continue
		}
		if rows == 0 {
			p.lead = p.trail
		} else {
			p.inner += p.trail
		}
		p.trail = 0
		var ok bool
		if pos, ok = p.record(data, pos); !ok {
			return false
		}
		rows++
		fn(p.fields)
	}
	return true
}

// record splits the record starting at data[pos] into p.fields and
// returns the position after it.
func (p *csvFields) record(data []byte, pos int) (int, bool) {
	for f := 0; ; f++ {
		if f == p.ncol {
			return pos, false
		}
		last := false
		start := pos
		if pos < len(data) && data[pos] == '"' {
			buf := p.quoted[f][:0]
			pos++
			for {
				i := bytes.IndexByte(data[pos:], '"')
				if i < 0 {
					return pos, false
				}
				seg := data[pos : pos+i]
				for {
					nl := bytes.IndexByte(seg, '\n')
					if nl < 0 {
						buf = append(buf, seg...)
						break
					}
					p.lines++
					if nl > 0 && seg[nl-1] == '\r' {
						buf = append(buf, seg[:nl-1]...)
					} else {
						buf = append(buf, seg[:nl]...)
					}
					buf = append(buf, '\n')
					seg = seg[nl+1:]
				}
				pos += i + 1
				if pos < len(data) && data[pos] == '"' {
					buf = append(buf, '"')
					pos++
					continue
				}
				break
			}
			p.quoted[f], p.fields[f] = buf, buf
			if pos-start > p.max {
				return pos, false // encoding/csv's field bound names it
			}
			switch {
			case pos == len(data):
				last = true
			case data[pos] == p.delim:
				pos++
			case data[pos] == '\n':
				pos++
				p.lines++
				last = true
			case data[pos] == '\r' && (pos+1 == len(data) || data[pos+1] == '\n'):
				pos++
				if pos < len(data) {
					pos++
					p.lines++
				}
				last = true
			default:
				return pos, false
			}
		} else {
			for pos < len(data) {
				b := data[pos]
				if b == p.delim || b == '\n' {
					break
				}
				if b == '"' {
					return pos, false
				}
				pos++
			}
			field := data[start:pos]
			if len(field) > p.max {
				return pos, false
			}
			if pos == len(data) || data[pos] == '\n' {
				if n := len(field); n > 0 && field[n-1] == '\r' {
					field = field[:n-1]
				}
				if pos < len(data) {
					p.lines++
				}
				last = true
			}
			pos++
			p.fields[f] = field
		}
		if last {
			return min(pos, len(data)), f+1 == p.ncol
		}
	}
}

// shortCodes caches the codes of fields of at most 7 bytes, each packed
// with its length into a uint64, in an open-addressing table: for the
// few short values of a typical quasi-identifier it is several times
// faster than a map lookup by string.
type shortCodes struct {
	keys  []uint64 // 0 marks an empty slot; a packed key is never 0
	codes []uint32
	n     int
}

// packShort packs b, if at most 7 bytes long, with its length + 1 in the
// top byte.
func packShort(b []byte) (uint64, bool) {
	if len(b) > 7 {
		return 0, false
	}
	k := uint64(len(b)+1) << 56
	for i, c := range b {
		k |= uint64(c) << (8 * i)
	}
	return k, true
}

// slot returns the slot of key k: where it is, or the empty slot where
// it would go.
func (s *shortCodes) slot(k uint64) int {
	mask := uint64(len(s.keys) - 1)
	i := (k * 0x9e3779b97f4a7c15) >> 40 & mask
	for s.keys[i] != 0 && s.keys[i] != k {
		i = (i + 1) & mask
	}
	return int(i)
}

// get returns the code of key k.
func (s *shortCodes) get(k uint64) (uint32, bool) {
	if s.n == 0 {
		return 0, false
	}
	i := s.slot(k)
	return s.codes[i], s.keys[i] == k
}

// put records the code of key k, which is not in the table.
func (s *shortCodes) put(k uint64, code uint32) {
	if 2*(s.n+1) > len(s.keys) {
		old, oldCodes := s.keys, s.codes
		s.keys, s.codes = make([]uint64, max(64, 2*len(old))), make([]uint32, max(64, 2*len(old)))
		s.n = 0
		for i, k := range old {
			if k != 0 {
				s.put(k, oldCodes[i])
			}
		}
	}
	i := s.slot(k)
	s.keys[i], s.codes[i] = k, code
	s.n++
}

// clear empties the table.
func (s *shortCodes) clear() {
	clear(s.keys)
	s.n = 0
}
