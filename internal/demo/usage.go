// Package demo generates the synthetic data that `reidrisk demo` analyses
// — a media-server usage table (Generate) and an event log with planted
// weekly habits of known group sizes (GenerateEvents) — and tells the
// event log's story (Story). Both come from seeded generators, so the demo
// tells the same story on every machine; the tests of package temporal
// use the event log as ground truth.
package demo

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
)

// Columns lists the usage table's columns in order.
var columns = []string{
	"account_id", "device_type", "duration_s", "bit_rate_kbps", "media_format",
	"resolution", "media_type", "country", "hour_of_day",
}

// Columns returns the names of the usage table's columns, in order.
func Columns() []string { return append([]string(nil), columns...) }

// Session is one playback session on a media server.
type Session struct {
	Account     string // subject: the account the session belongs to
	Device      string // smart_tv, phone, tablet, web, set_top_box, console
	DurationS   int    // seconds played
	BitRateKbps int    // average bit rate
	Format      string // codec/container of the media played
	Resolution  string // 480p … 2160p, or "audio"
	MediaType   string // movie, episode, music, live_tv, audiobook
	Country     string // ISO 3166-1 alpha-2 of the client address
	Hour        int    // local hour of day the session started, 0–23
}

// Options size the generated table.
type Options struct {
	Seed     uint64 // generator seed; the same seed gives the same table
	Accounts int    // number of accounts; 0 means 1500
}

type weighted[T any] struct {
	v T
	w float64
}

func pick[T any](r *rand.Rand, xs []weighted[T]) T {
	var sum float64
	for _, x := range xs {
		sum += x.w
	}
	u := r.Float64() * sum
	for _, x := range xs {
		if u < x.w {
			return x.v
		}
		u -= x.w
	}
	return xs[len(xs)-1].v
}

var (
	countries = []weighted[string]{
		{"US", 30}, {"DE", 12}, {"GB", 10}, {"FR", 8}, {"CA", 6}, {"NL", 5}, {"ES", 5},
		{"IT", 4}, {"SE", 3}, {"AU", 3}, {"BR", 3}, {"PL", 2}, {"CH", 2}, {"BE", 2},
		{"AT", 1.5}, {"DK", 1}, {"NO", 1}, {"FI", 1}, {"IE", 1}, {"PT", 1}, {"NZ", 0.6},
		{"JP", 0.5}, {"IS", 0.2}, {"LU", 0.2},
	}
	devices = []weighted[string]{
		{"smart_tv", 30}, {"phone", 25}, {"web", 15}, {"tablet", 12}, {"set_top_box", 10}, {"console", 8},
	}
	mediaTypes = []weighted[string]{
		{"episode", 40}, {"movie", 22}, {"music", 22}, {"live_tv", 10}, {"audiobook", 6},
	}
	// hourly start-time curve: quiet nights, evening peak.
	hourWeights = [24]float64{3, 2, 1, 0.5, 0.3, 0.3, 0.8, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 6, 8, 10, 12, 11, 8, 5}
)

// screen resolutions a device type plays video at.
var deviceRes = map[string][]weighted[string]{
	"smart_tv":    {{"1080p", 45}, {"2160p", 40}, {"720p", 15}},
	"set_top_box": {{"1080p", 55}, {"2160p", 25}, {"720p", 20}},
	"console":     {{"1080p", 50}, {"2160p", 40}, {"720p", 10}},
	"web":         {{"1080p", 50}, {"720p", 40}, {"480p", 10}},
	"tablet":      {{"1080p", 40}, {"720p", 50}, {"480p", 10}},
	"phone":       {{"720p", 55}, {"1080p", 25}, {"480p", 20}},
}

// nominal bit rates in kbps.
var resKbps = map[string]float64{"480p": 1500, "720p": 3000, "1080p": 6000, "2160p": 16000}

type account struct {
	id      string
	country string
	devices []string
	res     map[string]string // device → the resolution it usually plays
	hours   []int             // habitual start hours
	likes   string            // favourite media type
	videoFm string            // codec the account's client negotiates
	sessN   int
}

// Generate returns the sessions of opt.Accounts synthetic accounts. Each
// account has a home country, one to three devices, a favourite media type
// and a few habitual hours, so that the coarse fields are shared by many
// accounts while exact durations and bit rates are nearly unique.
func Generate(opt Options) []Session {
	var out []Session
	Each(opt, func(s Session) error {
		out = append(out, s)
		return nil
	})
	return out
}

