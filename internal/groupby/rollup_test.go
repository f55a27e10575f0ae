package groupby

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRollerEqualsGroup: RollUp returns Group's groups, sizes, first rows
// and row ids on each of its paths (dense array of uint16 or int32 slots,
// open addressing, key space beyond 2^62), with its scratch reused
// across calls.
func TestRollerEqualsGroup(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var r Roller
	for _, tc := range []struct {
		rows  int
		cards []uint32
	}{
		{50, []uint32{3, 4}},                       // dense, uint16
		{70000, []uint32{40, 50}},                  // dense, int32
		{3000, []uint32{5000, 4000, 3}},            // open addressing
		{2000, []uint32{1 << 31, 1 << 31, 1 << 3}}, // beyond 2^62: Group
		{0, []uint32{2}},
		{9, []uint32{1, 1}},
	} {
		for range 2 {
			cols := make([][]uint32, len(tc.cards))
			for j, c := range tc.cards {
				cols[j] = make([]uint32, tc.rows)
				for i := range cols[j] {
					cols[j][i] = uint32(rng.IntN(int(min(c, 20))))
				}
			}
			w := make([]int64, tc.rows)
			for i := range w {
				w[i] = int64(1 + rng.IntN(5))
			}
			want, err := Group(cols, tc.cards, Options{Weights: w, RowIDs: true})
			if err != nil {
				t.Fatal(err)
			}
			// The same codes through a translation of column 0 (its codes
			// doubled, halved by the translation).
			var trans [][]uint32
			if len(cols) > 0 && tc.cards[0] < 1<<20 {
				trans = [][]uint32{make([]uint32, 2*tc.cards[0])}
				for x := range trans[0] {
					trans[0][x] = uint32(x / 2)
				}
				for i := range cols[0] {
					cols[0][i] *= 2
				}
			}
			got, err := r.RollUp(cols, trans, tc.cards, w, true)
			if err != nil {
				t.Fatal(err)
			}
			if got.N != want.N || !slices.Equal(got.Sizes, want.Sizes) || !slices.Equal(got.First, want.First) || !slices.Equal(got.RowIDs, want.RowIDs) {
				t.Errorf("%d rows, cards %v: %d groups, want %d (sizes equal %v, first %v, ids %v)", tc.rows, tc.cards, got.N, want.N,
					slices.Equal(got.Sizes, want.Sizes), slices.Equal(got.First, want.First), slices.Equal(got.RowIDs, want.RowIDs))
			}
		}
	}
	if _, err := r.RollUp([][]uint32{{0, 5}}, nil, []uint32{3}, []int64{1, 1}, false); err == nil {
		t.Error("code 5 of cardinality 3 accepted")
	}
	if _, err := r.RollUp([][]uint32{{0, 1}}, [][]uint32{{0, 7}}, []uint32{3}, []int64{1, 1}, false); err == nil {
		t.Error("translated code 7 of cardinality 3 accepted")
	}
}
