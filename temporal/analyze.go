package temporal

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Options control Analyze.
type Options struct {
	// Generalization is the event key (slot width, day level, duration
	// bucket, attributes); its slot width is also the trace bucket width.
	Generalization
	// MinWeeks is the number of distinct ISO weeks that make a key a habit;
	// 0 means 4.
	MinWeeks int
	// Location gives local weekday and time of day; nil means UTC.
	Location *time.Location
	// MaxP is the largest p of ε_p; 0 means 4, negative skips trace unicity.
	MaxP int
	// SampleSize is the number of subjects sampled per p; 0 means 2000.
	SampleSize int
	// Seed seeds the sampling; equal seeds give equal results whatever the
	// number of workers.
	Seed uint64
	// TraceAttrs makes trace points carry the key's attributes and
	// duration bucket, not only the time bucket.
	TraceAttrs bool
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Progress, if not nil, is called as subjects are processed, with the
	// stage ("habits", then "traces"), the subjects done and the total
	// (subject codes); calls are serialised, done never decreases within a
	// stage. Coarsen reports it for its first and last measurement only.
	Progress func(stage string, done, total int)
}

func (o Options) withDefaults() Options {
	if o.MinWeeks == 0 {
		o.MinWeeks = 4
	}
	if o.MaxP == 0 {
		o.MaxP = 4
	}
	if o.SampleSize == 0 {
		o.SampleSize = 2000
	}
	return o
}

// Report holds the habit anonymity and trace unicity of an event log under
// one Generalization.
type Report struct {
	Generalization Generalization
	// Events is the number of events; SkippedEvents of them had no subject
	// or no time and were left out.
	Events, SkippedEvents int64
	// Subjects counts the distinct subjects with at least one event.
	Subjects int
	// SubjectsWithHabits counts the subjects having at least one habit.
	SubjectsWithHabits int
	// DistinctHabits counts the distinct habit keys over all subjects.
	DistinctHabits int
	// Habits holds the habit anonymity figures.
	Habits HabitAnonymity
	// Trace holds ε_p for p = 1..MaxP (Trace[p-1]).
	Trace []TraceUnicity
	// Anonymity[s] is a(s) for subject code s, 0 when s has no habit.
	Anonymity []int32
	// HabitSets lists every habit h with S(h), in order of first subject.
	HabitSets []Habit
}

// Habit is one habit key and the subjects S(h) having it (ascending codes).
type Habit struct {
	Label    string // e.g. "Mon 20:00-21:00 media_type=movie"
	Subjects []uint32
}

// HabitAnonymity summarises a(s) over the subjects with habits.
type HabitAnonymity struct {
	// UniqueP1, Le2 and Lt5 are the shares of subjects with habits having
	// a(s) = 1, a(s) ≤ 2 and a(s) < 5.
	UniqueP1, Le2, Lt5 float64
	// SingledOut, Le2Subjects and Lt5Subjects are the absolute numbers of
	// subjects with a(s) = 1, a(s) ≤ 2 and a(s) < 5. Unlike the shares,
	// they cannot fall because coarsening gives more subjects habits.
	SingledOut, Le2Subjects, Lt5Subjects int
	// UniqueP2 is the share, among the SubjectsWithTwoHabits subjects with
	// at least two habits, of those having a pair of habits held together
	// by no other subject.
	UniqueP2              float64
	SubjectsWithTwoHabits int
	// Histogram maps a(s) to the number of subjects with that anonymity.
	Histogram map[int]int
}

// TraceUnicity is ε_p with its sample.
type TraceUnicity struct {
	P int
	// Eligible subjects have at least P points; Sampled of them were drawn
	// and Unique of those were singled out by P random points.
	Eligible, Sampled, Unique int
	// FractionUnique = Unique / Sampled.
	FractionUnique float64
	// CI95 is the 95 % Wilson score interval of FractionUnique
	// (E. B. Wilson, JASA 22, 1927).
	CI95 [2]float64
	// Expected is, for P = 1, the exact sampling-free expectation of
	// FractionUnique: the mean over all subjects with points of the share
	// of their points held by no other subject. NaN for P > 1.
	Expected float64
}

