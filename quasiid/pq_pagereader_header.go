package quasiid

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Page types of a Parquet PageHeader (parquet.thrift, enum PageType).
const (
	pageData       = 0 // DATA_PAGE
	pageIndex      = 1 // INDEX_PAGE
	pageDictionary = 2 // DICTIONARY_PAGE
	pageDataV2     = 3 // DATA_PAGE_V2
)

// pageHeader holds the fields of a Parquet PageHeader (parquet.thrift)
// that pageReader reads, each struct's i32 fields indexed by field id:
//
//	PageHeader           {1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc,
//	                      5 data_page_header, 7 dictionary_page_header, 8 data_page_header_v2}
//	DataPageHeader       {1 num_values, 2 encoding, 3 definition_level_encoding,
//	                      4 repetition_level_encoding, 5 statistics}
//	DictionaryPageHeader {1 num_values, 2 encoding, 3 is_sorted}
//	DataPageHeaderV2     {1 num_values, 2 num_nulls, 3 num_rows, 4 encoding,
//	                      5 definition_levels_byte_length, 6 repetition_levels_byte_length,
//	                      7 is_compressed (default true), 8 statistics}
//
// Other fields (statistics, index page headers, fields of later versions
// of the format) are skipped.
type pageHeader struct {
	page thriftStruct
	// sub holds the page's own header: data_page_header,
	// dictionary_page_header or data_page_header_v2, as the type says.
	sub thriftStruct
}

// thriftStruct is the i32 and bool fields of ids 1 to 15 of a Thrift
// struct: set says which were read, trues which bool fields are true.
type thriftStruct struct {
	ints  [16]int32
	set   uint16
	trues uint16
}

// has reports whether every field of the ids was read.
func (s *thriftStruct) has(ids ...int) bool {
	for _, id := range ids {
		if s.set&(1<<id) == 0 {
			return false
		}
	}
	return true
}

// errHeaderShort says a page header runs past the bytes given: more of
// them may complete it.
var errHeaderShort = errors.New("page header cut short")

// Types of the Thrift compact protocol (thrift/doc/specs/thrift-compact-protocol.md).
const (
	ctStop   = 0
	ctTrue   = 1
	ctFalse  = 2
	ctByte   = 3
	ctI16    = 4
	ctI32    = 5
	ctI64    = 6
	ctDouble = 7
	ctBinary = 8
	ctList   = 9
	ctSet    = 10
	ctMap    = 11
	ctStruct = 12
)

// thriftDepth bounds the nesting of the structs and containers skipped,
// as the Thrift library's default recursion depth does.
const thriftDepth = 64

// compactReader decodes the Thrift compact protocol from b: the first
// error is kept in err, and later reads return zero.
type compactReader struct {
	b   []byte
	pos int
	err error
}

// readPageHeader decodes a PageHeader from the start of b into h and
// returns its length in bytes: errHeaderShort when b ends first, another
// error when the bytes are not a PageHeader with the required fields of
// its type (as Arrow's generated reader requires them).
func readPageHeader(b []byte, h *pageHeader) (int, error) {
	r := compactReader{b: b}
	h.page, h.sub = thriftStruct{}, thriftStruct{}
	r.readStruct(&h.page, func(id int16) bool {
		if !h.page.has(1) || subHeader(h.page.ints[1]) != id {
			return false // not the sub-header of the page's type: skipped
		}
		r.readStruct(&h.sub, nil, thriftDepth-1)
		return true
	}, thriftDepth)
	if r.err != nil {
		return 0, r.err
	}
	if !h.page.has(1, 2, 3) {
		return 0, errors.New("page header lacks its type or sizes")
	}
	typ := h.page.ints[1]
	if id := subHeader(typ); id != 0 && !h.page.has(int(id)) {
		return 0, fmt.Errorf("page of type %d without its header", typ)
	}
	if typ == pageData && !h.sub.has(1, 2, 3, 4) || typ == pageDictionary && !h.sub.has(1, 2) ||
		typ == pageDataV2 && !h.sub.has(1, 2, 3, 4, 5, 6) {
		return 0, fmt.Errorf("header of a page of type %d lacks a required field", typ)
	}
	return r.pos, nil
}

