package quasiid

import (
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// timeLayouts are the text forms a Time column may take: RFC 3339 / ISO
// 8601 with "T" or a space between date and time, with or without seconds,
// with an offset ("Z", "+01:00", "+0100", "+01") or without (then UTC), and
// a bare date (midnight UTC). Fractional seconds are accepted after the
// seconds by time.Parse.
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

// parse returns s as Unix seconds (floored), or false.
func (p *timeParser) parse(s string) (int64, bool) {
	if len(s) < 10 {
		return 0, false
	}
	if t, err := time.Parse(timeLayouts[p.last], s); err == nil {
		return t.Unix(), true
	}
	for k, layout := range timeLayouts {
		if k == p.last {
			continue
		}
		if t, err := time.Parse(layout, s); err == nil {
			p.last = k
			return t.Unix(), true
		}
	}
	return 0, false
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
