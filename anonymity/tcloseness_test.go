package anonymity_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
)

func TestTClosenessEqual(t *testing.T) {
	// E2 (hiv only): ½(|0−.5| + |0−.15| + |1−.2| + |0−.15|) = .8.
	want := []float64{0.35, 0.18333333333333333, 0.8, 0.35, 0.25}
	measCloseAll(t, "TCloseness(equal)", anonymity.TCloseness(measDiseases(), anonymity.EqualDistance()), want, 1e-15)
	// The zero GroundDistance is the equal distance.
	measCloseAll(t, "TCloseness(zero)", anonymity.TCloseness(measDiseases(), anonymity.GroundDistance{}), want, 1e-15)
}

func TestTClosenessOrdered(t *testing.T) {
	// The values are not numbers: lexicographic order cancer < flu < hiv,
	// null last; q = .15, .5, .2, .15, m = 4. For E2 (hiv only) the
	// differences are −.15, −.5, .8, −.15, the running sums −.15, −.65,
	// .15, 0, and the EMD (.15+.65+.15)/3.
	m := measDiseases()
	want := []float64{0.2, 0.11666666666666667, 0.95 / 3, 0.65 / 3, 0.35 / 3}
	measCloseAll(t, "TCloseness(ordered)", anonymity.TCloseness(m, anonymity.OrderedDistance(m)), want, 1e-15)
}

// Numbers are ordered as numbers, not as text: with values 9, 10, 100 the
// class holding 100 is 1 rank-step from 10 and 2 from 9; in text order
// ("10" < "100" < "9") it would be 1 from each.
func TestTClosenessOrderedNumeric(t *testing.T) {
	m := measMultiset("n",
		[]measVC{{"9", 1}},
		[]measVC{{"10", 1}},
		[]measVC{{"100", 1}},
	)
	// q = ⅓ each. Class "9": differences ⅔, −⅓, −⅓; running ⅔, ⅓, 0 → 1/2.
	// Class "10": −⅓, ⅔, −⅓; running −⅓, ⅓, 0 → ⅓. Class "100": ½.
	// Text order would give class "10" the first rank and 1/2.
	measCloseAll(t, "TCloseness(ordered numeric)", anonymity.TCloseness(m, anonymity.OrderedDistance(m)),
		[]float64{0.5, 1.0 / 3, 0.5}, 1e-15)

	// One non-number makes the whole column text: "10" < "100" < "9" < "x".
	m = measMultiset("n",
		[]measVC{{"9", 1}},
		[]measVC{{"10", 1}},
		[]measVC{{"100", 1}},
		[]measVC{{"x", 1}},
	)
	// q = ¼ each, m = 4. Class "10" is first: running ¾, ½, ¼, 0 → 1.5/3.
	// Class "9" is third: −¼, −½, ¼, 0 → 1/3.
	got := anonymity.TCloseness(m, anonymity.OrderedDistance(m))
	measClose(t, "class 10 (text order)", got[1], 0.5, 1e-15)
	measClose(t, "class 9 (text order)", got[0], 1.0/3, 1e-15)
}

func TestTClosenessHierarchical(t *testing.T) {
	m := measDiseases()
	// Codes in order of first appearance: flu, cancer, hiv, null.
	paths := [][]string{
		{"respiratory", "*"},
		{"chronic", "*"},
		{"chronic", "*"},
		{"unknown", "*"},
	}
	d, err := anonymity.HierarchicalDistance(m, paths)
	if err != nil {
		t.Fatal(err)
	}
	// E2 (hiv only): leaf extras flu −.5, cancer −.15, hiv +.8, null −.15.
	// Level 1 (height 1/2): chronic has pos .8, neg .15 → .15; the others
	// have one child. Level 2 (root, height 2/2): extras respiratory −.5,
	// chronic +.65, unknown −.15 → min(.65, .65). EMD = .075 + .65.
	want := []float64{0.3, 0.175, 0.725, 0.35, 0.25}
	measCloseAll(t, "TCloseness(hierarchical)", anonymity.TCloseness(m, d), want, 1e-15)

	// A flat hierarchy (every value under the root) is the equal distance.
	flat := [][]string{{"*"}, {"*"}, {"*"}, {"*"}}
	d, err = anonymity.HierarchicalDistance(m, flat)
	if err != nil {
		t.Fatal(err)
	}
	measCloseAll(t, "TCloseness(flat hierarchy)", anonymity.TCloseness(m, d),
		anonymity.TCloseness(m, anonymity.EqualDistance()), 1e-15)
}