// subHeader returns the field id of the header of a page of type typ in
// a PageHeader, or 0 for a page without one that pageReader reads.
func subHeader(typ int32) int16 {
	switch typ {
	case pageData:
		return 5
	case pageDictionary:
		return 7
	case pageDataV2:
		return 8
	}
	return 0
}

// readStruct reads the fields of a struct up to its stop field into s;
// nested, if not nil, is called for each struct field, and reports
// whether it read it (else it is skipped).
func (r *compactReader) readStruct(s *thriftStruct, nested func(id int16) bool, depth int) {
	if depth <= 0 {
		r.fail(errors.New("page header nested too deep"))
		return
	}
	var last int16
	for r.err == nil {
		if r.pos >= len(r.b) {
			r.fail(errHeaderShort)
			return
		}
		head := r.b[r.pos]
		r.pos++
		typ := head & 0x0f
		if typ == ctStop {
			return
		}
		id := last + int16(head>>4)
		if head>>4 == 0 {
			id = int16(r.zigzag(16))
		}
		last = id
		known := id >= 1 && id < 16
		switch {
		case known && typ == ctI32:
			s.ints[id] = int32(r.zigzag(32))
		case known && (typ == ctTrue || typ == ctFalse):
			if typ == ctTrue {
				s.trues |= 1 << id
			}
		case typ == ctStruct && nested != nil && nested(id):
		default:
			r.skip(typ, depth-1)
			continue
		}
		if known {
			s.set |= 1 << id
		}
	}
}

// skip skips a value of compact type typ.
func (r *compactReader) skip(typ byte, depth int) {
	if depth <= 0 {
		r.fail(errors.New("page header nested too deep"))
		return
	}
	switch typ {
	case ctTrue, ctFalse: // in a field, the type is the value
	case ctByte:
		r.bytes(1)
	case ctI16, ctI32, ctI64:
		r.uvarint(64)
	case ctDouble:
		r.bytes(8)
	case ctBinary:
		r.bytes(r.uvarint(32))
	case ctList, ctSet:
		if r.pos >= len(r.b) {
			r.fail(errHeaderShort)
			return
		}
		head := r.b[r.pos]
		r.pos++
		n, elem := uint64(head>>4), head&0x0f
		if n == 15 {
			n = r.uvarint(32)
		}
		r.skipElems(n, elem, 0, false, depth)
	case ctMap:
		n := r.uvarint(32)
		if n == 0 || r.err != nil {
			return
		}
		kv := r.bytes(1)
		if kv != nil {
			r.skipElems(n, kv[0]>>4, kv[0]&0x0f, true, depth)
		}
	case ctStruct:
		var s thriftStruct
		r.readStruct(&s, nil, depth)
	default:
		r.fail(fmt.Errorf("page header has a field of unknown type %d", typ))
	}
}

// skipElems skips n elements of a container: keys of type key and, for
// a map, values of type val. Each element takes a byte at least, so n is
// bounded by the bytes left.
func (r *compactReader) skipElems(n uint64, key, val byte, pairs bool, depth int) {
	for i := uint64(0); i < n && r.err == nil; i++ {
		r.skipElem(key, depth)
		if pairs {
			r.skipElem(val, depth)
		}
	}
}

// skipElem skips an element of a container: a bool is a byte there.
func (r *compactReader) skipElem(typ byte, depth int) {
	if typ == ctTrue || typ == ctFalse {
		r.bytes(1)
		return
	}
	r.skip(typ, depth-1)
}

// uvarint reads an unsigned LEB128 varint of at most bits bits.
func (r *compactReader) uvarint(bits int) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.pos:])
	switch {
	case n == 0:
		r.fail(errHeaderShort)
		return 0
	case n < 0 || bits < 64 && v>>bits != 0:
		r.fail(errors.New("page header has an integer out of range"))
		return 0
	}
	r.pos += n
	return v
}

// zigzag reads a zigzag-encoded signed varint of at most bits bits.
func (r *compactReader) zigzag(bits int) int64 {
	v := r.uvarint(bits)
	return int64(v>>1) ^ -int64(v&1)
}

// bytes returns the next n bytes.
func (r *compactReader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.pos) {
		r.fail(errHeaderShort)
		return nil
	}
	out := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return out
}

// fail records err unless an error was recorded.
func (r *compactReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}
