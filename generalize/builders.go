package generalize

import (
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Masking builds a hierarchy that replaces characters by '*' from the
// right, one more per level (ZIP-like codes: 12345, 1234*, 123**, …);
// the top is "*". Values shorter than a level's mask are masked entirely.
func Masking(column string, values []string) (*Hierarchy, error) {
	longest := 0
	for _, v := range values {
		longest = max(longest, utf8.RuneCountInString(v))
	}
	rows := make([][]string, len(values))
	for i, v := range values {
		r := []rune(v)
		row := []string{v}
		for l := 1; l < longest; l++ {
			keep := max(len(r)-l, 0)
			row = append(row, string(r[:keep])+strings.Repeat("*", len(r)-keep))
		}
		rows[i] = append(row, "*")
	}
	return NewHierarchy(column, "masking from the right", rows)
}

// IPv4 builds a hierarchy of IPv4 address prefixes: the address (/32),
// then a.b.c.0/24, a.b.0.0/16, a.0.0.0/8 and "*".
func IPv4(column string, values []string) (*Hierarchy, error) {
	return labelRows(column, "IPv4 prefixes /24, /16, /8", "an IPv4 address", values, func(v string) ([]string, bool) {
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil || !a.Is4() {
			return nil, false
		}
		var labels []string
		for _, bits := range []int{24, 16, 8} {
			p, _ := a.Prefix(bits)
			labels = append(labels, p.String())
		}
		return labels, true
	})
}

// labelRows builds the hierarchy source of values: labels gives the
// labels of a value between the value and "*", or false when the value is
// not what the hierarchy reads (what, for the error).
func labelRows(column, source, what string, values []string, labels func(v string) ([]string, bool)) (*Hierarchy, error) {
	rows := make([][]string, len(values))
	for i, v := range values {
		ls, ok := labels(v)
		if !ok {
			return nil, fmt.Errorf("generalize: column %s: value %d of %d is not %s", textfmt.Name(column), i+1, len(values), what)
		}
		rows[i] = append(append([]string{v}, ls...), "*")
	}
	return NewHierarchy(column, source, rows)
}

// TimeLevel is one level of a timestamp hierarchy.
type TimeLevel int

const (
	Minute  TimeLevel = iota // 2006-01-02T15:04
	Hour                     // 2006-01-02T15
	DayPart                  // 2006-01-02 night|day|evening (00–08, 08–16, 16–24)
	Day                      // 2006-01-02
	ISOWeek                  // 2006-W01 (ISO 8601 week of the ISO year)
	Month                    // 2006-01
	Year                     // 2006
)

// dayPart names the 8-hour part of the day holding hour h: night (00–08),
// day (08–16) or evening (16–24). Eight-hour parts nest the 2- and 4-hour
// blocks of TimeOfDay.
func dayPart(h int) string {
	switch {
	case h < 8:
		return "night"
	case h < 16:
		return "day"
	}
	return "evening"
}

// parseTime reads RFC 3339 and the common ISO-8601 variants; a time
// without offset is UTC. Times with an offset are converted to UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02 15:04:05Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func timeLabel(t time.Time, l TimeLevel) string {
	switch l {
	case Minute:
		return t.Format("2006-01-02T15:04")
	case Hour:
		return t.Format("2006-01-02T15")
	case DayPart:
		return t.Format("2006-01-02") + " " + dayPart(t.Hour())
	case Day:
		return t.Format("2006-01-02")
	case ISOWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		return t.Format("2006-01")
	}
	return t.Format("2006")
}

// Timestamps builds a hierarchy of dates or timestamps (ISO 8601; no
// offset means UTC) through the given levels, then "*". With no levels it
// uses Minute, Hour, DayPart, Day, Month, Year. ISO weeks do not nest in
// months or calendar years: combining ISOWeek with Month or Year is an
// error from NewHierarchy naming the values that straddle.
func Timestamps(column string, values []string, levels ...TimeLevel) (*Hierarchy, error) {
	if len(levels) == 0 {
		levels = []TimeLevel{Minute, Hour, DayPart, Day, Month, Year}
	}
	for i := 1; i < len(levels); i++ {
		if levels[i] <= levels[i-1] {
			return nil, fmt.Errorf("generalize: column %q: time levels must go from fine to coarse", column)
		}
	}
	return labelRows(column, "timestamps", "an ISO-8601 date or timestamp", values, func(v string) ([]string, bool) {
		t, ok := parseTime(v)
		if !ok {
			return nil, false
		}
		var labels []string
		for _, l := range levels {
			labels = append(labels, timeLabel(t, l))
		}
		return labels, true
	})
}

// TimeOfDay builds a hierarchy of times of day ("15:04", "15:04:05" or an
// hour "15"): hour "15", 2-hour block "14-16", 4-hour block "12-16", part
// of day (night 00–08, day 08–16, evening 16–24), then "*".
func TimeOfDay(column string, values []string) (*Hierarchy, error) {
	return labelRows(column, "time of day", "a time of day", values, func(v string) ([]string, bool) {
		h, ok := hourOf(v)
		block := func(n int) string { return fmt.Sprintf("%02d-%02d", h/n*n, h/n*n+n) }
		return []string{fmt.Sprintf("%02d", h), block(2), block(4), dayPart(h)}, ok
	})
}

