package beam

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
)

// TestTemporalHistogramOrder: min_anonymity_histogram lists a(s) in
// numeric order, byte for byte as the core's report writes it.
func TestTemporalHistogramOrder(t *testing.T) {
	b, err := json.Marshal(TemporalHabits{Histogram: map[int64]int64{10: 1, 2: 3, 1: 4, 100: 5}})
	if err != nil {
		t.Fatal(err)
	}
	const want = `"min_anonymity_histogram":{"1":4,"2":3,"10":1,"100":5}`
	if !strings.Contains(string(b), want) {
		t.Errorf("got %s, want it to hold %s", b, want)
	}
	core, err := json.Marshal(reidrisk.Histogram{"10": 1, "2": 3, "1": 4, "100": 5})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), string(core)) {
		t.Errorf("got %s, the core writes %s", b, core)
	}
}

// dstLog has offsetless times that Europe/Berlin skips (2024-03-31
// 02:00–03:00: two of them) or shows twice (2024-10-27 02:00–03:00: one),
// and times with an offset, which are absolute and counted in neither.
const dstLog = `account,time
a,2024-03-31 02:30
b,2024-03-31T02:45:00
a,2024-10-27 02:30
c,2024-10-27T02:30:00+01:00
c,2024-03-01T10:00:00Z
d,2024-06-01 12:00
d,2024-10-27 03:30
`

// TestTemporalDSTCounts: Beam's dst_gap_times and dst_repeated_times,
// hand-computed (2 and 1 in Berlin, 0 in UTC), equal the core's
// reidrisk.Temporal on the whole log, with the log dealt over streams.
func TestTemporalDSTCounts(t *testing.T) {
	for _, c := range []struct {
		zone          string
		gap, repeated int64
	}{{"Europe/Berlin", 2, 1}, {"", 0, 0}} {
		t.Run(cmp.Or(c.zone, "UTC"), func(t *testing.T) {
			src, err := quasiid.Read("dst.csv", strings.NewReader(dstLog), quasiid.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			core, err := reidrisk.Temporal(context.Background(), src, reidrisk.TemporalOptions{
				Subject: "account", Time: "time", TimeZone: c.zone, MaxP: -1})
			if err != nil {
				t.Fatal(err)
			}
			if core.DSTGapTimes != c.gap || core.DSTRepeatedTimes != c.repeated {
				t.Fatalf("core: %d gap and %d repeated times, want %d and %d", core.DSTGapTimes, core.DSTRepeatedTimes, c.gap, c.repeated)
			}
			opt := TemporalOptions{Subject: "account", Time: "time", TimeZone: c.zone, Shards: 3}
			parts := dealRows([]byte(dstLog), 3)
			got := runTemporal(t, func(s beam.Scope) beam.PCollection {
				return TemporalStreams(s, beam.CreateList(s, parts), opt)
			}, opt)
			if got.DSTGapTimes != c.gap || got.DSTRepeatedTimes != c.repeated || got.Events != core.Events {
				t.Errorf("beam: %d events, %d gap and %d repeated times; core %d, %d and %d",
					got.Events, got.DSTGapTimes, got.DSTRepeatedTimes, core.Events, core.DSTGapTimes, core.DSTRepeatedTimes)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte(`"dst_gap_times":`)) || !bytes.Contains(b, []byte(`"dst_repeated_times":`)) {
				t.Errorf("JSON %s has no DST counts", b)
			}
		})
	}
}
