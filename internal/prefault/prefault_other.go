//go:build !linux

package prefault

// Slice does nothing outside Linux.
func Slice[T any](s []T) {}

// Huge does nothing outside Linux.
func Huge[T any](s []T) {}
