package temporal

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk/quasiid"
)

// Events is an event log in encoded form: one entry per event in every
// slice. Row order is kept, so that results can be written back row by row.
type Events struct {
	// Source names the log in messages (a file name); may be empty.
	Source string
	// Subject[i] is the subject of event i, a dense code in 0..NumSubjects-1.
	Subject []uint32
	// NumSubjects is the number of subject codes; 0 means max(Subject)+1.
	NumSubjects int
	// SubjectLabels, if not nil, names each subject code (for reports).
	SubjectLabels []string
	// Time[i] is the instant of event i in Unix seconds.
	Time []int64
	// Valid reports which events have both a subject and a time (nil: all).
	// Invalid events are skipped and counted in Report.SkippedEvents.
	Valid []bool
	// Attrs are the attribute columns that may join the event key.
	Attrs []Attr
	// Duration is the optional duration column.
	Duration *Duration
}

// Attr is one dictionary-coded attribute column of an event log.
type Attr struct {
	Name   string
	Codes  []uint32 // one per event
	Labels []string // Labels[code] is the value shown for code

	// null is 1 + the code of null, 0 when no code is null (set by
	// FromTable); it tells null apart from a value shown as "NULL" when
	// keys are written by value (Digest).
	null uint32
}

// Duration is a dictionary-coded duration column: Values holds the number
// of each code once (NaN for null, empty or missing), so that a bucket width
// is applied per dictionary entry, not per event. Durations are in the
// column's own unit; bucket widths are in the same unit.
type Duration struct {
	Name   string
	Codes  []uint32  // one per event
	Values []float64 // Values[code]
}

// Len returns the number of events.
func (ev *Events) Len() int { return len(ev.Time) }

// numSubjects returns the number of subject codes.
func (ev *Events) numSubjects() int {
	if ev.NumSubjects > 0 {
		return ev.NumSubjects
	}
	if ev.SubjectLabels != nil {
		return len(ev.SubjectLabels)
	}
	n := 0
	for _, s := range ev.Subject {
		if int(s)+1 > n {
			n = int(s) + 1
		}
	}
	return n
}

// attr returns the index of the attribute named name, or -1.
func (ev *Events) attr(name string) int {
	for i, a := range ev.Attrs {
		if a.Name == name {
			return i
		}
	}
	return -1
}

// SubjectLabel returns the label of subject code s.
func (ev *Events) SubjectLabel(s uint32) string {
	if int(s) < len(ev.SubjectLabels) {
		return ev.SubjectLabels[s]
	}
	return strconv.FormatUint(uint64(s), 10)
}

// validate checks lengths and code ranges.
func (ev *Events) validate() error {
	n := len(ev.Time)
	name := ev.Source
	if name == "" {
		name = "events"
	}
	if len(ev.Subject) != n {
		return fmt.Errorf("%s: %d subjects for %d times", name, len(ev.Subject), n)
	}
	if ev.Valid != nil && len(ev.Valid) != n {
		return fmt.Errorf("%s: %d validity flags for %d times", name, len(ev.Valid), n)
	}
	if uint64(n) > math.MaxUint32 {
		return fmt.Errorf("%s: %d events exceed 2^32", name, n)
	}
	ns := ev.numSubjects()
	for i, s := range ev.Subject {
		if int(s) >= ns && (ev.Valid == nil || ev.Valid[i]) {
			return fmt.Errorf("%s: row %d: subject code %d out of range [0,%d)", name, i+1, s, ns)
		}
	}
	for _, a := range ev.Attrs {
		if len(a.Codes) != n {
			return fmt.Errorf("%s: column %q: %d codes for %d events", name, a.Name, len(a.Codes), n)
		}
		for i, c := range a.Codes {
			if int(c) >= len(a.Labels) {
				return fmt.Errorf("%s: row %d, column %q: code %d has no label", name, i+1, a.Name, c)
			}
		}
	}
	if d := ev.Duration; d != nil {
		if len(d.Codes) != n {
			return fmt.Errorf("%s: column %q: %d codes for %d events", name, d.Name, len(d.Codes), n)
		}
		for i, c := range d.Codes {
			if int(c) >= len(d.Values) {
				return fmt.Errorf("%s: row %d, column %q: code %d has no value", name, i+1, d.Name, c)
			}
		}
	}
	return nil
}

