package anonymity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/quasiid"
)

// column builds an encoded column from values; "\x00" stands for null.
func kernColumn(name string, role quasiid.Role, values []string) *quasiid.Column {
	c := &quasiid.Column{Name: name, Role: role, Dict: quasiid.NewDictionary(), Codes: make([]uint32, len(values))}
	for i, v := range values {
		if v == "\x00" {
			c.Codes[i] = c.Dict.NullCode()
		} else {
			c.Codes[i] = c.Dict.Code(v)
		}
	}
	return c
}

// label is a value of a dictionary code as the tests spell it.
func kernLabel(d *quasiid.Dictionary, code uint32) string {
	if d.IsNull(code) {
		return "\x00"
	}
	return d.Value(code)
}

// classKey is the tuple of QI values of class k, joined by "|".
func kernKey(c *Classes, k int) string {
	parts := make([]string, len(c.QI))
	for j := range c.QI {
		parts[j] = kernLabel(c.Dicts[j], c.Codes[j][k])
	}
	return strings.Join(parts, "|")
}

// histOf is the histogram of class k in m, by value.
func kernHist(m *Multiset, k int) map[string]int64 {
	h := map[string]int64{}
	for i := m.Offsets[k]; i < m.Offsets[k+1]; i++ {
		if i > m.Offsets[k] && m.Values[i] <= m.Values[i-1] {
			h["!unsorted"] = 1
		}
		h[kernLabel(m.Dict, m.Values[i])] += m.Counts[i]
	}
	return h
}

// kernRef is the plain map[string] counter: class keys in order of
// first row, sizes, and per extra column the histogram of each class.
type kernRef struct {
	keys  []string
	sizes map[string]int64
	hists []map[string]map[string]int64
}

func kernReference(rows [][]string, nqi int, extra int) *kernRef {
	r := &kernRef{sizes: map[string]int64{}, hists: make([]map[string]map[string]int64, extra)}
	for e := range r.hists {
		r.hists[e] = map[string]map[string]int64{}
	}
	for _, row := range rows {
		k := strings.Join(row[:nqi], "|")
		if _, ok := r.sizes[k]; !ok {
			r.keys = append(r.keys, k)
			for e := range r.hists {
				r.hists[e][k] = map[string]int64{}
			}
		}
		r.sizes[k]++
		for e := range r.hists {
			r.hists[e][k][row[nqi+e]]++
		}
	}
	return r
}

// equalClasses compares c with the reference by value, class order included.
func kernEqual(t *testing.T, c *Classes, r *kernRef, rows int64, ordered bool) {
	t.Helper()
	if c.Rows != rows || c.Len() != len(r.keys) {
		t.Fatalf("rows %d classes %d, want rows %d classes %d", c.Rows, c.Len(), rows, len(r.keys))
	}
	var extras []*Multiset
	if c.Subjects != nil {
		extras = append(extras, c.Subjects)
	}
	extras = append(extras, c.Sensitive...)
	if len(extras) != len(r.hists) {
		t.Fatalf("%d histograms, want %d", len(extras), len(r.hists))
	}
	seen := map[string]bool{}
	for k := range c.Len() {
		key := kernKey(c, k)
		if ordered && key != r.keys[k] {
			t.Fatalf("class %d is %q, want %q", k, key, r.keys[k])
		}
		if seen[key] {
			t.Fatalf("class %q twice", key)
		}
		seen[key] = true
		if c.Sizes[k] != r.sizes[key] {
			t.Fatalf("class %q: size %d, want %d", key, c.Sizes[k], r.sizes[key])
		}
		for e, m := range extras {
			if got, want := kernHist(m, k), r.hists[e][key]; !maps.Equal(got, want) {
				t.Fatalf("class %q, %s: histogram %v, want %v", key, m.Name, got, want)
			}
		}
	}
}

