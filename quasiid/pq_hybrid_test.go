package quasiid

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// hybridEncode encodes vals in the RLE / bit-packed hybrid encoding:
// runs of eight or more equal values as repeated runs, the rest bit-packed
// (the last group padded with zeros).
func hybridEncode(vals []uint32, width int) []byte {
	var out []byte
	header := func(h uint64) { out = binary.AppendUvarint(out, h) }
	for i := 0; i < len(vals); {
		j := i
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		if j-i >= 8 {
			header(uint64(j-i) << 1)
			for b := 0; b < (width+7)/8; b++ {
				out = append(out, byte(vals[i]>>(8*b)))
			}
			i = j
			continue
		}
		// Bit-pack groups of eight until a long repeated run starts.
		start := i
		for i < len(vals) {
			k := i
			for k < len(vals) && vals[k] == vals[i] {
				k++
			}
			if k-i >= 8 && (i-start)%8 == 0 {
				break
			}
			i++
		}
		groups := (i - start + 7) / 8
		i = start + 8*groups
		header(uint64(groups)<<1 | 1)
		group := make([]uint32, 8*groups) // padded with zeros
		copy(group, vals[start:])
		out = packBits(out, group, width)
	}
	return out
}

// packBits appends vals (a multiple of eight), width bits each, packed
// from the least significant bit.
func packBits(out []byte, vals []uint32, width int) []byte {
	bits := make([]byte, len(vals)/8*width)
	for v, x := range vals {
		for b := 0; b < width; b++ {
			if x>>b&1 == 1 {
				at := v*width + b
				bits[at/8] |= 1 << (at % 8)
			}
		}
	}
	return append(out, bits...)
}

// hybridReference decodes n values of data one bit at a time, as the
// Parquet format describes the encoding; it stops at the first error.
func hybridReference(data []byte, width, n int) ([]uint32, bool) {
	var out []uint32
	pos := 0
	for len(out) < n {
		var h uint64
		for shift := 0; ; shift += 7 {
			if pos >= len(data) || shift > 28 {
				return out, false
			}
			h |= uint64(data[pos]&0x7f) << shift
			pos++
			if data[pos-1] < 0x80 {
				break
			}
		}
		if h&1 == 0 {
			size := (width + 7) / 8
			if pos+size > len(data) {
				return out, false
			}
			var v uint32
			for b := range size {
				v |= uint32(data[pos+b]) << (8 * b)
			}
			pos += size
			for k := uint64(0); k < h>>1 && len(out) < n; k++ {
				out = append(out, v)
			}
			continue
		}
		for g := uint64(0); g < h>>1 && len(out) < n; g++ {
			if pos >= len(data) && width > 0 {
				return out, false
			}
			for v := 0; v < 8; v++ {
				var x uint32
				for b := 0; b < width; b++ {
					at := pos*8 + v*width + b
					if at/8 < len(data) && at/8 < pos+width && data[at/8]>>(at%8)&1 == 1 {
						x |= 1 << b
					}
				}
				if len(out) < n {
					out = append(out, x)
				}
			}
			pos = min(pos+width, len(data))
		}
	}
	return out, true
}

// hybridRead decodes n values of data in pieces of random length.
func hybridRead(data []byte, width, n int, r *rand.Rand) ([]uint32, bool) {
	var d hybridDecoder
	if err := d.reset(data, width); err != nil {
		return nil, false
	}
	out := make([]uint32, n)
	for at := 0; at < n; {
		k := min(n-at, 1+r.IntN(40))
		got, err := d.read(out[at : at+k])
		at += got
		if err != nil {
			return out[:at], false
		}
	}
	return out, true
}

