package quasiid

import "sync/atomic"

// maxSeed is the most values of a column's dictionary a worker copies into
// a new local dictionary (pqColumn.fill): a larger dictionary is not
// copied, its local codes are mapped by the merger as they come.
const maxSeed = 1 << 16

// dictSnap is a column's dictionary as the merger last published it for
// the workers: its values (capped: appending copies) and null code.
type dictSnap struct {
	values []string
	null   uint32
}

// publish makes the dictionary d of column k visible to the workers, if
// it grew since it was last published and is small enough to seed from.
func (r *pqRead) publish(k int, d *Dictionary) {
	snap := r.snaps[k].Load()
	if d.Len() > maxSeed || snap != nil && len(snap.values) == d.Len() {
		return
	}
	r.snaps[k].Store(&dictSnap{values: d.values[:d.Len():d.Len()], null: d.null})
}

// seedFrom returns a dictionary holding the values of snap, with the same
// codes: local codes below len(snap.values) are then the column's codes,
// and a piece using no other needs no mapping by the merger.
func seedFrom(snap *dictSnap) *Dictionary {
	n := len(snap.values)
	d := &Dictionary{values: snap.values, null: snap.null}
	size := 16
	for size < 2*(n+1) {
		size *= 2
	}
	d.slots = make([]uint64, size)
	for c, v := range snap.values {
		if uint32(c) != snap.null {
			d.place(uint64(dictTag(v))<<32 | uint64(c+1))
			d.count++
		}
	}
	return d
}

// snapshots returns one empty published dictionary per column.
func snapshots(n int) []atomic.Pointer[dictSnap] {
	return make([]atomic.Pointer[dictSnap], n)
}
