package temporal

import (
	"math"
	"strconv"
	"time"
)

// Rewriter gives the coarsened values of each event under a
// Generalization, to write the safe event table row by row:
//
//   - time: local "2024-01-15 20:00-21:00" (ISO day kept: the date),
//     "2024-W03 weekend 20:00-21:00" (weekday/weekend), "2024-W03 evening"
//     (day dropped, day parts); the slot is left out at 1440 minutes;
//   - duration: the bucket "[60,75)" in the column's unit, or null when the
//     duration is left out of the key;
//   - attributes left out of the key: null.
//
// The ISO week stays: habits are measured over weeks.
//
// Labels cannot be read back as times. For a table that can be analysed
// again, Start and DurationStart give each coarsened value as a
// representative of its class instead: the local start of the slot on the
// Monday of the week (ISO day dropped, or a weekday), the Saturday (a
// weekend day) or the day itself (ISO day kept), as ISO 8601 with the
// zone's offset; and the lower bound of the duration bucket. Distinct
// classes get distinct representatives of the same ISO week, so the
// coarsened table analysed again under the starting key (same zone, a
// duration bucket width dividing the coarsened one) has exactly the habits
// — and so the habit anonymity — of the suggestion. (In a zone whose
// clocks skip the representative local time, time.Date moves it by the
// skipped hour.)
type Rewriter struct {
	k       *keyer
	ev      *Events
	dropped []string
}

// NewRewriter prepares the rewriting of ev under g in loc (nil: UTC); the
// attributes of ev not in g are reported by Dropped.
func NewRewriter(ev *Events, g Generalization, loc *time.Location) (*Rewriter, error) {
	if err := ev.validate(); err != nil {
		return nil, err
	}
	if err := checkTimes(ev); err != nil {
		return nil, err
	}
	cal := newCalendar(ev, loc)
	k, err := newKeyer(ev, &cal, g, false)
	if err != nil {
		return nil, err
	}
	rw := &Rewriter{k: k, ev: ev}
	for _, a := range ev.Attrs {
		if ev.attr(a.Name) >= 0 && !contains(g.Attrs, a.Name) {
			rw.dropped = append(rw.dropped, a.Name)
		}
	}
	return rw, nil
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// Dropped returns the attribute columns to write as null.
func (rw *Rewriter) Dropped() []string { return rw.dropped }

// Time returns the coarsened time of event i; ok is false for an event
// without a valid time (write null).
func (rw *Rewriter) Time(i int) (string, bool) {
	d := rw.k.cal.day[i]
	if d == noDay {
		return "", false
	}
	g := rw.k.g
	var s string
	switch g.Days {
	case ISODay:
		s = dayLabel(d)
	case WeekdayWeekend:
		s = isoWeekLabel(weekIndex(d)) + " " + [...]string{"weekday", "weekend"}[rw.k.dayClass(d)]
	default:
		s = isoWeekLabel(weekIndex(d))
	}
	if sl := slotLabel(g.SlotMinutes, int(rw.k.cal.minute[i])/g.SlotMinutes); sl != "" {
		s += " " + sl
	}
	return s, true
}

// Start returns the representative time of event i's coarsened class (see
// Rewriter), e.g. "2024-01-15T18:00:00+01:00" for a weekday evening of ISO
// week 2024-W03 in Europe/Amsterdam; ok is false for an event without a
// valid time.
func (rw *Rewriter) Start(i int) (string, bool) {
	d := rw.k.cal.day[i]
	if d == noDay {
		return "", false
	}
	g := rw.k.g
	monday := weekIndex(d)*7 - 3
	switch {
	case g.Days == ISODay:
	case g.Days == WeekdayWeekend && rw.k.dayClass(d) == 1:
		d = monday + 5
	default:
		d = monday
	}
	m := int(rw.k.cal.minute[i]) / g.SlotMinutes * g.SlotMinutes
	c := time.Unix(int64(d)*86400, 0).UTC()
	return time.Date(c.Year(), c.Month(), c.Day(), m/60, m%60, 0, 0, rw.k.cal.loc).Format(time.RFC3339), true
}

// DurationStart returns the lower bound of event i's duration bucket as a
// number ("60" for [60,75)); ok is false when the duration is null or left
// out.
func (rw *Rewriter) DurationStart(i int) (string, bool) {
	lo, _, ok := rw.DurationBounds(i)
	if !ok {
		return "", false
	}
	return strconv.FormatFloat(lo, 'g', -1, 64), true
}

// Duration returns the coarsened duration of event i; ok is false when the
// duration is null or left out.
func (rw *Rewriter) Duration(i int) (string, bool) {
	k := rw.k
	if k.durCodes == nil {
		return "", false
	}
	b := k.durBucket[k.durCodes[i]]
	lo := k.durLow[b]
	if math.IsNaN(lo) {
		return "", false
	}
	return k.durationLabel(int(b)), true
}

// DurationBounds returns the numeric bounds [lo, hi) of event i's bucket.
func (rw *Rewriter) DurationBounds(i int) (lo, hi float64, ok bool) {
	k := rw.k
	if k.durCodes == nil {
		return 0, 0, false
	}
	lo = k.durLow[k.durBucket[k.durCodes[i]]]
	if math.IsNaN(lo) {
		return 0, 0, false
	}
	return lo, lo + k.g.DurationBucket, true
}
