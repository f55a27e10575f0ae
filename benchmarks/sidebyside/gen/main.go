// Command gen writes the side-by-side benchmark's usage table: ROWS
// playback sessions of the seeded media-server generator of
// internal/demo (heavy-tailed sessions per account, skewed countries,
// devices, hours and media types; nearly unique durations and bit rates),
// with a session start time, as DIR/usage.csv and DIR/usage.parquet.
//
//	go run ./benchmarks/sidebyside/gen -rows 10000000 -dir /tmp/sbs
//
// Columns: account, device, duration, bit_rate, codec, resolution,
// media_type, country, hour, time. The Parquet file is written by Arrow Go
// with its defaults (dictionary pages, Snappy) in row groups of 1M rows;
// duration, bit_rate and hour are int64, time a timestamp in seconds.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/reidrisk/reidrisk/internal/demo"
)

var schema = arrow.NewSchema([]arrow.Field{
	{Name: "account", Type: arrow.BinaryTypes.String},
	{Name: "device", Type: arrow.BinaryTypes.String},
	{Name: "duration", Type: arrow.PrimitiveTypes.Int64},
	{Name: "bit_rate", Type: arrow.PrimitiveTypes.Int64},
	{Name: "codec", Type: arrow.BinaryTypes.String},
	{Name: "resolution", Type: arrow.BinaryTypes.String},
	{Name: "media_type", Type: arrow.BinaryTypes.String},
	{Name: "country", Type: arrow.BinaryTypes.String},
	{Name: "hour", Type: arrow.PrimitiveTypes.Int64},
	{Name: "time", Type: &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}},
}, nil)

const batchRows = 1 << 16

var errEnough = errors.New("enough rows")

func main() {
	rows := flag.Int("rows", 10_000_000, "number of rows")
	dir := flag.String("dir", ".", "directory to write usage.csv and usage.parquet into")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	if err := run(*rows, *dir, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(rows int, dir string, seed uint64) error {
	cf, err := os.Create(filepath.Join(dir, "usage.csv"))
	if err != nil {
		return err
	}
	defer cf.Close()
	cw := bufio.NewWriterSize(cf, 1<<20)
	pf, err := os.Create(filepath.Join(dir, "usage.parquet"))
	if err != nil {
		return err
	}
	defer pf.Close()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithMaxRowGroupLength(1<<20))
	pw, err := pqarrow.NewFileWriter(schema, pf, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	flush := func() error {
		rec := b.NewRecord()
		defer rec.Release()
		return pw.WriteBuffered(rec)
	}
	// Start times: one of 28 days from 2026-11-01, the session's hour, a
	// uniform minute and second (its own stream, so the sessions are
	// those of internal/demo).
	tr := rand.New(rand.NewPCG(seed, 7))
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Unix()
	cw.WriteString("account,device,duration,bit_rate,codec,resolution,media_type,country,hour,time\n")
	n := 0
	var line []byte
	err = demo.Each(demo.Options{Seed: seed, Accounts: rows/4 + 10}, func(s demo.Session) error {
		if n == rows {
			return errEnough
		}
		ts := t0 + int64(tr.IntN(28))*86400 + int64(s.Hour)*3600 + int64(tr.IntN(3600))
		line = line[:0]
		for _, f := range []string{s.Account, s.Device, strconv.Itoa(s.DurationS), strconv.Itoa(s.BitRateKbps),
			s.Format, s.Resolution, s.MediaType, s.Country, strconv.Itoa(s.Hour)} {
			line = append(append(line, f...), ',')
		}
		line = time.Unix(ts, 0).UTC().AppendFormat(line, "2006-01-02 15:04:05")
		line = append(line, '\n')
		if _, err := cw.Write(line); err != nil {
			return err
		}
		b.Field(0).(*array.StringBuilder).Append(s.Account)
		b.Field(1).(*array.StringBuilder).Append(s.Device)
		b.Field(2).(*array.Int64Builder).Append(int64(s.DurationS))
		b.Field(3).(*array.Int64Builder).Append(int64(s.BitRateKbps))
		b.Field(4).(*array.StringBuilder).Append(s.Format)
		b.Field(5).(*array.StringBuilder).Append(s.Resolution)
		b.Field(6).(*array.StringBuilder).Append(s.MediaType)
		b.Field(7).(*array.StringBuilder).Append(s.Country)
		b.Field(8).(*array.Int64Builder).Append(int64(s.Hour))
		b.Field(9).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
		n++
		if n%batchRows == 0 {
			return flush()
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return err
	}
	if n < rows {
		return fmt.Errorf("the generator gave %d rows, fewer than %d", n, rows)
	}
	if n%batchRows != 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	if err := pw.Close(); err != nil {
		return err
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	return cf.Close()
}
