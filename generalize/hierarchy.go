package generalize

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Hierarchy is a generalisation hierarchy for one column: for each value
// of the column, its label at every level from 0 (the value itself) to
// Levels()-1 (the top, usually "*").
//
// Levels nest: two values with the same label at level i have the same
// label at every level above i. This is what lets a class table be rolled
// up from one level to a higher one without the rows.
type Hierarchy struct {
	column string
	source string // file name or builder description, for messages
	auto   bool
	rows   [][]string // rows[i] = value, level-1 label, …, top label
	index  map[string]int
}

// NewHierarchy returns the hierarchy of column whose rows are
// value, level-1 label, …, top label. All rows must have the same length
// (at least 1), values must be distinct and levels must nest. source names
// the hierarchy in messages (a file name, or a description).
func NewHierarchy(column, source string, rows [][]string) (*Hierarchy, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: hierarchy of column %q has no rows", source, column)
	}
	h := &Hierarchy{column: column, source: source, rows: rows, index: make(map[string]int, len(rows))}
	n := len(rows[0])
	if n == 0 {
		return nil, fmt.Errorf("%s: row 1: empty hierarchy row", source)
	}
	for i, r := range rows {
		if len(r) != n {
			return nil, fmt.Errorf("%s: row %d: %d levels, want %d as in row 1", source, i+1, len(r), n)
		}
		if j, dup := h.index[r[0]]; dup {
			return nil, fmt.Errorf("%s: row %d: its value is already given in row %d", source, i+1, j+1)
		}
		h.index[r[0]] = i
	}
	// Nesting: the label at level l+1 must be a function of the label at level l.
	for l := 1; l+1 < n; l++ {
		up := make(map[string]int, len(rows))
		for i, r := range rows {
			if j, ok := up[r[l]]; ok {
				if rows[j][l+1] != r[l+1] {
					return nil, fmt.Errorf("%s: rows %d and %d: the same level-%d label generalises to two labels at level %d",
						source, j+1, i+1, l, l+1)
				}
				continue
			}
			up[r[l]] = i
		}
	}
	return h, nil
}

// ReadHierarchy reads a hierarchy of column in ARX's CSV format: one row
// per value, fields separated by ';' (value;level1;…;top), no header,
// double quotes allowed around fields. name is used in messages.
func ReadHierarchy(column, name string, r io.Reader) (*Hierarchy, error) {
	cr := csv.NewReader(r)
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var rows [][]string
	want := -1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rows) == 0 && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		}
		if want < 0 {
			want = len(rec)
		} else if len(rec) != want {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d as on the first line", name, line, len(rec), want)
		}
		rows = append(rows, rec)
	}
	h, err := NewHierarchy(column, name, rows)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ReadHierarchyFile reads the hierarchy of column from an ARX CSV file.
func ReadHierarchyFile(column, path string) (*Hierarchy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadHierarchy(column, path, f)
}

// Column returns the name of the column the hierarchy generalises.
func (h *Hierarchy) Column() string { return h.column }

// Source returns the file name or builder description of the hierarchy.
func (h *Hierarchy) Source() string { return h.source }

// Auto reports whether the hierarchy was built automatically from the data.
func (h *Hierarchy) Auto() bool { return h.auto }

// Levels returns the number of levels, level 0 (the values) included.
func (h *Hierarchy) Levels() int { return len(h.rows[0]) }

// Values returns the level-0 values in hierarchy order.
func (h *Hierarchy) Values() []string {
	v := make([]string, len(h.rows))
	for i, r := range h.rows {
		v[i] = r[0]
	}
	return v
}

// Label returns the generalisation of value at level, and false if value
// is not in the hierarchy or level is out of range.
func (h *Hierarchy) Label(value string, level int) (string, bool) {
	i, ok := h.index[value]
	if !ok || level < 0 || level >= len(h.rows[i]) {
		return "", false
	}
	return h.rows[i][level], true
}

// Rows returns a copy of the hierarchy's rows (value, level 1, …, top).
func (h *Hierarchy) Rows() [][]string {
	out := make([][]string, len(h.rows))
	for i, r := range h.rows {
		out[i] = append([]string(nil), r...)
	}
	return out
}

// WriteCSV writes the hierarchy in ARX's CSV format.
func (h *Hierarchy) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	for _, r := range h.rows {
		if len(r) == 1 && r[0] == "" {
			// A lone empty field would be an empty line, which readers skip.
			cw.Flush()
			if _, err := io.WriteString(w, "\"\"\n"); err != nil {
				return err
			}
			continue
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
