package temporal

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Digest is an event log reduced, subject by subject, to what habits and
// the exact p = 1 trace unicity are computed from, with every event key and
// trace point written by value rather than by dictionary code. Digests of
// disjoint parts of one log, encoded with different dictionaries, merge
// into the digest of the whole log (MergeDigests): a log too large for one
// machine can be digested part by part, for instance on Apache Beam.
type Digest struct {
	// Events and SkippedEvents count the events and those without subject
	// or time, as Report does.
	Events, SkippedEvents int64
	// Subjects holds one entry per subject with at least one valid event,
	// in ascending order of Subject.
	Subjects []SubjectDigest
}

// SubjectDigest is one subject's share of a Digest.
type SubjectDigest struct {
	// Subject is the subject's label (Events.SubjectLabel): subjects are
	// identified by their labels across digests.
	Subject string
	// Keys are the subject's event keys by value (see KeyWeeks), in
	// ascending order of Key.
	Keys []KeyWeeks
	// Points are the subject's distinct trace points by value, ascending:
	// (local day, slot) under ISODay, (ISO week, weekday-or-weekend,
	// slot) under WeekdayWeekend, (ISO week, slot) under AnyDay, followed
	// by the key's attributes and duration bucket when Options.TraceAttrs
	// is set, exactly as Analyze forms them.
	Points []string
}

// KeyWeeks is one event key of a subject and the ISO weeks it occurs in.
// Key is an opaque byte string, equal for two events exactly when Analyze
// gives them the same event key: the day class, the slot, each attribute's
// value (null apart from every string) and the lower bound of the duration
// bucket (missing apart from every number). Weeks are distinct week
// numbers, ascending (week 0 starts on Monday 1969-12-29; consecutive ISO
// weeks have consecutive numbers).
type KeyWeeks struct {
	Key   string
	Weeks []int32
}

// Habits returns the keys of d occurring in at least minWeeks distinct
// weeks, the subject's habits, ascending; minWeeks 0 means 4, as in
// Options.
func (d *SubjectDigest) Habits(minWeeks int) []string {
	if minWeeks == 0 {
		minWeeks = 4
	}
	var hs []string
	for _, k := range d.Keys {
		if len(k.Weeks) >= minWeeks {
			hs = append(hs, k.Key)
		}
	}
	return hs
}

// NewDigest digests ev under opt.Generalization, opt.Location and
// opt.TraceAttrs (the other options play no part). It fails as Analyze
// does on invalid events or options, and when two subject codes having
// events share one label.
func NewDigest(ctx context.Context, ev *Events, opt Options) (*Digest, error) {
	p, err := checkPrepare(ctx, ev, opt.Location, 1)
	if err != nil {
		return nil, err
	}
	k, err := newKeyer(ev, &p.cal, opt.Generalization, opt.TraceAttrs)
	if err != nil {
		return nil, err
	}
	d := &Digest{Events: int64(ev.Len()), SkippedEvents: p.skipped, Subjects: make([]SubjectDigest, 0, p.subjects)}
	keyValue := make(map[uint64]string)
	pointValue := make(map[uint64]string)
	var kw []keyWeek
	var pts []uint64
	var buf []byte
	for s := range p.numSubjects() {
		events := p.bySubject.list(s)
		if len(events) == 0 {
			continue
		}
		if s%subjectChunk == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		kw, pts = kw[:0], pts[:0]
		for _, i := range events {
			kw = append(kw, keyWeek{k.habitKey(int(i)), weekIndex(p.cal.day[i])})
			pts = append(pts, k.pointKey(int(i)))
		}
		slices.SortFunc(kw, func(a, b keyWeek) int {
			if c := cmp.Compare(a.key, b.key); c != 0 {
				return c
			}
			return cmp.Compare(a.week, b.week)
		})
		sd := SubjectDigest{Subject: ev.SubjectLabel(uint32(s))}
		for i := 0; i < len(kw); {
			key := kw[i].key
			v, ok := keyValue[key]
			if !ok {
				buf = k.keyValue(buf[:0], key)
				v = string(buf)
				keyValue[key] = v
			}
			weeks := []int32{kw[i].week}
			j := i + 1
			for ; j < len(kw) && kw[j].key == key; j++ {
				if kw[j].week != kw[j-1].week {
					weeks = append(weeks, kw[j].week)
				}
			}
			sd.Keys = append(sd.Keys, KeyWeeks{Key: v, Weeks: weeks})
			i = j
		}
		slices.SortFunc(sd.Keys, func(a, b KeyWeeks) int { return strings.Compare(a.Key, b.Key) })
		slices.Sort(pts)
		pts = slices.Compact(pts)
		sd.Points = make([]string, len(pts))
		for j, pt := range pts {
			v, ok := pointValue[pt]
			if !ok {
				buf = k.pointValue(buf[:0], pt)
				v = string(buf)
				pointValue[pt] = v
			}
			sd.Points[j] = v
		}
		slices.Sort(sd.Points)
		d.Subjects = append(d.Subjects, sd)
	}
	slices.SortFunc(d.Subjects, func(a, b SubjectDigest) int { return strings.Compare(a.Subject, b.Subject) })
	for i := 1; i < len(d.Subjects); i++ {
		if d.Subjects[i].Subject == d.Subjects[i-1].Subject {
			return nil, fmt.Errorf("temporal: two subject codes share a label (subjects %d and %d in label order)", i, i+1)
		}
	}
	return d, nil
}

