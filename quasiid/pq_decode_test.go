package quasiid

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/stretchr/testify/require"
)

// pqDictPage returns the PLAIN encoding of byte-array values, a
// dictionary page's data.
func pqDictPage(values []string) []byte {
	var out []byte
	for _, v := range values {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(v)))
		out = append(out, v...)
	}
	return out
}

// pqDecodeIndices decodes the indices data (of width bits) of n rows with
// no nulls against the dictionary dict, in pieces of random length, as a
// worker does (pageDecoder.decodeIndices, the fused 8-bit path included),
// and returns the values of the local codes.
func pqDecodeIndices(t *testing.T, dict []string, data []byte, width, n int, r *rand.Rand) ([]string, error) {
	var d pageDecoder
	d.kind = pqText
	if err := d.readDictionary(pqDictPage(dict), len(dict)); err != nil {
		t.Fatal(err)
	}
	if err := d.idx.reset(data, width); err != nil {
		t.Fatal(err)
	}
	local := NewDictionary()
	out := make([]uint32, n)
	for at := 0; at < n; {
		k := min(n-at, 1+r.IntN(100))
		if err := d.decodeIndices(out[at:at+k], local, int64(at), "f", "c"); err != nil {
			return nil, err
		}
		at += k
	}
	got := make([]string, n)
	for i, c := range out {
		got[i] = local.Value(c)
	}
	return got, nil
}

