package quasiid

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/stretchr/testify/require"
)

// chunkSchema is the schema of chunkBatches: text QIs, a subject, an
// integer and a time with nulls.
var chunkSchema = arrow.NewSchema([]arrow.Field{
	{Name: "a", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "b", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String},
	{Name: "ts", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var chunkSpec = Spec{QI: []string{"a", "b"}, Subject: "s", Time: "ts"}

// chunkBatches draws record batches of 1 to 7 rows, 200 rows in all, whose
// values keep appearing for the first time (so dictionaries grow from chunk
// to chunk); the time column is null or empty now and then. With bad, row
// 150 holds invalid UTF-8.
func chunkBatches(r *rand.Rand, bad bool) []arrow.Record {
	var recs []arrow.Record
	b := array.NewRecordBuilder(memory.DefaultAllocator, chunkSchema)
	defer b.Release()
	for row := 0; row < 200; {
		n := min(1+r.IntN(7), 200-row)
		for i := range n {
			a, valid := fmt.Sprint("a", r.IntN(row+i+1)), r.IntN(9) > 0
			if bad && row+i == 150 {
				a, valid = "\xff", true
			}
			b.Field(0).(*array.StringBuilder).AppendValues([]string{a}, []bool{valid})
			b.Field(1).(*array.Int64Builder).AppendValues([]int64{int64(r.IntN(5))}, []bool{r.IntN(9) > 0})
			b.Field(2).(*array.StringBuilder).Append(fmt.Sprint("s", (row+i)/3))
			ts := fmt.Sprintf("2026-01-%02d 10:00", 1+r.IntN(28))
			if r.IntN(6) == 0 {
				ts = ""
			}
			b.Field(3).(*array.StringBuilder).AppendValues([]string{ts}, []bool{r.IntN(8) > 0})
		}
		recs = append(recs, b.NewRecord())
		row += n
	}
	return recs
}

// chunkSources opens the batches as every record-batch source kind, and
// as CSV and Parquet (encoded whole, then sliced).
func chunkSources(t *testing.T, recs []arrow.Record) map[string]func() *Source {
	var stream bytes.Buffer
	f, err := os.Create(filepath.Join(t.TempDir(), "t.arrow"))
	require.NoError(t, err)
	defer f.Close()
	fw, err := ipc.NewFileWriter(f, ipc.WithSchema(chunkSchema))
	require.NoError(t, err)
	sw := ipc.NewWriter(&stream, ipc.WithSchema(chunkSchema))
	for _, rec := range recs {
		require.NoError(t, fw.Write(rec))
		require.NoError(t, sw.Write(rec))
	}
	require.NoError(t, fw.Close())
	require.NoError(t, sw.Close())
	file, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	var csv strings.Builder
	csv.WriteString("a,b,s,ts\n")
	for _, rec := range recs {
		for i := range int(rec.NumRows()) {
			fmt.Fprintf(&csv, "%s,%d,%s,%s\n", rec.Column(0).ValueStr(i), rec.Column(1).(*array.Int64).Value(i),
				rec.Column(2).ValueStr(i), rec.Column(3).(*array.String).Value(i))
		}
	}
	read := func(name string, data []byte) func() *Source {
		return func() *Source {
			src, err := Read(name, bytes.NewReader(data), ReadOptions{BatchSize: 16})
			require.NoError(t, err)
			return src
		}
	}
	return map[string]func() *Source{
		"ipc file":   read("t.arrow", file),
		"ipc stream": read("t.arrows", stream.Bytes()),
		"csv":        read("t.csv", []byte(csv.String())),
		"record reader": func() *Source {
			rr, err := array.NewRecordReader(chunkSchema, recs)
			require.NoError(t, err)
			return FromRecordReader("rr", rr)
		},
		"table": func() *Source {
			return FromTable("tbl", array.NewTableFromRecords(chunkSchema, recs))
		},
		"record": func() *Source { return FromRecord("rec", recs[0]) },
	}
}

// collected is the encoded rows of a table, or of its chunks end to end,
// with every Progress call.
type collected struct {
	codes    [][]uint32
	times    [][]int64
	valid    [][]bool
	progress []int64
	chunks   int
}

// add appends the rows of chunk; a nil Valid stands for all true.
func (c *collected) add(chunk *Table) {
	if c.codes == nil {
		c.codes = make([][]uint32, len(chunk.Columns))
		c.times = make([][]int64, len(chunk.Columns))
		c.valid = make([][]bool, len(chunk.Columns))
	}
	for k, col := range chunk.Columns {
		c.codes[k] = append(c.codes[k], col.Codes...)
		c.times[k] = append(c.times[k], col.Times...)
		for i := range len(col.Times) {
			c.valid[k] = append(c.valid[k], col.Valid == nil || col.Valid[i])
		}
	}
	c.chunks++
}

// TestEncodeChunksEqualsEncode checks on every kind of source that the
// chunks, put end to end, are the table Encode gives (codes, times,
// validity, dictionaries, time metadata, Progress calls), in several
// chunks; that errors are Encode's; and that an error from fn stops the
// read.
func TestEncodeChunksEqualsEncode(t *testing.T) {
	recs := chunkBatches(rand.New(rand.NewPCG(15, 1)), false)
	for name, open := range chunkSources(t, recs) {
		t.Run(name, func(t *testing.T) {
			var want, got collected
			opt := EncodeOptions{Progress: func(rows int64) { want.progress = append(want.progress, rows) }}
			whole, err := Encode(context.Background(), open(), chunkSpec, opt)
			require.NoError(t, err)
			want.add(whole)
			var next int64
			opt.Progress = func(rows int64) { got.progress = append(got.progress, rows) }
			tbl, err := encodeChunks(context.Background(), open(), chunkSpec, opt, 10, func(c *Table, first int64) error {
				require.Equal(t, next, first)
				next += int64(c.Rows)
				for _, col := range c.Columns {
					require.Equal(t, c.Rows, max(len(col.Codes), len(col.Times)), col.Name)
				}
				got.add(c)
				return nil
			})
			require.NoError(t, err)
			want.chunks = got.chunks
			require.Equal(t, want, got)
			require.Equal(t, whole.Rows, tbl.Rows)
			require.EqualValues(t, whole.Rows, next)
			if whole.Rows > 10 {
				require.Greater(t, got.chunks, 2)
			}
			for k, col := range whole.Columns {
				c := tbl.Columns[k]
				require.Nil(t, c.Codes)
				require.Nil(t, c.Times)
				col.Codes, col.Times, col.Valid = nil, nil, nil
				require.Equal(t, col, c, col.Name) // dictionaries, TimeUnit, DST counts
			}
			stop := errors.New("stop")
			var calls []int64
			opt.Progress = func(rows int64) { calls = append(calls, rows) }
			_, err = encodeChunks(context.Background(), open(), chunkSpec, opt, 10, func(*Table, int64) error { return stop })
			require.ErrorIs(t, err, stop)
			if strings.HasPrefix(name, "ipc") || name == "record reader" || name == "table" {
				require.Less(t, len(calls), len(want.progress), "the read goes on after fn's error")
			}
		})
	}
}

// TestEncodeChunksErrors checks that a bad value in a later batch gives
// Encode's error, naming file, row and column, after the chunks before it.
func TestEncodeChunksErrors(t *testing.T) {
	recs := chunkBatches(rand.New(rand.NewPCG(15, 2)), true)
	for name, open := range chunkSources(t, recs) {
		if name == "record" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			_, want := Encode(context.Background(), open(), chunkSpec, EncodeOptions{})
			require.ErrorContains(t, want, "row 151")
			rows := 0
			_, err := encodeChunks(context.Background(), open(), chunkSpec, EncodeOptions{}, 10, func(c *Table, _ int64) error {
				rows += c.Rows
				return nil
			})
			require.Equal(t, want.Error(), err.Error())
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			if name != "csv" {
				require.Greater(t, rows, 100, "the chunks before the bad row")
			}
		})
	}
}
