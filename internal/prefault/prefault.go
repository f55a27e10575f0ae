// Package prefault maps the pages of large fresh buffers in one system
// call each, ahead of their first write, instead of one page fault per
// page: on a virtual machine a fault costs microseconds of kernel time.
// Packages call it where they allocate a buffer they will write in full.
package prefault

// Min is the fewest bytes worth a system call: smaller buffers are left
// to fault.
const Min = 1 << 18
