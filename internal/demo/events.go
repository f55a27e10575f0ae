package demo

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/reidrisk/reidrisk/temporal"
)

// EventOptions control GenerateEvents.
type EventOptions struct {
	// Subjects is the number of accounts, planted ones included; 0 means 1000.
	Subjects int
	// Weeks is the length of the log in ISO weeks; 0 means 10.
	Weeks int
	// EventsPerSubject is the number of background events of each account
	// over the whole log, at most 168 (one per weekday-hour); 0 means 30.
	EventsPerSubject int
	// Groups are the sizes of the planted habit groups; nil means
	// {1, 2, 5, 20}. The first group watches the Monday-20:00 movie.
	Groups []int
	// Location is the zone of the viewers' local time; nil means UTC.
	Location *time.Location
	// Start is a day in the first week; zero means Monday 2024-01-01.
	Start time.Time
	// Seed seeds every random choice.
	Seed uint64
}

// Planted is one planted weekly habit and the subjects sharing it.
type Planted struct {
	// Weekday (ISO, 1 = Monday), Hour and the minute range [0, 25] of the
	// start, local time; the start always falls in the first half hour.
	Weekday, Hour int
	// Media is the media type; durations are drawn from [DurationMin, DurationMax] minutes.
	Media                    string
	DurationMin, DurationMax int
	// Weeks is the number of consecutive weeks, from the first, with the event.
	Weeks int
	// Subjects are the group's subject codes, ascending.
	Subjects []uint32
}

// Label describes the habit: "every Monday ~20:00 a movie of 55–65 minutes, 10 weeks in a row".
func (p Planted) Label() string {
	day := time.Weekday(p.Weekday % 7).String()
	return fmt.Sprintf("every %s ~%02d:00 a %s of %d–%d minutes, %d weeks in a row", day, p.Hour, p.Media, p.DurationMin, p.DurationMax, p.Weeks)
}

// Truth is the ground truth of a generated log.
type Truth struct {
	Habits []Planted
}

var (
	eventMedia    = []string{"movie", "series", "music", "news", "cartoon", "documentary"}
	eventMediaDur = [][2]int{{80, 150}, {20, 60}, {3, 6}, {5, 30}, {10, 30}, {40, 100}}
	eventDevices  = []string{"tv", "phone", "tablet", "laptop"}
	plantedHabits = []struct {
		weekday, hour int
		media         int
		dmin, dmax    int
	}{
		{1, 20, 0, 55, 65}, // the Monday-20:00 movie
		{2, 21, 1, 40, 50},
		{4, 19, 5, 45, 55},
		{6, 10, 4, 20, 30},
		{3, 18, 3, 10, 15},
		{5, 22, 0, 95, 105},
		{7, 9, 2, 3, 6},
	}
	// eventHourWeights is the weekday background viewing intensity of each
	// local hour: low at night, small morning and lunch bumps, an evening
	// peak 19–22.
	eventHourWeights = [24]float64{
		0.15, 0.15, 0.15, 0.15, 0.15, 0.15, // 00–05
		0.4, 1.2, 1.2, // 06–08
		0.8, 0.8, 0.8, 1.2, 1.2, // 09–13
		0.9, 0.9, 0.9, 2, 2, // 14–18
		5, 5, 5, 5, 2, // 19–23
	}
)

// hourWeight is the background viewing intensity of a local weekday-hour:
// eventHourWeights, and weekends heavier, especially in daytime.
func hourWeight(weekday, hour int) float64 {
	w := eventHourWeights[hour]
	if weekday >= 6 {
		w *= 1.5
		if hour >= 9 && hour < 19 {
			w *= 1.6
		}
	}
	return w
}

// withDefaults fills in the zero fields of opt, checks it and returns the
// number of planted subjects.
func (opt *EventOptions) withDefaults() (planted int, err error) {
	opt.Subjects = cmp.Or(opt.Subjects, 1000)
	opt.Weeks = cmp.Or(opt.Weeks, 10)
	opt.EventsPerSubject = cmp.Or(opt.EventsPerSubject, 30)
	if opt.Groups == nil {
		opt.Groups = []int{1, 2, 5, 20}
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Start.IsZero() {
		opt.Start = time.Date(2024, 1, 1, 0, 0, 0, 0, opt.Location)
	}
	switch {
	case opt.Subjects < 0 || opt.Weeks < 0 || opt.EventsPerSubject < 0:
		return 0, errors.New("demo: negative generator size")
	case opt.EventsPerSubject > 7*24:
		return 0, fmt.Errorf("demo: %d background events per subject: at most 168", opt.EventsPerSubject)
	case len(opt.Groups) > len(plantedHabits):
		return 0, fmt.Errorf("demo: %d planted groups: at most %d", len(opt.Groups), len(plantedHabits))
	}
	for _, g := range opt.Groups {
		if g < 1 {
			return 0, fmt.Errorf("demo: planted group of size %d", g)
		}
		planted += g
	}
	if planted > opt.Subjects {
		return 0, fmt.Errorf("demo: planted groups need %d subjects, have %d", planted, opt.Subjects)
	}
	return planted, nil
}

// GenerateEvents returns a synthetic media-server event log with attributes
// "media_type" and "device" and a "duration" in minutes, and the ground
// truth of its planted habits.
//
// Background viewing draws each account's events at distinct local
// weekday-hours (weighted by hourWeight, without replacement), each in a
// random week: so at slot widths up to 60 minutes with the ISO day in the
// key, no background key repeats in two weeks and only the planted
// subjects have habits (for any min_weeks ≥ 2), each habit held by exactly
// its group. In a zone with daylight saving time the hour skipped in spring
// moves a background event into the next hour, so a key may then occur in
// two weeks: the guarantee holds for min_weeks ≥ 3 there. Planted events
// repeat at one weekday-hour in each of the first Weeks weeks, starting in
// the first half hour, on the "tv" device.
func GenerateEvents(opt EventOptions) (*temporal.Events, *Truth, error) {
	total, err := opt.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x7e3b0a1))
	truth, plantedOf := plant(rng, opt)
	g := newEventLog(opt, opt.Subjects*opt.EventsPerSubject+total*opt.Weeks)
	var weights [168]float64
	for h := range weights {
		weights[h] = hourWeight(h/24+1, h%24)
	}
	cands := make([]slotKey, 0, 168)
	for s := range opt.Subjects {
		g.ev.SubjectLabels[s] = fmt.Sprintf("acct-%06d", s)
		grp, isPlanted := plantedOf[uint32(s)]
		// Efraimidis–Spirakis weighted sampling without replacement:
		// the EventsPerSubject smallest −ln(u)/w.
		cands = cands[:0]
		for h, w := range weights {
			if isPlanted && h == (plantedHabits[grp].weekday-1)*24+plantedHabits[grp].hour {
				continue
			}
			cands = append(cands, slotKey{-math.Log(1-rng.Float64()) / w, h})
		}
		slices.SortFunc(cands, func(a, b slotKey) int { return cmp.Compare(a.key, b.key) })
		for _, c := range cands[:opt.EventsPerSubject] {
			g.background(rng, uint32(s), c.slot)
		}
		if isPlanted {
			g.planted(rng, uint32(s), grp)
		}
	}
	return g.events(), truth, nil
}

