package beam

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// benchRows returns the table size of the benchmark: REIDRISK_BEAM_ROWS,
// or 10 million.
func benchRows(b *testing.B) int {
	if s := os.Getenv("REIDRISK_BEAM_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 10_000_000
}

// writeBenchTable writes n synthetic rows (subject, three QIs, two
// sensitive columns) as one CSV file and as files shards, and returns the
// paths.
func writeBenchTable(b *testing.B, dir string, n, files int) (whole string, shards []string) {
	b.Helper()
	open := func(p string) (*os.File, *bufio.Writer) {
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString("subject,region,band,device,diagnosis,score\n")
		return f, w
	}
	whole = filepath.Join(dir, "whole.csv")
	wf, ww := open(whole)
	var sf []*os.File
	var sw []*bufio.Writer
	for i := range files {
		p := filepath.Join(dir, fmt.Sprintf("part-%03d.csv", i))
		f, w := open(p)
		shards, sf, sw = append(shards, p), append(sf, f), append(sw, w)
	}
	x := uint64(0x2545f4914f6cdd1d)
	next := func(m uint64) uint64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x % m
	}
	per := (n + files - 1) / files
	var line []byte
	for i := range n {
		line = line[:0]
		line = append(line, 'u')
		line = strconv.AppendUint(line, next(uint64(n/20+1)), 10)
		line = append(line, ",r"...)
		line = strconv.AppendUint(line, next(50), 10)
		line = append(line, ',')
		line = strconv.AppendUint(line, 5*next(20), 10)
		line = append(line, ",d"...)
		line = strconv.AppendUint(line, next(40), 10)
		line = append(line, ",x"...)
		line = strconv.AppendUint(line, next(12), 10)
		line = append(line, ',')
		line = strconv.AppendUint(line, next(100), 10)
		line = append(line, '\n')
		ww.Write(line)
		sw[i/per].Write(line)
	}
	for i, w := range append(sw, ww) {
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f := wf
		if i < len(sf) {
			f = sf[i]
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	return whole, shards
}

var benchOptions = Options{
	QI:        []string{"region", "band", "device"},
	Sensitive: []string{"diagnosis", "score"},
	Subject:   "subject",
	Delimiter: ',',
}

// BenchmarkScale (REIDRISK_BEAM_ROWS rows, default 10M;
// REIDRISK_BEAM_NO_SUBJECT=1 drops the subject column) compares, on the same synthetic table, the core library
// alone (read, encode, count, measures on one machine) with the Beam
// pipeline on Prism (CountFiles over shard files, then Measures), and
// reports rows/s of each and their ratio. Run with -benchtime 1x.
func BenchmarkScale(b *testing.B) {
	n := benchRows(b)
	opt := benchOptions
	if os.Getenv("REIDRISK_BEAM_NO_SUBJECT") != "" {
		opt.Subject = "" // classes without subject multisets
	}
	files := max(2, n/500_000)
	dir := b.TempDir()
	start := time.Now()
	whole, shards := writeBenchTable(b, dir, n, files)
	b.Logf("wrote %d rows, %d shard files in %v", n, files, time.Since(start))

	var coreSec float64
	b.Run("core", func(b *testing.B) {
		for range b.N {
			t0 := time.Now()
			src, err := quasiid.Open(whole, opt.readOptions())
			if err != nil {
				b.Fatal(err)
			}
			tab, err := quasiid.Encode(context.Background(), src, opt.spec(), quasiid.EncodeOptions{})
			src.Close()
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			c, err := anonymity.Count(context.Background(), tab, anonymity.CountOptions{})
			if err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			_ = anonymity.SizeHistogram(c)
			_ = anonymity.Prosecutor(c, anonymity.DefaultRiskThreshold)
			_ = anonymity.KSubjects(c)
			_ = anonymity.SubjectsInSeveralClasses(c)
			for _, m := range c.Sensitive {
				_ = anonymity.DistinctL(m)
				_ = anonymity.EntropyL(m)
				_ = anonymity.RecursiveC(m, 2)
				_ = anonymity.TCloseness(m, anonymity.EqualDistance())
				_ = anonymity.TCloseness(m, anonymity.OrderedDistance(m))
			}
			t3 := time.Now()
			coreSec = t3.Sub(t0).Seconds()
			b.ReportMetric(t1.Sub(t0).Seconds(), "s-read-encode")
			b.ReportMetric(t2.Sub(t1).Seconds(), "s-count")
			b.ReportMetric(t3.Sub(t2).Seconds(), "s-measures")
			b.ReportMetric(float64(n)/coreSec, "rows/s")
			b.ReportMetric(float64(c.Len()), "classes")
		}
	})
	for _, stage := range []string{"count-merge", "count-measures"} {
		b.Run("prism/"+stage, func(b *testing.B) {
			for range b.N {
				p, s := beam.NewPipelineWithRoot()
				partials := CountFiles(s, beam.Reshuffle(s, beam.CreateList(s, shards)), opt)
				if stage == "count-merge" {
					beam.ParDo0(s, &writeBytesFn{Path: filepath.Join(dir, "merged")}, MergeClasses(s, partials))
				} else {
					beam.ParDo0(s, &writeSummaryFn{Path: filepath.Join(dir, "summary")}, Measures(s, partials, MeasureOptions{}))
				}
				t0 := time.Now()
				if err := ptest.Run(p); err != nil {
					b.Fatal(err)
				}
				sec := time.Since(t0).Seconds()
				b.ReportMetric(float64(n)/sec, "rows/s")
				if coreSec > 0 {
					b.ReportMetric(sec/coreSec, "x-core-time")
				}
			}
		})
	}
}
