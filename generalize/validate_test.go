package generalize

import (
	"errors"
	"testing"
)

// TestPolicyValidate: each field out of range is an *OptionError naming
// it, its reason starting with the value; zero and nil fields are off.
func TestPolicyValidate(t *testing.T) {
	for _, tc := range []struct {
		p             Policy
		field, reason string
	}{
		{Policy{K: -1}, "K", "-1: want at least 1"},
		{Policy{L: 0.5}, "L", "0.5: want at least 1"},
		{Policy{C: -1}, "C", "-1: want c > 0"},
		{Policy{T: 1.2}, "T", "1.2: want 0 < t ≤ 1"},
		{Policy{Alpha: -0.1}, "Alpha", "-0.1: want 0 < α ≤ 1"},
		{Policy{MaxRisk: Share(2)}, "MaxRisk", "2: want a share in [0, 1]"},
		{Policy{MaxSampleUniques: Share(-1)}, "MaxSampleUniques", "-1: want a share in [0, 1]"},
		{Policy{RiskThreshold: -1}, "RiskThreshold", "-1: want a risk in (0, 1]"},
		{Policy{MaxSuppression: 1.5}, "MaxSuppression", "1.5: want a share in [0, 1]"},
		{Policy{L: 2, LVariant: RecursiveCL}, "C", "recursive (c,l)-diversity needs c > 0"},
		{Policy{TDistance: 3}, "TDistance", "3: want equal, ordered or hierarchical"},
		{Policy{K: 2, T: 0.2, LocalSuppression: true}, "LocalSuppression", "supports k (in records or subjects) as the only criterion"},
	} {
		var oe *OptionError
		if err := tc.p.Validate(); !errors.As(err, &oe) || oe.Field != tc.field || oe.Reason != tc.reason {
			t.Errorf("%+v: %v, want field %s, %q", tc.p, err, tc.field, tc.reason)
		}
		// The search refuses what Validate refuses (a negative C, unused
		// without recursive l, is refused by Validate only).
		if tc.field != "C" && tc.p.validate() == nil {
			t.Errorf("%+v: Validate refuses it, validate does not", tc.p)
		}
	}
	if err := (Policy{}).Validate(); err != nil {
		t.Errorf("zero policy: %v", err)
	}
	if err := (Policy{K: 5, L: 3, LVariant: RecursiveCL, C: 4, T: 0.2, TDistance: HierarchicalDistance, MaxRisk: Share(0)}).Validate(); err != nil {
		t.Errorf("ARX's benchmark policy: %v", err)
	}
}
