package beam

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// CountRows counts the equivalence classes of rows, a PCollection of
// []string whose fields are named by opt.Columns. Each bundle encodes its
// rows into a local table and counts it with anonymity.Count every
// opt.FlushRows rows and when the bundle finishes; the result is a
// PCollection of partial class tables ([]byte, see Decode), far fewer
// elements than rows. A row with the wrong number of fields fails the
// pipeline with an error naming it.
//
// Fields are strings: no field is null unless it equals one of
// opt.NullValues, as when quasiid reads a CSV file.
func CountRows(s beam.Scope, rows beam.PCollection, opt Options) beam.PCollection {
	return parDo(s, "reidrisk.CountRows", &countRowsFn{Opt: opt}, rows)
}

// CountFiles counts the equivalence classes of the table files named by
// paths, a PCollection of strings (a path or URL per element, read through
// Beam's filesystem registry: import the filesystems you need, such as
// .../io/filesystem/local or .../io/filesystem/gcs). Each file is read with
// quasiid.Read (CSV, Parquet or Arrow IPC, detected unless opt.Format is
// set), encoded and counted whole; the tables of one bundle are merged and
// leave it as one partial class table. Split big inputs into many files.
func CountFiles(s beam.Scope, paths beam.PCollection, opt Options) beam.PCollection {
	return parDo(s, "reidrisk.CountFiles", &countFilesFn{Opt: opt}, paths)
}

// CountStreams counts the equivalence classes of tables serialised as
// bytes, one table per element: Arrow IPC streams or files (record
// batches produced by an upstream transform), Parquet or CSV. Like
// CountFiles, it emits one partial class table per bundle.
func CountStreams(s beam.Scope, tables beam.PCollection, opt Options) beam.PCollection {
	return parDo(s, "reidrisk.CountStreams", &countStreamsFn{Opt: opt}, tables)
}

// parDo applies fn to in, in a scope of its own named name.
func parDo(s beam.Scope, name string, fn any, in beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope(name), fn, in)
}

// countRowsFn accumulates the rows of a bundle into dictionary-coded
// columns and counts them at flush time (tc holds the count until it is
// emitted).
type countRowsFn struct {
	Opt Options

	layout []int
	nulls  map[string]bool
	dicts  []*quasiid.Dictionary
	codes  [][]uint32
	rows   int   // rows held
	seen   int64 // rows seen by this bundle, for messages
	tc     tableCounter
}

func (f *countRowsFn) Setup() error {
	if err := f.Opt.check(); err != nil {
		return err
	}
	layout, err := f.Opt.rowLayout()
	if err != nil {
		return err
	}
	f.layout = layout
	f.tc = tableCounter{opt: f.Opt}
	f.nulls = make(map[string]bool, len(f.Opt.NullValues))
	for _, v := range f.Opt.NullValues {
		f.nulls[v] = true
	}
	return nil
}

func (f *countRowsFn) StartBundle(_ context.Context, _ func([]byte)) {
	f.reset()
	f.seen = 0
}

func (f *countRowsFn) reset() {
	f.dicts = make([]*quasiid.Dictionary, len(f.layout))
	f.codes = make([][]uint32, len(f.layout))
	for i := range f.dicts {
		f.dicts[i] = quasiid.NewDictionary()
	}
	f.rows = 0
}

func (f *countRowsFn) ProcessElement(ctx context.Context, row []string, emit func([]byte)) error {
	f.seen++
	if err := checkRow(row, f.Opt.Columns, f.seen); err != nil {
		return err
	}
	for i, field := range f.layout {
		v := row[field]
		var c uint32
		if f.nulls[v] {
			c = f.dicts[i].NullCode()
		} else {
			c = f.dicts[i].Code(v)
		}
		f.codes[i] = append(f.codes[i], c)
	}
	f.rows++
	if f.rows >= f.Opt.flushRows() {
		return f.flush(ctx, emit)
	}
	return nil
}

func (f *countRowsFn) FinishBundle(ctx context.Context, emit func([]byte)) error {
	return f.flush(ctx, emit)
}

