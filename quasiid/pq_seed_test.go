package quasiid

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/stretchr/testify/require"
)

// TestParquetSeededDictionaries reads files whose dictionaries grow from
// row group to row group (new values, null first seen late, a value first
// seen in a later row group than a worker seeded from) on 1 to 5 workers,
// and checks that Encode and EncodeChunks give the codes and dictionaries
// of the pqarrow record path: local dictionaries seeded from the merger's
// (pq_seed.go) must not change a code.
func TestParquetSeededDictionaries(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "grow", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "few", Type: arrow.PrimitiveTypes.Int64},
		{Name: "late", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	spec := Spec{QI: []string{"grow", "few", "late"}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 99))
		groups, size := 3+r.IntN(8), 50+r.IntN(400)
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		for g := range groups {
			for range size {
				grow := b.Field(0).(*array.StringBuilder)
				switch v := r.IntN(2 + 3*g); {
				case g >= groups/2 && v == 0:
					grow.AppendNull()
				default:
					grow.Append(fmt.Sprintf("g%d", v))
				}
				b.Field(1).(*array.Int64Builder).Append(int64(r.IntN(4)))
				late := b.Field(2).(*array.StringBuilder)
				if g == groups-1 && r.IntN(3) == 0 {
					late.Append(fmt.Sprintf("new%d", r.IntN(3)))
				} else if r.IntN(10) == 0 && g > 0 {
					late.AppendNull()
				} else {
					late.Append("same")
				}
			}
		}
		rec := b.NewRecord()
		b.Release()
		data := pqTestFile(t, rec, parquet.WithMaxRowGroupLength(int64(size)), parquet.WithDataPageSize(int64(64+r.IntN(500))))
		rec.Release()
		want, err := pqReference(t, data, spec)
		require.NoError(t, err)
		runtime.GOMAXPROCS(1 + int(seed%5))
		what := fmt.Sprintf("seed %d, %d row groups of %d rows, %d workers", seed, groups, size, runtime.GOMAXPROCS(0))
		open := func() *Source {
			src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: 1 + r.IntN(300)})
			require.NoError(t, err)
			return src
		}
		requireReadsLike(t, want, open, open, spec, what)
	}
}

// TestSeedFrom checks that a dictionary seeded from a snapshot gives the
// snapshot's codes, null included, and new codes after them, without
// touching the snapshot's values.
func TestSeedFrom(t *testing.T) {
	g := NewDictionary()
	for _, v := range []string{"a", "b", ""} {
		g.Code(v)
	}
	g.NullCode()
	g.Code("c")
	values := append([]string(nil), g.values...)
	d := seedFrom(&dictSnap{values: g.values[:g.Len():g.Len()], null: g.null})
	for c, v := range values {
		if uint32(c) == g.null {
			require.Equal(t, g.null, d.NullCode())
			continue
		}
		require.Equal(t, uint32(c), d.Code(v), "value %q", v)
	}
	require.Equal(t, uint32(5), d.Code("d"))
	require.Equal(t, values, g.values)
	require.Equal(t, uint32(5), g.Code("e"))
	require.Equal(t, "d", d.Value(5))
}

// TestPagePool checks the page buffer pool: a freed buffer large enough
// is handed out again, the larger of two freed is kept.
func TestPagePool(t *testing.T) {
	var p pagePool
	a := p.Allocate(100)
	require.Len(t, a, 100)
	p.Free(a)
	b := p.Allocate(64)
	require.Len(t, b, 64)
	require.True(t, &a[0] == &b[0], "the freed buffer is reused")
	c := p.Allocate(64) // the pool is empty: a new one
	require.True(t, &b[0] != &c[0])
	p.Free(c)
	p.Free(b) // larger: kept
	d := p.Allocate(100)
	require.True(t, &a[0] == &d[0], "the larger freed buffer is kept")
}
