package quasiid

import (
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// timeLayouts are the text forms a Time column may take: RFC 3339 / ISO
// 8601 with "T" or a space between date and time, with or without seconds,
// with an offset ("Z", "+01:00", "+0100", "+01") or without (then a local
// time in EncodeOptions.Location, UTC by default), and a bare date
// (midnight). Fractional seconds are accepted after the seconds by
// time.Parse; a lowercase "t" or "z", valid in RFC 3339, is read as "T" or
// "Z".
var timeLayouts = [...]string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02 15:04:05Z07",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04Z07:00",
	"2006-01-02 15:04",
}

// timeParser parses text times, trying first the layout that worked last.
type timeParser struct{ last int }

// offsetless reports whether layout has no zone offset.
func offsetless(layout string) bool { return !strings.Contains(layout, "Z07") }

// parse returns s as Unix seconds (floored), or false; offsetless reports
// that s had no offset (its wall clock was read as UTC).
func (p *timeParser) parse(s string) (sec int64, offsetless bool, ok bool) {
	if len(s) < 10 {
		return 0, false, false
	}
	s = upperTZ(s)
	if t, err := time.Parse(timeLayouts[p.last], s); err == nil {
		return t.Unix(), layoutOffsetless[p.last], true
	}
	for k, layout := range timeLayouts {
		if k == p.last {
			continue
		}
		if t, err := time.Parse(layout, s); err == nil {
			p.last = k
			return t.Unix(), layoutOffsetless[k], true
		}
	}
	return 0, false, false
}

// layoutOffsetless[k] reports whether timeLayouts[k] has no offset.
var layoutOffsetless = func() (out [len(timeLayouts)]bool) {
	for k, l := range timeLayouts {
		out[k] = offsetless(l)
	}
	return out
}()

// upperTZ returns s with a lowercase "t" date-time separator and a trailing
// lowercase "z" in upper case (RFC 3339 §5.6 allows both cases).
func upperTZ(s string) string {
	t, z := len(s) > 10 && s[10] == 't', s[len(s)-1] == 'z'
	if !t && !z {
		return s
	}
	b := []byte(s)
	if t {
		b[10] = 'T'
	}
	if z {
		b[len(b)-1] = 'Z'
	}
	return string(b)
}

// unitsPerSecond returns how many ticks of u make a second.
func unitsPerSecond(u arrow.TimeUnit) int64 {
	switch u {
	case arrow.Millisecond:
		return 1e3
	case arrow.Microsecond:
		return 1e6
	case arrow.Nanosecond:
		return 1e9
	}
	return 1
}

// floorDiv divides rounding towards minus infinity, so instants before
// 1970 fall in the right second.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