// flush counts the rows held and emits their class table.
func (f *countRowsFn) flush(ctx context.Context, emit func([]byte)) error {
	if f.rows == 0 {
		return nil
	}
	t := &quasiid.Table{Source: "beam rows", Rows: f.rows}
	for i := range f.layout {
		col := &quasiid.Column{Codes: f.codes[i], Dict: f.dicts[i]}
		switch {
		case i < len(f.Opt.QI):
			col.Name, col.Role = f.Opt.QI[i], quasiid.QuasiIdentifier
		case i < len(f.Opt.QI)+len(f.Opt.Sensitive):
			col.Name, col.Role = f.Opt.Sensitive[i-len(f.Opt.QI)], quasiid.Sensitive
		default:
			col.Name, col.Role = f.Opt.Subject, quasiid.Subject
		}
		t.Columns = append(t.Columns, col)
	}
	if err := f.tc.count(ctx, "beam rows", t); err != nil {
		return err
	}
	f.reset()
	return f.tc.flush(emit)
}

// tableCounter holds the class tables of one bundle of whole tables.
type tableCounter struct {
	opt   Options
	parts []*anonymity.Classes
	rows  int64
}

// add reads, encodes and counts one table.
func (tc *tableCounter) add(ctx context.Context, name string, r io.Reader) error {
	if err := tc.opt.check(); err != nil {
		return err
	}
	src, err := quasiid.Read(name, r, tc.opt.readOptions())
	if err != nil {
		return err
	}
	defer src.Close()
	t, err := quasiid.Encode(ctx, src, tc.opt.spec(), quasiid.EncodeOptions{})
	if err != nil {
		return err
	}
	return tc.count(ctx, name, t)
}

// count counts the encoded table t, named name, and holds its classes.
func (tc *tableCounter) count(ctx context.Context, name string, t *quasiid.Table) error {
	c, err := anonymity.Count(ctx, t, anonymity.CountOptions{Workers: tc.opt.workers()})
	if err != nil {
		return fmt.Errorf("reidrisk/beam: %s: %w", name, err)
	}
	tc.parts = append(tc.parts, c)
	tc.rows += c.Rows
	return nil
}

func (tc *tableCounter) held() int64 { return tc.rows }

// flush merges the tables held and emits them as one partial table.
func (tc *tableCounter) flush(emit func([]byte)) error {
	if len(tc.parts) == 0 {
		return nil
	}
	c, err := mergeAll(tc.parts)
	if err != nil {
		return err
	}
	b, err := c.MarshalBinary()
	if err != nil {
		return err
	}
	emit(b)
	tc.parts, tc.rows = nil, 0
	return nil
}

// countFilesFn reads, encodes and counts whole files.
type countFilesFn struct {
	Opt Options
	tc  tableCounter
}

func (f *countFilesFn) StartBundle(_ context.Context, _ func([]byte)) {
	f.tc = tableCounter{opt: f.Opt}
}

func (f *countFilesFn) ProcessElement(ctx context.Context, path string, emit func([]byte)) error {
	return takePath(ctx, &f.tc, path, f.Opt.flushRows(), emit)
}

func (f *countFilesFn) FinishBundle(_ context.Context, emit func([]byte)) error {
	return f.tc.flush(emit)
}

// countStreamsFn counts tables given as bytes.
type countStreamsFn struct {
	Opt Options
	tc  tableCounter
	n   int64
}

func (f *countStreamsFn) StartBundle(_ context.Context, _ func([]byte)) {
	f.tc = tableCounter{opt: f.Opt}
}

func (f *countStreamsFn) ProcessElement(ctx context.Context, table []byte, emit func([]byte)) error {
	f.n++
	name := fmt.Sprintf("table %d of a bundle", f.n)
	return take(ctx, &f.tc, name, bytes.NewReader(table), f.Opt.flushRows(), emit)
}

func (f *countStreamsFn) FinishBundle(_ context.Context, emit func([]byte)) error {
	return f.tc.flush(emit)
}

// mergeAll merges class tables by value.
func mergeAll(parts []*anonymity.Classes) (*anonymity.Classes, error) {
	parts = slices.DeleteFunc(slices.Clone(parts), func(c *anonymity.Classes) bool { return c == nil })
	switch len(parts) {
	case 0:
		return nil, nil
	case 1:
		return parts[0], nil
	}
	return anonymity.Merge(parts...)
}

// Decode returns the class table serialised in b by the transforms of this
// package (an empty b is an empty table).
func Decode(b []byte) (*anonymity.Classes, error) {
	c := new(anonymity.Classes)
	if len(b) == 0 {
		return c, nil
	}
	if err := c.UnmarshalBinary(b); err != nil {
		return nil, fmt.Errorf("reidrisk/beam: decoding a class table: %w", err)
	}
	return c, nil
}