// Analyze computes the habit anonymity and the trace unicity of ev under
// opt.Generalization.
func Analyze(ctx context.Context, ev *Events, opt Options) (*Report, error) {
	p, err := checkPrepare(ctx, ev, opt.Location, opt.Workers)
	if err != nil {
		return nil, err
	}
	return p.analyze(ctx, opt.withDefaults(), true)
}

// prepared holds what every Generalization shares: the local calendar of
// each event and the events grouped by subject.
type prepared struct {
	ev        *Events
	cal       calendar
	bySubject csr // event indices of each subject code, ascending
	subjects  int // subjects with at least one valid event
	skipped   int64
	workers   int
	progress  func(stage string, done, total int) // of the current analysis
}

// overSubjects runs fn over all subject codes in chunks, like parallel,
// and reports the subjects done to p.progress under stage.
func (p *prepared) overSubjects(ctx context.Context, stage string, fn func(w, lo, hi int) error) error {
	ns := p.numSubjects()
	if p.progress == nil {
		return parallel(ctx, ns, subjectChunk, p.workers, fn)
	}
	var mu sync.Mutex
	done := 0
	p.progress(stage, 0, ns)
	return parallel(ctx, ns, subjectChunk, p.workers, func(w, lo, hi int) error {
		if err := fn(w, lo, hi); err != nil {
			return err
		}
		mu.Lock()
		done += hi - lo
		p.progress(stage, done, ns)
		mu.Unlock()
		return nil
	})
}

// checkPrepare checks that ev is given and consistent, then prepares it.
func checkPrepare(ctx context.Context, ev *Events, loc *time.Location, workers int) (*prepared, error) {
	if ev == nil {
		return nil, errors.New("temporal: nil events")
	}
	if err := ev.validate(); err != nil {
		return nil, err
	}
	return prepare(ctx, ev, loc, workers)
}

func prepare(ctx context.Context, ev *Events, loc *time.Location, workers int) (*prepared, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkTimes(ev); err != nil {
		return nil, err
	}
	p := &prepared{ev: ev, cal: newCalendar(ev, loc), workers: workers}
	ns := ev.numSubjects()
	off := make([]int, ns+1)
	for i, s := range ev.Subject {
		if ev.Valid != nil && !ev.Valid[i] {
			p.skipped++
			continue
		}
		off[s+1]++
	}
	for s := range ns {
		if off[s+1] > 0 {
			p.subjects++
		}
		off[s+1] += off[s]
	}
	data := make([]uint32, off[ns])
	next := make([]int, ns)
	copy(next, off[:ns])
	for i, s := range ev.Subject {
		if ev.Valid != nil && !ev.Valid[i] {
			continue
		}
		data[next[s]] = uint32(i)
		next[s]++
	}
	p.bySubject = csr{off: off, data: data}
	return p, nil
}

func (p *prepared) numSubjects() int { return len(p.bySubject.off) - 1 }

// analyze runs both measures; labels asks for Habit labels.
func (p *prepared) analyze(ctx context.Context, opt Options, labels bool) (*Report, error) {
	if opt.MinWeeks < 1 {
		return nil, errors.New("temporal: min weeks must be at least 1")
	}
	k, err := newKeyer(p.ev, &p.cal, opt.Generalization, opt.TraceAttrs)
	if err != nil {
		return nil, err
	}
	p.progress = opt.Progress
	defer func() { p.progress = nil }()
	r := &Report{
		Generalization: opt.Generalization,
		Events:         int64(p.ev.Len()),
		SkippedEvents:  p.skipped,
		Subjects:       p.subjects,
	}
	if err := p.habits(ctx, k, opt.MinWeeks, r, labels); err != nil {
		return nil, err
	}
	if opt.MaxP > 0 {
		if err := p.trace(ctx, k, opt, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Instants outside years 0001–9999 are rejected: they are almost always
// milliseconds or nanoseconds read as seconds.
const (
	minTime = -62135596800 // 0001-01-01T00:00:00Z
	maxTime = 253402300799 // 9999-12-31T23:59:59Z
)

func checkTimes(ev *Events) error {
	for i, t := range ev.Time {
		if (t < minTime || t > maxTime) && (ev.Valid == nil || ev.Valid[i]) {
			name := ev.Source
			if name == "" {
				name = "events"
			}
			return fmt.Errorf("%s: row %d: time %d s since 1970 lies outside the years 0001–9999 (milliseconds read as seconds?)", name, i+1, t)
		}
	}
	return nil
}
