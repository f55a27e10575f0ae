package anonymity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

// kernEncode encodes string rows (nqi QIs, then an optional subject, then
// nsens sensitive columns) with fresh dictionaries whose codes are handed
// out in a random order of the values.
func kernEncode(r *rand.Rand, rows [][]string, nqi int, subject bool, nsens int) *quasiid.Table {
	t := &quasiid.Table{Source: "shard", Rows: len(rows)}
	ncol := nqi + nsens
	if subject {
		ncol++
	}
	for j := range ncol {
		role, name := quasiid.QuasiIdentifier, fmt.Sprint("q", j)
		switch {
		case j == nqi && subject:
			role, name = quasiid.Subject, "subject"
		case j >= nqi:
			role, name = quasiid.Sensitive, fmt.Sprint("s", j-nqi)
			if subject {
				name = fmt.Sprint("s", j-nqi-1)
			}
		}
		values := make([]string, len(rows))
		for i, row := range rows {
			values[i] = row[j]
		}
		d := quasiid.NewDictionary()
		shuffled := slices.Clone(values)
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		for _, v := range shuffled {
			if v == "\x00" {
				d.NullCode()
			} else {
				d.Code(v)
			}
		}
		col := kernColumn(name, role, nil)
		col.Dict = d
		col.Codes = make([]uint32, len(values))
		for i, v := range values {
			if v == "\x00" {
				col.Codes[i] = d.NullCode()
			} else {
				col.Codes[i] = d.Code(v)
			}
		}
		t.Columns = append(t.Columns, col)
	}
	return t
}

func TestMergeShardsEqualsWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for trial := range 60 {
		n := []int{0, 1, 5, 400, 2000}[r.IntN(5)]
		nqi := 1 + r.IntN(5)
		subject := r.IntN(2) == 0
		nsens := r.IntN(3)
		_, rows := kernRandomTable(r, n, nqi, subject, nsens)
		// Cut into 1 to 5 contiguous shards, each encoded on its own.
		k := 1 + r.IntN(5)
		cuts := []int{0}
		for range k - 1 {
			cuts = append(cuts, r.IntN(n+1))
		}
		cuts = append(cuts, n)
		slices.Sort(cuts)
		var parts []*Classes
		for s := range k {
			c, err := Count(context.Background(), kernEncode(r, rows[cuts[s]:cuts[s+1]], nqi, subject, nsens), CountOptions{RowClass: true})
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, c)
		}
		m, err := Merge(parts...)
		if err != nil {
			t.Fatal(err)
		}
		extra := nsens
		if subject {
			extra++
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			kernEqual(t, m, kernReference(rows, nqi, extra), int64(n), true)
			for i, row := range rows {
				if got := kernKey(m, int(m.RowClass[i])); got != strings.Join(row[:nqi], "|") {
					t.Fatalf("row %d in class %q", i, got)
				}
			}
		})
	}
}

func TestMergeErrors(t *testing.T) {
	a := &Classes{QI: []string{"x"}, Dicts: []*quasiid.Dictionary{quasiid.NewDictionary()}, Codes: [][]uint32{{}}, Sizes: []int64{}}
	b := &Classes{QI: []string{"y"}, Dicts: []*quasiid.Dictionary{quasiid.NewDictionary()}, Codes: [][]uint32{{}}, Sizes: []int64{}}
	if _, err := Merge(); err == nil {
		t.Error("no parts: want an error")
	}
	if _, err := Merge(a, b); err == nil {
		t.Error("different QIs: want an error")
	}
	bad := &Classes{QI: []string{"x"}, Dicts: []*quasiid.Dictionary{quasiid.NewDictionary()}, Codes: [][]uint32{{3}}, Sizes: []int64{1}, Rows: 1}
	if _, err := Merge(a, bad); err == nil {
		t.Error("code outside dictionary: want an error")
	}
}

func TestRollUpEqualsRecount(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for trial := range 40 {
		n := []int{0, 1, 300, 3000}[r.IntN(4)]
		nqi := 1 + r.IntN(5)
		subject := r.IntN(2) == 0
		nsens := r.IntN(2)
		tbl, rows := kernRandomTable(r, n, nqi, subject, nsens)
		c, err := Count(context.Background(), tbl, CountOptions{RowClass: true})
		if err != nil {
			t.Fatal(err)
		}
		// Generalise: keep some QIs, map the others' values v<d> to
		// g<d mod 3> (null to "*").
		maps := make([][]uint32, nqi)
		dicts := make([]*quasiid.Dictionary, nqi)
		gen := func(v string) string {
			if v == "\x00" {
				return "*"
			}
			var d int
			fmt.Sscanf(v, "v%d", &d)
			return fmt.Sprint("g", d%3)
		}
		mapped := make([][]string, n)
		for i, row := range rows {
			mapped[i] = slices.Clone(row)
		}
		for j := range nqi {
			if r.IntN(3) == 0 {
				continue
			}
			d := quasiid.NewDictionary()
			m := make([]uint32, c.Dicts[j].Len())
			for v := range m {
				m[v] = d.Code(gen(kernLabel(c.Dicts[j], uint32(v))))
			}
			maps[j], dicts[j] = m, d
			for i := range mapped {
				mapped[i][j] = gen(mapped[i][j])
			}
		}
		up, err := c.RollUp(maps, dicts)
		if err != nil {
			t.Fatal(err)
		}
		extra := nsens
		if subject {
			extra++
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			kernEqual(t, up, kernReference(mapped, nqi, extra), int64(n), true)
			for i, row := range mapped {
				if got := kernKey(up, int(up.RowClass[i])); got != strings.Join(row[:nqi], "|") {
					t.Fatalf("row %d in class %q", i, got)
				}
			}
			// Project on a random subset equals a recount on it.
			cols := r.Perm(nqi)[:r.IntN(nqi+1)]
			p, err := c.Project(cols)
			if err != nil {
				t.Fatal(err)
			}
			proj := make([][]string, n)
			for i, row := range rows {
				for _, j := range cols {
					proj[i] = append(proj[i], row[j])
				}
				proj[i] = append(proj[i], row[nqi:]...)
			}
			kernEqual(t, p, kernReference(proj, len(cols), extra), int64(n), true)
		})
	}
}

func TestRollUpErrors(t *testing.T) {
	tbl := &quasiid.Table{Source: "hand", Rows: 2, Columns: []*quasiid.Column{
		kernColumn("q", quasiid.QuasiIdentifier, []string{"a", "b"})}}
	c, err := Count(context.Background(), tbl, CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := quasiid.NewDictionary()
	d.Code("*")
	if _, err := c.RollUp([][]uint32{{0}}, []*quasiid.Dictionary{d}); err == nil {
		t.Error("short map: want an error")
	}
	if _, err := c.RollUp([][]uint32{{0, 5}}, []*quasiid.Dictionary{d}); err == nil {
		t.Error("map outside dictionary: want an error")
	}
	if _, err := c.RollUp(nil, nil); err == nil {
		t.Error("no maps: want an error")
	}
	if _, err := c.Project([]int{0, 0}); err == nil {
		t.Error("QI twice: want an error")
	}
	up, err := c.RollUp([][]uint32{{0, 0}}, []*quasiid.Dictionary{d})
	if err != nil || up.Len() != 1 || up.Sizes[0] != 2 {
		t.Fatalf("roll-up to '*': %v, %+v", err, up)
	}
}