func hourOf(v string) (int, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Hour(), true
		}
	}
	h, err := strconv.Atoi(v)
	return h, err == nil && h >= 0 && h < 24
}

// Weekday builds the hierarchy day → weekday|weekend → "*". Values are
// English day names (full or three letters, any case) or ISO numbers 1
// (Monday) to 7 (Sunday).
func Weekday(column string, values []string) (*Hierarchy, error) {
	return labelRows(column, "weekday", "a day of the week", values, func(v string) ([]string, bool) {
		d, ok := weekdayOf(v)
		if d == time.Saturday || d == time.Sunday {
			return []string{"weekend"}, ok
		}
		return []string{"weekday"}, ok
	})
}

func weekdayOf(v string) (time.Weekday, bool) {
	s := strings.ToLower(strings.TrimSpace(v))
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 7 {
		return time.Weekday(n % 7), true
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if s == name || s == name[:3] {
			return d, true
		}
	}
	return 0, false
}

// Ordered builds a hierarchy of ordered categories (order lists every
// value, lowest first) by grouping neighbours: level i groups fanout^i
// consecutive values under "first..last"; the top is "*".
func Ordered(column string, order []string, fanout int) (*Hierarchy, error) {
	if fanout < 2 {
		return nil, fmt.Errorf("generalize: column %q: fanout %d, want ≥ 2", column, fanout)
	}
	rows := make([][]string, len(order))
	for i, v := range order {
		rows[i] = []string{v}
	}
	for g := fanout; g < len(order); g *= fanout {
		for i := range order {
			a := i / g * g
			b := min(a+g, len(order)) - 1
			rows[i] = append(rows[i], order[a]+".."+order[b])
		}
	}
	for i := range rows {
		rows[i] = append(rows[i], "*")
	}
	return NewHierarchy(column, fmt.Sprintf("ordered categories grouped by %d", fanout), rows)
}

// Taxonomy builds a hierarchy from explicit parent maps: parents[0] maps
// each value to its level-1 label, parents[1] each level-1 label to its
// level-2 label, and so on (e.g. device type → device class); "*" is
// added on top. A value or label without a parent is an error naming its
// position (values are data: never shown in messages).
func Taxonomy(column string, values []string, parents ...map[string]string) (*Hierarchy, error) {
	rows := make([][]string, len(values))
	for i, v := range values {
		row := []string{v}
		cur := v
		for l, p := range parents {
			up, ok := p[cur]
			if !ok {
				return nil, fmt.Errorf("generalize: column %s: the level-%d label of value %d of %d has no parent at level %d", textfmt.Name(column), l, i+1, len(values), l+1)
			}
			row = append(row, up)
			cur = up
		}
		rows[i] = append(row, "*")
	}
	return NewHierarchy(column, "taxonomy", rows)
}

// Auto builds a hierarchy from a column's distinct values (with their
// record counts; nil counts each once) when none is given: numbers get 16
// equal-frequency intervals merged pairwise up to "*"; text values of one
// common length of at least 2 characters are masked from the right;
// anything else gets a single level above the values, "*". NULL and the
// empty string keep their own label below the top. The hierarchy reports
// Auto() = true.
func Auto(column string, values []string, counts []int64) (*Hierarchy, error) {
	var plain, special []string
	var plainCounts []int64
	for i, v := range values {
		if v == "" || v == "NULL" {
			special = append(special, v)
			continue
		}
		plain = append(plain, v)
		if counts != nil {
			plainCounts = append(plainCounts, counts[i])
		}
	}
	if counts == nil {
		plainCounts = nil
	}
	var h *Hierarchy
	var err error
	switch {
	case len(plain) == 0:
		h = &Hierarchy{column: column, source: "auto: values or *", rows: [][]string{}}
		h.rows = nil
	case numeric(plain):
		h, err = EqualFrequency(column, plain, plainCounts, 16)
		if err == nil {
			h.source = "auto: equal-frequency intervals"
		}
	case sameLength(plain):
		h, err = Masking(column, plain)
		if err == nil {
			h.source = "auto: masking from the right"
		}
	default:
		h, err = topOnly(column, plain)
	}
	if err != nil {
		return nil, err
	}
	rows := h.rows
	levels := 2
	if len(rows) > 0 {
		levels = len(rows[0])
	}
	for _, v := range special {
		row := make([]string, levels)
		for l := range row {
			row[l] = v
		}
		row[len(row)-1] = "*"
		rows = append(rows, row)
	}
	out, err := NewHierarchy(column, h.source, rows)
	if err != nil {
		return nil, err
	}
	out.auto = true
	return out, nil
}

func topOnly(column string, values []string) (*Hierarchy, error) {
	rows := make([][]string, 0, len(values))
	for _, v := range values {
		rows = append(rows, []string{v, "*"})
	}
	return NewHierarchy(column, "auto: values or *", rows)
}

func numeric(vs []string) bool {
	for _, v := range vs {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func sameLength(vs []string) bool {
	n := utf8.RuneCountInString(vs[0])
	for _, v := range vs {
		if utf8.RuneCountInString(v) != n {
			return false
		}
	}
	return n >= 2
}
