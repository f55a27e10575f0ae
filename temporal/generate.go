package temporal

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// GenerateOptions control Generate.
type GenerateOptions struct {
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
	mediaTypes = []string{"movie", "series", "music", "news", "cartoon", "documentary"}
	mediaDur   = [][2]int{{80, 150}, {20, 60}, {3, 6}, {5, 30}, {10, 30}, {40, 100}}
	devices    = []string{"tv", "phone", "tablet", "laptop"}
	planted    = []struct {
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
)

// hourWeight is the background viewing intensity of a local weekday-hour:
// low at night, small morning and lunch bumps, an evening peak 19–22, and
// weekends heavier, especially in daytime.
func hourWeight(weekday, hour int) float64 {
	var w float64
	switch {
	case hour < 6:
		w = 0.15
	case hour < 7:
		w = 0.4
	case hour < 9:
		w = 1.2
	case hour < 12:
		w = 0.8
	case hour < 14:
		w = 1.2
	case hour < 17:
		w = 0.9
	case hour < 19:
		w = 2
	case hour < 23:
		w = 5
	default:
		w = 2
	}
	if weekday >= 6 {
		w *= 1.5
		if hour >= 9 && hour < 19 {
			w *= 1.6
		}
	}
	return w
}

// Generate returns a synthetic media-server event log with attributes
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
// two weeks: the guarantee holds for min_weeks ≥ 3 there. Planted events repeat at one weekday-hour in each of the first
// Weeks weeks, starting in the first half hour, on the "tv" device.
func Generate(opt GenerateOptions) (*Events, *Truth, error) {
	if opt.Subjects == 0 {
		opt.Subjects = 1000
	}
	if opt.Weeks == 0 {
		opt.Weeks = 10
	}
	if opt.EventsPerSubject == 0 {
		opt.EventsPerSubject = 30
	}
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
		return nil, nil, errors.New("temporal: negative generator size")
	case opt.EventsPerSubject > 7*24:
		return nil, nil, fmt.Errorf("temporal: %d background events per subject: at most 168", opt.EventsPerSubject)
	case len(opt.Groups) > len(planted):
		return nil, nil, fmt.Errorf("temporal: %d planted groups: at most %d", len(opt.Groups), len(planted))
	}
	total := 0
	for _, g := range opt.Groups {
		if g < 1 {
			return nil, nil, fmt.Errorf("temporal: planted group of size %d", g)
		}
		total += g
	}
	if total > opt.Subjects {
		return nil, nil, fmt.Errorf("temporal: planted groups need %d subjects, have %d", total, opt.Subjects)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x7e3b0a1))
	// Monday of the first week, local.
	y, m, d := opt.Start.In(opt.Location).Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, opt.Location)
	first = first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	fy, fm, fd := first.Date()
	at := func(week, weekday, hour, minute, second int) int64 {
		return time.Date(fy, fm, fd+7*week+weekday-1, hour, minute, second, 0, opt.Location).Unix()
	}

	// Planted groups: distinct random members.
	perm := rng.Perm(opt.Subjects)
	truth := &Truth{}
	plantedOf := make(map[uint32]int) // subject → group
	next := 0
	for g, size := range opt.Groups {
		p := planted[g]
		members := make([]uint32, size)
		for i := range members {
			members[i] = uint32(perm[next])
			plantedOf[members[i]] = g
			next++
		}
		slices.Sort(members)
		truth.Habits = append(truth.Habits, Planted{
			Weekday: p.weekday, Hour: p.hour, Media: mediaTypes[p.media],
			DurationMin: p.dmin, DurationMax: p.dmax, Weeks: opt.Weeks, Subjects: members,
		})
	}

	n := opt.Subjects*opt.EventsPerSubject + total*opt.Weeks
	ev := &Events{
		Source:        "generated",
		Subject:       make([]uint32, 0, n),
		Time:          make([]int64, 0, n),
		NumSubjects:   opt.Subjects,
		SubjectLabels: make([]string, opt.Subjects),
	}
	media := Attr{Name: "media_type", Labels: mediaTypes, Codes: make([]uint32, 0, n)}
	device := Attr{Name: "device", Labels: devices, Codes: make([]uint32, 0, n)}
	dur := &Duration{Name: "duration", Codes: make([]uint32, 0, n), Values: make([]float64, 201)}
	for i := range dur.Values {
		dur.Values[i] = float64(i)
	}
	var weights [168]float64
	for h := range weights {
		weights[h] = hourWeight(h/24+1, h%24)
	}
	type cand struct {
		key  float64
		slot int
	}
	cands := make([]cand, 0, 168)
	for s := range opt.Subjects {
		ev.SubjectLabels[s] = fmt.Sprintf("acct-%06d", s)
		g, isPlanted := plantedOf[uint32(s)]
		// Efraimidis–Spirakis weighted sampling without replacement:
		// the EventsPerSubject smallest −ln(u)/w.
		cands = cands[:0]
		for h, w := range weights {
			if isPlanted && h == (planted[g].weekday-1)*24+planted[g].hour {
				continue
			}
			cands = append(cands, cand{-math.Log(1-rng.Float64()) / w, h})
		}
		slices.SortFunc(cands, func(a, b cand) int { return cmp.Compare(a.key, b.key) })
		for _, c := range cands[:opt.EventsPerSubject] {
			mt := rng.IntN(len(mediaTypes))
			if c.slot%24 >= 19 && c.slot%24 < 23 && rng.IntN(2) == 0 {
				mt = rng.IntN(2) // evenings: movies and series
			}
			r := mediaDur[mt]
			ev.Subject = append(ev.Subject, uint32(s))
			ev.Time = append(ev.Time, at(rng.IntN(opt.Weeks), c.slot/24+1, c.slot%24, rng.IntN(60), rng.IntN(60)))
			media.Codes = append(media.Codes, uint32(mt))
			device.Codes = append(device.Codes, uint32(rng.IntN(len(devices))))
			dur.Codes = append(dur.Codes, uint32(r[0]+rng.IntN(r[1]-r[0]+1)))
		}
		if isPlanted {
			p := planted[g]
			for w := range opt.Weeks {
				ev.Subject = append(ev.Subject, uint32(s))
				ev.Time = append(ev.Time, at(w, p.weekday, p.hour, rng.IntN(26), rng.IntN(60)))
				media.Codes = append(media.Codes, uint32(p.media))
				device.Codes = append(device.Codes, 0)
				dur.Codes = append(dur.Codes, uint32(p.dmin+rng.IntN(p.dmax-p.dmin+1)))
			}
		}
	}
	ev.Attrs = []Attr{media, device}
	ev.Duration = dur
	return ev, truth, nil
}
