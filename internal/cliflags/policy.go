package cliflags

import (
	"flag"
	"fmt"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/textfmt"
)

// Hierarchies collects repeated COLUMN=FILE flags (--hierarchy).
type Hierarchies map[string]string

func (h Hierarchies) String() string { return "" }

// Set adds one COLUMN=FILE.
func (h Hierarchies) Set(s string) error {
	col, path, ok := strings.Cut(s, "=")
	if !ok || col == "" || path == "" {
		return fmt.Errorf("want COLUMN=FILE, got %q", s)
	}
	if _, dup := h[col]; dup {
		return fmt.Errorf("column %s given twice", textfmt.Name(col))
	}
	h[col] = path
	return nil
}

// Read reads each hierarchy file (ARX format: value;level1;…;top); an
// error names the flag, the column and the file.
func (h Hierarchies) Read() (map[string]*generalize.Hierarchy, error) {
	out := make(map[string]*generalize.Hierarchy, len(h))
	for col, path := range h {
		hier, err := generalize.ReadHierarchyFile(col, path)
		if err != nil {
			return nil, fmt.Errorf("--hierarchy %s=%s: %w", col, path, err)
		}
		out[col] = hier
	}
	return out, nil
}

// Placeholders returns a hierarchy per column named, not read, for
// validating the options before any file is opened.
func (h Hierarchies) Placeholders() map[string]*generalize.Hierarchy {
	out := make(map[string]*generalize.Hierarchy, len(h))
	for col := range h {
		out[col] = new(generalize.Hierarchy)
	}
	return out
}

// Policy are the flags of the privacy policy and the search of `reidrisk
// suggest` and `reidrisk-beam --mode suggest`.
type Policy struct {
	K                                               int64
	L, C, T, Alpha                                  float64
	LVariant, TDistance                             string
	MaxRisk, MaxAverageRisk, MaxRecordsAtRisk       float64
	RiskThreshold, MaxSampleUniques, MaxSuppression float64
	Metric                                          string
	MaxOptimalNodes                                 int64
	Hierarchies                                     Hierarchies
}

// PolicyDefaults are what differs between the commands: the help prefix
// (reidrisk-beam's "suggest: ", its flags being shared by modes), the
// default l and metric.
type PolicyDefaults struct {
	Prefix string
	L      float64
	Metric string
}

// Register adds the policy flags to fs.
func (f *Policy) Register(fs *flag.FlagSet, d PolicyDefaults) {
	p := d.Prefix
	f.Hierarchies = Hierarchies{}
	fs.Var(f.Hierarchies, "hierarchy", p+"COLUMN=FILE: ARX hierarchy (value;level1;…;*) for a QI, or for a sensitive column with --t-distance hierarchical; repeat per column")
	fs.Int64Var(&f.K, "k", 0, p+"least class size (in subjects when --subject is given)")
	fs.Float64Var(&f.L, "l", d.L, p+"least l-diversity of every sensitive column")
	fs.StringVar(&f.LVariant, "l-variant", "distinct", p+"l-diversity variant: distinct, entropy or recursive")
	fs.Float64Var(&f.C, "c", 0, p+"c of recursive (c,l)-diversity")
	fs.Float64Var(&f.T, "t", 0, p+"largest t-closeness distance of every sensitive column from the whole input's distribution (suppressed records included)")
	fs.StringVar(&f.TDistance, "t-distance", "equal", p+"t-closeness ground distance: equal, ordered or hierarchical (with --hierarchy SENSITIVE=FILE)")
	fs.Float64Var(&f.Alpha, "alpha", 0, p+"largest share of one sensitive value in a class ((α,k)-anonymity, k = --k)")
	fs.Float64Var(&f.MaxRisk, "max-risk", 0, p+"largest prosecutor risk 1/|E| of a kept record")
	fs.Float64Var(&f.MaxAverageRisk, "max-average-risk", 0, p+"largest average prosecutor risk over kept records")
	fs.Float64Var(&f.MaxRecordsAtRisk, "max-records-at-risk", 0, p+"largest share of kept records whose risk exceeds --risk-threshold")
	fs.Float64Var(&f.RiskThreshold, "risk-threshold", reidrisk.DefaultRiskThreshold, p+"risk above which a record is at risk (for --max-records-at-risk)")
	fs.Float64Var(&f.MaxSampleUniques, "max-sample-uniques", 0, p+"largest share of kept records alone in their class")
	fs.Float64Var(&f.MaxSuppression, "max-suppression", 0, p+"largest share of records that may be suppressed")
	fs.StringVar(&f.Metric, "metric", d.Metric, p+"utility metric: dm, dm_star, loss, aecs or entropy (lower is better, minimised) or precision (Sweeney's Prec, 1 = nothing generalised, higher is better, maximised); dm, loss, precision and entropy charge a suppressed record as much as a record can cost, dm_star and aecs do not (with --max-suppression they favour suppressing over generalising)")
	fs.Int64Var(&f.MaxOptimalNodes, "max-optimal-nodes", 100_000, p+"largest lattice (product of hierarchy heights) searched optimally; larger ones are searched by a greedy best-first heuristic, not proven optimal")
}

// Policy maps the flags to a policy and a metric; set holds the flags
// given. A threshold given as 0 is a policy (no record at risk, no sample
// uniques); one not given is off. l is read only when given. Values are
// checked by generalize.Policy.Validate (through the options' Validate):
// only the names of variants, distances and metrics are parsed here.
func (f *Policy) Policy(set map[string]bool, subject bool) (generalize.Policy, generalize.Metric, error) {
	p := generalize.Policy{K: Given(set, "k", f.K), SubjectK: subject && f.K > 0, C: f.C, T: Given(set, "t", f.T),
		Alpha: Given(set, "alpha", f.Alpha), MaxSuppression: f.MaxSuppression}
	if set["l"] {
		p.L = Given(set, "l", f.L)
	}
	for _, sh := range []struct {
		name string
		v    float64
		dst  **float64
	}{
		{"max-risk", f.MaxRisk, &p.MaxRisk},
		{"max-average-risk", f.MaxAverageRisk, &p.MaxAverageRisk},
		{"max-records-at-risk", f.MaxRecordsAtRisk, &p.MaxRecordsAtRisk},
		{"max-sample-uniques", f.MaxSampleUniques, &p.MaxSampleUniques},
	} {
		if set[sh.name] {
			*sh.dst = generalize.Share(sh.v)
		}
	}
	// The threshold is part of the policy with --max-records-at-risk only;
	// given out of range it is an error all the same.
	if rt := Given(set, "risk-threshold", f.RiskThreshold); p.MaxRecordsAtRisk != nil || !(rt > 0 && rt <= 1) {
		p.RiskThreshold = rt
	}
	if err := p.LVariant.UnmarshalText([]byte(f.LVariant)); err != nil {
		return p, 0, Usagef("--l-variant %q: want distinct, entropy or recursive", f.LVariant)
	}
	if err := p.TDistance.UnmarshalText([]byte(f.TDistance)); err != nil {
		return p, 0, Usagef("--t-distance %q: want equal, ordered or hierarchical", f.TDistance)
	}
	m, err := generalize.ParseMetric(f.Metric)
	if err != nil {
		return p, 0, Usagef("--metric %q: want dm, dm_star, loss, precision, aecs or entropy", f.Metric)
	}
	return p, m, nil
}