// Each calls f with each session Generate returns, in the same order,
// without holding them in memory; it stops at f's first error and returns
// it.
func Each(opt Options, f func(Session) error) error {
	n := opt.Accounts
	if n <= 0 {
		n = 1500
	}
	r := rand.New(rand.NewPCG(opt.Seed, 0x5eed_da7a))
	for i := 0; i < n; i++ {
		a := newAccount(r, i)
		for s := 0; s < a.sessN; s++ {
			if err := f(a.session(r)); err != nil {
				return err
			}
		}
	}
	return nil
}

func newAccount(r *rand.Rand, i int) *account {
	a := &account{
		id:      fmt.Sprintf("acct-%05d", 10000+i),
		country: pick(r, countries),
		res:     map[string]string{},
		likes:   pick(r, mediaTypes),
		videoFm: pick(r, []weighted[string]{{"h264", 55}, {"hevc", 30}, {"av1", 15}}),
	}
	nd := 1 + pick(r, []weighted[int]{{0, 50}, {1, 35}, {2, 15}})
	for len(a.devices) < nd {
		d := pick(r, devices)
		dup := false
		for _, x := range a.devices {
			dup = dup || x == d
		}
		if !dup {
			a.devices = append(a.devices, d)
			a.res[d] = pick(r, deviceRes[d])
		}
	}
	hw := make([]weighted[int], 24)
	for h := range hw {
		hw[h] = weighted[int]{h, hourWeights[h]}
	}
	for k := 1 + r.IntN(3); k > 0; k-- {
		a.hours = append(a.hours, pick(r, hw))
	}
	// sessions per account: heavy-tailed, 1 to ~60, mean about 12.
	a.sessN = 1 + int(math.Min(59, r.ExpFloat64()*11))
	return a
}

func (a *account) session(r *rand.Rand) Session {
	s := Session{Account: a.id, Country: a.country}
	s.Device = a.devices[r.IntN(len(a.devices))]
	if r.Float64() < 0.6 {
		s.MediaType = a.likes
	} else {
		s.MediaType = pick(r, mediaTypes)
	}
	if r.Float64() < 0.75 {
		s.Hour = a.hours[r.IntN(len(a.hours))]
	} else {
		hw := make([]weighted[int], 24)
		for h := range hw {
			hw[h] = weighted[int]{h, hourWeights[h]}
		}
		s.Hour = pick(r, hw)
	}
	switch s.MediaType {
	case "music", "audiobook":
		s.Resolution = "audio"
		s.Format = pick(r, []weighted[string]{{"aac", 50}, {"mp3", 25}, {"opus", 15}, {"flac", 10}})
		s.BitRateKbps = map[string]int{"aac": 256, "mp3": 320, "opus": 160, "flac": 900}[s.Format] + r.IntN(40) - 20
		if s.MediaType == "music" {
			s.DurationS = 120 + int(r.ExpFloat64()*1500)
		} else {
			s.DurationS = 600 + int(r.ExpFloat64()*2400)
		}
	default:
		s.Resolution = a.res[s.Device]
		if r.Float64() < 0.15 { // adaptive streaming steps down now and then
			s.Resolution = pick(r, deviceRes[s.Device])
		}
		s.Format = a.videoFm
		if s.MediaType == "live_tv" {
			s.Format = "h264"
		}
		br := resKbps[s.Resolution]
		if s.Format != "h264" {
			br *= 0.65
		}
		s.BitRateKbps = int(br * (0.8 + 0.4*r.Float64()))
		switch s.MediaType {
		case "movie":
			s.DurationS = 600 + r.IntN(7200)
		case "episode":
			s.DurationS = 300 + r.IntN(3300)
		default:
			s.DurationS = 300 + int(r.ExpFloat64()*3600)
		}
	}
	return s
}

// Values returns the session's fields as strings, in Columns order.
func (s Session) Values() []string {
	return []string{
		s.Account, s.Device, strconv.Itoa(s.DurationS), strconv.Itoa(s.BitRateKbps), s.Format,
		s.Resolution, s.MediaType, s.Country, strconv.Itoa(s.Hour),
	}
}

// WriteCSV writes sessions as CSV with a header row.
func WriteCSV(w io.Writer, sessions []Session) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return err
	}
	for _, s := range sessions {
		if err := cw.Write(s.Values()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
