package fsum

import "testing"

// TestAdd: 1 + 1e100 + 1 − 1e100 is 2, which a plain sum loses (0), and
// the running sum is exact in order (1e-16 ten times onto 1).
func TestAdd(t *testing.T) {
	var s, c float64
	for _, x := range []float64{1, 1e100, 1, -1e100} {
		s, c = Add(s, c, x)
	}
	if s+c != 2 {
		t.Errorf("compensated sum %g, want 2", s+c)
	}
	s, c = 1, 0
	for range 10 {
		s, c = Add(s, c, 1e-16)
	}
	if got, want := s+c, 1+1e-15; got != want {
		t.Errorf("1 + 10·1e-16 = %.17g, want %.17g", got, want)
	}
}
