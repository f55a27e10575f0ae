package main

import (
	"strings"
	"testing"
)

// TestBadFlagValues: every flag whose value the library checks, given out
// of range, is a usage error (exit 2) whose message starts with the flag
// and the value typed, as `--k 0: …`: the CLI maps the field of the
// library's *reidrisk.OptionError to the flag (internal/cliflags), never
// its message. The flags given as 0 ask for a criterion that 0 would turn
// off, so 0 is out of range too.
func TestBadFlagValues(t *testing.T) {
	in := writeFile(t, "in.csv", "a,b,s,t,w\n1,x,p,2024-01-01T10:00:00Z,1\n")
	analyze := []string{"analyze", in, "--qi", "a"}
	suggest := []string{"suggest", in, "--qi", "a", "--auto-hierarchies", "--sensitive", "s", "--k", "2"}
	temporal := []string{"temporal", in, "--subject", "a", "--time", "t"}
	sets := []string{"sets", in, "--subject", "a", "--item", "b"}
	suppress := []string{"suppress", in, "--qi", "a,b"}
	tr := writeFile(t, "t.json", `{"version":1,"qi":["a"],"levels":[0],"hierarchies":[{"column":"a","rows":[["1","*"]]}],"policy":{"k":1,"max_suppression":0}}`)
	out := t.TempDir() + "/out.csv"
	for _, tc := range []struct {
		base []string
		args []string
		want string
	}{
		{analyze, []string{"--k", "0"}, "--k 0: want at least 1"},
		{analyze, []string{"--k", "-3"}, "--k -3: want at least 1"},
		{analyze, []string{"--risk-threshold", "1.5"}, "--risk-threshold 1.5: want 0 < t ≤ 1"},
		{analyze, []string{"--risk-threshold", "0"}, "--risk-threshold 0: want 0 < t ≤ 1"},
		{analyze, []string{"--sensitive", "s", "--c", "-1"}, "--c -1: want c > 0"},
		{analyze, []string{"--sensitive", "s", "--t", "2"}, "--t 2: want 0 < t ≤ 1"},
		{analyze, []string{"--sensitive", "s", "--t", "0"}, "--t 0: want 0 < t ≤ 1"},
		{analyze, []string{"--t", "0.5"}, "--c and --t need --sensitive"},
		{analyze, []string{"--sampling-fraction", "1.5"}, "--sampling-fraction 1.5: want 0 < π ≤ 1"},
		{analyze, []string{"--suda-max-size", "2"}, "--suda-max-size needs --suda"},
		{analyze, []string{"--suda", "--suda-max-size", "0"}, "--suda-max-size 0: want at least 1"},
		{analyze, []string{"--qi-max-columns", "-1"}, "--qi-max-columns -1: want at least 1, or 0 for the default"},
		{analyze, []string{"--weights", "a"}, `column "a" is given to both --qi and --weights`},
		{analyze, []string{"--hierarchy", "b=h.csv"}, `--hierarchy: "b" is not a --sensitive column`},
		{suggest, []string{"--k", "0"}, "--k 0: want at least 1"},
		{suggest, []string{"--l", "0.5"}, "--l 0.5: want at least 1"},
		{suggest, []string{"--t", "1.5"}, "--t 1.5: want 0 < t ≤ 1"},
		{suggest, []string{"--alpha", "0"}, "--alpha 0: want 0 < α ≤ 1"},
		{suggest, []string{"--max-risk", "2"}, "--max-risk 2: want a share in [0, 1]"},
		{suggest, []string{"--max-average-risk", "-1"}, "--max-average-risk -1: want a share in [0, 1]"},
		{suggest, []string{"--max-records-at-risk", "1.1"}, "--max-records-at-risk 1.1: want a share in [0, 1]"},
		{suggest, []string{"--max-sample-uniques", "-0.1"}, "--max-sample-uniques -0.1: want a share in [0, 1]"},
		{suggest, []string{"--risk-threshold", "0"}, "--risk-threshold 0: want a risk in (0, 1]"},
		{suggest, []string{"--max-suppression", "2"}, "--max-suppression 2: want a share in [0, 1]"},
		{suggest, []string{"--l", "2", "--l-variant", "recursive"}, "--c: recursive (c,l)-diversity needs c > 0"},
		{suggest, []string{"--l-variant", "x"}, `--l-variant "x": want distinct, entropy or recursive`},
		{suggest, []string{"--t", "0.2", "--t-distance", "hierarchical"}, `--t-distance hierarchical: no --hierarchy for sensitive column "s"`},
		{suggest, []string{"--t-distance", "far"}, `--t-distance "far": want equal, ordered or hierarchical`},
		{suggest, []string{"--metric", "x"}, `--metric "x": want dm, dm_star, loss, precision, aecs or entropy`},
		{suggest, []string{"--max-optimal-nodes", "-1"}, "--max-optimal-nodes -1: want 0 (the default) or more"},
		{suggest, []string{"--budget", "-1s"}, "--budget -1s: want 0 (none) or more"},
		{suggest, []string{"--local-suppression", "--alpha", "0.5"}, "--local-suppression: supports k (in records or subjects) as the only criterion"},
		{suggest, []string{"--hierarchy", "b=h.csv"}, `--hierarchy b=h.csv: "b" is not in --qi or --sensitive`},
		{suggest, []string{"--hierarchy", "s=h.csv"}, `--hierarchy s=h.csv: "s" is a --sensitive column; its hierarchy is used only with --t-distance hierarchical`},
		{suggest, []string{"--subject", "s"}, `column "s" is given to both --sensitive and --subject`},
		{suppress, []string{"--k", "0"}, "--k 0: want at least 1"},
		{suppress, []string{"--k", "2", "--importance", "s"}, `--importance: "s" is not a quasi-identifier`},
		{suppress, []string{"--k", "2", "--subject", "a"}, `column "a" is given to both --qi and --subject`},
		{sets, []string{"--m", "4"}, "--m 4: want 1 to 3"},
		{sets, []string{"--k", "0"}, "--k 0: want at least 1"},
		{sets, []string{"--max-suppression", "1.5"}, "--max-suppression 1.5: want a share from 0 to 1"},
		{temporal, []string{"--min-weeks", "0"}, "--min-weeks 0: want at least 1"},
		{temporal, []string{"--sample-size", "0"}, "--sample-size 0: want at least 1"},
		{temporal, []string{"--max-evaluations", "0"}, "--max-evaluations 0: want at least 1"},
		{temporal, []string{"--max-p", "17"}, "--max-p 17: want at most 16"},
		{temporal, []string{"--duration-col", "w", "--duration-bucket", "-1"}, "--duration-bucket -1: want a width > 0"},
		{temporal, []string{"--tz", "Mars/Olympus"}, `--tz "Mars/Olympus": not an IANA time zone name`},
		{temporal, []string{"--time-unit", "h"}, "--time-unit: "},
		{temporal, []string{"--policy", "k>=2"}, "--policy: "},
		{temporal, []string{"--attrs", "t"}, `column "t" is given to both --time and --attrs`},
		{[]string{"apply", in, "--transform", tr, "--out", out}, []string{"--keep", "a"}, `column "a" is given to both the transform's quasi-identifiers and --keep`},
	} {
		args := append(append([]string{}, tc.base...), tc.args...)
		code, _, errs := runCLI(t, "", args...)
		cmd := tc.base[0]
		if code != 2 || !strings.HasPrefix(errs, "reidrisk "+cmd+": "+tc.want) {
			t.Errorf("%s %q: exit %d, %q; want 2 and %q", cmd, tc.args, code, errs, tc.want)
		}
	}
}