// TestPageDecodeIndices decodes dictionary indices of every bit width 0 to
// 32, repeated runs and bit-packed groups mixed, into local codes, and
// checks each row's value; an index past the dictionary, in a repeated
// run or in a bit-packed group (of a width the fused path reads or not),
// is an error naming the index.
func TestPageDecodeIndices(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for width := 0; width <= 32; width++ {
		size := min(1<<min(width, 12), 3000) // entries: indices stay below
		dict := make([]string, size)
		for i := range dict {
			dict[i] = fmt.Sprintf("v%d", i)
		}
		vals := make([]uint32, 1+r.IntN(3000))
		for i := range vals {
			if i > 0 && r.IntN(3) == 0 {
				vals[i] = vals[i-1]
			} else {
				vals[i] = uint32(r.IntN(size))
			}
		}
		if width >= 12 {
			vals[len(vals)/2] = 1<<width - 1 // the widest index, in range only for a full dictionary
		}
		got, err := pqDecodeIndices(t, dict, hybridEncode(vals, width), width, len(vals), r)
		if width >= 12 {
			want := fmt.Sprintf("dictionary index %d of %d entries", uint32(1<<width-1), size)
			if err == nil || err.Error() != want {
				t.Fatalf("width %d: error %v, want %q", width, err, want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("width %d: %v", width, err)
		}
		for i, v := range vals {
			if got[i] != dict[v] {
				t.Fatalf("width %d, row %d: %q, want %q", width, i, got[i], dict[v])
			}
		}
	}
	// Past the dictionary in a bit-packed group of the fused path, after
	// groups that map, and in a repeated run.
	dict := []string{"a", "b", "c"}
	for _, vals := range [][]uint32{
		append(slices.Repeat([]uint32{0, 1, 2, 1, 0, 2, 1, 0}, 4), 1, 3, 0, 1, 2, 0, 1, 2),
		append([]uint32{0, 1}, slices.Repeat([]uint32{3}, 20)...),
	} {
		_, err := pqDecodeIndices(t, dict, hybridEncode(vals, 2), 2, len(vals), r)
		if err == nil || !strings.Contains(err.Error(), "dictionary index 3 of 3 entries") {
			t.Fatalf("%v: error %v", vals, err)
		}
	}
}

// TestPageDecodeIndicesGroups puts, for each width 1 to 8, an entry seen
// for the first time and then an index past the dictionary at every
// position of four bit-packed groups (after groups that map, before
// more), with a second bad index after or before it, and in a repeated
// run: the values are those of the rows, the first bad index the error.
func TestPageDecodeIndicesGroups(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for width := 1; width <= 8; width++ {
		size := max(1<<width-2, 1) // the largest two indices are past the dictionary
		dict := make([]string, size)
		for i := range dict {
			dict[i] = fmt.Sprintf("v%d", i)
		}
		for pos := range 32 {
			vals := make([]uint32, 96)
			for i := range vals {
				vals[i] = uint32(i % min(2, size)) // no run of eight but for width 1
			}
			vals[32+pos] = uint32(size - 1) // first seen here from width 3
			got, err := pqDecodeIndices(t, dict, hybridEncode(vals, width), width, len(vals), r)
			if err != nil {
				t.Fatalf("width %d, position %d: %v", width, pos, err)
			}
			for i, v := range vals {
				if got[i] != dict[v] {
					t.Fatalf("width %d, position %d, row %d: %q, want %q", width, pos, i, got[i], dict[v])
				}
			}
			vals[32+pos] = uint32(size)
			vals[32+(pos+5)%32] = uint32(1<<width - 1)
			bad := size
			if pos+5 >= 32 {
				bad = 1<<width - 1 // the second comes first
			}
			want := fmt.Sprintf("dictionary index %d of %d entries", bad, size)
			if _, err := pqDecodeIndices(t, dict, hybridEncode(vals, width), width, len(vals), r); err == nil || err.Error() != want {
				t.Fatalf("width %d, position %d: error %v, want %q", width, pos, err, want)
			}
			run := append(slices.Repeat([]uint32{0}, pos+1), slices.Repeat([]uint32{uint32(size)}, 9)...)
			want = fmt.Sprintf("dictionary index %d of %d entries", size, size)
			if _, err := pqDecodeIndices(t, dict, hybridEncode(run, width), width, len(run), r); err == nil || err.Error() != want {
				t.Fatalf("width %d, repeated run after %d: error %v, want %q", width, pos+1, err, want)
			}
		}
	}
}

// TestMapGroups maps groups of every width 0 to 8 through a table of
// codes of 2^31 and more, which set the high bit NoCode sets, and stops
// before the group of the one index mapped to NoCode, at every position.
func TestMapGroups(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	var table [256]uint32
	for i := range table {
		table[i] = 1<<31 + uint32(r.IntN(1<<30))
	}
	for width := 0; width <= 8; width++ {
		var d hybridDecoder
		if err := d.reset(nil, width); err != nil {
			t.Fatal(err)
		}
		bad := uint32(1<<width - 1)
		vals := make([]uint32, 64)
		for i := range vals {
			vals[i] = uint32(r.IntN(1 << width))
			if vals[i] == bad && width > 0 {
				vals[i] = 0
			}
		}
		for pos := -1; pos < len(vals); pos++ {
			v := slices.Clone(vals)
			if pos >= 0 {
				v[pos] = bad
			}
			table[bad] = NoCode
			src := append(hybridPacked(v, width)[1:], make([]byte, 8)...)
			out := make([]uint32, len(v))
			g := mapGroups(src, out, &table, &d.mul, width)
			wantG := len(v) / 8
			if pos >= 0 {
				wantG = pos / 8
			}
			if width == 0 {
				wantG = 0 // every index is the one mapped to NoCode
			}
			if g != wantG {
				t.Fatalf("width %d, NoCode at %d: %d groups mapped, want %d", width, pos, g, wantG)
			}
			for i := range 8 * g {
				if out[i] != table[v[i]] {
					t.Fatalf("width %d, NoCode at %d, value %d: code %d, want %d", width, pos, i, out[i], table[v[i]])
				}
			}
			table[bad] = 1 << 31
		}
	}
}

// TestParquetPlainRuns reads a text column of runs of one value (rows of
// one account) that outgrows its dictionary page, so that most pages are
// PLAIN, with nulls inside runs and runs across pages and row groups, and
// checks the codes of the pqarrow record path: a run is looked up once,
// and never past its page.
func TestParquetPlainRuns(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "acct", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	spec := Spec{QI: []string{"acct"}}
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 7))
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		sb := b.Field(0).(*array.StringBuilder)
		for range 300 {
			v := fmt.Sprintf("account-%d", r.IntN(200))
			for range 1 + r.IntN(20) {
				if r.IntN(15) == 0 {
					sb.AppendNull()
				} else {
					sb.Append(v)
				}
			}
		}
		rec := b.NewRecord()
		b.Release()
		requireParquetLikeArrow(t, rec, spec, func() int { return 1 + r.IntN(300) }, fmt.Sprintf("seed %d", seed),
			parquet.WithMaxRowGroupLength(int64(500+r.IntN(2000))),
			parquet.WithDictionaryPageSizeLimit(200), parquet.WithDataPageSize(int64(100+r.IntN(400))))
	}
}

// requireParquetLikeArrow writes rec (and releases it) as Parquet with
// props and checks that reading it, in batches of batch() rows for each
// read, gives the table of the pqarrow record path.
func requireParquetLikeArrow(t *testing.T, rec arrow.Record, spec Spec, batch func() int, what string, props ...parquet.WriterProperty) {
	data := pqTestFile(t, rec, props...)
	rec.Release()
	want, err := pqReference(t, data, spec)
	require.NoError(t, err)
	open := func() *Source {
		src, err := Read("t.parquet", bytes.NewReader(data), ReadOptions{BatchSize: batch()})
		require.NoError(t, err)
		return src
	}
	requireReadsLike(t, want, open, open, spec, what)
}

