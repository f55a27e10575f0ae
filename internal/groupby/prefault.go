package groupby

// prefaultMin is the fewest bytes worth a system call.
const prefaultMin = 1 << 20

// prefaultAll is prefault of s split between w goroutines.
func prefaultAll[T any](s []T, w int) {
	_ = parallel(w, func(k int) error {
		prefault(s[len(s)*k/w : len(s)*(k+1)/w])
		return nil
	})
}
