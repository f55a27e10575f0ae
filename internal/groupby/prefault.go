package groupby

import "unsafe"

// prefaultMin is the fewest bytes worth a system call.
const prefaultMin = 1 << 20

// prefaultAll is prefault of s split between up to w goroutines, each
// given at least prefaultMin bytes.
func prefaultAll[T any](s []T, w int) {
	size := len(s) * int(unsafe.Sizeof(*new(T)))
	w = min(w, size/prefaultMin)
	if w <= 1 {
		prefault(s)
		return
	}
	_ = parallel(w, func(k int) error {
		prefault(s[len(s)*k/w : len(s)*(k+1)/w])
		return nil
	})
}