func TestHierarchicalDistanceErrors(t *testing.T) {
	m := measDiseases()
	for name, paths := range map[string][][]string{
		"missing value": {{"r", "*"}, {"c", "*"}, {"c", "*"}},
		"empty path":    {{"r", "*"}, {"c", "*"}, {}, {"u", "*"}},
		"uneven depth":  {{"r", "*"}, {"c", "*"}, {"*"}, {"u", "*"}},
		"two roots":     {{"r", "*"}, {"c", "*"}, {"c", "*"}, {"u", "ALL"}},
		"two parents":   {{"a", "x", "*"}, {"a", "y", "*"}, {"b", "y", "*"}, {"b", "y", "*"}},
	} {
		if _, err := anonymity.HierarchicalDistance(m, paths); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// A ground distance belongs to the multiset it was built from.
func TestTClosenessMismatchedDistance(t *testing.T) {
	m, other := measDiseases(), measDiseases() // distinct dictionaries
	for _, v := range anonymity.TCloseness(other, anonymity.OrderedDistance(m)) {
		if !math.IsNaN(v) {
			t.Fatalf("ordered distance of another dictionary: got %v, want NaN", v)
		}
	}
}

// A single-class table is exactly its own distribution.
func TestSensitiveSingleClass(t *testing.T) {
	m := measMultiset("s", []measVC{{"a", 3}, {"b", 1}, {measNull, 2}})
	measCloseAll(t, "ordered", anonymity.TCloseness(m, anonymity.OrderedDistance(m)), []float64{0}, 1e-15)
	for name, got := range map[string][]float64{
		"equal": anonymity.TCloseness(m, anonymity.EqualDistance()),
		"delta": anonymity.DeltaDisclosure(m),
	} {
		if len(got) != 1 || got[0] != 0 {
			t.Errorf("%s = %v, want [0] exactly", name, got)
		}
	}
	basic, enhanced := anonymity.BetaLikeness(m)
	if basic[0] != 0 || enhanced[0] != 0 {
		t.Errorf("BetaLikeness = %v, %v, want 0, 0", basic, enhanced)
	}
}

// measRandom builds a random multiset: classes with random counts over
// values "0".."values-1" (numbers, so the ordered distance sorts them
// numerically) plus, sometimes, null.
func measRandom(r *rand.Rand, classes, values int) *anonymity.Multiset {
	var cls [][]measVC
	for range classes {
		var c []measVC
		for v := range values {
			if r.IntN(3) == 0 {
				c = append(c, measVC{strconv.Itoa(v), int64(1 + r.IntN(9))})
			}
		}
		if r.IntN(4) == 0 {
			c = append(c, measVC{measNull, int64(1 + r.IntN(3))})
		}
		if len(c) == 0 {
			c = append(c, measVC{strconv.Itoa(r.IntN(values)), 1})
		}
		cls = append(cls, c)
	}
	return measMultiset("random", cls...)
}

// The ordered EMD taken segment by segment equals the plain running sum
// over all m values, 1/(m−1)·Σ_i |Σ_{j≤i}(p_j − q_j)|.
func TestTClosenessOrderedMatchesPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		m := measRandom(r, 1+r.IntN(12), 1+r.IntN(30))
		// The plain order: numbers ascending, null last.
		total := map[uint32]int64{}
		var n int64
		for i, v := range m.Values {
			total[v] += m.Counts[i]
			n += m.Counts[i]
		}
		var order []uint32
		for code := range total {
			order = append(order, code)
		}
		slices.SortFunc(order, func(a, b uint32) int {
			if m.Dict.IsNull(a) != m.Dict.IsNull(b) {
				if m.Dict.IsNull(a) {
					return 1
				}
				return -1
			}
			x, _ := strconv.Atoi(m.Dict.Value(a))
			y, _ := strconv.Atoi(m.Dict.Value(b))
			return x - y
		})
		got := anonymity.TCloseness(m, anonymity.OrderedDistance(m))
		for e := range got {
			class := map[uint32]int64{}
			var size int64
			for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
				class[m.Values[i]] = m.Counts[i]
				size += m.Counts[i]
			}
			var run, sum float64
			for _, code := range order {
				run += float64(class[code])/float64(size) - float64(total[code])/float64(n)
				sum += math.Abs(run)
			}
			want := 0.0
			if len(order) > 1 {
				want = sum / float64(len(order)-1)
			}
			if math.Abs(got[e]-want) > 1e-12 {
				t.Fatalf("trial %d class %d: ordered EMD %v, plain %v", trial, e, got[e], want)
			}
		}
	}
}