// slotKey is a weekday-hour (0..167) and its sampling key.
type slotKey struct {
	key  float64
	slot int
}

// plant draws the members of the planted groups, distinct and at random.
func plant(rng *rand.Rand, opt EventOptions) (*Truth, map[uint32]int) {
	perm := rng.Perm(opt.Subjects)
	truth := &Truth{}
	plantedOf := make(map[uint32]int) // subject → group
	next := 0
	for g, size := range opt.Groups {
		p := plantedHabits[g]
		members := make([]uint32, size)
		for i := range members {
			members[i] = uint32(perm[next])
			plantedOf[members[i]] = g
			next++
		}
		slices.Sort(members)
		truth.Habits = append(truth.Habits, Planted{
			Weekday: p.weekday, Hour: p.hour, Media: eventMedia[p.media],
			DurationMin: p.dmin, DurationMax: p.dmax, Weeks: opt.Weeks, Subjects: members,
		})
	}
	return truth, plantedOf
}

// eventLog collects the generated events.
type eventLog struct {
	ev            *temporal.Events
	media, device temporal.Attr
	dur           *temporal.Duration
	weeks         int
	loc           *time.Location
	first         time.Time // local midnight of the first week's Monday
}

func newEventLog(opt EventOptions, n int) *eventLog {
	y, m, d := opt.Start.In(opt.Location).Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, opt.Location)
	first = first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	g := &eventLog{
		ev: &temporal.Events{
			Source:        "generated",
			Subject:       make([]uint32, 0, n),
			Time:          make([]int64, 0, n),
			NumSubjects:   opt.Subjects,
			SubjectLabels: make([]string, opt.Subjects),
		},
		media:  temporal.Attr{Name: "media_type", Labels: eventMedia, Codes: make([]uint32, 0, n)},
		device: temporal.Attr{Name: "device", Labels: eventDevices, Codes: make([]uint32, 0, n)},
		dur:    &temporal.Duration{Name: "duration", Codes: make([]uint32, 0, n), Values: make([]float64, 201)},
		weeks:  opt.Weeks, loc: opt.Location, first: first,
	}
	for i := range g.dur.Values {
		g.dur.Values[i] = float64(i)
	}
	return g
}

// at returns the instant of a local weekday (ISO) and time of the given week.
func (g *eventLog) at(week, weekday, hour, minute, second int) int64 {
	fy, fm, fd := g.first.Date()
	return time.Date(fy, fm, fd+7*week+weekday-1, hour, minute, second, 0, g.loc).Unix()
}

func (g *eventLog) add(s uint32, t int64, media, device, dur int) {
	g.ev.Subject = append(g.ev.Subject, s)
	g.ev.Time = append(g.ev.Time, t)
	g.media.Codes = append(g.media.Codes, uint32(media))
	g.device.Codes = append(g.device.Codes, uint32(device))
	g.dur.Codes = append(g.dur.Codes, uint32(dur))
}

// background adds one background event of s at a weekday-hour slot in a
// random week.
func (g *eventLog) background(rng *rand.Rand, s uint32, slot int) {
	mt := rng.IntN(len(eventMedia))
	if slot%24 >= 19 && slot%24 < 23 && rng.IntN(2) == 0 {
		mt = rng.IntN(2) // evenings: movies and series
	}
	r := eventMediaDur[mt]
	t := g.at(rng.IntN(g.weeks), slot/24+1, slot%24, rng.IntN(60), rng.IntN(60))
	device := rng.IntN(len(eventDevices))
	g.add(s, t, mt, device, r[0]+rng.IntN(r[1]-r[0]+1))
}

// planted adds the planted habit of group grp to s, once in each week.
func (g *eventLog) planted(rng *rand.Rand, s uint32, grp int) {
	p := plantedHabits[grp]
	for w := range g.weeks {
		t := g.at(w, p.weekday, p.hour, rng.IntN(26), rng.IntN(60))
		g.add(s, t, p.media, 0, p.dmin+rng.IntN(p.dmax-p.dmin+1))
	}
}

func (g *eventLog) events() *temporal.Events {
	g.ev.Attrs = []temporal.Attr{g.media, g.device}
	g.ev.Duration = g.dur
	return g.ev
}