// TestHybridRoundTrip encodes random values of every width, with long
// runs, and decodes them in pieces.
func TestHybridRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for width := 0; width <= 32; width++ {
		vals := make([]uint32, 1+r.IntN(3000))
		for i := range vals {
			if i > 0 && r.IntN(3) == 0 {
				vals[i] = vals[i-1]
			} else {
				vals[i] = uint32(r.Uint64() & (1<<width - 1))
			}
		}
		data := hybridEncode(vals, width)
		got, ok := hybridRead(data, width, len(vals), r)
		if !ok || !slices.Equal(got, vals) {
			t.Fatalf("width %d: decoded %d values (ok %v), differ from the %d encoded", width, len(got), ok, len(vals))
		}
	}
}

// FuzzHybrid decodes arbitrary bytes in pieces and compares the values
// (and where the data runs out) with the bit-by-bit reference.
func FuzzHybrid(f *testing.F) {
	f.Add(hybridEncode([]uint32{1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 1}, 2), uint8(2), uint16(13), uint64(1))
	f.Add(hybridEncode([]uint32{70000, 5, 70000}, 17), uint8(17), uint16(3), uint64(2))
	f.Add([]byte{0x03, 0xff}, uint8(3), uint16(8), uint64(3))
	f.Fuzz(func(t *testing.T, data []byte, width uint8, n uint16, seed uint64) {
		w := int(width % 33)
		want, wantOK := hybridReference(data, w, int(n))
		got, ok := hybridRead(data, w, int(n), rand.New(rand.NewPCG(seed, 0)))
		if ok != wantOK || !slices.Equal(got, want) {
			t.Fatalf("width %d, %d values: got %v (ok %v), want %v (ok %v)", w, n, got, ok, want, wantOK)
		}
	})
}

// BenchmarkHybridDecoder decodes a million dictionary indices of 5 bits,
// runs and bit-packed groups mixed; it allocates nothing.
func BenchmarkHybridDecoder(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	vals := make([]uint32, 1<<20)
	for i := range vals {
		if i > 0 && r.IntN(4) == 0 {
			vals[i] = vals[i-1]
		} else {
			vals[i] = uint32(r.IntN(24))
		}
	}
	data := hybridEncode(vals, 5)
	out := make([]uint32, 4096)
	var d hybridDecoder
	b.SetBytes(int64(4 * len(vals)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := d.reset(data, 5); err != nil {
			b.Fatal(err)
		}
		for at := 0; at < len(vals); at += len(out) {
			if _, err := d.read(out); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// hybridPacked encodes vals (a multiple of eight) as bit-packed runs of
// at most 64 groups, as Arrow's encoder writes values with no repeats.
func hybridPacked(vals []uint32, width int) []byte {
	var out []byte
	for start := 0; start < len(vals); start += 512 {
		run := vals[start:min(start+512, len(vals))]
		out = binary.AppendUvarint(out, uint64(len(run)/8)<<1|1)
		out = packBits(out, run, width)
	}
	return out
}

// BenchmarkUnpackMapped maps a million bit-packed dictionary indices of
// each width 1 to 8 to codes through a full table (no miss), in pieces of
// 4,096 values as decodeIndices asks; it reports ns/value and allocates
// nothing.
func BenchmarkUnpackMapped(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	var table [256]uint32
	for i := range table {
		table[i] = uint32(r.IntN(1000))
	}
	for width := 1; width <= 8; width++ {
		vals := make([]uint32, 1<<20)
		for i := range vals {
			vals[i] = uint32(r.IntN(1 << width))
		}
		// Padded: the last groups of a page are read another way.
		data := append(hybridPacked(vals, width), make([]byte, 8)...)
		out := make([]uint32, 4096)
		b.Run(fmt.Sprintf("w=%d", width), func(b *testing.B) {
			var d hybridDecoder
			b.ReportAllocs()
			for b.Loop() {
				if err := d.reset(data, width); err != nil {
					b.Fatal(err)
				}
				for done := 0; done < len(vals); {
					n := 0
					for n < len(out) {
						if d.lit == 0 {
							if err := d.header(); err != nil {
								b.Fatal(err)
							}
						}
						k := d.unpackMapped(out[n:], &table)
						if k == 0 {
							b.Fatal("no values mapped")
						}
						n += k
					}
					done += n
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(vals)), "ns/value")
		})
	}
}
