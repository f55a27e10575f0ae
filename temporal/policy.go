package temporal

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Limit is one clause of a Policy: Metric ≤ Max (or < Max when Strict).
type Limit struct {
	// Metric is unique_p1, le_2, lt_5, unique_p2 (habit anonymity
	// shares of the subjects with habits), singled_out, le_2_subjects,
	// lt_5_subjects (the absolute numbers of subjects with a(s) = 1, ≤ 2,
	// < 5) or epsP, e.g. eps2 (the sampled trace unicity ε_P).
	Metric string
	Max    float64
	Strict bool
}

// Policy is a conjunction of limits, e.g. "unique_p1<=0.01,eps2<=0.2".
type Policy []Limit

// ParsePolicy parses clauses "metric<=value" or "metric<value" separated by
// commas, semicolons or "and"; a share may end in % ("1%" = 0.01) and
// must lie in [0, 1]; a count (singled_out, le_2_subjects, lt_5_subjects)
// is a number of subjects ≥ 0, e.g. "singled_out<=0".
func ParsePolicy(s string) (Policy, error) {
	var p Policy
	fields := strings.FieldsFunc(strings.ReplaceAll(s, " and ", ","), func(r rune) bool { return r == ',' || r == ';' })
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		var l Limit
		i := strings.IndexAny(f, "<>=")
		if i < 0 {
			return nil, fmt.Errorf("temporal: policy clause %q: want metric<=value, e.g. unique_p1<=0.01", f)
		}
		l.Metric = strings.TrimSpace(f[:i])
		rest := f[i:]
		switch {
		case strings.HasPrefix(rest, "<="):
			rest = rest[2:]
		case strings.HasPrefix(rest, "<"):
			l.Strict = true
			rest = rest[1:]
		default:
			return nil, fmt.Errorf("temporal: policy clause %q: only upper bounds (<= or <) are meaningful", f)
		}
		if err := checkMetric(l.Metric); err != nil {
			return nil, fmt.Errorf("temporal: policy clause %q: %v", f, err)
		}
		rest = strings.TrimSpace(rest)
		scale := 1.0
		if strings.HasSuffix(rest, "%") && isCount(l.Metric) {
			return nil, fmt.Errorf("temporal: policy clause %q: %s is a number of subjects, not a share", f, l.Metric)
		}
		if strings.HasSuffix(rest, "%") {
			rest, scale = strings.TrimSpace(rest[:len(rest)-1]), 0.01
		}
		v, err := strconv.ParseFloat(rest, 64)
		if err != nil || v != v {
			return nil, fmt.Errorf("temporal: policy clause %q: %q is not a number", f, rest)
		}
		l.Max = v * scale
		if isCount(l.Metric) && (l.Max < 0 || math.IsInf(l.Max, 0)) {
			return nil, fmt.Errorf("temporal: policy clause %q: a number of subjects must be ≥ 0", f)
		}
		if !isCount(l.Metric) && (l.Max < 0 || l.Max > 1) {
			return nil, fmt.Errorf("temporal: policy clause %q: a share must lie in [0, 1]", f)
		}
		p = append(p, l)
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("temporal: empty policy %q", s)
	}
	return p, nil
}

func checkMetric(m string) error {
	switch m {
	case "unique_p1", "le_2", "lt_5", "unique_p2", "singled_out", "le_2_subjects", "lt_5_subjects":
		return nil
	}
	if p, ok := epsP(m); ok && p >= 1 {
		return nil
	}
	return fmt.Errorf("unknown metric %q (want unique_p1, le_2, lt_5, unique_p2, singled_out, le_2_subjects, lt_5_subjects or eps1, eps2, …)", m)
}

// isCount reports whether metric m is a number of subjects, not a share.
func isCount(m string) bool {
	return m == "singled_out" || m == "le_2_subjects" || m == "lt_5_subjects"
}

// epsP returns P of a metric named epsP.
func epsP(m string) (int, bool) {
	if !strings.HasPrefix(m, "eps") {
		return 0, false
	}
	p, err := strconv.Atoi(m[3:])
	return p, err == nil && p >= 1 && p <= 64
}

// MaxP returns the largest P of the ε_P the policy limits (0 if none).
func (p Policy) MaxP() int {
	n := 0
	for _, l := range p {
		if q, ok := epsP(l.Metric); ok {
			n = max(n, q)
		}
	}
	return n
}

// Metric returns the figure of r that the policy metric m names
// (see Limit.Metric); false if r lacks it.
func Metric(r *Report, m string) (float64, bool) {
	switch m {
	case "unique_p1":
		return r.Habits.UniqueP1, true
	case "le_2":
		return r.Habits.Le2, true
	case "lt_5":
		return r.Habits.Lt5, true
	case "unique_p2":
		return r.Habits.UniqueP2, true
	case "singled_out":
		return float64(r.Habits.SingledOut), true
	case "le_2_subjects":
		return float64(r.Habits.Le2Subjects), true
	case "lt_5_subjects":
		return float64(r.Habits.Lt5Subjects), true
	}
	if q, ok := epsP(m); ok && q <= len(r.Trace) {
		return r.Trace[q-1].FractionUnique, true
	}
	return 0, false
}

// Excess returns how far r is from meeting p: the sum over limits of the
// amount by which the figure exceeds its bound, counts divided by the
// number of subjects (0 when p is met; a Strict bound met with equality
// counts as a tiny excess).
func (p Policy) Excess(r *Report) float64 {
	e := 0.0
	for _, l := range p {
		v, ok := Metric(r, l.Metric)
		if !ok {
			return 1e9
		}
		scale := 1.0
		if isCount(l.Metric) {
			scale = 1 / float64(max(r.Subjects, 1))
		}
		switch {
		case v > l.Max:
			e += (v - l.Max) * scale
		case l.Strict && v == l.Max:
			e += 1e-12
		}
	}
	return e
}

// Met reports whether r meets every limit of p.
func (p Policy) Met(r *Report) bool { return p.Excess(r) == 0 }

// String returns the policy in the syntax ParsePolicy reads.
func (p Policy) String() string {
	var parts []string
	for _, l := range p {
		op := "<="
		if l.Strict {
			op = "<"
		}
		parts = append(parts, l.Metric+op+strconv.FormatFloat(l.Max, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}
