package anonymity

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/quasiid"
)

// TestAnalyzeQIUsageBounded runs AnalyzeQI with the budgets of large
// tables (every walk bounded, two visits per item, three per class in
// all) on 20,000 sessions of the
// usage generator on its 8 QIs, against qiReference, with 1, 2 and 7
// workers: exact figures equal the reference's, bounds are no less, and
// the combination the reference ranks first — the most identifying —
// comes out exact and first.
func TestAnalyzeQIUsageBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force over 255 combinations of 20,000 rows")
	}
	const n = 20_000
	names := []string{"device", "duration", "bit_rate", "codec", "resolution", "media_type", "country", "hour"}
	rows := make([][]string, 0, n)
	err := demo.Each(demo.Options{Seed: 1, Accounts: n/4 + 10}, func(s demo.Session) error {
		if len(rows) == n {
			return context.Canceled
		}
		rows = append(rows, []string{s.Device, strconv.Itoa(s.DurationS), strconv.Itoa(s.BitRateKbps), s.Format,
			s.Resolution, s.MediaType, s.Country, strconv.Itoa(s.Hour)})
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	tbl := &quasiid.Table{Source: "usage", Rows: n}
	for j, name := range names {
		values := make([]string, n)
		for i, row := range rows {
			values[i] = row[j]
		}
		tbl.Columns = append(tbl.Columns, kernColumn(name, quasiid.QuasiIdentifier, values))
	}
	work := qiWork{exactItems: 0, exactWork: 1, perItem: 2, shared: 3, split: 1}
	want := qiReference(names, rows, len(names))
	truth := map[string]QIScore{}
	for _, s := range want {
		truth[strings.Join(s.Columns, ",")] = s
	}
	var got []QIScore
	for _, workers := range []int{1, 2, 7} {
		got, err = AnalyzeQI(context.Background(), qiCount(t, tbl), QIOptions{Workers: workers, work: work})
		if err != nil {
			t.Fatal(err)
		}
		bounded := 0
		for _, g := range got {
			w := truth[strings.Join(g.Columns, ",")]
			switch {
			case g.Bounded && (g.Classes < w.Classes || g.Separation < w.Separation-1e-12):
				t.Errorf("%d workers: bound %+v below %+v", workers, g, w)
			case !g.Bounded && (g.Classes != w.Classes || math.Abs(g.Separation-w.Separation) > 1e-12):
				t.Errorf("%d workers: %+v, want %+v", workers, g, w)
			}
			if g.Bounded {
				bounded++
			}
		}
		if top := got[0]; top.Bounded || strings.Join(top.Columns, ",") != strings.Join(want[0].Columns, ",") {
			t.Errorf("%d workers: ranked first: %+v, want %+v, exact", workers, top, want[0])
		}
		if bounded < 50 {
			t.Errorf("%d workers: only %d of %d combinations bounded: the budget was not exercised", workers, bounded, len(got))
		}
	}
	bounded := 0
	for _, g := range got {
		if g.Bounded {
			bounded++
		}
	}
	t.Logf("%d of %d combinations bounded; first: %v %.5f", bounded, len(got), got[0].Columns, got[0].Distinction)
}
