// Package cliflags holds what the commands reidrisk and reidrisk-beam share
// on the command line: the flags of the input table, the column lists and
// the privacy policy, defined once with their help text and mapped once to
// the library's options; the names of the flags of the options' fields, so
// that a *reidrisk.OptionError is told in flags; and the output files,
// created up front and written atomically (internal/safeout).
//
// The library validates the options; this package parses flag values
// (lists, names of variants) and the command line's shape (a flag given
// as 0 where 0 would leave a criterion off, flags that go together), and
// never matches the text of a library error.
package cliflags

import "fmt"

// UsageError marks a mistake in the command line (exit status 2).
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError with the formatted message.
func Usagef(format string, a ...any) error { return UsageError{fmt.Sprintf(format, a...)} }

// Given returns v, or −1 when the flag name was given on the command line
// as 0: the library reads a zero option as "off" (or "the default"), while a
// flag given as 0 asks for a criterion that cannot hold, so the library's
// range check reports it, and Mapper names the flag with the 0 typed.
func Given[T int | int64 | float64](set map[string]bool, name string, v T) T {
	if set[name] && v == 0 {
		return -1
	}
	return v
}
