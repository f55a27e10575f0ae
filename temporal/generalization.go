package temporal

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// DayLevel is how much of the day an event key keeps.
type DayLevel int

const (
	// ISODay keeps the ISO weekday, 1 = Monday … 7 = Sunday.
	ISODay DayLevel = iota
	// WeekdayWeekend keeps only whether the day is Monday–Friday or
	// Saturday–Sunday.
	WeekdayWeekend
	// AnyDay drops the day: a key holds for the whole ISO week.
	AnyDay
)

// String returns "day", "weekday_weekend" or "none" (the names used in
// reports and accepted by ParseDayLevel).
func (l DayLevel) String() string {
	switch l {
	case ISODay:
		return "day"
	case WeekdayWeekend:
		return "weekday_weekend"
	case AnyDay:
		return "none"
	}
	return "DayLevel(" + strconv.Itoa(int(l)) + ")"
}

// ParseDayLevel is the inverse of DayLevel.String.
func ParseDayLevel(s string) (DayLevel, error) {
	for l := ISODay; l <= AnyDay; l++ {
		if l.String() == s {
			return l, nil
		}
	}
	return 0, fmt.Errorf("temporal: day level %q: want day, weekday_weekend or none", s)
}

// Slot widths of the coarsening ladder, in minutes. DayParts (360) splits
// the day into night 00–06, morning 06–12, afternoon 12–18 and evening
// 18–24; WholeDay (1440) drops the time of day.
const (
	DayParts = 360
	WholeDay = 1440
)

// slotLadder is the order in which the coarsening search widens slots.
var slotLadder = []int{15, 30, 60, 120, 240, DayParts, WholeDay}

// Generalization says which parts of an event make up its key, and how
// coarsely: the zero value is not valid (SlotMinutes must be set).
type Generalization struct {
	// SlotMinutes is the slot width; it must divide 1440.
	SlotMinutes int
	// Days is the day level of the key.
	Days DayLevel
	// DurationBucket is the bucket width w (key part ⌊duration / w⌋);
	// 0 leaves the duration out of the key.
	DurationBucket float64
	// Attrs names the attribute columns in the key, in order.
	Attrs []string
}

// Describe returns g in words for reports: "ISO weekday × 60-min slot ×
// media_type × duration/15", "weekday/weekend × day part", or "ISO week
// only" when every part is coarsened away.
func (g Generalization) Describe() string {
	var parts []string
	switch g.Days {
	case ISODay:
		parts = append(parts, "ISO weekday")
	case WeekdayWeekend:
		parts = append(parts, "weekday/weekend")
	}
	switch g.SlotMinutes {
	case WholeDay:
	case DayParts:
		parts = append(parts, "day part")
	default:
		parts = append(parts, strconv.Itoa(g.SlotMinutes)+"-min slot")
	}
	parts = append(parts, g.Attrs...)
	if g.DurationBucket > 0 {
		parts = append(parts, "duration/"+strconv.FormatFloat(g.DurationBucket, 'g', -1, 64))
	}
	if len(parts) == 0 {
		return "ISO week only"
	}
	return strings.Join(parts, " × ")
}

// String describes g, e.g. "slot=60m day attrs=[media_type] duration/15".
func (g Generalization) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "slot=%dm days=%s", g.SlotMinutes, g.Days)
	if len(g.Attrs) > 0 {
		fmt.Fprintf(&b, " attrs=[%s]", strings.Join(g.Attrs, ","))
	}
	if g.DurationBucket > 0 {
		fmt.Fprintf(&b, " duration/%s", strconv.FormatFloat(g.DurationBucket, 'g', -1, 64))
	}
	return b.String()
}