// randomTable draws a table of n rows with nqi QIs, an optional subject
// and up to two sensitive columns. Dictionaries are pre-filled up to the
// drawn cardinality (1 to 1e6), so that key spaces overflow 64 bits; about
// one value in ten is null.
func kernRandomTable(r *rand.Rand, n, nqi int, subject bool, nsens int) (*quasiid.Table, [][]string) {
	t := &quasiid.Table{Source: "random", Rows: n}
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = make([]string, 0, nqi+1+nsens)
	}
	add := func(name string, role quasiid.Role) {
		cardChoices := []int{1, 2, 7, 100, 5000, 1_000_000}
		card := cardChoices[r.IntN(len(cardChoices))]
		prefill := card <= 100_000
		used := 1 + r.IntN(min(card, 40))
		values := make([]string, n)
		for i := range values {
			switch {
			case r.IntN(10) == 0:
				values[i] = "\x00"
			case r.IntN(4) == 0:
				values[i] = fmt.Sprint("v", r.IntN(card))
			default:
				values[i] = fmt.Sprint("v", r.IntN(used))
			}
			rows[i] = append(rows[i], values[i])
		}
		col := kernColumn(name, role, nil)
		if prefill {
			for _, v := range r.Perm(card) {
				col.Dict.Code(fmt.Sprint("v", v))
			}
		}
		col.Codes = make([]uint32, n)
		for i, v := range values {
			if v == "\x00" {
				col.Codes[i] = col.Dict.NullCode()
			} else {
				col.Codes[i] = col.Dict.Code(v)
			}
		}
		t.Columns = append(t.Columns, col)
	}
	for j := range nqi {
		add(fmt.Sprint("q", j), quasiid.QuasiIdentifier)
	}
	if subject {
		add("subject", quasiid.Subject)
	}
	for j := range nsens {
		add(fmt.Sprint("s", j), quasiid.Sensitive)
	}
	return t, rows
}

func TestCountMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	ns := []int{0, 1, 2, 3, 50, 3000}
	for trial := range 120 {
		n := ns[r.IntN(len(ns))]
		nqi := r.IntN(9) // 0..8; 0 is the one-class case
		subject := r.IntN(2) == 0
		nsens := r.IntN(3)
		tbl, rows := kernRandomTable(r, n, nqi, subject, nsens)
		extra := nsens
		if subject {
			extra++
		}
		c, err := Count(context.Background(), tbl, CountOptions{Workers: 1 + r.IntN(3), RowClass: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			ref := kernReference(rows, nqi, extra)
			kernEqual(t, c, ref, int64(n), true)
			for i, row := range rows {
				if got := kernKey(c, int(c.RowClass[i])); got != strings.Join(row[:nqi], "|") {
					t.Fatalf("row %d in class %q", i, got)
				}
			}
		})
	}
}

func TestCountHandTable(t *testing.T) {
	// Hand-counted: classes (a,x) rows 0,2,5 (subjects p,p,q), (b,x) row 1,
	// (a,y) rows 3,4 with a null in the second one.
	tbl := &quasiid.Table{Source: "hand", Rows: 6, Columns: []*quasiid.Column{
		kernColumn("q1", quasiid.QuasiIdentifier, []string{"a", "b", "a", "a", "a", "a"}),
		kernColumn("q2", quasiid.QuasiIdentifier, []string{"x", "x", "x", "y", "y", "x"}),
		kernColumn("who", quasiid.Subject, []string{"p", "p", "p", "r", "\x00", "q"}),
	}}
	c, err := Count(context.Background(), tbl, CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Sizes, []int64{3, 1, 2}) {
		t.Fatalf("sizes %v", c.Sizes)
	}
	if got := []string{kernKey(c, 0), kernKey(c, 1), kernKey(c, 2)}; !slices.Equal(got, []string{"a|x", "b|x", "a|y"}) {
		t.Fatalf("classes %v", got)
	}
	if !slices.Equal(c.Subjects.Offsets, []int{0, 2, 3, 5}) || !slices.Equal(c.Subjects.Counts, []int64{2, 1, 1, 1, 1}) {
		t.Fatalf("subjects %+v", c.Subjects)
	}
	if c.RowClass != nil {
		t.Fatal("RowClass not asked for")
	}
}

