package generalize

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
)

// rowMasks expands the class masks of res to one mask per row of rows,
// finding each row's class by its QI values.
func rowMasks(t testing.TB, c *anonymity.Classes, res *Local, header []string, rows [][]string) [][]string {
	t.Helper()
	key := func(vals []string) string { return strings.Join(vals, "\x00") }
	class := map[string]int{}
	for i := range c.Len() {
		vals := make([]string, len(c.QI))
		for j := range c.QI {
			vals[j] = c.Dicts[j].Value(c.Codes[j][i])
		}
		class[key(vals)] = i
	}
	idx := make([]int, len(c.QI))
	for j, q := range c.QI {
		idx[j] = slices.Index(header, q)
	}
	out := make([][]string, len(rows))
	for r, row := range rows {
		vals := make([]string, len(c.QI))
		for j, k := range idx {
			vals[j] = row[k]
		}
		i, ok := class[key(vals)]
		if !ok {
			t.Fatalf("row %d has no class", r)
		}
		for j := range vals {
			if res.Masks[i]&(1<<j) != 0 {
				vals[j] = wild
			}
		}
		out[r] = vals
	}
	return out
}

// wild marks a suppressed cell in the tests' plain tables (a value the
// data cannot hold).
const wild = "\x00*"

// bruteCounts is the definition, comparing every pair of rows: the number
// of rows (or distinct subjects) that row r matches, a wild cell matching
// anything.
func bruteCounts(vals [][]string, subj []string) []int64 {
	out := make([]int64, len(vals))
	for r, a := range vals {
		seen := map[string]bool{}
		for s, b := range vals {
			ok := true
			for j := range a {
				if a[j] != wild && b[j] != wild && a[j] != b[j] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			if subj == nil {
				out[r]++
			} else if !seen[subj[s]] {
				seen[subj[s]] = true
				out[r]++
			}
		}
	}
	return out
}

// patternCounts computes the same rows count as bruteCounts by another
// route, fast enough for Adult: for every pair of blank patterns (P, Q),
// rows of pattern Q are counted in a map keyed by their values on the
// columns blank in neither, and every row of pattern P looks itself up.
func patternCounts(vals [][]string) []int64 {
	pattern := make([]uint32, len(vals))
	byPat := map[uint32][]int{}
	for r, v := range vals {
		for j := range v {
			if v[j] == wild {
				pattern[r] |= 1 << j
			}
		}
		byPat[pattern[r]] = append(byPat[pattern[r]], r)
	}
	keyOf := func(v []string, drop uint32) string {
		var b strings.Builder
		for j := range v {
			if drop&(1<<j) == 0 {
				b.WriteString(v[j])
			}
			b.WriteByte(0)
		}
		return b.String()
	}
	out := make([]int64, len(vals))
	for p, prs := range byPat {
		for q, qrs := range byPat {
			n := map[string]int64{}
			for _, r := range qrs {
				n[keyOf(vals[r], p|q)]++
			}
			for _, r := range prs {
				out[r] += n[keyOf(vals[r], p|q)]
			}
		}
	}
	return out
}

func cells(vals [][]string) (n int) {
	for _, v := range vals {
		for _, x := range v {
			if x == wild {
				n++
			}
		}
	}
	return n
}

func TestLocalSuppressAdult(t *testing.T) {
	header, rows := readSemicolon(t, filepath.Join("..", "testdata", "adult", "adult.csv"))
	qi := []string{"age", "sex", "race", "marital-status", "education"}
	c := classesOf(header, rows, qi, nil, "")
	res, err := LocalSuppress(context.Background(), c, LocalOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	vals := rowMasks(t, c, res, header, rows)
	counts := patternCounts(vals)
	least := slices.Min(counts)
	t.Logf("cells %d by column %v records %d k %d (plain check %d)", res.Cells, res.ByColumn, res.Records, res.K, least)
	if int64(cells(vals)) != res.Cells || res.K != least || least < 3 {
		t.Errorf("cells %d (rows: %d), k %d, plain k %d", res.Cells, cells(vals), res.K, least)
	}
	if res.Cells > 5101 {
		t.Errorf("%d cells blanked, sdcMicro 5.8.1 blanks 5101", res.Cells)
	}
}

var _ = fmt.Sprint
var _ = rand.N[int]
var _ = bits.OnesCount
