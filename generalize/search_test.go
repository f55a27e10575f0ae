package generalize

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomHierarchy builds a nested hierarchy over values v0…v(d−1) whose
// levels merge random groups, up to "*".
func randomHierarchy(r *rand.Rand, column string, d int) *Hierarchy {
	rows := make([][]string, d)
	cur := make([]int, d) // group of each value at the current level
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("v%d", i)}
		cur[i] = i
	}
	groups := d
	levels := 1 + r.IntN(3)
	for l := 1; l <= levels && groups > 1; l++ {
		next := max(1, groups-1-r.IntN(groups))
		remap := make([]int, groups)
		for g := range remap {
			remap[g] = r.IntN(next)
		}
		for i := range rows {
			cur[i] = remap[cur[i]]
			rows[i] = append(rows[i], fmt.Sprintf("L%d.%d", l, cur[i]))
		}
		groups = next
	}
	for i := range rows {
		rows[i] = append(rows[i], "*")
	}
	h, err := NewHierarchy(column, "random", rows)
	if err != nil {
		panic(err)
	}
	return h
}

// naive evaluates a node from the rows with maps of strings.
func naive(rows [][]string, qi []int, sens int, hs []*Hierarchy, levels []int, p Policy) (n Node) {
	type class struct {
		size int64
		sens map[string]bool
		key  []string
	}
	classes := map[string]*class{}
	var order []string
	N := float64(len(rows))
	freq := make([]map[string]float64, len(qi))    // original frequency
	genFreq := make([]map[string]float64, len(qi)) // generalised frequency
	domain := make([]map[string]bool, len(qi))
	cover := make([]map[string]map[string]bool, len(qi))
	for j := range qi {
		freq[j], genFreq[j], domain[j], cover[j] = map[string]float64{}, map[string]float64{}, map[string]bool{}, map[string]map[string]bool{}
	}
	for _, r := range rows {
		var key []string
		for j, c := range qi {
			g, _ := hs[j].Label(r[c], levels[j])
			key = append(key, g)
			freq[j][r[c]]++
			genFreq[j][g]++
			domain[j][r[c]] = true
			if cover[j][g] == nil {
				cover[j][g] = map[string]bool{}
			}
			cover[j][g][r[c]] = true
		}
		k := strings.Join(key, "\x00")
		cl := classes[k]
		if cl == nil {
			cl = &class{sens: map[string]bool{}, key: key}
			classes[k] = cl
			order = append(order, k)
		}
		cl.size++
		if sens >= 0 {
			cl.sens[r[sens]] = true
		}
	}
	fail := map[string]bool{}
	var kept int64
	for _, k := range order {
		cl := classes[k]
		n.DMStar += cl.size * cl.size
		if (p.K > 0 && cl.size < p.K) || (p.L > 0 && float64(len(cl.sens)) < p.L) {
			fail[k] = true
			n.Suppressed += cl.size
			continue
		}
		n.Classes++
		kept += cl.size
		n.DM += cl.size * cl.size
	}
	n.DM += n.Suppressed * int64(len(rows))
	var loss, prec, ent float64
	for _, r := range rows {
		var key []string
		for j, c := range qi {
			g, _ := hs[j].Label(r[c], levels[j])
			key = append(key, g)
		}
		k := strings.Join(key, "\x00")
		for j, c := range qi {
			if fail[k] {
				loss++
				prec++
				ent -= math.Log2(freq[j][r[c]] / N)
				continue
			}
			if M := float64(len(domain[j])); M > 1 {
				loss += float64(len(cover[j][key[j]])-1) / (M - 1)
			}
			if H := hs[j].Levels() - 1; H > 0 {
				prec += float64(levels[j]) / float64(H)
			}
			ent -= math.Log2(freq[j][r[c]] / genFreq[j][key[j]])
		}
	}
	m := float64(len(qi))
	n.Loss = loss / (N * m)
	n.Precision = 1 - prec/(N*m)
	n.Entropy = ent
	if kept > 0 {
		n.AECS = float64(kept) / float64(n.Classes)
		n.AverageRisk = float64(n.Classes) / float64(kept)
	}
	n.Feasible = n.Suppressed <= int64(math.Floor(p.MaxSuppression*N+1e-9)) &&
		(p.MaxAverageRisk == nil || kept == 0 || n.AverageRisk <= *p.MaxAverageRisk*(1+1e-12))
	return n
}

func TestSearchMatchesExhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	policies := []Policy{
		{K: 2},
		{K: 3, MaxSuppression: 0.1},
		{K: 4, MaxSuppression: 0.3},
		{K: 2, L: 2},
		{K: 2, L: 2, MaxSuppression: 0.2},
		{K: 2, MaxAverageRisk: Share(0.3)},
		{K: 2, MaxAverageRisk: Share(0.25), MaxSuppression: 0.15},
	}
	metrics := []Metric{DM, DMStar, Loss, Precision, AECS, Entropy}
	for trial := range 30 {
		m := 2 + r.IntN(3)
		nrows := 10 + r.IntN(60)
		header := []string{"s"}
		qi := make([]int, m)
		var hs []*Hierarchy
		var names []string
		for j := range m {
			name := fmt.Sprintf("q%d", j)
			header = append(header, name)
			names = append(names, name)
			qi[j] = j + 1
			hs = append(hs, randomHierarchy(r, name, 2+r.IntN(5)))
		}
		rows := make([][]string, nrows)
		for i := range rows {
			rows[i] = []string{fmt.Sprintf("s%d", r.IntN(3))}
			for j := range m {
				rows[i] = append(rows[i], fmt.Sprintf("v%d", r.IntN(len(hs[j].Values()))))
			}
		}
		c := classesOf(header, rows, names, []string{"s"}, "")
		for _, p := range policies {
			// Exhaustive enumeration, once per policy.
			var all []Node
			levels := make([]int, m)
			for {
				n := naive(rows, qi, 0, hs, levels, p)
				n.Levels = append([]int(nil), levels...)
				all = append(all, n)
				j := 0
				for ; j < m; j++ {
					levels[j]++
					if levels[j] < hs[j].Levels() {
						break
					}
					levels[j] = 0
				}
				if j == m {
					break
				}
			}
			for _, metric := range metrics {
				res, err := Search(context.Background(), c, hs, p, Options{Metric: metric})
				if err != nil {
					t.Fatal(err)
				}
				var best *Node
				for i := range all {
					if n := &all[i]; n.Feasible && (best == nil || n.Value(metric) < best.Value(metric)-1e-9) {
						best = n
					}
				}
				name := fmt.Sprintf("trial %d policy %+v metric %v", trial, p, metric)
				if (best == nil) != (res.Optimum == nil) {
					t.Fatalf("%s: exhaustive optimum %v, search %v", name, best, res.Optimum)
				}
				if best == nil {
					continue
				}
				if got, want := res.Optimum.Value(metric), best.Value(metric); math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Fatalf("%s: search optimum %v = %g, exhaustive %v = %g", name, res.Optimum.Levels, got, best.Levels, want)
				}
				// The search's own figures for its optimum agree with the naive ones.
				var o *Node
				for i := range all {
					if slices.Equal(all[i].Levels, res.Optimum.Levels) {
						o = &all[i]
					}
				}
				if o.DM != res.Optimum.DM || o.DMStar != res.Optimum.DMStar || o.Suppressed != res.Optimum.Suppressed ||
					math.Abs(o.Loss-res.Optimum.Loss) > 1e-9 || math.Abs(o.Entropy-res.Optimum.Entropy) > 1e-6 ||
					math.Abs(o.Precision-res.Optimum.Precision) > 1e-9 || math.Abs(o.AECS-res.Optimum.AECS) > 1e-9 {
					t.Fatalf("%s: node %v: search %+v, naive %+v", name, res.Optimum.Levels, *res.Optimum, *o)
				}
				if res.NodesEvaluated > int(res.LatticeSize)+m+1 {
					t.Fatalf("%s: %d evaluations for %d nodes", name, res.NodesEvaluated, res.LatticeSize)
				}
			}
		}
	}
}

