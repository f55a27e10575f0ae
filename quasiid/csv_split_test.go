package quasiid

import (
	"math/rand/v2"
	"testing"
)

// TestPackKey checks that the two packings of a short field agree (the
// batch loop packs with two loads, the per-field path byte by byte) and
// that fields differing in a byte or in length (trailing NUL bytes
// included) never share a key.
func TestPackKey(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 4))
	seen := map[[2]uint64]string{}
	for n := 0; n <= 15; n++ {
		for range 200 {
			v := make([]byte, n)
			for i := range v {
				v[i] = []byte{0, 'a', 'b', 0xff}[r.IntN(4)]
			}
			padded := append(append([]byte(nil), v...), 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a)
			lo, hi := packKey(v)
			lo16, hi16 := packKey16(padded, n)
			if lo != lo16 || hi != hi16 {
				t.Fatalf("%q: packKey %x %x, packKey16 %x %x", v, lo, hi, lo16, hi16)
			}
			key := [2]uint64{lo, hi}
			if other, ok := seen[key]; ok && other != string(v) {
				t.Fatalf("%q and %q share a key", other, v)
			}
			seen[key] = string(v)
		}
	}
}

// TestKeyCodes checks the key table against a map through growth and
// clearing, with keys that differ only in their last bytes (account ids).
func TestKeyCodes(t *testing.T) {
	var tab keyCodes
	want := map[[2]uint64]uint32{}
	for round := range 2 {
		for i := range 100_000 { // each key missed, then found
			i := i % 50_000
			lo, hi := packKey([]byte("acct-" + string(rune('0'+i%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i/100%10)) + string(rune('0'+i/1000%10)) + string(rune('0'+i/10000%10))))
			k := [2]uint64{lo, hi}
			code, ok := tab.get(lo, hi)
			if w, seen := want[k]; ok != seen || (ok && code != w) {
				t.Fatalf("round %d, key %d: get %d %v, want %d %v", round, i, code, ok, w, seen)
			}
			if !ok {
				want[k] = uint32(len(want))
				tab.put(lo, hi, want[k])
			}
		}
		if tab.n != len(want) || len(want) != 50_000 {
			t.Fatalf("%d keys in the table, %d distinct", tab.n, len(want))
		}
		tab.clear()
		clear(want)
	}
}
