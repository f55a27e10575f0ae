package benchmarks

import (
	"context"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/quasiid"
)

// BenchmarkLocalSuppressAdult blanks cells of Adult with issue 14's keys
// (age, sex, race, marital-status, education; k = 3) and, as a second
// case, the eight ARX QIs with k = 5. It reports the cells blanked and
// x-count, the time of LocalSuppress over the time of counting the same
// encoded table's classes, measured alternately in each round.
func BenchmarkLocalSuppressAdult(b *testing.B) {
	for _, tc := range []struct {
		name string
		qi   []string
		k    int64
	}{
		{"issue14-k3", []string{"age", "sex", "race", "marital-status", "education"}, 3},
		{"arx8-k5", searchAdultQI, 5},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			src, err := quasiid.Open(fixture.Path(b, "adult/adult.csv"), quasiid.ReadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			t, err := quasiid.Encode(ctx, src, quasiid.Spec{QI: tc.qi}, quasiid.EncodeOptions{})
			src.Close()
			if err != nil {
				b.Fatal(err)
			}
			var count, local time.Duration
			var cells int64
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				c, err := anonymity.Count(ctx, t, anonymity.CountOptions{})
				if err != nil {
					b.Fatal(err)
				}
				count += time.Since(start)
				start = time.Now()
				res, err := generalize.LocalSuppress(ctx, c, generalize.LocalOptions{K: tc.k})
				if err != nil {
					b.Fatal(err)
				}
				local += time.Since(start)
				cells = res.Cells
			}
			b.ReportMetric(float64(cells), "cells")
			b.ReportMetric(float64(local)/float64(count), "x-count")
			b.ReportMetric(float64(local.Milliseconds())/float64(b.N), "ms/suppress")
		})
	}
}
