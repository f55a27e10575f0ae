package benchmarks

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/internal/rusage"
	"github.com/reidrisk/reidrisk/temporal"
)

// temporalSubjects × temporalPerSubject = 10M background events, plus the
// planted habits (28 subjects × 10 weeks).
const (
	temporalSubjects   = 100_000
	temporalPerSubject = 100
	temporalNaive      = 10_000 // subjects of the naive-baseline log (1M events)
)

var temporalData struct {
	sync.Mutex
	logs map[int]*temporal.Events
}

// temporalLog returns the generated log of n subjects, built once per process.
func temporalLog(b *testing.B, n int) *temporal.Events {
	temporalData.Lock()
	defer temporalData.Unlock()
	if ev := temporalData.logs[n]; ev != nil {
		return ev
	}
	ev, _, err := demo.GenerateEvents(demo.EventOptions{Subjects: n, EventsPerSubject: temporalPerSubject, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	if temporalData.logs == nil {
		temporalData.logs = map[int]*temporal.Events{}
	}
	temporalData.logs[n] = ev
	return ev
}

// heapPeak samples the live heap every 2 ms until stop is called and
// returns the highest value seen, in bytes.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	var peak uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// benchTemporal times Analyze on the 10M-event log and reports events per
// second, the peak live heap (the log itself included) and that of the
// work alone.
func benchTemporal(b *testing.B, opt temporal.Options) {
	ev := temporalLog(b, temporalSubjects)
	ctx := context.Background()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := heapPeak()
	b.ResetTimer()
	cpu0 := rusage.CPU().Seconds()
	for range b.N {
		if _, err := temporal.Analyze(ctx, ev, opt); err != nil {
			b.Fatal(err)
		}
	}
	cpu := rusage.CPU().Seconds() - cpu0
	b.StopTimer()
	peak := stop()
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(ev.Len())*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mevents/s")
	b.ReportMetric(mb(peak), "peak-heap-MB")
	b.ReportMetric(mb(peak-min(peak, base.HeapAlloc)), "work-heap-MB")
}

// BenchmarkTemporalHabits: habit anonymity (a(s), unique_p1, le_2, lt_5,
// unique_p2) over 10M events of 100k subjects at slot 60 × media type.
func BenchmarkTemporalHabits(b *testing.B) {
	benchTemporal(b, temporal.Options{Generalization: temporal.Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}}, MaxP: -1})
}

// BenchmarkTemporalHabitsTrace: habits plus ε_1..ε_4 (2000 sampled
// subjects per p) on the same log.
func BenchmarkTemporalHabitsTrace(b *testing.B) {
	benchTemporal(b, temporal.Options{Generalization: temporal.Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}}, MaxP: 4, Seed: 1})
}

// BenchmarkTemporalTraceAttrs: habits plus ε_1..ε_4 with points carrying
// media type, device and 15-minute durations (many more distinct points).
func BenchmarkTemporalTraceAttrs(b *testing.B) {
	benchTemporal(b, temporal.Options{Generalization: temporal.Generalization{SlotMinutes: 15,
		Attrs: []string{"media_type", "device"}, DurationBucket: 15}, TraceAttrs: true, MaxP: 4, Seed: 1})
}

// BenchmarkTemporalCoarsen: the least coarsening meeting unique_p1<=0.01
// from slot 60 × media type × 15-minute durations; reports the number of
// generalizations measured and the time per measurement.
func BenchmarkTemporalCoarsen(b *testing.B) {
	ev := temporalLog(b, temporalSubjects)
	pol, err := temporal.ParsePolicy("unique_p1<=0.01")
	if err != nil {
		b.Fatal(err)
	}
	opt := temporal.CoarsenOptions{Options: temporal.Options{Generalization: temporal.Generalization{SlotMinutes: 60,
		Attrs: []string{"media_type"}, DurationBucket: 15}, MaxP: 2, Seed: 1}, Policy: pol}
	runtime.GC()
	stop := heapPeak()
	b.ResetTimer()
	cpu0 := rusage.CPU().Seconds()
	var sg *temporal.Suggestion
	for range b.N {
		if sg, err = temporal.Coarsen(context.Background(), ev, opt); err != nil {
			b.Fatal(err)
		}
	}
	cpu := rusage.CPU().Seconds() - cpu0
	b.StopTimer()
	peak := stop()
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	if !sg.Met {
		b.Fatalf("policy not met: %+v", sg.Generalization)
	}
	b.ReportMetric(float64(sg.Evaluated), "evaluated")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(sg.Evaluated+1), "s/evaluation")
	b.ReportMetric(mb(peak), "peak-heap-MB")
	b.Logf("suggestion %v (cost %v): unique_p1 %.4f → %.4f", sg.Generalization, sg.Cost, sg.Before.Habits.UniqueP1, sg.After.Habits.UniqueP1)
}

// naiveHabits is the obviously correct baseline: maps keyed by strings.
func naiveHabits(ev *temporal.Events, minWeeks int) (unique int) {
	type sk struct {
		s   uint32
		key string
	}
	weeks := map[sk]map[string]bool{}
	for i, t := range ev.Time {
		tt := time.Unix(t, 0).UTC()
		y, w := tt.ISOWeek()
		key := tt.Weekday().String() + "|" + time.Duration(tt.Hour()).String() + "|" + ev.Attrs[0].Labels[ev.Attrs[0].Codes[i]]
		k := sk{ev.Subject[i], key}
		if weeks[k] == nil {
			weeks[k] = map[string]bool{}
		}
		weeks[k][time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).String()+string(rune(w))] = true
	}
	holders := map[string]int{}
	habits := map[uint32][]string{}
	for k, ws := range weeks {
		if len(ws) >= minWeeks {
			holders[k.key]++
			habits[k.s] = append(habits[k.s], k.key)
		}
	}
	for _, hs := range habits {
		for _, h := range hs {
			if holders[h] == 1 {
				unique++
				break
			}
		}
	}
	return unique
}

// BenchmarkTemporalHabitsVsNaive: habits on a 1M-event log, with the
// speed-up over the string-map baseline as x-naive (the baseline is timed
// once, outside the loop); the two must agree on the unique subjects.
func BenchmarkTemporalHabitsVsNaive(b *testing.B) {
	ev := temporalLog(b, temporalNaive)
	t0 := time.Now()
	want := naiveHabits(ev, 4)
	naive := time.Since(t0)
	opt := temporal.Options{Generalization: temporal.Generalization{SlotMinutes: 60, Attrs: []string{"media_type"}}, MaxP: -1}
	b.ResetTimer()
	var r *temporal.Report
	var err error
	for range b.N {
		if r, err = temporal.Analyze(context.Background(), ev, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := int(r.Habits.UniqueP1*float64(r.SubjectsWithHabits) + 0.5); got != want {
		b.Fatalf("unique subjects %d, naive %d", got, want)
	}
	b.ReportMetric(naive.Seconds()/(b.Elapsed().Seconds()/float64(b.N)), "x-naive")
}