func TestCountErrors(t *testing.T) {
	bad := kernColumn("q", quasiid.QuasiIdentifier, []string{"a", "b"})
	bad.Codes[1] = 7
	tbl := &quasiid.Table{Source: "f.csv", Rows: 2, Columns: []*quasiid.Column{bad}}
	_, err := Count(context.Background(), tbl, CountOptions{})
	if err == nil || !strings.Contains(err.Error(), "f.csv") || !strings.Contains(err.Error(), "row 2") || !strings.Contains(err.Error(), `"q"`) {
		t.Fatalf("got %v, want an error naming f.csv, row 2 and column q", err)
	}
	short := &quasiid.Table{Source: "f.csv", Rows: 3, Columns: []*quasiid.Column{kernColumn("q", quasiid.QuasiIdentifier, []string{"a"})}}
	if _, err := Count(context.Background(), short, CountOptions{}); err == nil {
		t.Fatal("short column: want an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok := &quasiid.Table{Source: "f.csv", Rows: 1, Columns: []*quasiid.Column{kernColumn("q", quasiid.QuasiIdentifier, []string{"a"})}}
	if _, err := Count(ctx, ok, CountOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: got %v", err)
	}
}

// kernAdultQI are the quasi-identifiers of the published Adult figures.
var kernAdultQI = []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}

// kernReadAdult encodes testdata/adult/adult.csv by hand (';'-separated).
func kernReadAdult(t testing.TB, qi []string, sensitive ...string) *quasiid.Table {
	t.Helper()
	header, body := fixture.Records(t, "adult/adult.csv", ';')
	tbl := &quasiid.Table{Source: "adult.csv", Rows: len(body)}
	add := func(name string, role quasiid.Role) {
		j := slices.Index(header, name)
		if j < 0 {
			t.Fatalf("no column %q", name)
		}
		values := make([]string, len(body))
		for i, rec := range body {
			values[i] = rec[j]
		}
		tbl.Columns = append(tbl.Columns, kernColumn(name, role, values))
	}
	for _, q := range qi {
		add(q, quasiid.QuasiIdentifier)
	}
	for _, s := range sensitive {
		add(s, quasiid.Sensitive)
	}
	return tbl
}

func TestCountAdult(t *testing.T) {
	tbl := kernReadAdult(t, kernAdultQI, "occupation")
	c, err := Count(context.Background(), tbl, CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var uniques, below5 int64
	for _, s := range c.Sizes {
		if s == 1 {
			uniques++
		}
		if s < 5 {
			below5 += s
		}
	}
	// Figures given by pyCANON, sdcMicro, DuckDB and Polars (issue 2).
	if c.Rows != 30162 || c.Len() != 12458 || uniques != 8841 || below5 != 15353 {
		t.Fatalf("rows %d classes %d sample uniques %d records below 5 %d; want 30162 12458 8841 15353",
			c.Rows, c.Len(), uniques, below5)
	}
	var occ int64
	for _, n := range c.Sensitive[0].Counts {
		occ += n
	}
	if occ != c.Rows {
		t.Fatalf("occupation histograms hold %d rows", occ)
	}
}

func TestCountManyClasses(t *testing.T) {
	// Enough classes (> 2^16) for the parallel paths of Count and of the
	// kernel's partitions.
	r := rand.New(rand.NewPCG(21, 22))
	n := 150_000
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprint(r.IntN(2000)), fmt.Sprint(r.IntN(300)), fmt.Sprint(r.IntN(3)), fmt.Sprint(r.IntN(5))}
	}
	tbl := kernEncode(r, rows, 3, true, 0)
	c, err := Count(context.Background(), tbl, CountOptions{Workers: 2, RowClass: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() < 1<<16 {
		t.Fatalf("only %d classes", c.Len())
	}
	kernEqual(t, c, kernReference(rows, 3, 1), int64(n), true)
	for i, row := range rows {
		if got := kernKey(c, int(c.RowClass[i])); got != strings.Join(row[:3], "|") {
			t.Fatalf("row %d in class %q", i, got)
		}
	}
}
