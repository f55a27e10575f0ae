package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/generalize"
)

// withFlags parses args into the command's flags, on a flag set of their
// own standing for flag.CommandLine (so that flag.Visit sees these args
// only), and restores the default value of the flags given, and
// flag.CommandLine, afterwards. It returns the flags given.
func withFlags(t *testing.T, args ...string) map[string]bool {
	t.Helper()
	orig := flag.CommandLine
	fs := flag.NewFlagSet("reidrisk-beam", flag.ContinueOnError)
	orig.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
	flag.CommandLine = fs
	t.Cleanup(func() {
		fs.Visit(func(f *flag.Flag) {
			if f.Name != "hierarchy" {
				f.Value.Set(f.DefValue)
			}
		})
		for col := range policy.Hierarchies {
			delete(policy.Hierarchies, col)
		}
		flag.CommandLine = orig
	})
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// writeHierarchy writes an ARX hierarchy file and returns its path.
func writeHierarchy(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSuggestHierarchicalAlpha: --mode suggest takes --t-distance
// hierarchical with the sensitive column's --hierarchy, and --alpha, as
// `reidrisk suggest` does: the policy holds them and the sensitive
// hierarchy follows the QIs'.
func TestSuggestHierarchicalAlpha(t *testing.T) {
	ha := writeHierarchy(t, "age.csv", "30;*\n40;*\n")
	hs := writeHierarchy(t, "occ.csv", "x;A;*\ny;A;*\nz;B;*\n")
	set := withFlags(t, "--mode", "suggest", "--input", "in-*.csv", "--qi", "age", "--sensitive", "occupation",
		"--hierarchy", "age="+ha, "--hierarchy", "occupation="+hs, "--k", "2", "--t", "0.3", "--t-distance", "hierarchical", "--alpha", "0.6")
	_, so, err := suggestOptions(set)
	if err != nil {
		t.Fatal(err)
	}
	p := so.Policy
	if p.K != 2 || p.T != 0.3 || p.TDistance != generalize.HierarchicalDistance || p.Alpha != 0.6 || p.L != 0 {
		t.Errorf("policy %+v", p)
	}
	if len(so.Hierarchies) != 2 || so.Hierarchies[0].Column() != "age" || so.Hierarchies[1].Column() != "occupation" {
		t.Errorf("hierarchies %v", so.Hierarchies)
	}
	if so.Search.Metric != generalize.DMStar {
		t.Errorf("metric %v, want dm_star (reidrisk-beam's default)", so.Search.Metric)
	}
}

// TestSuggestFlagErrors: the library validates the options; each error
// names the flag, as in `reidrisk suggest`.
func TestSuggestFlagErrors(t *testing.T) {
	ha := writeHierarchy(t, "age.csv", "30;*\n40;*\n")
	base := []string{"--mode", "suggest", "--input", "in-*.csv", "--qi", "age", "--hierarchy", "age=" + ha}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--k", "0"}, "--k 0: want at least 1"},
		{[]string{"--k", "2", "--alpha", "1.5", "--sensitive", "s"}, "--alpha 1.5: want 0 < α ≤ 1"},
		{[]string{"--alpha", "0.5"}, "--alpha needs --sensitive"},
		{[]string{"--k", "2", "--sensitive", "s", "--t", "0.2", "--t-distance", "hierarchical"}, `--t-distance hierarchical: no --hierarchy for sensitive column "s"`},
		{[]string{"--k", "2", "--t-distance", "far"}, `--t-distance "far": want equal, ordered or hierarchical`},
		{[]string{"--k", "2", "--max-suppression", "2"}, "--max-suppression 2: want a share in [0, 1]"},
		{[]string{"--k", "2", "--hierarchy", "sex=" + ha}, `--hierarchy sex=` + ha + `: "sex" is not in --qi or --sensitive`},
		{[]string{"--k", "2", "--sensitive", "age"}, `column "age" is given to both --qi and --sensitive`},
		{nil, "no privacy criterion: give --k and/or --l, --t, --alpha"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			set := withFlags(t, append(append([]string{}, base...), tc.args...)...)
			if _, _, err := suggestOptions(set); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestTemporalFlagErrors: --mode temporal's values are checked by
// reidrisk.TemporalOptions.Validate and named by flag.
func TestTemporalFlagErrors(t *testing.T) {
	base := []string{"--mode", "temporal", "--input", "in-*.csv", "--subject", "account", "--time", "time"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--min-weeks", "0"}, "--min-weeks 0: want at least 1"},
		{[]string{"--tz", "Mars/Olympus"}, `--tz "Mars/Olympus": not an IANA time zone name`},
		{[]string{"--slot", "7m"}, `--slot "7m": want a width in whole minutes dividing a day`},
		{[]string{"--attrs", "time"}, `column "time" is given to both --time and --attrs`},
		{[]string{"--duration-col", "d", "--duration-bucket", "-2"}, "--duration-bucket -2: want a width > 0"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			set := withFlags(t, append(append([]string{}, base...), tc.args...)...)
			if _, err := temporalOptions(set); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestOutputSameAsInput: a local --output that is one of the input files
// is refused before any pipeline runs; one elsewhere (gs://) is not
// checked here.
func TestOutputSameAsInput(t *testing.T) {
	in := writeHierarchy(t, "part-1.csv", "age\n30\n")
	withFlags(t, "--output", in)
	if err := checkOutputs([]string{in}, nil); err == nil || !strings.Contains(err.Error(), "--output "+in+" is the same file as --input "+in) {
		t.Errorf("error %v", err)
	}
	withFlags(t, "--output", "gs://bucket/summary.json", "--classes", filepath.Join(t.TempDir(), "c.bin"))
	if err := checkOutputs([]string{in}, nil); err != nil {
		t.Errorf("error %v", err)
	}
}
