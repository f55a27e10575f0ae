package itemsets

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, nbits := range []int{1, 11, 12, 28, 42, 63} {
		n := 5000
		keys := make([]uint64, n)
		subs := make([]uint32, n)
		for i := range keys {
			keys[i] = rng.Uint64() & (1<<nbits - 1)
			if i%7 == 0 && i > 0 {
				keys[i] = keys[i-1] // ties
			}
			subs[i] = uint32(i)
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int {
			switch {
			case keys[a] < keys[b]:
				return -1
			case keys[a] > keys[b]:
				return 1
			}
			return 0
		})
		orig := slices.Clone(keys)
		radixSort(keys, subs, make([]uint64, n), make([]uint32, n), nbits)
		for i, w := range want {
			if keys[i] != orig[w] || subs[i] != uint32(w) {
				t.Fatalf("nbits %d: position %d holds (%d, %d), want (%d, %d)", nbits, i, keys[i], subs[i], orig[w], w)
			}
		}
	}
}
