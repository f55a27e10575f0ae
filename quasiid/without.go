package quasiid

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// Without returns a Source that reads s without the columns drop (each
// must be a column of s); every other column and every row passes through
// unchanged. It takes s over: closing the result closes s, and s must not
// be read or closed by the caller. With no column to drop it returns s.
func Without(s *Source, drop []string) (*Source, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if len(drop) == 0 {
		return s, nil
	}
	in := s.Schema()
	skip := make(map[int]bool, len(drop))
	for _, name := range drop {
		i, err := columnIndex(s.name, in, name)
		if err != nil {
			return nil, err
		}
		skip[i] = true
	}
	var keep []int
	var fields []arrow.Field
	for i, f := range in.Fields() {
		if !skip[i] {
			keep = append(keep, i)
			fields = append(fields, f)
		}
	}
	rr, err := s.records() // a Parquet source makes its reader here
	if err != nil {
		return nil, err
	}
	md := in.Metadata()
	pr := &withoutReader{in: rr, keep: keep, schema: arrow.NewSchema(fields, &md), heldRecord: heldRecord{refs: 1}}
	return &Source{name: s.name, format: s.format, mem: s.mem, rr: pr, closers: []func() error{s.Close}}, nil
}

// withoutReader reads the columns keep of in. The Source that owns in
// releases it; withoutReader releases only its own record.
type withoutReader struct {
	heldRecord
	in     array.RecordReader
	keep   []int
	schema *arrow.Schema
}

func (r *withoutReader) Schema() *arrow.Schema { return r.schema }
func (r *withoutReader) Err() error            { return r.in.Err() }

func (r *withoutReader) Next() bool {
	r.drop()
	if !r.in.Next() {
		return false
	}
	rec := r.in.Record()
	cols := make([]arrow.Array, len(r.keep))
	for k, i := range r.keep {
		cols[k] = rec.Column(i)
	}
	r.cur = array.NewRecord(r.schema, cols, rec.NumRows())
	return true
}

// heldRecord is the reference count and the current record of a
// RecordReader: Retain, Record, and Release, which releases the record
// with the last reference; Next calls drop first.
type heldRecord struct {
	refs int64
	cur  arrow.Record
}

func (h *heldRecord) Retain()              { h.refs++ }
func (h *heldRecord) Record() arrow.Record { return h.cur }

func (h *heldRecord) Release() {
	h.refs--
	if h.refs == 0 {
		h.drop()
	}
}

// drop releases the current record.
func (h *heldRecord) drop() {
	if h.cur != nil {
		h.cur.Release()
		h.cur = nil
	}
}