func (g Generalization) check(ev *Events) error {
	if g.SlotMinutes <= 0 || g.SlotMinutes > WholeDay || WholeDay%g.SlotMinutes != 0 {
		return fmt.Errorf("temporal: slot of %d minutes: want a width dividing 1440 (15, 30, 60, …)", g.SlotMinutes)
	}
	if g.Days < ISODay || g.Days > AnyDay {
		return fmt.Errorf("temporal: unknown day level %d", g.Days)
	}
	if g.DurationBucket < 0 || math.IsNaN(g.DurationBucket) || math.IsInf(g.DurationBucket, 0) {
		return fmt.Errorf("temporal: duration bucket width %v: want a positive number or 0", g.DurationBucket)
	}
	if g.DurationBucket > 0 && ev.Duration == nil {
		return fmt.Errorf("temporal: duration bucket %v given but the events have no duration column", g.DurationBucket)
	}
	for i, a := range g.Attrs {
		if ev.attr(a) < 0 {
			return fmt.Errorf("temporal: attribute %q is not a column of the events", a)
		}
		if slices.Contains(g.Attrs[:i], a) {
			return fmt.Errorf("temporal: attribute %q named twice", a)
		}
	}
	return nil
}

// keyer computes the mixed-radix event key and trace point of each event
// under one Generalization.
type keyer struct {
	g         Generalization
	cal       *calendar
	slotW     uint16
	nslot     uint64
	dayCard   uint64
	attrCodes [][]uint32
	attrCard  []uint64
	attrLabel [][]string
	attrNull  []uint32 // Attr.null of each key attribute
	attrName  []string
	durCodes  []uint32
	durBucket []uint32  // per duration dictionary code: dense bucket id
	durLow    []float64 // per bucket id: lower bound (NaN: missing)
	durCard   uint64
	// points
	minDay, maxDay, minWeek int32
	pointDays               uint64
	traceAttrs              bool
}

