package groupby

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// reference groups rows with a map keyed by the bytes of the tuple.
func reference(cols [][]uint32, n int, weights []int64) (ids []uint32, sizes []int64, first []int) {
	index := map[string]uint32{}
	ids = make([]uint32, n)
	buf := make([]byte, 4*len(cols))
	for i := range n {
		for j, c := range cols {
			binary.LittleEndian.PutUint32(buf[4*j:], c[i])
		}
		g, ok := index[string(buf)]
		if !ok {
			g = uint32(len(sizes))
			index[string(buf)] = g
			sizes = append(sizes, 0)
			first = append(first, i)
		}
		if weights != nil {
			sizes[g] += weights[i]
		} else {
			sizes[g]++
		}
		ids[i] = g
	}
	return ids, sizes, first
}

// randomTable draws m columns of n rows; cardinalities range from 1 to
// 1e6 and up to 2^32-1, so that some key spaces overflow 64 bits. Codes are
// skewed (a few frequent values) so that groups repeat.
func randomTable(r *rand.Rand, n, m int) ([][]uint32, []uint32) {
	cols := make([][]uint32, m)
	cards := make([]uint32, m)
	for j := range m {
		switch r.IntN(4) {
		case 0:
			cards[j] = uint32(1 + r.IntN(4))
		case 1:
			cards[j] = uint32(1 + r.IntN(100))
		case 2:
			cards[j] = uint32(1 + r.IntN(1_000_000))
		default:
			cards[j] = uint32(1 + r.Uint32N(1<<32-1))
		}
		used := uint32(1 + r.IntN(int(min(cards[j], 50))))
		cols[j] = make([]uint32, n)
		for i := range cols[j] {
			if r.IntN(3) == 0 {
				cols[j][i] = r.Uint32N(cards[j])
			} else {
				cols[j][i] = r.Uint32N(used)
			}
		}
	}
	return cols, cards
}

func check(t *testing.T, cols [][]uint32, cards []uint32, n int, opt Options) {
	t.Helper()
	g, err := Group(cols, cards, opt)
	if err != nil {
		t.Fatal(err)
	}
	ids, sizes, first := reference(cols, n, opt.Weights)
	if opt.Codes {
		if len(g.Codes) != len(cols) {
			t.Fatalf("cards %v n %d opt %+v: %d code columns for %d columns", cards, n, opt, len(g.Codes), len(cols))
		}
		for j, col := range cols {
			for k, f := range first {
				if k >= len(g.Codes[j]) || g.Codes[j][k] != col[f] {
					t.Fatalf("cards %v n %d opt %+v: column %d: codes %v, want the codes at rows %v",
						cards, n, opt, j, head(g.Codes[j]), head(first))
				}
			}
			if len(g.Codes[j]) != len(first) {
				t.Fatalf("cards %v n %d opt %+v: column %d: %d codes for %d groups", cards, n, opt, j, len(g.Codes[j]), len(first))
			}
		}
	}
	if opt.NoFirst {
		if g.First != nil {
			t.Fatalf("cards %v n %d opt %+v: First is set", cards, n, opt)
		}
		first = nil
	}
	if g.N != len(sizes) || !slices.Equal(g.Sizes, sizes) || !slices.Equal(g.First, first) {
		t.Fatalf("cards %v n %d opt %+v: got %d groups sizes %v first %v, want %d sizes %v first %v",
			cards, n, opt, g.N, head(g.Sizes), head(g.First), len(sizes), head(sizes), head(first))
	}
	if opt.RowIDs && !slices.Equal(g.RowIDs, ids) {
		t.Fatalf("cards %v n %d opt %+v: row ids differ", cards, n, opt)
	}
}

func head[T any](s []T) []T { return s[:min(len(s), 8)] }

func TestGroupMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 2, 3, 100, 2049, 5000}
	trials := 300
	if raceEnabled {
		trials = 60
	}
	for trial := range trials {
		n := sizes[r.IntN(len(sizes))]
		m := 1 + r.IntN(8)
		cols, cards := randomTable(r, n, m)
		opt := Options{
			Workers: 1 + r.IntN(4),
			RowIDs:  r.IntN(2) == 0,
			minRows: 1 + r.IntN(2000),
			force:   counterKind(trial % 4),
			pbits:   r.IntN(5),
			Codes:   r.IntN(2) == 0,
			NoFirst: r.IntN(3) == 0,
		}
		if r.IntN(2) == 0 {
			opt.rangeRows = 1 + r.IntN(1000)
		}
		if r.IntN(3) == 0 {
			opt.Weights = make([]int64, n)
			for i := range opt.Weights {
				opt.Weights[i] = int64(r.IntN(5))
			}
		}
		check(t, cols, cards, n, opt)
	}
}

