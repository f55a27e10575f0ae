package main

import (
	"strings"
	"testing"
)

// Issue 12, case 8: no data value in a message, warning or default report
// without --show-values. Every value of these tables holds the marker
// "SECRET"; no message may show it.
func TestNoValuesInMessages(t *testing.T) {
	s := writeFile(t, "s.csv", "a,b,w,t,s\nSECRET1,x,SECRETw,SECRET-time,SECRETs\nSECRET2,y,0.5,2024-01-01,SECRETt\n")
	pop := writeFile(t, "pop.csv", "a,b\nSECRET2,y\n")
	h := writeFile(t, "h.csv", "SECRETs;*\n")
	ha := writeFile(t, "ha.csv", "SECRET1;*\n")
	hd := writeFile(t, "hd.csv", "SECRET1;x;*\nSECRET1;y;*\n")
	for _, c := range []struct {
		args []string
		want string // what the message says instead
	}{
		{[]string{"analyze", s, "--qi", "a,b", "--population", pop}, "sample class #1 of 2 is absent from the population"},
		{[]string{"analyze", s, "--qi", "a", "--weights", "w"}, `row 1 (line 2), column "w": the weight is not a positive number`},
		{[]string{"analyze", s, "--qi", "a", "--sensitive", "s", "--t", "0.5", "--hierarchy", "s=" + h}, "no row for 1 of the column's 2 distinct values"},
		{[]string{"suggest", s, "--qi", "a", "--k", "1", "--hierarchy", "a=" + ha}, `1 of the 2 distinct values of column "a" are not in the hierarchy`},
		{[]string{"suggest", s, "--qi", "a", "--k", "1", "--hierarchy", "a=" + hd}, "row 2: its value is already given in row 1"},
		{[]string{"temporal", s, "--subject", "a", "--time", "t"}, `row 1 (line 2), column "t": cannot read the value as a time`},
	} {
		code, out, errs := runCLI(t, "", c.args...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 1 and %q", c.args[:2], code, errs, c.want)
		}
		if strings.Contains(out+errs, "SECRET") {
			t.Errorf("%v shows a data value: %s%s", c.args[:2], out, errs)
		}
	}
	// The demo names no QI value of its smallest classes by default.
	code, out, errs := runCLI(t, "", "demo", "--accounts", "300")
	if code != 0 || strings.Contains(out, "Classes of one session include") || strings.Contains(out, "Smallest classes") {
		t.Errorf("demo without --show-values: exit %d (%s), shows class values:\n%s", code, errs, out)
	}
	code, out, _ = runCLI(t, "", "demo", "--accounts", "300", "--show-values")
	if code != 0 || !strings.Contains(out, "Classes of one session include") {
		t.Errorf("demo --show-values: exit %d, no class values:\n%s", code, out)
	}
}

// With --show-values, control characters from the data are escaped before
// they reach a terminal: an escape sequence, a newline and a
// bidirectional override in QI values are shown as \x1b, \n, \u202e.
func TestShowValuesEscaped(t *testing.T) {
	in := writeFile(t, "esc.csv", "q\n\"\x1b[2J\x1b]0;owned\x07\"\n\"two\nlines\"\n\u202eevil\n")
	code, out, errs := runCLI(t, "", "analyze", in, "--qi", "q", "--show-values")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`q=\x1b[2J\x1b]0;owned\a`, `q=two\nlines`, `q=\u202eevil`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\x07\u202e") || strings.Contains(out, "two\nlines") {
		t.Errorf("raw control characters reach the terminal:\n%q", out)
	}
}

// A header name in an error is quoted and cut to 64 bytes + "…": a 1 MB
// header is not echoed back.
func TestHeaderNameBounded(t *testing.T) {
	long := strings.Repeat("h", 1<<20)
	in := writeFile(t, "wide.csv", "a,"+long+"\n1,2\n")
	code, _, errs := runCLI(t, "", "analyze", in, "--qi", "nope")
	want := `no such column; available: "a", "` + strings.Repeat("h", 64) + `…"`
	if code != 1 || !strings.Contains(errs, want) || len(errs) > 1000 {
		t.Errorf("exit %d, %d bytes of message, want 1 and %q", code, len(errs), want)
	}
	code, _, errs = runCLI(t, "", "analyze", in, "--qi", long+"x")
	if code != 1 || len(errs) > 1000 {
		t.Errorf("--qi with a 1 MB name: exit %d, %d bytes of message", code, len(errs))
	}
}