func newKeyer(ev *Events, cal *calendar, g Generalization, traceAttrs bool) (*keyer, error) {
	if err := g.check(ev); err != nil {
		return nil, err
	}
	k := &keyer{g: g, cal: cal, slotW: uint16(g.SlotMinutes), nslot: uint64(WholeDay / g.SlotMinutes), durCard: 1, traceAttrs: traceAttrs}
	switch g.Days {
	case ISODay:
		k.dayCard = 7
	case WeekdayWeekend:
		k.dayCard = 2
	default:
		k.dayCard = 1
	}
	for _, name := range g.Attrs {
		a := ev.Attrs[ev.attr(name)]
		k.attrCodes = append(k.attrCodes, a.Codes)
		k.attrCard = append(k.attrCard, uint64(max(len(a.Labels), 1)))
		k.attrLabel = append(k.attrLabel, a.Labels)
		k.attrNull = append(k.attrNull, a.null)
		k.attrName = append(k.attrName, name)
	}
	if w := g.DurationBucket; w > 0 {
		d := ev.Duration
		k.durCodes = d.Codes
		k.durBucket = make([]uint32, len(d.Values))
		var lows []float64
		missing := false
		for _, v := range d.Values {
			if math.IsNaN(v) {
				missing = true
			} else {
				lows = append(lows, math.Floor(v/w)*w)
			}
		}
		slices.Sort(lows)
		lows = slices.Compact(lows)
		if missing {
			lows = append(lows, math.NaN())
		}
		for c, v := range d.Values {
			if math.IsNaN(v) {
				k.durBucket[c] = uint32(len(lows) - 1)
			} else {
				i, _ := slices.BinarySearch(lows[:len(lows)-b2i(missing)], math.Floor(v/w)*w)
				k.durBucket[c] = uint32(i)
			}
		}
		k.durLow = lows
		k.durCard = uint64(max(len(lows), 1))
	}
	// Point day range.
	lo, hi := cal.minDay, cal.maxDay
	k.minDay, k.maxDay, k.minWeek = lo, hi, weekIndex(lo)
	switch g.Days {
	case ISODay:
		k.pointDays = uint64(hi-lo) + 1
	case WeekdayWeekend:
		k.pointDays = 2 * (uint64(weekIndex(hi)-k.minWeek) + 1)
	default:
		k.pointDays = uint64(weekIndex(hi)-k.minWeek) + 1
	}
	// Overflow checks.
	rest := k.nslot * k.durCard
	for _, c := range k.attrCard {
		hi, lo := bits.Mul64(rest, c)
		if hi != 0 {
			return nil, fmt.Errorf("temporal: event key space of %s exceeds 2^64", g)
		}
		rest = lo
	}
	for _, c := range []uint64{k.dayCard, k.pointDays} {
		if h, _ := bits.Mul64(rest, c); h != 0 {
			return nil, fmt.Errorf("temporal: event key space of %s exceeds 2^64", g)
		}
	}
	return k, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// habitSpace returns the number of distinct event keys.
func (k *keyer) habitSpace() uint64 {
	n := k.dayCard * k.nslot * k.durCard
	for _, c := range k.attrCard {
		n *= c
	}
	return n
}

// dayClass returns the key's day component of local day d.
func (k *keyer) dayClass(d int32) uint64 {
	switch k.g.Days {
	case ISODay:
		return uint64(isoWeekday(d) - 1)
	case WeekdayWeekend:
		if isoWeekday(d) >= 6 {
			return 1
		}
		return 0
	}
	return 0
}

// tail appends the attributes and the duration bucket to key.
func (k *keyer) tail(key uint64, i int) uint64 {
	for j, codes := range k.attrCodes {
		key = key*k.attrCard[j] + uint64(codes[i])
	}
	if k.durCodes != nil {
		key = key*k.durCard + uint64(k.durBucket[k.durCodes[i]])
	}
	return key
}

// habitKey returns the event key of event i: (day class, slot, attrs, duration bucket).
func (k *keyer) habitKey(i int) uint64 {
	d := k.cal.day[i]
	key := k.dayClass(d)*k.nslot + uint64(k.cal.minute[i]/k.slotW)
	return k.tail(key, i)
}

// pointKey returns the trace point of event i: (day or week class, slot),
// with the key's attributes and duration bucket when traceAttrs is set.
func (k *keyer) pointKey(i int) uint64 {
	d := k.cal.day[i]
	var day uint64
	switch k.g.Days {
	case ISODay:
		day = uint64(d - k.minDay)
	case WeekdayWeekend:
		day = 2*uint64(weekIndex(d)-k.minWeek) + k.dayClass(d)
	default:
		day = uint64(weekIndex(d) - k.minWeek)
	}
	key := day*k.nslot + uint64(k.cal.minute[i]/k.slotW)
	if k.traceAttrs {
		key = k.tail(key, i)
	}
	return key
}

var weekdayNames = [...]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// slotLabel returns "20:00-21:00" for slot s, "evening" for day parts and
// "" for the whole day.
func slotLabel(width, s int) string {
	switch width {
	case WholeDay:
		return ""
	case DayParts:
		return [...]string{"night", "morning", "afternoon", "evening"}[s]
	}
	a, b := s*width, (s+1)*width
	return fmt.Sprintf("%02d:%02d-%02d:%02d", a/60, a%60, b/60, b%60)
}

func (k *keyer) durationLabel(b int) string {
	lo := k.durLow[b]
	if math.IsNaN(lo) {
		return "NULL"
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return "[" + f(lo) + "," + f(lo+k.g.DurationBucket) + ")"
}

// habitLabel decodes a habit key, e.g. "Mon 20:00-21:00 media_type=movie duration=[60,75)".
func (k *keyer) habitLabel(key uint64) string {
	var tail []string
	if k.durCodes != nil {
		tail = append(tail, "duration="+k.durationLabel(int(key%k.durCard)))
		key /= k.durCard
	}
	for j := len(k.attrCodes) - 1; j >= 0; j-- {
		c := key % k.attrCard[j]
		key /= k.attrCard[j]
		tail = append(tail, k.attrName[j]+"="+k.attrLabel[j][c])
	}
	slices.Reverse(tail)
	slot := int(key % k.nslot)
	day := int(key / k.nslot)
	var parts []string
	switch k.g.Days {
	case ISODay:
		parts = append(parts, weekdayNames[day])
	case WeekdayWeekend:
		parts = append(parts, [...]string{"weekday", "weekend"}[day])
	}
	if s := slotLabel(k.g.SlotMinutes, slot); s != "" {
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		parts = append(parts, "any time")
	}
	return strings.Join(append(parts, tail...), " ")
}
