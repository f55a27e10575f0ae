package quasiid

import "strings"

// NoCode is returned by lookups that find nothing.
const NoCode = ^uint32(0)

// Dictionary maps the distinct values of one column to dense codes
// 0..Len()-1, in order of first appearance. Null has a code of its own,
// distinct from the code of the empty string.
//
// A Dictionary is not safe for concurrent mutation; concurrent reads are safe.
type Dictionary struct {
	values []string
	index  map[string]uint32
	null   uint32 // code of null, or NoCode if no null was seen
}

// NewDictionary returns an empty dictionary.
func NewDictionary() *Dictionary {
	return &Dictionary{index: make(map[string]uint32), null: NoCode}
}

// Len returns the number of codes handed out, null included.
func (d *Dictionary) Len() int { return len(d.values) }

// Code returns the code of v, adding v if it is new.
func (d *Dictionary) Code(v string) uint32 {
	if c, ok := d.index[v]; ok {
		return c
	}
	c := uint32(len(d.values))
	d.values = append(d.values, v)
	d.index[v] = c
	return c
}

// NullCode returns the code of null, adding it if it is new.
func (d *Dictionary) NullCode() uint32 {
	if d.null == NoCode {
		d.null = uint32(len(d.values))
		d.values = append(d.values, "")
	}
	return d.null
}

// Lookup returns the code of the non-null value v, or NoCode and false.
func (d *Dictionary) Lookup(v string) (uint32, bool) {
	c, ok := d.index[v]
	if !ok {
		return NoCode, false
	}
	return c, true
}

// Null returns the code of null, or NoCode if the column has no null.
func (d *Dictionary) Null() uint32 { return d.null }

// IsNull reports whether code is the code of null.
func (d *Dictionary) IsNull(code uint32) bool { return code == d.null && code != NoCode }

// Value returns the value of code; the value of null is "" (use IsNull).
// It panics if code is out of range, like a slice index.
func (d *Dictionary) Value(code uint32) string { return d.values[code] }

// Label returns the value of code for display: null is shown as "NULL".
func (d *Dictionary) Label(code uint32) string {
	if d.IsNull(code) {
		return "NULL"
	}
	return d.values[code]
}

// code is Code for a string that may alias memory the caller will reuse
// (an Arrow buffer): the lookup does not copy, a new value is cloned.
func (d *Dictionary) code(v string) uint32 {
	if c, ok := d.index[v]; ok {
		return c
	}
	return d.add(strings.Clone(v))
}

// codeBytes is code for a byte slice; the lookup m[string(b)] does not
// allocate.
func (d *Dictionary) codeBytes(b []byte) uint32 {
	if c, ok := d.index[string(b)]; ok {
		return c
	}
	return d.add(string(b))
}

func (d *Dictionary) add(v string) uint32 {
	c := uint32(len(d.values))
	d.values = append(d.values, v)
	d.index[v] = c
	return c
}

// truncate forgets the codes from n on; null is the code null had then.
func (d *Dictionary) truncate(n int, null uint32) {
	for _, v := range d.values[n:] {
		if c, ok := d.index[v]; ok && int(c) >= n {
			delete(d.index, v)
		}
	}
	d.values, d.null = d.values[:n], null
}
