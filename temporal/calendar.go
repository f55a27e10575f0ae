package temporal

import (
	"fmt"
	"math"
	"sort"
	"time"
	_ "time/tzdata" // IANA zones work on machines without a zoneinfo database
)

// LoadLocation returns the IANA time zone name ("Europe/Amsterdam"); "" and
// "UTC" give UTC. The zone database is embedded, so this works anywhere.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("temporal: time zone %q: %v", name, err)
	}
	return loc, nil
}

// zoneTable maps an instant to its UTC offset in a location by binary
// search over the zone transitions within the data's range; it replaces a
// time.Time conversion per event.
type zoneTable struct {
	starts  []int64 // starts[i] is the first instant of offsets[i]
	offsets []int64 // seconds east of UTC
}

func newZoneTable(loc *time.Location, lo, hi int64) zoneTable {
	z := zoneTable{starts: []int64{math.MinInt64}}
	if loc == nil || loc == time.UTC || lo > hi {
		z.offsets = []int64{0}
		return z
	}
	t := lo
	for {
		tt := time.Unix(t, 0).In(loc)
		_, off := tt.Zone()
		if len(z.offsets) == 0 {
			z.offsets = append(z.offsets, int64(off))
		} else {
			z.starts = append(z.starts, t)
			z.offsets = append(z.offsets, int64(off))
		}
		_, end := tt.ZoneBounds()
		if end.IsZero() || end.Unix() > hi || end.Unix() <= t {
			return z
		}
		t = end.Unix()
	}
}

func (z *zoneTable) offset(t int64) int64 {
	if len(z.offsets) == 1 {
		return z.offsets[0]
	}
	i := sort.Search(len(z.starts), func(i int) bool { return z.starts[i] > t }) - 1
	return z.offsets[i]
}

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// calendar holds, per event, the local calendar day (days since 1970-01-01
// in local time) and the minute of day; invalid events have day = noDay.
type calendar struct {
	day            []int32
	minute         []uint16
	loc            *time.Location
	minDay, maxDay int32 // range of the valid days (0, 0 when none)
}

const noDay = math.MinInt32

// newCalendar decomposes every valid event time in loc.
func newCalendar(ev *Events, loc *time.Location) calendar {
	if loc == nil {
		loc = time.UTC
	}
	n := ev.Len()
	c := calendar{day: make([]int32, n), minute: make([]uint16, n), loc: loc}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i, t := range ev.Time {
		if ev.Valid != nil && !ev.Valid[i] {
			continue
		}
		lo, hi = min(lo, t), max(hi, t)
	}
	z := newZoneTable(loc, lo, hi)
	dlo, dhi := int32(math.MaxInt32), int32(math.MinInt32)
	for i, t := range ev.Time {
		if ev.Valid != nil && !ev.Valid[i] {
			c.day[i] = noDay
			continue
		}
		local := t + z.offset(t)
		d := floorDiv(local, 86400)
		c.day[i] = int32(d)
		c.minute[i] = uint16((local - d*86400) / 60)
		dlo, dhi = min(dlo, int32(d)), max(dhi, int32(d))
	}
	if dlo <= dhi {
		c.minDay, c.maxDay = dlo, dhi
	}
	return c
}

// isoWeekday returns the ISO weekday (1 = Monday … 7 = Sunday) of day d;
// 1970-01-01 (d = 0) was a Thursday.
func isoWeekday(d int32) int { return int(floorDiv(int64(d)+3, 7)*-7+int64(d)+3) + 1 }

// weekIndex numbers the Monday-to-Sunday week holding day d; distinct ISO
// weeks have distinct indices (week 0 starts Monday 1969-12-29).
func weekIndex(d int32) int32 { return int32(floorDiv(int64(d)+3, 7)) }

// isoWeekLabel returns "2024-W03" for the week with index w.
func isoWeekLabel(w int32) string {
	monday := time.Unix((int64(w)*7-3)*86400, 0).UTC()
	y, wk := monday.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, wk)
}

// dayLabel returns "2024-01-15" for day d.
func dayLabel(d int32) string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}
