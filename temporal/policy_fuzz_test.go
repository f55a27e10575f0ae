package temporal

import (
	"testing"
)

// FuzzParsePolicy: a parsed policy prints to a string that parses to the
// same policy, and no input panics.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{"unique_p1<=0.01", "lt_5<5%,eps2<=0.3", "le_2<=0 and unique_p2<=1", "eps64<=.5;", "x", "<=", "eps<=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePolicy(s)
		if err != nil {
			return
		}
		q, err := ParsePolicy(p.String())
		if err != nil {
			t.Fatalf("%q → %q: %v", s, p.String(), err)
		}
		if len(p) != len(q) {
			t.Fatalf("%q → %q: %d vs %d clauses", s, p.String(), len(p), len(q))
		}
		for i := range p {
			if p[i] != q[i] {
				t.Fatalf("%q → %q: %+v vs %+v", s, p.String(), p[i], q[i])
			}
		}
	})
}
