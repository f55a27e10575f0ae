package groupby

import (
	"unsafe"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// prefaultAll is prefault.Slice of s split between up to w goroutines,
// each given at least prefault.Min bytes.
func prefaultAll[T any](s []T, w int) {
	size := len(s) * int(unsafe.Sizeof(*new(T)))
	w = min(w, size/prefault.Min)
	if w <= 1 {
		prefault.Slice(s)
		return
	}
	_ = parallel(w, func(k int) error {
		prefault.Slice(s[len(s)*k/w : len(s)*(k+1)/w])
		return nil
	})
}
