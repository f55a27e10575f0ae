package prefault

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Slice asks the kernel to map the pages of s that are not mapped yet
// at once (madvise MADV_POPULATE_WRITE, Linux 5.14), instead of one page
// fault per 4 KiB page on first write, which costs several times more per
// byte (benchmarks/count.md has the figures). Pages already mapped, found
// with mincore, are left alone: populating them again is not free.
// Contents are unchanged; on a kernel without these calls it does nothing.
func Slice[T any](s []T) {
	n := uintptr(len(s)) * unsafe.Sizeof(*new(T))
	if n < Min {
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
	// One mincore call per window of pages, its vector on the stack.
	var vec [4096]byte
	w := int(page) * len(vec)
	for len(b) > 0 {
		win := b[:min(len(b), w)]
		b = b[len(win):]
		np := len(win) / int(page)
		_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&win[0])), uintptr(len(win)),
			uintptr(unsafe.Pointer(&vec[0])))
		if errno != 0 {
			_ = unix.Madvise(win, unix.MADV_POPULATE_WRITE)
			continue
		}
		for i := 0; i < np; {
			if vec[i]&1 != 0 {
				i++
				continue
			}
			j := i + 1
			for j < np && vec[j]&1 == 0 {
				j++
			}
			_ = unix.Madvise(win[i*int(page):j*int(page)], unix.MADV_POPULATE_WRITE)
			i = j
		}
	}
}

// Huge asks the kernel to back the part of s made of whole 2 MiB pages
// with transparent huge pages (madvise MADV_HUGEPAGE, which the
// "madvise" mode of /sys/kernel/mm/transparent_hugepage/enabled waits
// for), then maps s at once (Slice): a huge page is one fault, or one
// step of the populating call, for 512 small pages, zeroed in one go.
// Only for long-lived buffers written in full: a huge page is resident
// whole, and the hint stays on the addresses after s is freed.
func Huge[T any](s []T) {
	n := uintptr(len(s)) * unsafe.Sizeof(*new(T))
	const huge = 2 << 20
	base := unsafe.Pointer(unsafe.SliceData(s))
	p := uintptr(base)
	lo := (p + huge - 1) &^ (huge - 1)
	hi := (p + n) &^ (huge - 1)
	if n >= Min && hi > lo {
		_ = unix.Madvise(unsafe.Slice((*byte)(unsafe.Add(base, lo-p)), hi-lo), unix.MADV_HUGEPAGE)
	}
	Slice(s)
}