func TestHeuristicFindsFeasible(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var hs []*Hierarchy
	var names []string
	header := []string{}
	for j := range 4 {
		name := fmt.Sprintf("q%d", j)
		names = append(names, name)
		header = append(header, name)
		hs = append(hs, randomHierarchy(r, name, 6))
	}
	rows := make([][]string, 200)
	for i := range rows {
		for range 4 {
			rows[i] = append(rows[i], fmt.Sprintf("v%d", r.IntN(6)))
		}
	}
	c := classesOf(header, rows, names, nil, "")
	p := Policy{K: 5, MaxSuppression: 0.02}
	opt, err := Search(context.Background(), c, hs, p, Options{Metric: DMStar})
	if err != nil {
		t.Fatal(err)
	}
	heur, err := Search(context.Background(), c, hs, p, Options{Metric: DMStar, MaxOptimalNodes: 1, MaxHeuristicNodes: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !heur.Heuristic || heur.Optimal || heur.Optimum == nil || !heur.Optimum.Feasible {
		t.Fatalf("heuristic: %+v", heur)
	}
	if heur.Optimum.DMStar < opt.Optimum.DMStar {
		t.Errorf("heuristic DM* %d beats the optimum %d", heur.Optimum.DMStar, opt.Optimum.DMStar)
	}
	check := naive(rows, []int{0, 1, 2, 3}, -1, hs, heur.Optimum.Levels, p)
	if !check.Feasible || check.DMStar != heur.Optimum.DMStar {
		t.Errorf("heuristic node %v: naive %+v", heur.Optimum.Levels, check)
	}
}

// TestRollUpWideKeys exercises the tuple-hash path of rollUp (key spaces
// beyond 64 bits): rolling the bottom up to itself keeps every class.
func TestRollUpWideKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const m, card, n = 8, 400, 3000
	header := make([]string, m)
	var hs []*Hierarchy
	for j := range header {
		header[j] = fmt.Sprintf("q%d", j)
		var vals []string
		for v := range card {
			vals = append(vals, fmt.Sprint(v))
		}
		h, err := Masking(header[j], vals)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	rows := make([][]string, n)
	for i := range rows {
		for range m {
			rows[i] = append(rows[i], fmt.Sprint(r.IntN(card)))
		}
	}
	c := classesOf(header, rows, header, nil, "")
	s, err := newTableEvaluator(c, hs, Policy{K: 1}, 4<<20)
	if err != nil {
		t.Fatal(err)
	}
	// The tuple path: the key space is about 400^8 > 2^63.
	prod := 1.0
	for _, b := range s.roll.bs {
		prod *= float64(b.dicts[0].Len())
	}
	if prod < 1<<63 {
		t.Fatalf("key space %g fits 64 bits", prod)
	}
	out := mustRollUp(t, s.roll, s.bottom, make([]int, m))
	if out.len() != c.Len() {
		t.Fatalf("%d classes, want %d", out.len(), c.Len())
	}
	for k := range c.Len() {
		for j := range m {
			if got := s.roll.code(out, j, k); got != c.Codes[j][k] {
				t.Fatalf("class %d column %d: code %d, want %d", k, j, got, c.Codes[j][k])
			}
		}
		if out.sizes[k] != c.Sizes[k] {
			t.Fatalf("class %d size %d, want %d", k, out.sizes[k], c.Sizes[k])
		}
	}
	// One level up (last digit masked) merges classes like a plain map.
	up := mustRollUp(t, s.roll, s.bottom, []int{1, 1, 1, 1, 1, 1, 1, 1})
	want := map[string]int64{}
	for _, row := range rows {
		var b strings.Builder
		for j := range m {
			l, _ := hs[j].Label(row[j], 1)
			b.WriteString(l + "|")
		}
		want[b.String()]++
	}
	if up.len() != len(want) {
		t.Errorf("level 1: %d classes, want %d", up.len(), len(want))
	}
}
