package textfmt

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameBytes bounds a column name quoted in a message: a header can be
// as long as any field, and an error must not echo megabytes.
const MaxNameBytes = 64

// Name quotes a column name for a message, Go-escaped (control characters
// and invalid UTF-8 as \n, \x1b, …) and cut after MaxNameBytes bytes (at a
// character boundary) with "…": every message naming a column uses it.
func Name(s string) string {
	if len(s) > MaxNameBytes {
		cut := MaxNameBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut] + "…")
	}
	return strconv.Quote(s)
}

// Escape makes a data value safe to print on a terminal: control
// characters (C0, DEL, C1: escape sequences, newlines, tabs), Unicode
// format characters (bidirectional overrides, zero-width marks) and
// invalid UTF-8 bytes are written as Go escapes (\n, \x1b, \u202e);
// backslashes are doubled so that an escape in the output always means
// one in the data. Every text renderer passes values shown with
// --show-values through it.
func Escape(s string) string {
	clean := true
	for i, r := range s {
		if r == '\\' || unsafeRune(r) || (r == utf8.RuneError && !validAt(s, i)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r) // '\n', '\x1b', '\u202e'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unsafeRune(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

// validAt reports whether the RuneError at byte i of s is a real U+FFFD.
func validAt(s string, i int) bool {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n == 3
}