// MergeDigests returns the digest of the union of the logs digested in
// parts: event counts add up, a subject found in several parts gets the
// union of its keys, of each key's weeks and of its points. The parts must
// have been digested with the same options; they are not modified, but the
// result may share their slices.
func MergeDigests(parts ...*Digest) *Digest {
	out := &Digest{}
	n := 0
	for _, p := range parts {
		if p != nil {
			out.Events += p.Events
			out.SkippedEvents += p.SkippedEvents
			n += len(p.Subjects)
		}
	}
	all := make([]SubjectDigest, 0, n)
	for _, p := range parts {
		if p != nil {
			all = append(all, p.Subjects...)
		}
	}
	out.Subjects = mergeRuns(out.Subjects, all, func(d SubjectDigest) string { return d.Subject }, mergeSubject)
	return out
}

// mergeSubject merges the digests of one subject.
func mergeSubject(ds []SubjectDigest) SubjectDigest {
	out := SubjectDigest{Subject: ds[0].Subject}
	var keys []KeyWeeks
	for _, d := range ds {
		keys = append(keys, d.Keys...)
		out.Points = append(out.Points, d.Points...)
	}
	slices.Sort(out.Points)
	out.Points = slices.Compact(out.Points)
	out.Keys = mergeRuns(out.Keys, keys, func(k KeyWeeks) string { return k.Key }, func(run []KeyWeeks) KeyWeeks {
		var weeks []int32
		for _, k := range run {
			weeks = append(weeks, k.Weeks...)
		}
		slices.Sort(weeks)
		return KeyWeeks{Key: run[0].Key, Weeks: slices.Compact(weeks)}
	})
	return out
}

// mergeRuns sorts xs by key and appends to out one element per run of
// equal keys: the element itself when alone, else merge of the run.
func mergeRuns[T any](out, xs []T, key func(T) string, merge func([]T) T) []T {
	slices.SortFunc(xs, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	for i := 0; i < len(xs); {
		j := i + 1
		for j < len(xs) && key(xs[j]) == key(xs[i]) {
			j++
		}
		if j == i+1 {
			out = append(out, xs[i])
		} else {
			out = append(out, merge(xs[i:j]))
		}
		i = j
	}
	return out
}

// keyValue appends the value form of habit key key (see KeyWeeks): the day
// class as one byte, the slot as a uvarint, then the tail.
func (k *keyer) keyValue(dst []byte, key uint64) []byte {
	head, tail := k.splitTail(key)
	dst = append(dst, byte(head/k.nslot))
	dst = binary.AppendUvarint(dst, head%k.nslot)
	return k.tailValue(dst, tail)
}

// pointValue appends the value form of trace point key pt: the day (or
// week class) as an absolute varint, so that it does not depend on the
// part's first day, the slot as a uvarint, then the tail if any.
func (k *keyer) pointValue(dst []byte, pt uint64) []byte {
	head, tail := pt, []uint64(nil)
	if k.traceAttrs {
		head, tail = k.splitTail(pt)
	}
	day := int64(head / k.nslot)
	switch k.g.Days {
	case ISODay:
		day += int64(k.minDay)
	case WeekdayWeekend:
		day += 2 * int64(k.minWeek)
	default:
		day += int64(k.minWeek)
	}
	dst = binary.AppendVarint(dst, day)
	dst = binary.AppendUvarint(dst, head%k.nslot)
	if k.traceAttrs {
		dst = k.tailValue(dst, tail)
	}
	return dst
}

// splitTail splits a key into its head (day and slot) and its tail
// components (attribute codes, then duration bucket), as tail built them.
func (k *keyer) splitTail(key uint64) (uint64, []uint64) {
	n := len(k.attrCodes)
	if k.durCodes != nil {
		n++
	}
	tail := make([]uint64, n)
	if k.durCodes != nil {
		n--
		tail[n] = key % k.durCard
		key /= k.durCard
	}
	for j := len(k.attrCodes) - 1; j >= 0; j-- {
		tail[j] = key % k.attrCard[j]
		key /= k.attrCard[j]
	}
	return key, tail
}

// tailValue appends the attribute values and duration bucket of a tail:
// 0 for null (or a missing duration), else 1 and the value (the string
// with its uvarint length, or the bucket's lower bound as 8 big-endian
// bytes of its float64 bits, −0 written as 0).
func (k *keyer) tailValue(dst []byte, tail []uint64) []byte {
	for j := range k.attrCodes {
		c := uint32(tail[j])
		if k.attrNull[j] == c+1 {
			dst = append(dst, 0)
			continue
		}
		v := k.attrLabel[j][c]
		dst = append(dst, 1)
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	if k.durCodes != nil {
		lo := k.durLow[tail[len(tail)-1]]
		if math.IsNaN(lo) {
			return append(dst, 0)
		}
		dst = append(dst, 1)
		if lo == 0 {
			lo = 0 // −0 and 0 are one bucket
		}
		dst = binary.BigEndian.AppendUint64(dst, math.Float64bits(lo))
	}
	return dst
}