// On a tree whose leaves are at distance height(LCA)/H, the EMD is also
// the sum over the non-root nodes N of |extra(N)|·1/(2H) (each edge weighs
// 1/(2H), and the flow across an edge is the imbalance below it): a second
// formula, checked against Li et al.'s pos/neg formula on random trees.
func TestTClosenessHierarchicalMatchesEdgeFlow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		values := 1 + r.IntN(25)
		m := measRandom(r, 1+r.IntN(10), values)
		H := 1 + r.IntN(4)
		// Node at level h of value v: "h:" + v / fanout^h, a balanced-ish tree.
		fan := 2 + r.IntN(3)
		label := func(v, h int) string {
			if h == H {
				return "root"
			}
			d := 1
			for range h {
				d *= fan
			}
			return strconv.Itoa(h) + ":" + strconv.Itoa(v/d)
		}
		paths := make([][]string, m.Dict.Len())
		leafOf := make([]int, m.Dict.Len()) // numeric stand-in for each code; null is "values"
		for code := range paths {
			v := values
			if !m.Dict.IsNull(uint32(code)) {
				v, _ = strconv.Atoi(m.Dict.Value(uint32(code)))
			}
			leafOf[code] = v
			for h := 1; h <= H; h++ {
				paths[code] = append(paths[code], label(v, h))
			}
		}
		d, err := anonymity.HierarchicalDistance(m, paths)
		if err != nil {
			t.Fatal(err)
		}
		got := anonymity.TCloseness(m, d)

		total := map[uint32]int64{}
		var n int64
		for i, v := range m.Values {
			total[v] += m.Counts[i]
			n += m.Counts[i]
		}
		for e := range got {
			class := map[uint32]int64{}
			var size int64
			for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
				class[m.Values[i]] = m.Counts[i]
				size += m.Counts[i]
			}
			extra := map[string]float64{} // non-root nodes, leaves included
			for code, tot := range total {
				x := float64(class[code])/float64(size) - float64(tot)/float64(n)
				extra["leaf:"+strconv.Itoa(int(code))] += x
				for h := 1; h < H; h++ {
					extra[label(leafOf[code], h)] += x
				}
			}
			var want float64
			for _, x := range extra {
				want += math.Abs(x)
			}
			want /= 2 * float64(H)
			if math.Abs(got[e]-want) > 1e-12 {
				t.Fatalf("trial %d (H=%d) class %d: hierarchical EMD %v, edge flow %v", trial, H, e, got[e], want)
			}
		}
	}
}

// FuzzSensitiveMeasures feeds arbitrary multisets and hierarchies to every
// sensitive measure: none may panic, and every EMD of a class with rows
// lies in [0, 1] (ground distances are normalised to at most 1).
//
// The input is read as: one byte for the number of classes, then per class
// a byte of length followed by (value, count) byte pairs; the remaining
// bytes give each value's hierarchy path as "a/b/…" segments split by ','.
func FuzzSensitiveMeasures(f *testing.F) {
	f.Add([]byte("\x02\x02a\x03b\x01\x01c\x02x/*,y/*,y/*"))
	f.Add([]byte("\x01\x01a\x05*"))
	f.Add([]byte("\x03\x01a\x01\x01b\x01\x01a\x00p/q/*,p/r/*"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		classes, data := int(data[0]%8), data[1:]
		var cls [][]measVC
		for range classes {
			if len(data) == 0 {
				break
			}
			n := int(data[0] % 6)
			data = data[1:]
			var c []measVC
			seen := map[string]bool{}
			for range n {
				if len(data) < 2 {
					break
				}
				v := string(rune('a' + data[0]%6))
				if data[0]%6 == 5 {
					v = measNull
				}
				if !seen[v] {
					seen[v] = true
					c = append(c, measVC{v, int64(data[1] % 5)})
				}
				data = data[2:]
			}
			cls = append(cls, c)
		}
		m := measMultiset("fuzz", cls...)
		var paths [][]string
		for _, p := range strings.Split(string(data), ",") {
			if p == "" {
				paths = append(paths, nil)
			} else {
				paths = append(paths, strings.Split(p, "/"))
			}
		}
		dists := []anonymity.GroundDistance{anonymity.EqualDistance(), anonymity.OrderedDistance(m)}
		if d, err := anonymity.HierarchicalDistance(m, paths); err == nil {
			dists = append(dists, d)
		}
		for _, d := range dists {
			for e, v := range anonymity.TCloseness(m, d) {
				var rows int64
				for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
					rows += m.Counts[i]
				}
				if rows > 0 && !(v >= -1e-12 && v <= 1+1e-12) {
					t.Fatalf("class %d: EMD %v outside [0, 1]", e, v)
				}
			}
		}
		anonymity.DistinctL(m)
		anonymity.EntropyL(m)
		anonymity.RecursiveC(m, 2)
		anonymity.SatisfiesRecursiveCL(m, 2, 2)
		anonymity.BetaLikeness(m)
		anonymity.DeltaDisclosure(m)
		anonymity.SummarizeSensitive(m, anonymity.SensitiveOptions{Hierarchy: paths})
	})
}
