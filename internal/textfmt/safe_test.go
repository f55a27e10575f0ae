package textfmt

import (
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"age", `"age"`},
		{"a\nb\x1b[31m", `"a\nb\x1b[31m"`},
		{strings.Repeat("x", 64), `"` + strings.Repeat("x", 64) + `"`},
		{strings.Repeat("x", 65), `"` + strings.Repeat("x", 64) + `…"`},
		// 63 x and a 2-byte é: the cut backs off to the character boundary.
		{strings.Repeat("x", 63) + "éé", `"` + strings.Repeat("x", 63) + `…"`},
	} {
		if got := Name(c.in); got != c.want {
			t.Errorf("Name(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	if got := Name(strings.Repeat("h", 50<<20)); len(got) > MaxNameBytes+8 {
		t.Errorf("Name of a 50 MB header: %d bytes", len(got))
	}
}

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Amsterdam", "Amsterdam"},
		{"Zoë – 東京", "Zoë – 東京"},
		{"a\nb", `a\nb`},
		{"\x1b[2J\x1b]0;pwned\x07", `\x1b[2J\x1b]0;pwned\a`},
		{"tab\there\r", `tab\there\r`},
		{"\u202eevil", `\u202eevil`},
		{"bad\xffbyte", `bad\xffbyte`},
		{`back\slash`, `back\\slash`},
		{"\u0085next", `\u0085next`},
		{"real \ufffd", "real \ufffd"},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
