package cliflags

import (
	"errors"
	"flag"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk"
)

// flagNames maps the fields of the library's options (reidrisk.Options,
// SuggestOptions with its Policy and Search, SuppressOptions, SetsOptions,
// TemporalOptions) to the flags that set them: one table for every command.
var flagNames = map[string]string{
	"QI": "--qi", "Sensitive": "--sensitive", "Subject": "--subject", "Subjects": "--subject",
	"Identifiers": "--identifiers", "Keep": "--keep",
	"K": "--k", "RiskThreshold": "--risk-threshold", "L": "--l", "C": "--c", "T": "--t",
	"Hierarchies": "--hierarchy", "Hierarchy": "--hierarchy", "AutoHierarchies": "--auto-hierarchies",
	"Population": "--population", "Weights": "--weights", "SamplingFraction": "--sampling-fraction",
	"SUDA": "--suda", "SUDAMaxSize": "--suda-max-size", "QIMaxColumns": "--qi-max-columns",
	"Policy.K": "--k", "Policy.SubjectK": "--subject", "Policy.L": "--l", "Policy.LVariant": "--l-variant",
	"Policy.C": "--c", "Policy.T": "--t", "Policy.TDistance": "--t-distance", "Policy.Alpha": "--alpha",
	"Policy.MaxRisk": "--max-risk", "Policy.MaxAverageRisk": "--max-average-risk",
	"Policy.MaxRecordsAtRisk": "--max-records-at-risk", "Policy.RiskThreshold": "--risk-threshold",
	"Policy.MaxSampleUniques": "--max-sample-uniques", "Policy.MaxSuppression": "--max-suppression",
	"Policy.LocalSuppression": "--local-suppression",
	"Metric":                  "--metric", "Search.Budget": "--budget", "Search.MaxOptimalNodes": "--max-optimal-nodes",
	"Importance": "--importance", "Item": "--item", "M": "--m", "MaxSuppression": "--max-suppression",
	"Time": "--time", "Attrs": "--attrs", "DurationColumn": "--duration-col", "DurationBucket": "--duration-bucket",
	"SlotMinutes": "--slot", "MinWeeks": "--min-weeks", "TimeZone": "--tz", "TimeUnit": "--time-unit",
	"MaxP": "--max-p", "SampleSize": "--sample-size", "Policy": "--policy", "MaxEvaluations": "--max-evaluations",
	// Not flags: the columns of a saved transform (reidrisk apply).
	"Transform.QI": "the transform's quasi-identifiers", "Transform.Sensitive": "the transform's sensitive columns",
}

// FlagName returns the flag that sets an option field, or the field's
// name when no flag sets it.
func FlagName(field string) string {
	if f, ok := flagNames[field]; ok {
		return f
	}
	return field
}

// Mapper tells a *reidrisk.OptionError in flags: the field's flag and the
// value typed on the command line.
type Mapper struct {
	// FS holds the flags as parsed, for the values typed (and the FILE
	// of each COLUMN of a Hierarchies flag).
	FS *flag.FlagSet
}

// Usage returns err as a usage error (exit status 2) told in flags when it
// is a *reidrisk.OptionError, as Validate returns; other errors pass
// through.
func (m Mapper) Usage(err error) error {
	var oe *reidrisk.OptionError
	if !errors.As(err, &oe) {
		return err
	}
	return UsageError{m.message(oe)}
}

// Map returns err told in flags when it holds a *reidrisk.OptionError (an
// option at odds with the data, found while running: exit status 1); the
// result still unwraps to err. Other errors pass through.
func (m Mapper) Map(err error) error {
	var oe *reidrisk.OptionError
	if !errors.As(err, &oe) {
		return err
	}
	return &mapped{m.message(oe), err}
}

// mapped is an error told in flags that unwraps to the library's.
type mapped struct {
	msg string
	err error
}

func (e *mapped) Error() string { return e.msg }
func (e *mapped) Unwrap() error { return e.err }

// message writes oe as `FLAG VALUE: msg`, `FLAG COLUMN=FILE: msg` or, when
// the message names the field itself, msg alone.
func (m Mapper) message(oe *reidrisk.OptionError) string {
	detail := oe.Detail(FlagName)
	if oe.NamesField() {
		return detail
	}
	name := FlagName(oe.Field)
	head := name
	switch {
	case oe.Key != "":
		file := "…"
		if fl := m.lookup(name); fl != nil {
			if h, ok := fl.Value.(Hierarchies); ok && h[oe.Key] != "" {
				file = h[oe.Key]
			}
		}
		head += " " + oe.Key + "=" + file
	case oe.Value != "":
		head += " " + m.typed(name, oe.Value)
	}
	if detail == "" {
		return head
	}
	return head + ": " + detail
}

// typed returns the value of the flag name as typed (quoted if v, the
// library's, is), or v if it was not given.
func (m Mapper) typed(name, v string) string {
	given := false
	if m.FS != nil {
		m.FS.Visit(func(f *flag.Flag) { given = given || "--"+f.Name == name })
	}
	if !given {
		return v
	}
	t := m.lookup(name).Value.String()
	if strings.HasPrefix(v, `"`) { // a name the library quotes
		t = strconv.Quote(t)
	}
	return t
}

// lookup returns the flag --name of FS, or nil.
func (m Mapper) lookup(name string) *flag.Flag {
	if m.FS == nil {
		return nil
	}
	return m.FS.Lookup(strings.TrimPrefix(name, "--"))
}