// FromTable builds Events from an encoded table: subject names the subject
// column, timeCol the time column (Column.Times), attrs the attribute columns
// (encoded as quasi-identifiers or insensitive columns) and duration, if not
// empty, a column of numbers parsed once per dictionary entry. Rows with a
// null subject or no timestamp are kept as invalid events (skipped and
// counted by the analysis).
func FromTable(t *quasiid.Table, subject, timeCol string, attrs []string, duration string) (*Events, error) {
	if t == nil {
		return nil, errors.New("temporal: nil table")
	}
	col := func(name, role string) (*quasiid.Column, error) {
		c := t.Column(name)
		if c == nil {
			return nil, fmt.Errorf("%s: no %s column %q", t.Source, role, name)
		}
		return c, nil
	}
	sc, err := col(subject, "subject")
	if err != nil {
		return nil, err
	}
	if sc.Codes == nil || sc.Dict == nil {
		return nil, fmt.Errorf("%s: subject column %q is not dictionary-encoded", t.Source, subject)
	}
	tc, err := col(timeCol, "time")
	if err != nil {
		return nil, err
	}
	if tc.Times == nil && t.Rows > 0 {
		return nil, fmt.Errorf("%s: column %q holds no timestamps (give it as the time column)", t.Source, timeCol)
	}
	ev := &Events{
		Source:      t.Source,
		Subject:     sc.Codes,
		NumSubjects: sc.Dict.Len(),
		Time:        tc.Times,
	}
	ev.SubjectLabels = make([]string, sc.Dict.Len())
	for c := range ev.SubjectLabels {
		ev.SubjectLabels[c] = sc.Dict.Label(uint32(c))
	}
	if null := sc.Dict.Null(); null != quasiid.NoCode || tc.Valid != nil {
		ev.Valid = make([]bool, t.Rows)
		for i := range ev.Valid {
			ev.Valid[i] = sc.Codes[i] != null && (tc.Valid == nil || tc.Valid[i])
		}
	}
	for _, name := range attrs {
		c, err := col(name, "attribute")
		if err != nil {
			return nil, err
		}
		if c.Codes == nil || c.Dict == nil {
			return nil, fmt.Errorf("%s: attribute column %q is not dictionary-encoded", t.Source, name)
		}
		labels := make([]string, c.Dict.Len())
		for k := range labels {
			labels[k] = c.Dict.Label(uint32(k))
		}
		a := Attr{Name: name, Codes: c.Codes, Labels: labels}
		if null := c.Dict.Null(); null != quasiid.NoCode {
			a.null = null + 1
		}
		ev.Attrs = append(ev.Attrs, a)
	}
	if duration != "" {
		c, err := col(duration, "duration")
		if err != nil {
			return nil, err
		}
		if c.Codes == nil || c.Dict == nil {
			return nil, fmt.Errorf("%s: duration column %q is not dictionary-encoded", t.Source, duration)
		}
		d := &Duration{Name: duration, Codes: c.Codes, Values: make([]float64, c.Dict.Len())}
		for k := range d.Values {
			v, err := parseDuration(c.Dict, uint32(k))
			if err != nil {
				row := -1
				for i, code := range c.Codes {
					if code == uint32(k) {
						row = i
						break
					}
				}
				// The encoded table keeps no line numbers: the row only.
				return nil, &quasiid.InputError{File: t.Source, Row: int64(row + 1), Column: duration, Err: err}
			}
			d.Values[k] = v
		}
		ev.Duration = d
	}
	return ev, ev.validate()
}

// parseDuration parses one dictionary entry of a duration column: a decimal
// number; null and the empty string are missing (NaN).
func parseDuration(d *quasiid.Dictionary, code uint32) (float64, error) {
	if d.IsNull(code) {
		return math.NaN(), nil
	}
	s := strings.TrimSpace(d.Value(code))
	if s == "" {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errors.New("the duration is not a finite number")
	}
	return v, nil
}
