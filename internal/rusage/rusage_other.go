//go:build !unix

package rusage

import "time"

// CPU is 0 where getrusage is missing.
func CPU() time.Duration { return 0 }

// Faults is 0, 0 where getrusage is missing.
func Faults() (time.Duration, int64) { return 0, 0 }
