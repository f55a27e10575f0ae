package itemsets

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// small is 14 rows of 6 subjects (plus a row without subject): s3 repeats
// a, s5 has one item, NA is a null item (and a null subject).
//
//	s1 {a,b,c}  s2 {a,b}  s3 {a,b}  s4 {a,NULL}  s5 {c}  s6 {b,NULL}
//
// Supports: a 4, b 4, c 2, NULL 2; ab 3, ac 1, bc 1, a·NULL 1, b·NULL 1;
// abc 1.
const small = `account,device
s1,a
s1,b
s1,c
s2,b
s2,a
s3,a
s3,b
s3,a
s4,a
s4,NA
s5,c
NA,c
s6,NA
s6,b
`

func smallSets(t *testing.T) *Sets {
	t.Helper()
	src, err := quasiid.Read("small.csv", strings.NewReader(small), quasiid.ReadOptions{NullValues: []string{"NA"}})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := quasiid.Encode(context.Background(), src, quasiid.Spec{Subject: "account", Insensitive: []string{"device"}}, quasiid.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromTable(tbl, "account", "device")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMeasureSmall(t *testing.T) {
	s := smallSets(t)
	if s.Len() != 6 || s.Rows != 14 || s.SkippedRows != 1 || s.DuplicateRows != 1 || s.Occurrences() != 12 {
		t.Fatalf("subjects %d rows %d skipped %d duplicates %d occurrences %d, want 6 14 1 1 12",
			s.Len(), s.Rows, s.SkippedRows, s.DuplicateRows, s.Occurrences())
	}
	for _, c := range []struct {
		k, m     int
		viol     []int64
		subjects int
		minSup   int
	}{
		{2, 1, []int64{0}, 0, 2},
		{2, 2, []int64{0, 4}, 3, 1},    // ac, bc, a·NULL, b·NULL: s1, s4, s6
		{2, 3, []int64{0, 4, 1}, 3, 1}, // + abc
		{3, 1, []int64{2}, 4, 2},       // c, NULL: s1, s4, s5, s6
		{3, 2, []int64{2, 4}, 4, 1},    // every pair but ab holds c or NULL
		{3, 3, []int64{2, 4, 1}, 4, 1}, // abc holds c
		{4, 2, []int64{2, 5}, 6, 1},    // ab (3) too: every subject
		{5, 3, []int64{4, 5, 1}, 6, 1}, // every itemset
		{1, 3, []int64{0, 0, 0}, 0, 1}, // k = 1 always holds
	} {
		for _, workers := range []int{1, 3} {
			r, err := Measure(context.Background(), s, Options{K: c.k, M: c.m, Workers: workers, PassSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Violating, c.viol) || r.SubjectsInViolations != c.subjects || r.MinSupport != c.minSup ||
				r.Subjects != 6 || r.Items != 4 || r.Anonymous() != (c.subjects == 0) {
				t.Errorf("k=%d m=%d workers=%d: violating %v, subjects %d, min support %d, items %d; want %v, %d, %d, 4",
					c.k, c.m, workers, r.Violating, r.SubjectsInViolations, r.MinSupport, r.Items, c.viol, c.subjects, c.minSup)
			}
		}
	}
}

func TestMeasureExamples(t *testing.T) {
	s := smallSets(t)
	r, err := Measure(context.Background(), s, Options{K: 3, M: 3, Examples: 4})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r.Examples {
		var labels []string
		for _, c := range e.Items {
			labels = append(labels, s.Label(c))
		}
		got = append(got, fmt.Sprintf("%s:%d", strings.Join(labels, "+"), e.Support))
	}
	// Codes in order of first appearance: a 0, b 1, c 2, NULL 3.
	want := []string{"c:2", "NULL:2", "a+c:1", "a+NULL:1"}
	if !slices.Equal(got, want) {
		t.Errorf("examples %q, want %q", got, want)
	}
}

func TestMeasureOptions(t *testing.T) {
	s := smallSets(t)
	for _, o := range []Options{{K: 0, M: 2}, {K: 2, M: 0}, {K: 2, M: 4}, {K: 2, M: 2, Examples: -1}} {
		_, err := Measure(context.Background(), s, o)
		if _, ok := err.(*OptionError); !ok {
			t.Errorf("%+v: error %v, want an *OptionError", o, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Measure(ctx, s, Options{K: 3, M: 3}); err == nil {
		t.Error("a cancelled context gave no error")
	}
}

// bruteForce counts k^m violations over string tuples of every subset of
// every set: the definition, with no pruning and no packing.
func bruteForce(sets map[string][]string, k, m int) (viol []int64, subjects, minSup int) {
	support := map[string]int{}
	subsets := map[string][]string{}
	for subj, items := range sets {
		u := slices.Clone(items)
		slices.Sort(u)
		u = slices.Compact(u)
		var rec func(start int, cur []string)
		rec = func(start int, cur []string) {
			if len(cur) > 0 {
				key := strings.Join(cur, "\x00")
				support[key]++
				subsets[subj] = append(subsets[subj], key)
			}
			if len(cur) == m {
				return
			}
			for i := start; i < len(u); i++ {
				rec(i+1, append(cur, u[i]))
			}
		}
		rec(0, nil)
	}
	viol = make([]int64, m)
	for key, n := range support {
		if minSup == 0 || n < minSup {
			minSup = n
		}
		if n < k {
			viol[strings.Count(key, "\x00")]++
		}
	}
	for _, keys := range subsets {
		for _, key := range keys {
			if support[key] < k {
				subjects++
				break
			}
		}
	}
	return viol, subjects, minSup
}

// generated returns rows of n accounts with 1–8 rows each, items drawn
// from a Zipf distribution over nItems (some repeated within an account).
func generated(seed uint64, n, nItems int) (subj, items []uint32) {
	rng := rand.New(rand.NewPCG(seed, 7))
	z := rand.NewZipf(rng, 1.2, 2, uint64(nItems-1))
	for s := range n {
		for range 1 + rng.IntN(8) {
			subj = append(subj, uint32(s))
			items = append(items, uint32(z.Uint64()))
		}
	}
	return subj, items
}

// TestMeasureBruteForce compares Measure with bruteForce on 20,000
// generated accounts; the data holds violating triples of every kind the
// fast path separates (with an infrequent item, with an infrequent pair of
// frequent items, of frequent items with frequent pairs), checked by
// TestGeneratedCoverage.
func TestMeasureBruteForce(t *testing.T) {
	subj, items := generated(14, 20000, 3000)
	s, err := New(subj, items)
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string][]string{}
	for i, c := range subj {
		key := fmt.Sprint(c)
		sets[key] = append(sets[key], fmt.Sprint(items[i]))
	}
	for _, c := range []struct{ k, m int }{{5, 3}, {2, 2}, {20, 3}} {
		viol, subjects, minSup := bruteForce(sets, c.k, c.m)
		if viol[0] == 0 || viol[c.m-1] == 0 || subjects == 0 {
			t.Fatalf("k=%d m=%d: generated data has no violations of every size: %v", c.k, c.m, viol)
		}
		t.Logf("k=%d m=%d: brute force violating %v, subjects %d, min support %d", c.k, c.m, viol, subjects, minSup)
		for _, o := range []Options{{Workers: 1}, {Workers: 2, PassSize: 5000}, {Workers: 3, PassSize: 300}} {
			o.K, o.M = c.k, c.m
			r, err := Measure(context.Background(), s, o)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Violating, viol) || r.SubjectsInViolations != subjects || r.MinSupport != minSup || r.Subjects != 20000 {
				t.Errorf("%+v: violating %v, subjects %d, min support %d; brute force %v, %d, %d",
					o, r.Violating, r.SubjectsInViolations, r.MinSupport, viol, subjects, minSup)
			}
		}
	}
}

// TestGeneratedCoverage checks, by brute force, that the generated table of
// TestMeasureBruteForce at k = 5 holds violating triples of each kind.
func TestGeneratedCoverage(t *testing.T) {
	subj, items := generated(14, 20000, 3000)
	sets := map[uint32][]uint32{}
	for i, s := range subj {
		sets[s] = append(sets[s], items[i])
	}
	sup := map[[3]uint32]int{}
	for _, set := range sets {
		slices.Sort(set)
		set = slices.Compact(set)
		for x, a := range set {
			sup[[3]uint32{a, a, a}]++
			for y := x + 1; y < len(set); y++ {
				sup[[3]uint32{a, set[y], set[y]}]++
				for _, c := range set[y+1:] {
					sup[[3]uint32{a, set[y], c}]++
				}
			}
		}
	}
	const k = 5
	var kinds [3]int
	for key, n := range sup {
		a, b, c := key[0], key[1], key[2]
		if a == b || b == c || n >= k {
			continue
		}
		switch {
		case sup[[3]uint32{a, a, a}] < k || sup[[3]uint32{b, b, b}] < k || sup[[3]uint32{c, c, c}] < k:
			kinds[0]++
		case sup[[3]uint32{a, b, b}] < k || sup[[3]uint32{a, c, c}] < k || sup[[3]uint32{b, c, c}] < k:
			kinds[1]++
		default:
			kinds[2]++
		}
	}
	t.Logf("violating triples with an infrequent item %d, with an infrequent pair %d, candidates %d", kinds[0], kinds[1], kinds[2])
	if kinds[0] == 0 || kinds[1] == 0 || kinds[2] == 0 {
		t.Errorf("violating triples by kind %v: a kind is missing", kinds)
	}
}
