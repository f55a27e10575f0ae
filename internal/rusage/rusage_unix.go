//go:build unix

package rusage

import (
	"syscall"
	"time"
)

// CPU is the user and system time of the process so far, all threads.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Faults is the system CPU time and the number of minor page faults of
// the process so far: a minor fault is a page of memory touched for the
// first time, most of the system time of a counter.
func Faults() (time.Duration, int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Stime.Nano()), int64(ru.Minflt)
}
