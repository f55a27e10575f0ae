package groupby

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// prefault asks the kernel to map every page of s at
// once (madvise MADV_POPULATE_WRITE, Linux 5.14), instead of one page
// fault per 4 KiB page on first write: on the project's VM a fault costs
// 0.7–2.6 ns per byte and populating 0.4–0.5. Contents are unchanged; on
// a kernel without it, or on pages already mapped, it does nothing.
func prefault[T any](s []T) {
	n := uintptr(len(s)) * unsafe.Sizeof(*new(T))
	if n < prefaultMin {
		return
	}
	// The whole pages inside the array: partial pages at either end may
	// hold other objects, and are left to fault.
	base := unsafe.Pointer(unsafe.SliceData(s))
	p := uintptr(base)
	page := uintptr(unix.Getpagesize())
	lo := (p + page - 1) &^ (page - 1)
	hi := (p + n) &^ (page - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(base, lo-p)), hi-lo)
	_ = unix.Madvise(b, unix.MADV_POPULATE_WRITE)
}
