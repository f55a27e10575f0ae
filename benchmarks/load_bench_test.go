package benchmarks

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/quasiid"
)

// adultQIs are the nine columns of testdata/adult/adult.csv.
var adultQIs = []string{"sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation", "salary-class"}

// readAdult returns the bytes of the Adult extract (30,162 rows).
func readAdult(b *testing.B) []byte {
	return fixture.Read(b, "adult/adult.csv")
}

// csvScan runs a bare encoding/csv scan of data (no Arrow, no
// dictionaries): the floor any CSV loader built on it can reach.
func csvScan(b *testing.B, data []byte) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	r.ReuseRecord = true
	for {
		_, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// encodeAll opens data in the given format and encodes the Adult columns.
func encodeAll(b *testing.B, data []byte) int {
	src, err := quasiid.Read("adult", bytes.NewReader(data), quasiid.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	tbl, err := quasiid.Encode(context.Background(), src, quasiid.Spec{QI: adultQIs}, quasiid.EncodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return tbl.Rows
}

// BenchmarkLoadAdult measures Read+Encode of all nine Adult columns from
// CSV (delimiter detected), Parquet and Arrow IPC stream held in memory,
// reporting ns/row and, for CSV, x-csvscan: the time over that of a bare
// encoding/csv scan of the same bytes, run interleaved with it (outside
// the benchmark timer).
func BenchmarkLoadAdult(b *testing.B) {
	csvData := readAdult(b)
	formats := []struct {
		name   string
		format quasiid.Format
	}{{"csv", quasiid.CSV}, {"parquet", quasiid.Parquet}, {"ipc-stream", quasiid.IPCStream}}
	for _, f := range formats {
		data := csvData
		if f.format != quasiid.CSV {
			// Convert once, outside the timer: CSV -> format via Rewrite
			// with no column changed.
			src, err := quasiid.Read("adult.csv", bytes.NewReader(csvData), quasiid.ReadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := quasiid.Rewrite(context.Background(), src, &buf, f.format, nil,
				func(int64, []string, []bool) (bool, error) { return true, nil }); err != nil {
				b.Fatal(err)
			}
			src.Close()
			data = buf.Bytes()
		}
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			rows := 0
			var load, scan time.Duration
			for range b.N {
				start := time.Now()
				rows += encodeAll(b, data)
				load += time.Since(start)
				if f.format == quasiid.CSV {
					// Interleaved, so that both see the same machine load.
					b.StopTimer()
					start = time.Now()
					csvScan(b, data)
					scan += time.Since(start)
					b.StartTimer()
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(load.Nanoseconds())/float64(rows), "ns/row")
			if scan > 0 {
				b.ReportMetric(float64(load)/float64(scan), "x-csvscan")
			}
		})
	}
}
