// Package prefault maps the pages of large fresh buffers in one system
// call each, ahead of their first write, instead of one page fault per
// page: on a virtual machine a fault costs microseconds of kernel time.
// Packages call it where they allocate a buffer they will write in full.
package prefault

// Min is the fewest bytes worth a system call: smaller buffers are left
// to fault.
const Min = 1 << 18

// Grow returns s with room for n more elements: when it must grow, a new
// array of at least twice its capacity, mapped at once (Slice) before s is
// copied into it, so that a slice grown element by element is copied a
// few times, not thirty (append grows long slices by a quarter), and its
// pages do not fault one by one.
func Grow[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	grown := make([]T, len(s), max(2*cap(s), len(s)+n))
	Slice(grown[:cap(grown)])
	copy(grown, s)
	return grown
}
