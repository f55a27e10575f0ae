package temporal

import (
	"context"
	"errors"
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

func TestCancelled(t *testing.T) {
	ev, _, err := Generate(GenerateOptions{Subjects: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, ev, Options{Generalization: Generalization{SlotMinutes: 60}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Analyze: %v, want context.Canceled", err)
	}
	pol, _ := ParsePolicy("unique_p1<=0")
	if _, err := Coarsen(ctx, ev, CoarsenOptions{Options: Options{Generalization: Generalization{SlotMinutes: 60}}, Policy: pol}); !errors.Is(err, context.Canceled) {
		t.Errorf("Coarsen: %v, want context.Canceled", err)
	}
}
