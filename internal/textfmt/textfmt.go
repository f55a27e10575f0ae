// Package textfmt formats numbers for the human-readable reports of the
// command and of the temporal story.
package textfmt

import (
	"strconv"
	"strings"
)

// Thousands formats n with a comma every three digits: 30162 → "30,162".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
