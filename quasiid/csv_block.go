package quasiid

import (
	"bytes"
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
	delims uint64   // the delimiter in each byte
	bounds []uint32 // the field bounds of a batch of records (split)
	lines  int      // newlines passed
	// blank lines: before the first record, between records, and after
	// the last
	lead, inner, trail int
}

func newCSVFields(delim byte, ncol int, max int64) *csvFields {
	return &csvFields{delim: delim, ncol: ncol, max: int(min(max, 1<<40)), fields: make([][]byte, ncol), quoted: make([][]byte, ncol),
		delims: uint64(delim) * 0x0101010101010101}
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
