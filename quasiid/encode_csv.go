package quasiid

import (
	"context"
)

// encodeCSV is Encode for a CSV source: it encodes the fields of each row
// straight from the parser, without building Arrow arrays, in batches of
// c.batch rows for cancellation and progress, handing them to c.sink in
// chunks. Errors and results are those of the Arrow path.
func encodeCSV(ctx context.Context, c *csvReader, t *Table, encs []*columnEncoder, opt EncodeOptions) (*Table, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := 0
		for n < c.batch {
			more, err := c.encodeRow(t, encs)
			if err != nil {
				return nil, err
			}
			if !more {
				break
			}
			n++
		}
		if n > 0 && opt.Progress != nil {
			opt.Progress(c.rows)
		}
		if n < c.batch {
			break
		}
	}
	if err := c.sink.flush(t, c.rows, true); err != nil {
		return nil, err
	}
	t.Rows = int(c.rows)
	return t, nil
}

// encodeRow reads the next row with encoding/csv and encodes it, handing
// a full chunk to c.sink; it reports false at the end of the input, and
// errors of reading, encoding and the sink.
func (c *csvReader) encodeRow(t *Table, encs []*columnEncoder) (bool, error) {
	rec := c.readRow()
	if rec == nil {
		return false, c.err
	}
	for _, e := range encs {
		v := rec[e.field]
		if err := e.encodeText(v, c.isNull(v), c.rows, c.line); err != nil {
			return false, err
		}
	}
	return true, c.sink.flush(t, c.rows, false)
}

// encodeText appends one text value (null if null) of data row row
// (1-based), which starts at line.
func (e *columnEncoder) encodeText(v string, null bool, row, line int64) error {
	c := e.col
	if c.Role != Time {
		if null {
			c.Codes = append(c.Codes, c.Dict.NullCode())
		} else {
			c.Codes = append(c.Codes, c.Dict.code(v))
		}
		return nil
	}
	var sec int64
	var empty bool
	var msg string
	if !null {
		sec, empty, msg = e.times.parse(v)
	}
	if msg != "" {
		return &InputError{File: e.file, Row: row, Line: line, Column: c.Name, Msg: msg}
	}
	if null || empty {
		if c.Valid == nil {
			c.Valid = make([]bool, len(c.Times), cap(c.Times)+1)
			for k := range c.Valid {
				c.Valid[k] = true
			}
		}
		c.Times = append(c.Times, 0)
		c.Valid = append(c.Valid, false)
		return nil
	}
	c.Times = append(c.Times, sec)
	if c.Valid != nil {
		c.Valid = append(c.Valid, true)
	}
	return nil
}
