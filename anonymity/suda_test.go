package anonymity

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// bruteMSUs enumerates every column subset with maps of strings and returns
// the MSUs (row, sorted columns) in SUDAResult.MSUs order.
func bruteMSUs(rows [][]string, maxK int, missing string) []MSU {
	m := len(rows[0])
	unique := map[uint64]map[int]bool{}
	for set := uint64(1); set < 1<<uint(m); set++ {
		cnt := map[string]int{}
		key := func(r []string) string {
			var b strings.Builder
			for j := range m {
				if set&(1<<uint(j)) != 0 {
					b.WriteString(r[j])
					b.WriteByte(0)
				}
			}
			return b.String()
		}
		for _, r := range rows {
			cnt[key(r)]++
		}
		u := map[int]bool{}
		for i, r := range rows {
			if cnt[key(r)] == 1 {
				u[i] = true
			}
		}
		unique[set] = u
	}
	var out []MSU
	for i, r := range rows {
		for size := 1; size <= maxK; size++ {
			for set := uint64(1); set < 1<<uint(m); set++ {
				cols := setColumns(set)
				if len(cols) != size || !unique[set][i] {
					continue
				}
				minimal := true
				for _, j := range cols {
					if sub := set &^ (1 << uint(j)); sub != 0 && unique[sub][i] {
						minimal = false
					}
					if r[j] == missing {
						minimal = false
					}
				}
				if minimal {
					out = append(out, MSU{Row: i, Columns: cols})
				}
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return lessMSU(out[a], out[b]) })
	return out
}

func TestSUDA2MatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 1 + rng.IntN(25)
		m := 1 + rng.IntN(5)
		card := 1 + rng.IntN(4)
		if trial%10 == 5 {
			// Larger tables, where the sets of non-unique records
			// deep in the search get sparse (kept as lists).
			n, m, card = 100+rng.IntN(200), 6, 4+rng.IntN(4)
		}
		header := make([]string, m)
		for j := range header {
			header[j] = string(rune('a' + j))
		}
		rows := make([][]string, n)
		for i := range rows {
			rows[i] = make([]string, m)
			for j := range rows[i] {
				rows[i][j] = string(rune('0' + rng.IntN(card)))
			}
			if rng.IntN(4) == 0 {
				rows[i][rng.IntN(m)] = "?"
			}
		}
		if n >= 100 {
			// A few exact duplicates stay non-unique on every column set,
			// so the sparse sets carry on to the largest sizes.
			for d := range 3 {
				copy(rows[n-1-d], rows[d])
			}
		}
		maxK := 1 + rng.IntN(m)
		tab := riskTable("random", header, rows, header)
		missing := "?"
		if trial%3 == 0 {
			// Codes without dictionaries, spread to 300007·c: 300007^4 > 2^64,
			// so mixed-radix keys overflow and are re-coded, and the sparse
			// (hashed) grouping path is taken. Without a dictionary no value
			// is missing.
			for _, c := range tab.Columns {
				c.Dict = nil
				for i := range c.Codes {
					c.Codes[i] *= 300007
				}
			}
			missing = "\x01"
		}
		for _, workers := range []int{1, 3} {
			got, err := SUDA2(context.Background(), tab, SUDAOptions{MaxSize: maxK, Missing: []string{"?"}, KeepMSUs: true, Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			want := bruteMSUs(rows, maxK, missing)
			if len(got.MSUs) == 0 && len(want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got.MSUs, want) {
				t.Fatalf("trial %d (n=%d m=%d maxK=%d): MSUs\n got %v\nwant %v\nrows %v", trial, n, m, maxK, got.MSUs, want, rows)
			}
			// Scores from the MSUs.
			score := make([]float64, n)
			for _, u := range want {
				score[u.Row] += math.Gamma(float64(maxK-len(u.Columns)) + 1)
			}
			if !reflect.DeepEqual(got.Score, score) {
				t.Fatalf("trial %d: scores %v, want %v", trial, got.Score, score)
			}
			var total float64
			contrib := make([]float64, m)
			for _, u := range want {
				w := math.Gamma(float64(maxK-len(u.Columns)) + 1)
				total += w
				for _, j := range u.Columns {
					contrib[j] += w
				}
			}
			for j := range contrib {
				if total > 0 {
					contrib[j] *= 100 / total
				}
				if math.Abs(got.Contribution[j]-contrib[j]) > 1e-9 {
					t.Fatalf("trial %d: contributions %v, want %v", trial, got.Contribution, contrib)
				}
			}
		}
	}
}

// A hand-worked table: 3 QIs, 6 records.
//
//	row  a b c
//	0    x p 1
//	1    x p 1
//	2    x q 1
//	3    y q 1
//	4    y q 2
//	5    x p 2
//
// a: x×4, y×2; b: p×3, q×3; c: 1×4, 2×2 — no 1-MSU.
// Pairs {a,b}: xp×3, xq×1 (row 2), yq×2 → {a,b} is an MSU of row 2.
// {a,c}: x1×3, y1×1 (row 3), y2×1 (row 4), x2×1 (row 5).
// {b,c}: p1×2, q1×2, q2×1 (row 4), p2×1 (row 5).
// Row 4 is unique on {a,c} and {b,c}; row 5 likewise; row 3 on {a,c}.
// {a,b,c}: rows 0,1 duplicate; all others are unique on a pair already.
// M = 3: each 2-MSU scores (3−2)! = 1; scores 0,0,1,1,2,2.
// Pairs P = 2 (rows 0, 1), π = 0.01, Q = 1 + 5/20 = 1.25.
func TestSUDA2Hand(t *testing.T) {
	rows := [][]string{{"x", "p", "1"}, {"x", "p", "1"}, {"x", "q", "1"}, {"y", "q", "1"}, {"y", "q", "2"}, {"x", "p", "2"}}
	header := []string{"a", "b", "c"}
	var sizes []int
	progress := func(size, maxSize int) {
		if maxSize != 3 {
			t.Errorf("progress: max size %d", maxSize)
		}
		sizes = append(sizes, size)
	}
	res, err := SUDA2(context.Background(), riskTable("hand", header, rows, header), SUDAOptions{KeepMSUs: true, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	// Size 3 is searched too: rows 0 and 1 are non-unique on every pair.
	if !reflect.DeepEqual(sizes, []int{1, 2, 3}) {
		t.Errorf("progress sizes %v", sizes)
	}
	wantScore := []float64{0, 0, 1, 1, 2, 2}
	if !reflect.DeepEqual(res.Score, wantScore) {
		t.Fatalf("scores %v, want %v", res.Score, wantScore)
	}
	if !reflect.DeepEqual(res.MSUCountBySize, []int64{0, 6, 0}) {
		t.Fatalf("MSU counts %v", res.MSUCountBySize)
	}
	if res.SampleUniques != 4 || res.Pairs != 2 {
		t.Fatalf("uniques %d pairs %d", res.SampleUniques, res.Pairs)
	}
	// Six 2-MSUs of weight 1: a is in 4, b in 3, c in 5; total score 6.
	for j, want := range []float64{400.0 / 6, 300.0 / 6, 500.0 / 6} {
		if math.Abs(res.Contribution[j]-want) > 1e-12 {
			t.Fatalf("contributions %v", res.Contribution)
		}
	}
	q := 1.25
	adj := 2*math.Pow(1, -q) + 2*math.Pow(2, -q)
	odds := 2 * 0.99 / 0.01
	dis1 := 1 / (1 + odds/(1*adj))
	dis2 := 1 / (1 + odds/(math.Pow(2, q)*adj))
	want := []float64{0, 0, dis1, dis1, dis2, dis2}
	for i := range want {
		if math.Abs(res.DIS[i]-want[i]) > 1e-15 {
			t.Fatalf("DIS[%d] = %v, want %v", i, res.DIS[i], want[i])
		}
	}
	if mean := (2*dis1 + 2*dis2) / 6; math.Abs(res.MeanDIS-mean) > 1e-15 {
		t.Fatalf("mean DIS %v, want %v", res.MeanDIS, mean)
	}
}

// Null is missing by default (sdcMicro's NA) and a value with NullIsValue.
func TestSUDA2Null(t *testing.T) {
	rows := [][]string{{"x", "\x00"}, {"x", "p"}, {"y", "p"}, {"y", "p"}}
	header := []string{"a", "b"}
	tab := riskTable("null", header, rows, header)
	res, err := SUDA2(context.Background(), tab, SUDAOptions{KeepMSUs: true})
	if err != nil {
		t.Fatal(err)
	}
	// Row 0 is unique only through its null; row 1 is unique on {a,b}, and
	// on no single column: (x,p) once, x twice, p three times.
	want := []MSU{{Row: 1, Columns: []int{0, 1}}}
	if !reflect.DeepEqual(res.MSUs, want) {
		t.Fatalf("MSUs %v, want %v", res.MSUs, want)
	}
	res, err = SUDA2(context.Background(), tab, SUDAOptions{KeepMSUs: true, NullIsValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want = []MSU{{Row: 0, Columns: []int{1}}, {Row: 1, Columns: []int{0, 1}}}
	if !reflect.DeepEqual(res.MSUs, want) {
		t.Fatalf("NullIsValue: MSUs %v, want %v", res.MSUs, want)
	}
}

func TestSUDA2Errors(t *testing.T) {
	header := []string{"a"}
	tab := riskTable("e", header, [][]string{{"x"}}, header)
	for _, opt := range []SUDAOptions{{MaxSize: 2}, {MaxSize: -1}, {DisFraction: 1}, {DisFraction: -0.5}} {
		if _, err := SUDA2(context.Background(), tab, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := riskAdult(t)
	if _, err := SUDA2(ctx, big, SUDAOptions{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

// Adult, 8 QIs, sdcMicro 5.8.1 suda2 defaults: max score 5040 (= 7!) and
// mean DIS score 0.050787 (figures given in the issue).
func TestSUDA2Adult(t *testing.T) {
	res, err := SUDA2(context.Background(), riskAdult(t), SUDAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.MaxScore != 5040 {
		t.Errorf("max score %v, want 5040", res.MaxScore)
	}
	if math.Abs(res.MeanDIS-0.050787) > 5e-7 {
		t.Errorf("mean DIS %.7f, want 0.050787", res.MeanDIS)
	}
	// Independent brute-force enumeration (all 255 subsets with string
	// keys, a separate script) gives these MSU counts by size.
	want := []int64{2, 1006, 7852, 9409, 4576, 894, 66, 6}
	if !reflect.DeepEqual(res.MSUCountBySize, want) {
		t.Errorf("MSUs by size %v, want %v", res.MSUCountBySize, want)
	}
	if res.SampleUniques != 8841 || res.Pairs != 3130 {
		t.Errorf("uniques %d pairs %d, want 8841 3130", res.SampleUniques, res.Pairs)
	}
}
