package temporal

import (
	"math"
	"testing"
	"time"
)

// row is one hand-written event.
type row struct {
	subject string
	time    string // RFC 3339, offset honoured
	media   string
	dur     float64 // NaN: missing
}

// build encodes rows into Events with attribute "media" and duration "dur".
func build(t testing.TB, rows []row) *Events {
	t.Helper()
	ev := &Events{Source: "test"}
	subj := map[string]uint32{}
	media := map[string]uint32{}
	durs := map[float64]uint32{}
	a := Attr{Name: "media"}
	d := &Duration{Name: "dur"}
	missing := uint32(math.MaxUint32)
	for _, r := range rows {
		ts, err := time.Parse(time.RFC3339, r.time)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := subj[r.subject]
		if !ok {
			s = uint32(len(ev.SubjectLabels))
			subj[r.subject] = s
			ev.SubjectLabels = append(ev.SubjectLabels, r.subject)
		}
		m, ok := media[r.media]
		if !ok {
			m = uint32(len(a.Labels))
			media[r.media] = m
			a.Labels = append(a.Labels, r.media)
		}
		var dc uint32
		if math.IsNaN(r.dur) {
			if missing == math.MaxUint32 {
				missing = uint32(len(d.Values))
				d.Values = append(d.Values, math.NaN())
			}
			dc = missing
		} else {
			c, ok := durs[r.dur]
			if !ok {
				c = uint32(len(d.Values))
				durs[r.dur] = c
				d.Values = append(d.Values, r.dur)
			}
			dc = c
		}
		ev.Subject = append(ev.Subject, s)
		ev.Time = append(ev.Time, ts.Unix())
		a.Codes = append(a.Codes, m)
		d.Codes = append(d.Codes, dc)
	}
	ev.Attrs = []Attr{a}
	ev.Duration = d
	return ev
}

// weekly returns n events of subject at the given weekday-time of n
// consecutive weeks starting with the week of first (RFC 3339).
func weekly(subject, first string, n int, media string, dur float64) []row {
	ts, err := time.Parse(time.RFC3339, first)
	if err != nil {
		panic(err)
	}
	var rows []row
	for i := range n {
		rows = append(rows, row{subject, ts.AddDate(0, 0, 7*i).Format(time.RFC3339), media, dur})
	}
	return rows
}

// subjectsOf returns the labels of the subjects in a habit set.
func subjectsOf(ev *Events, h Habit) []string {
	var out []string
	for _, s := range h.Subjects {
		out = append(out, ev.SubjectLabel(s))
	}
	return out
}