// TestParquetNullRuns reads nullable dictionary-encoded columns (text and
// int64) of long runs of nulls and of values, longer than a batch of
// levels, through the page decoder, with data pages v1 and v2, and checks
// the codes of the pqarrow record path: a run of levels covering a batch
// is null or not as its level says.
func TestParquetNullRuns(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	spec := Spec{QI: []string{"s", "i"}}
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 17))
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		sb, ib := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.Int64Builder)
		for range 8 {
			null := r.IntN(2) == 0
			for range 1 + r.IntN(6000) {
				if null {
					sb.AppendNull()
					ib.AppendNull()
				} else {
					sb.Append(fmt.Sprintf("v%d", r.IntN(5)))
					ib.Append(int64(r.IntN(3)))
				}
			}
		}
		rec := b.NewRecord()
		b.Release()
		version := parquet.DataPageV1
		if seed%2 == 1 {
			version = parquet.DataPageV2
		}
		requireParquetLikeArrow(t, rec, spec, func() int { return 1 + r.IntN(10000) }, fmt.Sprintf("seed %d", seed),
			parquet.WithMaxRowGroupLength(int64(5000+r.IntN(20000))), parquet.WithDataPageVersion(version))
	}
}

// BenchmarkDecodeIndices decodes a million dictionary indices into local
// codes as a worker does, in pieces of 4,096 rows, on a page shaped like
// the side-by-side benchmark's: repeated runs of 8 to 40 values between
// short bit-packed runs, of a dictionary of 6 (3 bits) or 24 entries (5
// bits); the piece's codes are forgotten once per million. The nullable
// case decodes the same page with definition levels, all 1 (no null).
func BenchmarkDecodeIndices(b *testing.B) {
	for _, size := range []int{6, 24, -24} {
		nullable := size < 0
		size = max(size, -size)
		width := bits.Len(uint(size - 1))
		r := rand.New(rand.NewPCG(9, uint64(size)))
		vals := make([]uint32, 0, 1<<20+40)
		for len(vals) < 1<<20 {
			v := uint32(r.IntN(size))
			if r.IntN(8) == 0 {
				vals = append(vals, slices.Repeat([]uint32{v}, 8+r.IntN(33))...)
			} else {
				vals = append(vals, v)
			}
		}
		vals = vals[:1<<20]
		data := hybridEncode(vals, width)
		dict := make([]string, size)
		for i := range dict {
			dict[i] = fmt.Sprintf("value %d", i)
		}
		var d pageDecoder
		d.kind = pqText
		if err := d.readDictionary(pqDictPage(dict), size); err != nil {
			b.Fatal(err)
		}
		local := NewDictionary()
		out := make([]uint32, 4096)
		name := fmt.Sprintf("w=%d", width)
		levels := hybridEncode(slices.Repeat([]uint32{1}, len(vals)), 1)
		if nullable {
			d.maxDef, name = 1, name+"/nullable"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.newPiece()
				if err := d.idx.reset(data, width); err != nil {
					b.Fatal(err)
				}
				if err := d.defs.reset(levels, 1); err != nil {
					b.Fatal(err)
				}
				for at := 0; at < len(vals); at += len(out) {
					if err := d.decode(out, local, int64(at), "f", "c"); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(vals)), "ns/value")
		})
	}
}

// FuzzPageDecodeIndices decodes arbitrary index data of widths 0 to 8
// against a dictionary of size entries, in pieces, and compares each row's
// value, or the error, with the bit-by-bit reference: the first index
// past the dictionary is the error, else data ending before its rows.
func FuzzPageDecodeIndices(f *testing.F) {
	f.Add(hybridEncode([]uint32{1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 1}, 2), uint8(2), uint8(4), uint16(13), uint64(1))
	f.Add(hybridEncode(slices.Repeat([]uint32{0, 1, 2, 5, 4, 3, 2, 1}, 9), 3), uint8(3), uint8(5), uint16(72), uint64(2))
	f.Fuzz(func(t *testing.T, data []byte, width, size uint8, n uint16, seed uint64) {
		w := int(width % 9)
		dict := make([]string, 1+int(size))
		for i := range dict {
			dict[i] = fmt.Sprintf("v%d", i)
		}
		want, ok := hybridReference(data, w, int(n))
		wantErr := ""
		for i, v := range want {
			if int(v) >= len(dict) {
				want, wantErr = want[:i], fmt.Sprintf("dictionary index %d of %d entries", v, len(dict))
				break
			}
		}
		if wantErr == "" && !ok {
			wantErr = "dictionary indices: " + errHybridEnd.Error()
		}
		got, err := pqDecodeIndices(t, dict, data, w, int(n), rand.New(rand.NewPCG(seed, 0)))
		switch {
		case wantErr != "":
			if err == nil || err.Error() != wantErr {
				t.Fatalf("width %d, %d rows: error %v, want %q", w, n, err, wantErr)
			}
		case err != nil:
			t.Fatalf("width %d, %d rows: %v", w, n, err)
		default:
			for i, v := range want {
				if got[i] != dict[v] {
					t.Fatalf("width %d, row %d: %q, want %q", w, i, got[i], dict[v])
				}
			}
		}
	})
}
