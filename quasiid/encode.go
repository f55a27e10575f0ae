package quasiid

import (
	"context"
	"errors"
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// EncodeOptions control encoding.
type EncodeOptions struct {
	// Progress, if non-nil, is called after each batch with the rows read so far.
	Progress func(rows int64)
	// TimeUnit is the unit of integer times in the Time column: "s", "ms",
	// "us" or "ns"; "" detects it from the magnitude of the first integer
	// (seconds for 1e8 ≤ |v| < 1e11, milliseconds below 1e14, microseconds
	// below 1e17, nanoseconds above; below 1e8 is an error asking for the
	// unit). Arrow timestamps carry their own unit.
	TimeUnit string
	// Location is the zone of times written without an offset (text without
	// "Z" or "+hh:mm", bare dates, Arrow timestamps without a time zone,
	// dates); nil means UTC. Times with an offset and integer (epoch) times
	// are absolute. See Column.DSTGapTimes for the times a zone skips or repeats.
	Location *time.Location
}

// plannedColumn is a column of a Spec with its role.
type plannedColumn struct {
	name string
	role Role
}

// plan lists the columns of spec in Table order and checks that no column
// is named twice and that no identifier is used as a quasi-identifier.
func plan(spec Spec) ([]plannedColumn, error) {
	var out []plannedColumn
	add := func(role Role, names ...string) {
		for _, n := range names {
			out = append(out, plannedColumn{n, role})
		}
	}
	add(QuasiIdentifier, spec.QI...)
	add(Sensitive, spec.Sensitive...)
	if spec.Subject != "" {
		add(Subject, spec.Subject)
	}
	if spec.Time != "" {
		add(Time, spec.Time)
	}
	add(Identifier, spec.Identifiers...)
	add(Insensitive, spec.Insensitive...)
	seen := make(map[string]Role, len(out))
	for _, c := range out {
		if c.name == "" {
			return nil, fmt.Errorf("spec: empty column name among the %s columns", c.role)
		}
		if r, dup := seen[c.name]; dup {
			if r == QuasiIdentifier && c.role == Identifier {
				return nil, fmt.Errorf("spec: column %s is a direct identifier and cannot be used as a quasi-identifier", textfmt.Name(c.name))
			}
			if r == c.role {
				return nil, fmt.Errorf("spec: column %s is named twice as %s", textfmt.Name(c.name), r)
			}
			return nil, fmt.Errorf("spec: column %s is named both as %s and as %s", textfmt.Name(c.name), r, c.role)
		}
		seen[c.name] = c.role
	}
	return out, nil
}

// columnIndex finds name in schema; the error lists the available columns.
func columnIndex(file string, schema *arrow.Schema, name string) (int, error) {
	idx := schema.FieldIndices(name)
	switch len(idx) {
	case 1:
		return idx[0], nil
	case 0:
		var names []string
		for i, f := range schema.Fields() {
			if i == 50 {
				names = append(names, fmt.Sprintf("… (%d in all)", schema.NumFields()))
				break
			}
			names = append(names, textfmt.Name(f.Name))
		}
		return -1, &InputError{File: file, Column: name, Msg: "no such column; available: " + strings.Join(names, ", ")}
	}
	return -1, &InputError{File: file, Column: name, Msg: fmt.Sprintf("ambiguous: %d columns have this name", len(idx))}
}

// Encode reads every batch of src and encodes the columns named by spec.
//
// Every column but the Time one is dictionary-encoded by its canonical
// text (see the package documentation): codes are dense, in order of first
// appearance, and null gets a code of its own, distinct from that of "".
// The Time column is parsed into Unix seconds: text in RFC 3339 / ISO 8601
// (an offset is honoured; without one the time is local in opt.Location,
// UTC by default), "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DD" or a decimal
// integer; Arrow timestamps of any unit, date32, date64, and integers in
// opt.TimeUnit (detected if not given). A null or empty time has Valid false.
//
// Encode consumes src; memory grows with the encoded columns only, one
// record batch being held at a time. ctx is checked before each batch.
func Encode(ctx context.Context, src *Source, spec Spec, opt EncodeOptions) (*Table, error) {
	t, encs, err := newEncoders(src, spec, opt)
	if err != nil {
		return nil, err
	}
	rr, err := src.encodeReader()
	if err != nil {
		return nil, err
	}
	if c, ok := unreadCSV(rr); ok {
		// One-column files are read sequentially: a blank line is a value
		// there ("" or null), which the block splitter would skip.
		if c.raw != nil && c.r == nil && len(c.header) > 1 {
			return encodeCSVParallel(ctx, c, t, encs, opt)
		}
		return encodeCSV(ctx, c, t, encs, opt)
	}
	if rr == nil && len(encs) > 0 {
		return encodeParquet(ctx, src.pq, t, encs, opt)
	}
	if rr == nil {
		if rr, err = src.records(); err != nil {
			return nil, err
		}
	}
	return encodeRecords(ctx, src.name, rr, t, encs, opt, nil)
}

// newEncoders checks spec and opt against src and returns the empty Table
// of the columns spec names and their encoders.
func newEncoders(src *Source, spec Spec, opt EncodeOptions) (*Table, []*columnEncoder, error) {
	cols, err := plan(spec)
	if err == nil {
		err = CheckTimeUnit(opt.TimeUnit)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", src.Name(), err)
	}
	if err := src.ready(); err != nil {
		return nil, nil, err
	}
	schema := src.Schema()
	encs := make([]*columnEncoder, len(cols))
	t := &Table{Source: src.name, Columns: make([]*Column, len(cols))}
	for k, c := range cols {
		i, err := columnIndex(src.name, schema, c.name)
		if err != nil {
			return nil, nil, err
		}
		col := &Column{Name: c.name, Role: c.role}
		if c.role != Time {
			col.Dict = NewDictionary()
		}
		t.Columns[k] = col
		encs[k] = &columnEncoder{file: src.name, field: i, col: col}
		if c.role == Time {
			encs[k].times = newTimeReader(col, opt)
		}
	}
	return t, encs, nil
}

// lineFunc returns, for CSV, the file line where each row of the current
// batch starts; nil for other sources.
func lineFunc(rr array.RecordReader) func(i int) int64 {
	if c, ok := rr.(*csvReader); ok {
		return func(i int) int64 { return c.lines[i] }
	}
	return nil
}

// columnEncoder encodes one column, batch after batch.
type columnEncoder struct {
	file    string
	field   int
	col     *Column
	scratch []byte
	times   timeReader
	dictMap []uint32 // Arrow dictionary index -> code, for the current batch
	keys    keyCache // fixed-width value -> code
}

// encodeGuarded is encode, with a panic on corrupt Arrow data (offsets or
// buffers that do not match the lengths; Arrow's IPC reader does not
// validate them) turned into an error.
func (e *columnEncoder) encodeGuarded(arr arrow.Array, base int64, lines func(int) int64) error {
	var inner error
	err := guard(func() error {
		inner = e.encode(arr, base, lines)
		return nil
	})
	if err != nil {
		return &InputError{File: e.file, Row: base + 1, Column: e.col.Name, Msg: "in the batch starting at this row", Err: err}
	}
	return inner
}

// encode appends the codes (or times) of arr, whose first row is data row
// base (0-based) of the file.
func (e *columnEncoder) encode(arr arrow.Array, base int64, lines func(int) int64) error {
	if e.col.Role == Time {
		return e.encodeTimes(arr, base, lines)
	}
	n := arr.Len()
	d := e.col.Dict
	codes := extendCodes(e.col.Codes, n)
	out := codes[len(codes)-n:]
	nulls := arr.NullN() > 0
	known := d.Len()
	switch a := arr.(type) {
	case *array.String:
		codeEach(out, nulls, a.IsNull, a.Value, d, d.code)
	case *array.LargeString:
		codeEach(out, nulls, a.IsNull, a.Value, d, d.code)
	case *array.Binary:
		codeEach(out, nulls, a.IsNull, a.Value, d, d.codeBytes)
	case *array.Dictionary:
		e.encodeDict(a, out, nulls)
	default:
		if e.encodeKeyed(arr, out, nulls) {
			break
		}
		format := formatter(arr)
		codeEach(out, nulls, a.IsNull, func(i int) []byte {
			e.scratch = format(e.scratch[:0], i)
			return e.scratch
		}, d, d.codeBytes)
	}
	if !isBinary(arr.DataType()) {
		// Arrow's readers do not check that utf8 data is UTF-8: check each
		// value once, when it enters the dictionary.
		for c := uint32(known); c < uint32(d.Len()); c++ {
			if d.IsNull(c) || utf8.ValidString(d.Value(c)) {
				continue
			}
			i := slices.Index(out, c)
			ie := &InputError{File: e.file, Row: base + int64(i) + 1, Column: e.col.Name, Msg: "invalid UTF-8"}
			if lines != nil {
				ie.Line = lines(i)
			}
			return ie
		}
	}
	e.col.Codes = codes
	return nil
}

// codeEach sets out[i] to the code of value(i), or of null where nulls
// and null(i).
func codeEach[V string | []byte](out []uint32, nulls bool, null func(int) bool, value func(int) V, d *Dictionary, code func(V) uint32) {
	for i := range out {
		if nulls && null(i) {
			out[i] = d.NullCode()
			continue
		}
		out[i] = code(value(i))
	}
}

// isBinary reports whether values of type t are bytes rather than text.
func isBinary(t arrow.DataType) bool {
	if dt, ok := t.(*arrow.DictionaryType); ok {
		t = dt.ValueType
	}
	switch t.ID() {
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.FIXED_SIZE_BINARY, arrow.BINARY_VIEW:
		return true
	}
	return false
}

// encodeTimes appends the instants of arr to the Time column.
func (e *columnEncoder) encodeTimes(arr arrow.Array, base int64, lines func(int) int64) error {
	n := arr.Len()
	c := e.col
	start := len(c.Times)
	c.Times = append(c.Times, make([]int64, n)...)
	out := c.Times[start:]
	invalid := func(i int) {
		if c.Valid == nil {
			c.Valid = make([]bool, start, cap(c.Times))
			for k := range c.Valid {
				c.Valid[k] = true
			}
		}
		for len(c.Valid) < start+i {
			c.Valid = append(c.Valid, true)
		}
		c.Valid = append(c.Valid, false)
	}
	bad := func(i int, format string, a ...any) error {
		ie := &InputError{File: e.file, Row: base + int64(i) + 1, Column: c.Name, Msg: fmt.Sprintf(format, a...)}
		if lines != nil {
			ie.Line = lines(i)
		}
		return ie
	}
	var value func(i int) (int64, error)
	switch a := arr.(type) {
	case *array.String:
		value = func(i int) (int64, error) { return e.parseTime(a.Value(i), i, bad) }
	case *array.LargeString:
		value = func(i int) (int64, error) { return e.parseTime(a.Value(i), i, bad) }
	case *array.Dictionary:
		dict := a.Dictionary()
		format := formatter(dict)
		value = func(i int) (int64, error) {
			j := a.GetValueIndex(i)
			if dict.IsNull(j) {
				return 0, errNullTime
			}
			e.scratch = format(e.scratch[:0], j)
			return e.parseTime(string(e.scratch), i, bad)
		}
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		per := unitsPerSecond(tt.Unit)
		if tt.TimeZone == "" { // a wall-clock time (Arrow's "naive" timestamp)
			value = func(i int) (int64, error) { return e.times.local(floorDiv(int64(a.Value(i)), per)), nil }
		} else {
			value = func(i int) (int64, error) { return floorDiv(int64(a.Value(i)), per), nil }
		}
	case *array.Date32:
		value = func(i int) (int64, error) { return e.times.local(int64(a.Value(i)) * 86400), nil }
	case *array.Date64:
		value = func(i int) (int64, error) { return e.times.local(floorDiv(int64(a.Value(i)), 1000)), nil }
	case *array.Int64:
		value = func(i int) (int64, error) { return e.integerTime(a.Value(i), i, bad) }
	case *array.Int32:
		value = func(i int) (int64, error) { return e.integerTime(int64(a.Value(i)), i, bad) }
	case *array.Uint32:
		value = func(i int) (int64, error) { return e.integerTime(int64(a.Value(i)), i, bad) }
	default:
		return &InputError{File: e.file, Column: c.Name, Msg: fmt.Sprintf("Arrow type %s cannot be read as a time", arr.DataType())}
	}
	for i := range out {
		if arr.IsNull(i) {
			invalid(i)
			continue
		}
		v, err := value(i)
		if err == errNullTime {
			invalid(i)
			continue
		}
		if err != nil {
			return err
		}
		out[i] = v
	}
	if c.Valid != nil {
		for len(c.Valid) < len(c.Times) {
			c.Valid = append(c.Valid, true)
		}
	}
	return nil
}

// errNullTime marks a null value found inside an Arrow dictionary.
var errNullTime = errors.New("null time")

// timeSyntax is the message for a text that is not a time; the text, a
// data value, is not in it (the error names the row and column).
func timeSyntax(string) string {
	return "cannot read the value as a time (want RFC 3339 / ISO 8601, \"YYYY-MM-DD HH:MM[:SS]\", \"YYYY-MM-DD\" or an integer Unix time)"
}

// parseTime parses the text time s of batch row i.
func (e *columnEncoder) parseTime(s string, i int, bad func(int, string, ...any) error) (int64, error) {
	t, null, msg := e.times.parse(s)
	switch {
	case null:
		return 0, errNullTime
	case msg != "":
		return 0, bad(i, "%s", msg)
	}
	return t, nil
}

// integerTime reads the integer time v of batch row i.
func (e *columnEncoder) integerTime(v int64, i int, bad func(int, string, ...any) error) (int64, error) {
	t, msg := e.times.integer(v)
	if msg != "" {
		return 0, bad(i, "%s", msg)
	}
	return t, nil
}
