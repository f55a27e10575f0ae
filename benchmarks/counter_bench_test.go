package benchmarks

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/internal/rusage"
	"github.com/reidrisk/reidrisk/quasiid"
)

// counterChunk is the chunk length of BenchmarkCounter: quasiid.ChunkRows,
// as EncodeChunks hands them over.
const counterChunk = quasiid.ChunkRows

// chunkOf returns rows lo to hi of t as a chunk table viewing t's columns.
func chunkOf(t *quasiid.Table, lo, hi int) *quasiid.Table {
	c := &quasiid.Table{Source: t.Source, Rows: hi - lo}
	for _, col := range t.Columns {
		v := *col
		v.Codes = col.Codes[lo:hi:hi]
		c.Columns = append(c.Columns, &v)
	}
	return c
}

// withSubject returns t with a subject column of uniform codes over
// subjects values appended (drawn once per process).
func withSubject(ct *countTable, subjects int) *quasiid.Table {
	countData.Lock()
	defer countData.Unlock()
	t := ct.tbl
	if last := t.Columns[len(t.Columns)-1]; last.Role == quasiid.Subject {
		return t
	}
	d := quasiid.NewDictionary()
	for v := range subjects {
		d.Code(fmt.Sprint("u", v))
	}
	r := rand.New(rand.NewPCG(9, 9))
	codes := make([]uint32, t.Rows)
	for i := range codes {
		codes[i] = r.Uint32N(uint32(subjects))
	}
	full := *t
	full.Columns = append(append([]*quasiid.Column(nil), t.Columns...),
		&quasiid.Column{Name: "subject", Role: quasiid.Subject, Codes: codes, Dict: d})
	ct.tbl = &full
	return ct.tbl
}

// BenchmarkCounter times anonymity.Counter fed the 10M synthetic rows of
// BenchmarkCount in chunks of quasiid.ChunkRows rows, as Analyze feeds it
// from EncodeChunks, without and with a subject column of 1M uniform
// subjects, and reports ns/row, cpu-ns/row and allocs/row (heap
// allocations per row: the counter and the kernel allocate per chunk,
// never per row; measured 0.0001–0.005, i.e. 0.00).
func BenchmarkCounter(b *testing.B) {
	for _, reg := range countRegimes {
		for _, subject := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/subject=%v", reg.name, subject), func(b *testing.B) {
				ct := loadCount(reg.name, reg.cards)
				t := &quasiid.Table{Source: ct.tbl.Source, Rows: ct.tbl.Rows, Columns: ct.tbl.Columns[:len(reg.cards)]}
				if subject {
					t = withSubject(ct, 1_000_000)
				}
				var wall, cpu time.Duration
				var mallocs uint64
				var ms runtime.MemStats
				b.ResetTimer()
				for range b.N {
					runtime.ReadMemStats(&ms)
					m0, c0, t0 := ms.Mallocs, rusage.CPU(), time.Now()
					s := anonymity.NewCounter(anonymity.CountOptions{})
					for lo := 0; lo < t.Rows; lo += counterChunk {
						if err := s.Add(context.Background(), chunkOf(t, lo, min(lo+counterChunk, t.Rows))); err != nil {
							b.Fatal(err)
						}
					}
					if _, err := s.Classes(t); err != nil {
						b.Fatal(err)
					}
					wall += time.Since(t0)
					cpu += rusage.CPU() - c0
					runtime.ReadMemStats(&ms)
					mallocs += ms.Mallocs - m0
				}
				rows := float64(b.N) * float64(t.Rows)
				b.ReportMetric(float64(wall.Nanoseconds())/rows, "ns/row")
				b.ReportMetric(float64(cpu.Nanoseconds())/rows, "cpu-ns/row")
				b.ReportMetric(float64(mallocs)/rows, "allocs/row")
			})
		}
	}
}
