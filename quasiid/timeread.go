package quasiid

import (
	"fmt"
	"math"
	"time"
)

// Time units of integer time columns (EncodeOptions.TimeUnit).
var timeUnits = map[string]int64{"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}

// CheckTimeUnit returns nil if u is "" (detect the unit from the values)
// or one of "s", "ms", "us" and "ns".
func CheckTimeUnit(u string) error {
	if _, ok := timeUnits[u]; ok || u == "" {
		return nil
	}
	return fmt.Errorf("time unit %q: want s, ms, us or ns", u)
}

// The instants a time may take: years 0001 to 9999, the range of
// ISO 8601's four-digit years.
const (
	minTimeSec = -62135596800 // 0001-01-01T00:00:00Z
	maxTimeSec = 253402300799 // 9999-12-31T23:59:59Z
)

// unitOfMagnitude returns the unit an integer time of magnitude |v| is in
// when the unit is not given: seconds for 1e8 ≤ |v| < 1e11, milliseconds
// below 1e14, microseconds below 1e17, nanoseconds above. Each band holds
// the instants between 1973-03-03 and 5138-11-16 (and as far before 1970)
// in its unit, nanoseconds to the int64 limit of 2262; below 1e8 the unit
// cannot be told (1e8 s is 1973, 1e8 ms is 1970-01-02) and "" is returned.
func unitOfMagnitude(v int64) string {
	a := math.Abs(float64(v))
	switch {
	case a < 1e8:
		return ""
	case a < 1e11:
		return "s"
	case a < 1e14:
		return "ms"
	case a < 1e17:
		return "us"
	}
	return "ns"
}

// timeReader turns the values of one Time column into Unix seconds: text
// (see timeParser), integers in a unit given or detected, and Arrow
// timestamps and dates; it counts into col the local times that fell in a
// gap or repeat of the zone.
type timeReader struct {
	text timeParser
	col  *Column
	// unit is that of integer times: given, or detected from the first one.
	unit  string
	given bool
	zone  *zoneCache // nil: offsetless times are UTC
}

func newTimeReader(col *Column, opt EncodeOptions) timeReader {
	r := timeReader{col: col, unit: opt.TimeUnit, given: opt.TimeUnit != ""}
	if loc := opt.Location; loc != nil && loc != time.UTC && loc.String() != "UTC" {
		r.zone = &zoneCache{loc: loc, lo: 1, hi: 0}
	}
	col.TimeUnit = opt.TimeUnit
	return r
}

// parse reads the text time s; null is true for "" (no time: the row is
// skipped and counted by its user); msg is not empty when s is no time.
func (r *timeReader) parse(s string) (sec int64, null bool, msg string) {
	if s == "" {
		return 0, true, ""
	}
	if v, ok := parseInteger(s); ok {
		sec, msg = r.integer(v)
		return sec, false, msg
	}
	w, offsetless, ok := r.text.parse(s)
	if !ok {
		return 0, false, timeSyntax(s)
	}
	if offsetless {
		w = r.local(w)
	}
	return w, false, ""
}

// parseInteger reads s as a decimal integer with an optional sign.
func parseInteger(s string) (int64, bool) {
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	if i == len(s) || len(s)-i > 19 {
		return 0, false
	}
	var v int64
	for ; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int64(d)
	}
	if v < 0 { // overflow past 9223372036854775807
		return 0, false
	}
	if s[0] == '-' {
		v = -v
	}
	return v, true
}

// integer reads the integer time v in the column's unit, detecting the unit
// from v's magnitude (unitOfMagnitude) on the first integer if none was given.
func (r *timeReader) integer(v int64) (int64, string) {
	if !r.given {
		u := unitOfMagnitude(v)
		switch {
		case r.unit == "" && u == "":
			return 0, "integer time too small to tell its unit from its magnitude (|value| < 1e8 could be seconds in 1970–1973 or milliseconds on 1970-01-01): give the unit (--time-unit s|ms|us|ns)"
		case r.unit == "":
			r.unit = u
			r.col.TimeUnit = u
		case u != "" && u != r.unit:
			return 0, fmt.Sprintf("integer time in the range of unit %s but the column's first integer time was in %s: give the unit (--time-unit s|ms|us|ns)", u, r.unit)
		}
	}
	sec := floorDiv(v, timeUnits[r.unit])
	if sec < minTimeSec || sec > maxTimeSec {
		return 0, fmt.Sprintf("integer time in unit %s is outside the years 0001–9999", r.unit)
	}
	return sec, ""
}

// local returns the instant of the wall-clock time w (Unix seconds of the
// same wall clock in UTC) in the reader's zone; without a zone, w itself.
func (r *timeReader) local(w int64) int64 {
	if r.zone == nil {
		return w
	}
	u, gap, repeated := r.zone.instant(w)
	if gap {
		r.col.DSTGapTimes++
	}
	if repeated {
		r.col.DSTRepeatedTimes++
	}
	return u
}

// zoneCache finds UTC offsets in a zone, remembering the span of the last.
type zoneCache struct {
	loc    *time.Location
	lo, hi int64 // the last offset holds for lo ≤ u < hi
	off    int64
}

// offset returns the UTC offset in seconds in effect at instant u.
func (z *zoneCache) offset(u int64) int64 {
	if u >= z.lo && u < z.hi {
		return z.off
	}
	t := time.Unix(u, 0).In(z.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	z.lo, z.hi, z.off = math.MinInt64, math.MaxInt64, int64(off)
	if !start.IsZero() {
		z.lo = start.Unix()
	}
	if !end.IsZero() {
		z.hi = end.Unix()
	}
	return z.off
}

// instant returns the instant of the wall-clock time w (seconds, as if in
// UTC) in the zone. A wall time the zone skips (a gap: clocks go forward)
// is moved forward by the length of the gap, the instant it would be under
// the offset before the change (02:30 on the day Berlin goes to summer
// time is 03:30 CEST); a wall time the zone shows twice (clocks go back)
// is the earlier instant, under the offset before the change. These are
// the rules of java.time's ZonedDateTime.of and of Python's fold=0. gap
// and repeated report the two cases.
func (z *zoneCache) instant(w int64) (u int64, gap, repeated bool) {
	// The instant lies within ±14 h of w; zones change their offset at
	// most once in such a window, so the offsets a day before and after
	// are the only candidates.
	before, after := z.offset(w-86400), z.offset(w+86400)
	if before == after {
		return w - before, false, false
	}
	ua, ub := w-before, w-after
	okA, okB := z.offset(ua) == before, z.offset(ub) == after
	switch {
	case okA && okB:
		return min(ua, ub), false, true
	case okA:
		return ua, false, false
	case okB:
		return ub, false, false
	}
	return ua, true, false
}
