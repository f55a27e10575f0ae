package quasiid

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// FormatFromName picks an output format from a file name's extension:
// .csv (and "-", standard output) CSV; .parquet and .pq Parquet; .arrow,
// .ipc and .feather the Arrow IPC file format; .arrows the Arrow IPC
// stream format.
func FormatFromName(path string) (Format, error) {
	if path == "-" {
		return CSV, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, nil
	case ".parquet", ".pq":
		return Parquet, nil
	case ".arrow", ".ipc", ".feather":
		return IPCFile, nil
	case ".arrows":
		return IPCStream, nil
	}
	return Detect, fmt.Errorf("%s: cannot tell the output format from the extension (want .csv, .parquet, .arrow, .ipc, .feather or .arrows)", path)
}

// recordWriter writes record batches of one schema in one format.
type recordWriter interface {
	Write(rec arrow.Record) error
	Close() error
}

// onlyWriter hides every method of an io.Writer but Write, so that the
// Parquet and IPC writers cannot close the caller's writer.
type onlyWriter struct{ io.Writer }

// tellWriter gives the Arrow IPC file writer the Seek(0, io.SeekCurrent)
// it asks for, on any io.Writer.
type tellWriter struct {
	w   io.Writer
	pos int64
}

func (t *tellWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.pos += int64(n)
	return n, err
}

func (t *tellWriter) Seek(offset int64, whence int) (int64, error) {
	if offset == 0 && whence == io.SeekCurrent {
		return t.pos, nil
	}
	return t.pos, errors.New("quasiid: output is not seekable")
}

// newRecordWriter starts writing records of schema to w.
func newRecordWriter(w io.Writer, format Format, schema *arrow.Schema, mem memory.Allocator) (recordWriter, error) {
	switch format {
	case CSV:
		return newCSVWriter(w, schema)
	case Parquet:
		props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithCompression(compress.Codecs.Snappy))
		return pqarrow.NewFileWriter(schema, onlyWriter{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem), pqarrow.WithStoreSchema()))
	case IPCFile:
		return ipc.NewFileWriter(&tellWriter{w: w}, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	case IPCStream:
		return ipc.NewWriter(onlyWriter{w}, ipc.WithSchema(schema), ipc.WithAllocator(mem)), nil
	}
	return nil, fmt.Errorf("quasiid: cannot write format %v", format)
}

// csvWriter writes records as CSV with a header row, each value in its
// canonical text (see formatter) and null as an empty field.
type csvWriter struct {
	w      *csv.Writer
	fields []string
	buf    []byte
}

func newCSVWriter(w io.Writer, schema *arrow.Schema) (*csvWriter, error) {
	cw := &csvWriter{w: csv.NewWriter(w), fields: make([]string, schema.NumFields())}
	for i, f := range schema.Fields() {
		cw.fields[i] = f.Name
	}
	if err := cw.w.Write(cw.fields); err != nil {
		return nil, err
	}
	return cw, nil
}

func (cw *csvWriter) Write(rec arrow.Record) error {
	cols := rec.Columns()
	formats := make([]appendFunc, len(cols))
	for j, c := range cols {
		formats[j] = formatter(c)
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		for j, c := range cols {
			if c.IsNull(i) {
				cw.fields[j] = ""
				continue
			}
			cw.buf = formats[j](cw.buf[:0], i)
			cw.fields[j] = string(cw.buf)
		}
		if err := cw.w.Write(cw.fields); err != nil {
			return err
		}
	}
	return cw.w.Error()
}

func (cw *csvWriter) Close() error {
	cw.w.Flush()
	return cw.w.Error()
}

// OutColumn is a column of a result table for WriteTable: a name and
// exactly one of the value slices.
type OutColumn struct {
	Name    string
	Int64   []int64
	Float64 []float64
	Bool    []bool
	String  []string
}

// WriteTable writes a small result table (per-record risk, class lists)
// to w in format CSV, Parquet, IPCFile or IPCStream. Every column must
// hold exactly one value slice and all must have the same length. CSV
// values are written in canonical text: floats in the shortest form that
// reads back exactly, integral floats as integers.
func WriteTable(w io.Writer, format Format, cols []OutColumn) error {
	if len(cols) == 0 {
		return errors.New("quasiid: WriteTable: no columns")
	}
	mem := memory.DefaultAllocator
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	rows := -1
	seen := make(map[string]bool, len(cols))
	for j, c := range cols {
		if c.Name == "" {
			return fmt.Errorf("quasiid: WriteTable: column %d has no name", j+1)
		}
		if seen[c.Name] {
			return fmt.Errorf("quasiid: WriteTable: column %q named twice", c.Name)
		}
		seen[c.Name] = true
		set := 0
		for _, isSet := range []bool{c.Int64 != nil, c.Float64 != nil, c.Bool != nil, c.String != nil} {
			if isSet {
				set++
			}
		}
		if set != 1 {
			return fmt.Errorf("quasiid: WriteTable: column %q must hold exactly one value slice, holds %d", c.Name, set)
		}
		var n int
		switch {
		case c.Int64 != nil:
			arrs[j], n = buildArray(array.NewInt64Builder(mem), c.Int64)
		case c.Float64 != nil:
			arrs[j], n = buildArray(array.NewFloat64Builder(mem), c.Float64)
		case c.Bool != nil:
			arrs[j], n = buildArray(array.NewBooleanBuilder(mem), c.Bool)
		default:
			arrs[j], n = buildArray(array.NewStringBuilder(mem), c.String)
		}
		if rows >= 0 && n != rows {
			return fmt.Errorf("quasiid: WriteTable: column %q has %d values, column %q %d", c.Name, n, cols[0].Name, rows)
		}
		rows = n
		fields[j] = arrow.Field{Name: c.Name, Type: arrs[j].DataType(), Nullable: false}
	}
	schema := arrow.NewSchema(fields, nil)
	rw, err := newRecordWriter(w, format, schema, mem)
	if err != nil {
		return err
	}
	rec := array.NewRecord(schema, arrs, int64(rows))
	defer rec.Release()
	if err := rw.Write(rec); err != nil {
		rw.Close()
		return err
	}
	return rw.Close()
}

// arrayBuilder is an Arrow builder of values of type T.
type arrayBuilder[T any] interface {
	AppendValues(v []T, valid []bool)
	NewArray() arrow.Array
	Release()
}

// buildArray builds the array of vs (no nulls) with b, releases b and
// returns the array and its length.
func buildArray[T any](b arrayBuilder[T], vs []T) (arrow.Array, int) {
	defer b.Release()
	b.AppendValues(vs, nil)
	return b.NewArray(), len(vs)
}