func TestGroupLargeAuto(t *testing.T) {
	// Large enough for automatic partitioning and several workers.
	r := rand.New(rand.NewPCG(3, 4))
	n := 200_000
	if raceEnabled {
		n = 40_000
	}
	for _, cards := range [][]uint32{{90, 2, 5, 16, 41, 9}, {100000, 365, 24, 7, 50, 10}} {
		cols := make([][]uint32, len(cards))
		for j := range cols {
			cols[j] = make([]uint32, n)
			for i := range cols[j] {
				cols[j][i] = r.Uint32N(cards[j])
			}
		}
		for _, w := range []int{1, 2, 3} {
			check(t, cols, cards, n, Options{Workers: w, minRows: 1000})
			check(t, cols, cards, n, Options{Workers: w, minRows: 1000, RowIDs: true})
			check(t, cols, cards, n, Options{Workers: w, minRows: 1000, Codes: true, NoFirst: true})
			check(t, cols, cards, n, Options{Workers: w, minRows: 1000, Codes: true, rangeRows: 7000})
		}
	}
}

func TestGroupNoColumns(t *testing.T) {
	g, err := Group(nil, nil, Options{Weights: []int64{2, 3}, RowIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	if g.N != 1 || g.Sizes[0] != 5 || g.First[0] != 0 || !slices.Equal(g.RowIDs, []uint32{0, 0}) {
		t.Fatalf("got %+v", g)
	}
	if _, err := Group(nil, nil, Options{}); err == nil {
		t.Fatal("no columns and no weights: want an error")
	}
}

func TestGroupErrors(t *testing.T) {
	cases := []struct {
		name  string
		cols  [][]uint32
		cards []uint32
		opt   Options
	}{
		{"cards", [][]uint32{{0}}, nil, Options{}},
		{"ragged", [][]uint32{{0, 1}, {0}}, []uint32{2, 2}, Options{}},
		{"weights", [][]uint32{{0, 1}}, []uint32{2}, Options{Weights: []int64{1}}},
		{"code", [][]uint32{{0, 2}}, []uint32{2}, Options{}},
	}
	for _, c := range cases {
		if _, err := Group(c.cols, c.cards, c.opt); err == nil {
			t.Errorf("%s: want an error", c.name)
		}
	}
	// A bad code behind an overflowing prefix names the caller's column.
	big := uint32(1<<32 - 1)
	cols := [][]uint32{{1, 2}, {3, 4}, {5, 6}, {0, 9}}
	_, err := Group(cols, []uint32{big, big, big, 9}, Options{})
	var re *CodeError
	if !errors.As(err, &re) || re.Column != 3 || re.Row != 1 {
		t.Fatalf("got %v, want a range error at row 1 column 3", err)
	}
}

func TestGroupCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cols := [][]uint32{make([]uint32, 10000)}
	if _, err := GroupContext(ctx, cols, []uint32{1}, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestGroupAllocs checks that allocations do not grow with the rows: with
// the partitioning fixed, 16 times more rows cost at most a few more
// allocations (logarithmic slice growth), none per row.
func TestGroupAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("short or race: allocation counts need the plain build")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, cards := range [][]uint32{{90, 2, 5, 16, 41, 9}, {100000, 365, 24, 7, 50, 10}, {7, 2, 5}} {
		allocs := func(n int) float64 {
			cols := make([][]uint32, len(cards))
			for j := range cols {
				cols[j] = make([]uint32, n)
				for i := range cols[j] {
					cols[j][i] = r.Uint32N(cards[j])
				}
			}
			return testing.AllocsPerRun(2, func() {
				if _, err := Group(cols, cards, Options{Workers: 2, minRows: 1, pbits: 6}); err != nil {
					t.Fatal(err)
				}
			})
		}
		small, large := allocs(1<<16), allocs(1<<20)
		t.Logf("cards %v: %v allocations for 2^16 rows, %v for 2^20", cards, small, large)
		if large > small*1.5+64 {
			t.Errorf("cards %v: %v allocations for 2^20 rows, %v for 2^16: allocations grow with rows", cards, large, small)
		}
	}
}

// TestGroupTablesGrow makes hash tables grow while counting: the first
// rows repeat one key, so tables are sized for few groups, and every later
// row is new.
func TestGroupTablesGrow(t *testing.T) {
	const n = 6000
	cols := [][]uint32{make([]uint32, n), make([]uint32, n)}
	for i := 2000; i < n; i++ {
		cols[0][i], cols[1][i] = uint32(i), uint32(i%7)
	}
	cards := []uint32{n, 7}
	for _, w := range []int{1, 2} {
		check(t, cols, cards, n, Options{Workers: w, minRows: 1, force: 2, pbits: 3, rangeRows: 500, Codes: true})
		check(t, cols, cards, n, Options{Workers: w, minRows: 1, force: 2, pbits: 3, rangeRows: 500, RowIDs: true})
	}
}
