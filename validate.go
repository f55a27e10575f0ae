package reidrisk

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"github.com/reidrisk/reidrisk/itemsets"
	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/reidrisk/reidrisk/temporal"
)

// OptionError reports an option that is out of range, inconsistent with
// another option, or (found once the input is read) inconsistent with the
// data. Field names the option as it is spelt in the options struct ("K",
// "Hierarchies", "Policy.T" for a field of SuggestOptions.Policy); a
// command line maps Field to its flag. Msg may name other options in
// braces, "{Sensitive}", so that each reader can spell them its own way:
// Error writes the field names, a command line its flags.
type OptionError struct {
	Field string // the option, e.g. "K" or "Policy.T"
	Key   string // the key of a map option (a column of Hierarchies), "" otherwise
	Value string // the value given, when the error is about it
	Msg   string // what is wrong; "{Name}" stands for option Name
	Err   error  // the cause, if any
}

// Error writes `reidrisk: Field[ = Value]: Msg: Err` (Field["Key"] for a
// map option), with the options named in Msg spelt as fields; a Msg that
// names Field itself is written alone.
func (e *OptionError) Error() string {
	detail := e.Detail(func(field string) string { return field })
	if e.NamesField() {
		return "reidrisk: " + detail
	}
	head := e.Field
	switch {
	case e.Key != "":
		head += "[" + textfmt.Name(e.Key) + "]"
	case e.Value != "":
		head += " = " + e.Value
	}
	if detail == "" {
		return "reidrisk: " + head
	}
	return "reidrisk: " + head + ": " + detail
}

// Unwrap returns the cause.
func (e *OptionError) Unwrap() error { return e.Err }

// NamesField reports whether Msg names Field itself ("{Field}"), so that
// it reads without the field written first.
func (e *OptionError) NamesField() bool { return strings.Contains(e.Msg, "{"+e.Field+"}") }

// Detail returns Msg with every option "{Name}" spelt by name, followed
// by the cause.
func (e *OptionError) Detail(name func(field string) string) string {
	msg := e.Msg
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			break
		}
		msg = msg[:i] + name(msg[i+1:i+j]) + msg[i+j+1:]
	}
	if e.Err == nil {
		return msg
	}
	cause := strings.TrimPrefix(e.Err.Error(), "reidrisk: ")
	if msg == "" {
		return cause
	}
	return msg + ": " + cause
}

// optErr returns an *OptionError about field, with its value v when v is
// not nil.
func optErr(field string, v any, format string, a ...any) *OptionError {
	e := &OptionError{Field: field, Msg: fmt.Sprintf(format, a...)}
	if v != nil {
		e.Value = fmt.Sprint(v)
	}
	return e
}

// columnRole is a list of column names given in one role (one field).
type columnRole struct {
	field string
	names []string
}

// checkRoles is an *OptionError when a field names a column twice or two
// fields give the same column; an empty name is "not given".
func checkRoles(roles ...columnRole) error {
	seen := map[string]string{}
	for _, r := range roles {
		for _, n := range r.names {
			if n == "" {
				continue
			}
			if prev, ok := seen[n]; ok {
				if prev == r.field {
					return optErr(r.field, nil, "{%s} names column %s twice", r.field, textfmt.Name(n))
				}
				return optErr(r.field, nil, "column %s is given to both {%s} and {%s}", textfmt.Name(n), prev, r.field)
			}
			seen[n] = r.field
		}
	}
	return nil
}

// inRange returns an *OptionError about field unless lo ≤ v ≤ hi (false
// for NaN); want says the range.
func inRange(field string, v, lo, hi float64, want string) error {
	if v >= lo && v <= hi {
		return nil
	}
	return optErr(field, strconv.FormatFloat(v, 'g', -1, 64), "want %s", want)
}

// atLeast returns an *OptionError about field unless v ≥ lo.
func atLeast(field string, v, lo int64, want string) error {
	if v >= lo {
		return nil
	}
	return optErr(field, v, "want %s", want)
}

