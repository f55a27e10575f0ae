package groupby

import (
	"encoding/binary"
	"testing"
)

// FuzzGroup compares Group with the map reference (reference, check) on
// small fuzzed tables, in every counter kind: the kind is forced through
// the test knobs, since the chooser would count such small inputs in one
// direct array. data gives the cardinalities, then the codes, row by row
// (a code is the byte modulo its column's cardinality); mode picks the
// counter kind and the options.
//
// Kinds reached: auto; direct array (force 1); hash partitions (force 2),
// with compact slots when the key space fits 32 hash bits past the
// partition bits, 12-byte entries otherwise (wide cardinalities); dense
// partitions (force 3); plain (no weights, no row ids) and general
// counting for each; and a re-coded prefix when the key space overflows
// 64 bits.
func FuzzGroup(f *testing.F) {
	f.Add([]byte{3, 2, 0, 1, 2, 0, 1, 1, 2, 1, 0, 1}, uint8(2), uint16(0))
	f.Add([]byte{250, 7, 1, 9, 9, 1, 200, 3, 9, 9, 0, 0}, uint8(3), uint16(0x1f3))
	f.Add([]byte{5, 5, 5, 1, 2, 3, 1, 2, 3, 4, 4, 4, 1, 2, 3}, uint8(3), uint16(0x2a2))
	f.Add([]byte{255, 255, 255, 255, 1, 2, 3, 4, 1, 2, 3, 4, 9, 8, 7, 6}, uint8(4), uint16(0x3c6))
	f.Add(make([]byte, 64), uint8(1), uint16(0x101))
	f.Fuzz(func(t *testing.T, data []byte, ncols uint8, mode uint16) {
		m := 1 + int(ncols%6)
		if len(data) < m {
			return
		}
		wide := mode&0x100 != 0 // cardinalities near 2^32: 12-byte hash entries, re-coded prefixes
		cards := make([]uint32, m)
		for j := range cards {
			cards[j] = 1 + uint32(data[j])
			if wide {
				cards[j] = 1<<32 - 1 - uint32(data[j])
			}
		}
		data = data[m:]
		n := len(data) / m
		cols := make([][]uint32, m)
		for j := range cols {
			cols[j] = make([]uint32, n)
			for i := range n {
				b := data[i*m+j]
				c := uint32(b) % cards[j]
				if wide {
					// Spread the codes over the column's range.
					c = uint32(binary.LittleEndian.Uint32([]byte{b, b ^ 0x5a, b, b})) % cards[j]
				}
				cols[j][i] = c
			}
		}
		opt := Options{
			Workers: 1 + int(mode>>2&3),
			force:   counterKind(mode & 3),
			minRows: 1,
			pbits:   int(mode >> 4 & 7), // 0 auto, else 2^(pbits-1) hash partitions
			Codes:   mode&0x200 != 0,
			NoFirst: mode&0x400 != 0,
		}
		if mode&0x800 != 0 {
			opt.rangeRows = 1 + int(mode>>12)
		}
		// Plain counting, then with row ids, then weighted.
		check(t, cols, cards, n, opt)
		opt.RowIDs = true
		check(t, cols, cards, n, opt)
		opt.RowIDs = mode&0x80 != 0
		opt.Weights = make([]int64, n)
		for i := range opt.Weights {
			opt.Weights[i] = int64(data[i*m] % 7)
		}
		check(t, cols, cards, n, opt)
	})
}
