package quasiid

import (
	"hash/maphash"
	"strings"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// NoCode is returned by lookups that find nothing.
const NoCode = ^uint32(0)

// Dictionary maps the distinct values of one column to dense codes
// 0..Len()-1, in order of first appearance. Null has a code of its own,
// distinct from the code of the empty string.
//
// A Dictionary is not safe for concurrent mutation; concurrent reads are safe.
type Dictionary struct {
	values []string
	// slots is an open-addressing hash table of the non-null values, with
	// linear probing: 0 is empty, else tag<<32 | code+1, the tag
	// (dictTag) of the value placing it at slot tag&(len(slots)-1).
	// Growing it reads no value: the tags are in the slots.
	slots []uint64
	count int    // the values in slots
	null  uint32 // code of null, or NoCode if no null was seen
}

// dictSeed seeds the hash of every Dictionary, so that a value hashed once
// (by a worker, in parallel) can be looked up in another (codeTagged).
var dictSeed = maphash.MakeSeed()

// dictTag returns the 32-bit hash that places v in a Dictionary's table.
func dictTag(v string) uint32 { return foldTag(maphash.String(dictSeed, v)) }

// dictTagBytes is dictTag of string(b), without the string.
func dictTagBytes(b []byte) uint32 { return foldTag(maphash.Bytes(dictSeed, b)) }

// foldTag folds a 64-bit maphash into a tag.
func foldTag(h uint64) uint32 { return uint32(h) ^ uint32(h>>32) }

// NewDictionary returns an empty dictionary.
func NewDictionary() *Dictionary {
	return &Dictionary{null: NoCode}
}

// Len returns the number of codes handed out, null included.
func (d *Dictionary) Len() int { return len(d.values) }

// find returns the code of v, whose tag is tag, or NoCode and the slot
// where v goes.
func (d *Dictionary) find(v string, tag uint32) (code uint32, slot int) {
	if len(d.slots) == 0 {
		return NoCode, -1
	}
	mask := len(d.slots) - 1
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		s := d.slots[i]
		if s == 0 {
			return NoCode, i
		}
		if uint32(s>>32) == tag && d.values[uint32(s)-1] == v {
			return uint32(s) - 1, i
		}
	}
}

// Code returns the code of v, adding v if it is new.
func (d *Dictionary) Code(v string) uint32 {
	return d.codeTagged(v, dictTag(v))
}

// codeTagged is Code for a value whose tag is known; a new v is kept as
// is (not copied).
func (d *Dictionary) codeTagged(v string, tag uint32) uint32 {
	c, slot := d.find(v, tag)
	if c != NoCode {
		return c
	}
	return d.add(v, tag, slot)
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
	c, _ := d.find(v, dictTag(v))
	return c, c != NoCode
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
	tag := dictTag(v)
	c, slot := d.find(v, tag)
	if c != NoCode {
		return c
	}
	return d.add(strings.Clone(v), tag, slot)
}

// codeBytes is code for a byte slice: the lookup does not allocate.
func (d *Dictionary) codeBytes(b []byte) uint32 {
	tag := dictTagBytes(b)
	c, slot := d.find(string(b), tag)
	if c != NoCode {
		return c
	}
	return d.add(string(b), tag, slot)
}

// add gives v, absent, of tag tag, the next code; slot is where find
// would put it (-1 for none).
func (d *Dictionary) add(v string, tag uint32, slot int) uint32 {
	c := uint32(len(d.values))
	if len(d.values) == cap(d.values) {
		// Doubling, not append's 1.25 for long slices: a dictionary of a
		// million accounts is copied a few times, not thirty; and mapped
		// at once, not page by page as it is copied, filled and scanned
		// by the garbage collector.
		d.values = prefault.Grow(d.values, max(cap(d.values), 16))
	}
	d.values = append(d.values, v)
	if 2*(d.count+1) > len(d.slots) {
		d.grow()
		_, slot = d.find(v, tag)
	}
	d.slots[slot] = uint64(tag)<<32 | uint64(c+1)
	d.count++
	return c
}

// grow doubles the table (at least 16 slots), keeping it at most half
// full.
func (d *Dictionary) grow() {
	old := d.slots
	d.slots = make([]uint64, max(16, 2*len(old)))
	prefault.Huge(d.slots) // written all over, at random
	for _, s := range old {
		if s != 0 {
			d.place(s)
		}
	}
}

// place puts the slot entry s (tag<<32 | code+1) in the first free slot
// from its tag's.
func (d *Dictionary) place(s uint64) {
	mask := len(d.slots) - 1
	i := int(s>>32) & mask
	for d.slots[i] != 0 {
		i = (i + 1) & mask
	}
	d.slots[i] = s
}

// truncate forgets the codes from n on; null is the code null had then.
func (d *Dictionary) truncate(n int, null uint32) {
	for c := len(d.values) - 1; c >= n; c-- {
		if uint32(c) == d.null {
			continue
		}
		// A value may be in values and not in the table (csvWorker
		// indexes short values itself): only c's own slot goes.
		if got, slot := d.find(d.values[c], dictTag(d.values[c])); got == uint32(c) {
			d.remove(slot)
		}
	}
	d.values, d.null = d.values[:n], null
}

// remove empties slot i, moving back the entries after it that would no
// longer be found (backward-shift deletion for linear probing).
func (d *Dictionary) remove(i int) {
	mask := len(d.slots) - 1
	d.count--
	for j := i; ; {
		d.slots[i] = 0
		for {
			j = (j + 1) & mask
			s := d.slots[j]
			if s == 0 {
				return
			}
			// s stays unless its home slot is cyclically outside (i, j].
			home := int(s>>32) & mask
			if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
				d.slots[i] = s
				i = j
				break
			}
		}
	}
}