// firstError returns the first non-nil error.
func firstError(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Validate reports the first option out of range, or inconsistent with
// another, as an *OptionError naming the field; zero values are valid (they
// stand for the defaults). Analyze calls it.
func (opt Options) Validate() error {
	if len(opt.QI) == 0 {
		return optErr("QI", nil, "{QI} is required: no quasi-identifier columns given")
	}
	if err := checkRoles(columnRole{"QI", opt.QI}, columnRole{"Sensitive", opt.Sensitive}, columnRole{"Subject", []string{opt.Subject}},
		columnRole{"Identifiers", opt.Identifiers}, columnRole{"Weights", []string{opt.Weights}}); err != nil {
		return err
	}
	if err := firstError(
		atLeast("K", int64(opt.K), 0, "at least 1"),
		inRange("RiskThreshold", opt.RiskThreshold, 0, 1, "0 < t ≤ 1"),
		atLeast("L", int64(opt.L), 0, "at least 1"),
		inRange("C", opt.C, 0, math.Inf(1), "c > 0"),
		inRange("T", opt.T, 0, 1, "0 < t ≤ 1"),
		inRange("SamplingFraction", opt.SamplingFraction, 0, 1, "0 < π ≤ 1"),
		atLeast("SUDAMaxSize", int64(opt.SUDAMaxSize), 0, "at least 1"),
		atLeast("QIMaxColumns", int64(opt.QIMaxColumns), 0, "at least 1, or 0 for the default"),
	); err != nil {
		return err
	}
	n := 0
	for _, given := range []bool{opt.Population != nil, opt.Weights != "", opt.SamplingFraction > 0} {
		if given {
			n++
		}
	}
	switch {
	case n > 1:
		return optErr("Population", nil, "give at most one of {Population}, {Weights} and {SamplingFraction}")
	case (opt.C > 0 || opt.T > 0) && len(opt.Sensitive) == 0:
		return optErr("Sensitive", nil, "{C} and {T} need {Sensitive}")
	case opt.SUDAMaxSize > 0 && !opt.SUDA:
		return optErr("SUDAMaxSize", nil, "{SUDAMaxSize} needs {SUDA}")
	}
	for col := range opt.Hierarchies {
		if !slices.Contains(opt.Sensitive, col) {
			return &OptionError{Field: "Hierarchies", Msg: fmt.Sprintf("%s is not a {Sensitive} column", textfmt.Name(col))}
		}
	}
	return nil
}

// Validate reports the first option out of range, or inconsistent with
// another, as an *OptionError naming the field (the policy's fields as
// "Policy.K", …). Suggest calls it.
func (opt SuggestOptions) Validate() error {
	if len(opt.QI) == 0 {
		return optErr("QI", nil, "{QI} is required: no quasi-identifier columns given")
	}
	if err := checkRoles(columnRole{"QI", opt.QI}, columnRole{"Sensitive", opt.Sensitive}, columnRole{"Subject", []string{opt.Subject}}); err != nil {
		return err
	}
	// The subject may be dropped or kept: it is counted first.
	if err := checkRoles(columnRole{"QI", opt.QI}, columnRole{"Sensitive", opt.Sensitive},
		columnRole{"Identifiers", opt.Identifiers}, columnRole{"Keep", opt.Keep}); err != nil {
		return err
	}
	if err := fromPackage("Policy.", opt.Policy.Validate()); err != nil {
		return err
	}
	p := opt.Policy
	switch {
	case (p.L > 0 || p.T > 0) && len(opt.Sensitive) == 0:
		return optErr("Sensitive", nil, "{Policy.L} and {Policy.T} need {Sensitive}")
	case p.Alpha > 0 && len(opt.Sensitive) == 0:
		return optErr("Policy.Alpha", nil, "{Policy.Alpha} needs {Sensitive}")
	case p.K == 0 && p.L == 0 && p.T == 0 && p.Alpha == 0 && p.MaxRisk == nil && p.MaxAverageRisk == nil && p.MaxRecordsAtRisk == nil && p.MaxSampleUniques == nil:
		return optErr("Policy.K", nil, "no privacy criterion: give {Policy.K} and/or {Policy.L}, {Policy.T}, {Policy.Alpha}, {Policy.MaxRisk}, {Policy.MaxAverageRisk}, {Policy.MaxRecordsAtRisk}, {Policy.MaxSampleUniques}")
	case opt.Metric < generalize.DM || opt.Metric > generalize.Entropy:
		return optErr("Metric", int(opt.Metric), "unknown metric")
	case opt.Search.Budget < 0:
		return optErr("Search.Budget", opt.Search.Budget, "want 0 (none) or more")
	case opt.Search.MaxOptimalNodes < 0:
		return optErr("Search.MaxOptimalNodes", opt.Search.MaxOptimalNodes, "want 0 (the default) or more")
	}
	hierT := p.T > 0 && p.TDistance == generalize.HierarchicalDistance
	for col := range opt.Hierarchies {
		switch {
		case slices.Contains(opt.QI, col):
		case slices.Contains(opt.Sensitive, col) && !hierT:
			return &OptionError{Field: "Hierarchies", Key: col, Msg: fmt.Sprintf("%s is a {Sensitive} column; its hierarchy is used only with {Policy.TDistance} hierarchical", textfmt.Name(col))}
		case !slices.Contains(opt.Sensitive, col):
			return &OptionError{Field: "Hierarchies", Key: col, Msg: fmt.Sprintf("%s is not in {QI} or {Sensitive}", textfmt.Name(col))}
		}
	}
	if hierT {
		for _, s := range opt.Sensitive {
			if opt.Hierarchies[s] == nil {
				return &OptionError{Field: "Policy.TDistance", Value: "hierarchical", Msg: fmt.Sprintf("no {Hierarchies} for sensitive column %s", textfmt.Name(s))}
			}
		}
	}
	if !opt.AutoHierarchies {
		for _, q := range opt.QI {
			if opt.Hierarchies[q] == nil {
				return &OptionError{Field: "Hierarchies", Msg: fmt.Sprintf("no {Hierarchies} for quasi-identifier %s (give one, or {AutoHierarchies})", textfmt.Name(q))}
			}
		}
	}
	return nil
}

// fromPackage turns the *generalize.OptionError or *itemsets.OptionError
// of a policy or of a package's options into an *OptionError whose field is
// prefixed (as "Policy.K"); a reason starting with the value ("-1: want
// at least 1") gives Value. Other errors pass through.
func fromPackage(prefix string, err error) error {
	var field, reason string
	var ge *generalize.OptionError
	var ie *itemsets.OptionError
	switch {
	case errors.As(err, &ge):
		field, reason = ge.Field, ge.Reason
	case errors.As(err, &ie):
		field, reason = ie.Field, ie.Msg
	default:
		return err
	}
	e := &OptionError{Field: prefix + field, Msg: reason}
	if v, msg, ok := strings.Cut(reason, ": "); ok && !strings.Contains(v, " ") {
		e.Value, e.Msg = v, msg
	}
	return e
}

// Validate reports the first option out of range as an *OptionError
// naming the field. Suppress calls it.
func (opt SuppressOptions) Validate() error {
	if len(opt.QI) == 0 {
		return optErr("QI", nil, "{QI} is required: no quasi-identifier columns given")
	}
	if err := checkRoles(columnRole{"QI", opt.QI}, columnRole{"Subject", []string{opt.Subject}}); err != nil {
		return err
	}
	// The options are checked against the QI names, with a subject table
	// standing for the one Count will make.
	lo := generalize.LocalOptions{K: opt.K, Importance: opt.Importance, Subjects: opt.Subject != ""}
	shape := &anonymity.Classes{QI: opt.QI}
	if lo.Subjects {
		shape.Subjects = &anonymity.Multiset{}
	}
	return fromPackage("", lo.Validate(shape))
}

// Validate reports the first option out of range as an *OptionError
// naming the field; zero K and M stand for their defaults. Sets calls it.
func (o SetsOptions) Validate() error {
	if o.Subject == "" || o.Item == "" {
		return optErr("Item", nil, "{Subject} and {Item} are required: name the account and item columns")
	}
	if err := checkRoles(columnRole{"Subject", []string{o.Subject}}, columnRole{"Item", []string{o.Item}}); err != nil {
		return err
	}
	io := itemsets.Options{K: o.K, M: o.M, Workers: o.Workers}
	if io.K == 0 {
		io.K = DefaultK
	}
	if io.M == 0 {
		io.M = DefaultM
	}
	if err := fromPackage("", io.Validate()); err != nil {
		return err
	}
	return inRange("MaxSuppression", o.MaxSuppression, 0, 1, "a share from 0 to 1")
}

// Validate reports the first option out of range, or inconsistent with
// another, as an *OptionError naming the field; zero values stand for the
// defaults. Temporal calls it.
func (o TemporalOptions) Validate() error {
	switch {
	case o.Subject == "" || o.Time == "":
		return optErr("Time", nil, "{Subject} and {Time} are required: name the account and timestamp columns")
	case (o.DurationColumn == "") != (o.DurationBucket == 0):
		return optErr("DurationBucket", nil, "{DurationColumn} and {DurationBucket} go together")
	case o.SlotMinutes < 0 || o.SlotMinutes > temporal.WholeDay || (o.SlotMinutes > 0 && temporal.WholeDay%o.SlotMinutes != 0):
		return optErr("SlotMinutes", o.SlotMinutes, "want a width in minutes dividing 1440 (15, 30, 60, …)")
	case o.MaxP > 16:
		return optErr("MaxP", o.MaxP, "want at most 16")
	}
	if err := firstError(
		inRange("DurationBucket", o.DurationBucket, 0, math.MaxFloat64, "a width > 0"),
		atLeast("MinWeeks", int64(o.MinWeeks), 0, "at least 1"),
		atLeast("SampleSize", int64(o.SampleSize), 0, "at least 1"),
		atLeast("MaxEvaluations", int64(o.MaxEvaluations), 0, "at least 1"),
		checkRoles(columnRole{"Subject", []string{o.Subject}}, columnRole{"Time", []string{o.Time}},
			columnRole{"DurationColumn", []string{o.DurationColumn}}, columnRole{"Attrs", o.Attrs}),
		checkRoles(columnRole{"Time", []string{o.Time}}, columnRole{"DurationColumn", []string{o.DurationColumn}}, columnRole{"Attrs", o.Attrs},
			columnRole{"Identifiers", o.Identifiers}, columnRole{"Keep", o.Keep}),
	); err != nil {
		return err
	}
	if err := quasiid.CheckTimeUnit(o.TimeUnit); err != nil {
		return &OptionError{Field: "TimeUnit", Err: err}
	}
	if _, err := temporal.LoadLocation(o.TimeZone); err != nil {
		return &OptionError{Field: "TimeZone", Value: strconv.Quote(o.TimeZone), Msg: "not an IANA time zone name (e.g. Europe/Amsterdam, America/New_York, UTC)"}
	}
	if o.Policy != "" {
		if _, err := temporal.ParsePolicy(o.Policy); err != nil {
			return &OptionError{Field: "Policy", Err: err}
		}
	}
	return nil
}

// Validate reports a column that Identifiers or Keep name twice, or that
// has a role in the transform tr (its quasi-identifiers and sensitive
// columns, fields "Transform.QI" and "Transform.Sensitive"), as an
// *OptionError. Apply calls it.
func (opt ApplyOptions) Validate(tr *generalize.Transform) error {
	return checkRoles(columnRole{"Transform.QI", tr.QI}, columnRole{"Transform.Sensitive", tr.Sensitive},
		columnRole{"Identifiers", opt.Identifiers}, columnRole{"Keep", opt.Keep})
}
