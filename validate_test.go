package reidrisk

import (
	"errors"
	"testing"

	"github.com/reidrisk/reidrisk/generalize"
)

// wantField checks that err is an *OptionError (through errors.As) naming
// field, with the message want.
func wantField(t *testing.T, what string, err error, field, want string) {
	t.Helper()
	var oe *OptionError
	if !errors.As(err, &oe) {
		t.Errorf("%s: error %v (%T), want an *OptionError", what, err, err)
		return
	}
	if oe.Field != field || err.Error() != want {
		t.Errorf("%s: field %q, %q; want %q, %q", what, oe.Field, err.Error(), field, want)
	}
}

func TestOptionsValidate(t *testing.T) {
	qi := []string{"a"}
	for _, tc := range []struct {
		opt         Options
		field, want string
	}{
		{Options{}, "QI", "reidrisk: QI is required: no quasi-identifier columns given"},
		{Options{QI: qi, K: -1}, "K", "reidrisk: K = -1: want at least 1"},
		{Options{QI: qi, RiskThreshold: 1.5}, "RiskThreshold", "reidrisk: RiskThreshold = 1.5: want 0 < t ≤ 1"},
		{Options{QI: qi, L: -2}, "L", "reidrisk: L = -2: want at least 1"},
		{Options{QI: qi, Sensitive: []string{"s"}, C: -1}, "C", "reidrisk: C = -1: want c > 0"},
		{Options{QI: qi, Sensitive: []string{"s"}, T: 2}, "T", "reidrisk: T = 2: want 0 < t ≤ 1"},
		{Options{QI: qi, T: 0.5}, "Sensitive", "reidrisk: C and T need Sensitive"},
		{Options{QI: qi, SamplingFraction: -0.5}, "SamplingFraction", "reidrisk: SamplingFraction = -0.5: want 0 < π ≤ 1"},
		{Options{QI: qi, Weights: "w", SamplingFraction: 0.5}, "Population", "reidrisk: give at most one of Population, Weights and SamplingFraction"},
		{Options{QI: qi, SUDAMaxSize: 2}, "SUDAMaxSize", "reidrisk: SUDAMaxSize needs SUDA"},
		{Options{QI: qi, QIMaxColumns: -1}, "QIMaxColumns", "reidrisk: QIMaxColumns = -1: want at least 1, or 0 for the default"},
		{Options{QI: []string{"a", "a"}}, "QI", `reidrisk: QI names column "a" twice`},
		{Options{QI: qi, Weights: "a"}, "Weights", `reidrisk: column "a" is given to both QI and Weights`},
		{Options{QI: qi, Hierarchies: map[string]map[string][]string{"b": nil}}, "Hierarchies", `reidrisk: Hierarchies: "b" is not a Sensitive column`},
	} {
		wantField(t, tc.want, tc.opt.Validate(), tc.field, tc.want)
	}
	if err := (Options{QI: qi, Sensitive: []string{"s"}, T: 0.2, C: 2, SamplingFraction: 0.1}).Validate(); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestSuggestOptionsValidate(t *testing.T) {
	h := map[string]*generalize.Hierarchy{"a": new(generalize.Hierarchy)}
	base := func(p generalize.Policy) SuggestOptions {
		return SuggestOptions{QI: []string{"a"}, Sensitive: []string{"s"}, Hierarchies: h, Policy: p}
	}
	for _, tc := range []struct {
		opt         SuggestOptions
		field, want string
	}{
		{base(generalize.Policy{K: -1}), "Policy.K", "reidrisk: Policy.K = -1: want at least 1"},
		{base(generalize.Policy{K: 2, T: 1.5}), "Policy.T", "reidrisk: Policy.T = 1.5: want 0 < t ≤ 1"},
		{base(generalize.Policy{K: 2, Alpha: 2}), "Policy.Alpha", "reidrisk: Policy.Alpha = 2: want 0 < α ≤ 1"},
		{base(generalize.Policy{K: 2, MaxRisk: generalize.Share(-0.1)}), "Policy.MaxRisk", "reidrisk: Policy.MaxRisk = -0.1: want a share in [0, 1]"},
		{base(generalize.Policy{K: 2, MaxSuppression: 2}), "Policy.MaxSuppression", "reidrisk: Policy.MaxSuppression = 2: want a share in [0, 1]"},
		{base(generalize.Policy{}), "Policy.K", "reidrisk: no privacy criterion: give Policy.K and/or Policy.L, Policy.T, Policy.Alpha, Policy.MaxRisk, Policy.MaxAverageRisk, Policy.MaxRecordsAtRisk, Policy.MaxSampleUniques"},
		{base(generalize.Policy{K: 2, L: 2, LocalSuppression: true}), "Policy.LocalSuppression", "reidrisk: Policy.LocalSuppression: supports k (in records or subjects) as the only criterion"},
		{base(generalize.Policy{K: 2, T: 0.2, TDistance: generalize.HierarchicalDistance}), "Policy.TDistance", `reidrisk: Policy.TDistance = hierarchical: no Hierarchies for sensitive column "s"`},
		{SuggestOptions{QI: []string{"a", "b"}, Hierarchies: h, Policy: generalize.Policy{K: 2}}, "Hierarchies", `reidrisk: no Hierarchies for quasi-identifier "b" (give one, or AutoHierarchies)`},
		{SuggestOptions{QI: []string{"a"}, Hierarchies: h, Policy: generalize.Policy{Alpha: 0.5}}, "Policy.Alpha", "reidrisk: Policy.Alpha needs Sensitive"},
		{SuggestOptions{QI: []string{"a"}, Identifiers: []string{"a"}, Hierarchies: h, Policy: generalize.Policy{K: 2}}, "Identifiers", `reidrisk: column "a" is given to both QI and Identifiers`},
	} {
		wantField(t, tc.want, tc.opt.Validate(), tc.field, tc.want)
	}
	ok := base(generalize.Policy{K: 5, L: 3, LVariant: generalize.RecursiveCL, C: 4, T: 0.2, TDistance: generalize.HierarchicalDistance})
	ok.Hierarchies = map[string]*generalize.Hierarchy{"a": new(generalize.Hierarchy), "s": new(generalize.Hierarchy)}
	if err := ok.Validate(); err != nil {
		t.Errorf("ARX's benchmark policy: %v", err)
	}
}

func TestOtherOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		err         error
		field, want string
	}{
		{SuppressOptions{QI: []string{"a"}}.Validate(), "K", "reidrisk: K = 0: want at least 1"},
		{SuppressOptions{QI: []string{"a"}, K: 2, Importance: []string{"b"}}.Validate(), "Importance", `reidrisk: Importance: "b" is not a quasi-identifier`},
		{SetsOptions{Subject: "s", Item: "i", M: 4}.Validate(), "M", "reidrisk: M = 4: want 1 to 3"},
		{SetsOptions{Subject: "s", Item: "i", MaxSuppression: 1.5}.Validate(), "MaxSuppression", "reidrisk: MaxSuppression = 1.5: want a share from 0 to 1"},
		{SetsOptions{Subject: "s", Item: "s"}.Validate(), "Item", `reidrisk: column "s" is given to both Subject and Item`},
		{TemporalOptions{Subject: "s"}.Validate(), "Time", "reidrisk: Subject and Time are required: name the account and timestamp columns"},
		{TemporalOptions{Subject: "s", Time: "t", SlotMinutes: 7}.Validate(), "SlotMinutes", "reidrisk: SlotMinutes = 7: want a width in minutes dividing 1440 (15, 30, 60, …)"},
		{TemporalOptions{Subject: "s", Time: "t", MinWeeks: -1}.Validate(), "MinWeeks", "reidrisk: MinWeeks = -1: want at least 1"},
		{TemporalOptions{Subject: "s", Time: "t", TimeZone: "Mars/Olympus"}.Validate(), "TimeZone", `reidrisk: TimeZone = "Mars/Olympus": not an IANA time zone name (e.g. Europe/Amsterdam, America/New_York, UTC)`},
		{TemporalOptions{Subject: "s", Time: "t", DurationColumn: "d"}.Validate(), "DurationBucket", "reidrisk: DurationColumn and DurationBucket go together"},
		{ApplyOptions{Keep: []string{"a"}}.Validate(&generalize.Transform{QI: []string{"a"}}), "Keep", `reidrisk: column "a" is given to both Transform.QI and Keep`},
		{ApplyOptions{Identifiers: []string{"i", "i"}}.Validate(&generalize.Transform{QI: []string{"a"}}), "Identifiers", `reidrisk: Identifiers names column "i" twice`},
	} {
		wantField(t, tc.want, tc.err, tc.field, tc.want)
	}
}

// TestOptionErrorWraps: a cause found while running (a weight that is not
// a number) is wrapped, and Detail spells options with the caller's names.
func TestOptionErrorWraps(t *testing.T) {
	cause := errors.New("class #1 of 2: weights sum to 0.5")
	e := &OptionError{Field: "Weights", Value: "w", Err: cause}
	if !errors.Is(e, cause) || e.Error() != "reidrisk: Weights = w: class #1 of 2: weights sum to 0.5" {
		t.Errorf("%q", e.Error())
	}
	e = &OptionError{Field: "Policy.L", Msg: "{Policy.L} and {Policy.T} need {Sensitive}"}
	flags := map[string]string{"Policy.L": "--l", "Policy.T": "--t", "Sensitive": "--sensitive"}
	if got := e.Detail(func(f string) string { return flags[f] }); got != "--l and --t need --sensitive" || !e.NamesField() {
		t.Errorf("detail %q", got)
	}
}
