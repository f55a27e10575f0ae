package beam

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

func TestMain(m *testing.M) { ptest.Main(m) }

func init() {
	register.DoFn1x1[[]byte, error](&writeBytesFn{})
	register.DoFn1x1[Summary, error](&writeSummaryFn{})
}

// writeBytesFn writes its single element to Path, so that the test can
// read the pipeline's result.
type writeBytesFn struct{ Path string }

func (f *writeBytesFn) ProcessElement(b []byte) error { return os.WriteFile(f.Path, b, 0o644) }

type writeSummaryFn struct{ Path string }

func (f *writeSummaryFn) ProcessElement(s Summary) error {
	b, err := encodeSummary(s)
	if err != nil {
		return err
	}
	return os.WriteFile(f.Path, b, 0o644)
}

// run builds a pipeline whose partial tables come from count, runs it on
// Prism and returns the merged class table and the Summary.
func run(t *testing.T, count func(s beam.Scope) beam.PCollection, mopt MeasureOptions) (*anonymity.Classes, Summary) {
	t.Helper()
	dir := t.TempDir()
	merged, summary := filepath.Join(dir, "merged"), filepath.Join(dir, "summary")
	p, s := beam.NewPipelineWithRoot()
	partials := count(s)
	beam.ParDo0(s, &writeBytesFn{Path: merged}, MergeClasses(s, partials))
	beam.ParDo0(s, &writeSummaryFn{Path: summary}, Measures(s, partials, mopt))
	if err := ptest.Run(p); err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	b, err := os.ReadFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	b, err = os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := decodeSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	return c, sum
}

// classKey returns the value tuple of class e, nulls marked.
func classKey(c *anonymity.Classes, e int) string {
	var parts []string
	for j, d := range c.Dicts {
		parts = append(parts, valueKey(d, c.Codes[j][e]))
	}
	return strings.Join(parts, "\x1f")
}

// byValue describes a class table by value: for each class its size, its
// subjects and its sensitive histograms.
func byValue(c *anonymity.Classes) map[string]string {
	out := make(map[string]string, c.Len())
	hist := func(m *anonymity.Multiset, e int) string {
		var kv []string
		for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
			kv = append(kv, fmt.Sprintf("%q=%d", valueKey(m.Dict, m.Values[i]), m.Counts[i]))
		}
		slices.Sort(kv)
		return strings.Join(kv, ",")
	}
	for e := range c.Sizes {
		desc := fmt.Sprint(c.Sizes[e])
		if c.Subjects != nil {
			desc += " subjects{" + hist(c.Subjects, e) + "}"
		}
		for _, m := range c.Sensitive {
			desc += " " + m.Name + "{" + hist(m, e) + "}"
		}
		out[classKey(c, e)] = desc
	}
	return out
}

// coreClasses counts a CSV file with the core library alone.
func coreClasses(t *testing.T, path string, opt Options) *anonymity.Classes {
	t.Helper()
	src, err := quasiid.Open(path, opt.readOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tab, err := quasiid.Encode(context.Background(), src, opt.spec(), quasiid.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := anonymity.Count(context.Background(), tab, anonymity.CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sameClasses fails t unless got and want hold the same classes by value.
func sameClasses(t *testing.T, got, want *anonymity.Classes) {
	t.Helper()
	if got.Rows != want.Rows || got.Len() != want.Len() {
		t.Fatalf("got %d rows in %d classes, want %d rows in %d classes", got.Rows, got.Len(), want.Rows, want.Len())
	}
	if !slices.Equal(got.QI, want.QI) {
		t.Fatalf("QI %q, want %q", got.QI, want.QI)
	}
	g, w := byValue(got), byValue(want)
	bad := 0
	for k, wv := range w {
		if gv := g[k]; gv != wv {
			if bad++; bad <= 5 {
				t.Errorf("class %q: got %q, want %q", k, gv, wv)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d classes differ", bad, len(w))
	}
}

// closeFloat reports whether a and b agree up to the rounding of a sum in
// another order (or are both NaN, or equal infinities).
func closeFloat(a, b float64) bool {
	if a == b || math.IsNaN(a) && math.IsNaN(b) {
		return true
	}
	return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}

// sameSummary fails t unless s equals the core's figures on c.
func sameSummary(t *testing.T, s Summary, c *anonymity.Classes, l int) {
	t.Helper()
	if s.Rows != c.Rows || s.Classes != int64(c.Len()) {
		t.Errorf("summary: %d rows, %d classes; core %d, %d", s.Rows, s.Classes, c.Rows, c.Len())
	}
	if k := anonymity.K(c); s.K != k {
		t.Errorf("K = %d, core %d", s.K, k)
	}
	if k := anonymity.KSubjects(c); s.KSubjects != k {
		t.Errorf("KSubjects = %d, core %d", s.KSubjects, k)
	}
	if n := anonymity.SubjectsInSeveralClasses(c); s.SubjectsInSeveralClasses != n {
		t.Errorf("SubjectsInSeveralClasses = %d, core %d", s.SubjectsInSeveralClasses, n)
	}
	h := anonymity.SizeHistogram(c)
	if len(h) != len(s.Histogram) {
		t.Errorf("histogram has %d sizes, core %d", len(s.Histogram), len(h))
	}
	for size, n := range h {
		if s.Histogram[size] != n {
			t.Errorf("histogram[%d] = %d, core %d", size, s.Histogram[size], n)
		}
	}
	if su := anonymity.SampleUniques(c); s.SampleUniques() != su {
		t.Errorf("SampleUniques = %d, core %d", s.SampleUniques(), su)
	}
	for _, k := range []int64{2, 5, 11} {
		if r := anonymity.RecordsBelow(c, k); s.RecordsBelow(k) != r {
			t.Errorf("RecordsBelow(%d) = %d, core %d", k, s.RecordsBelow(k), r)
		}
	}
	for _, th := range []float64{0, anonymity.DefaultRiskThreshold, 0.5} {
		if got, want := s.Prosecutor(th), anonymity.Prosecutor(c, th); got != want {
			t.Errorf("Prosecutor(%g) = %+v, core %+v", th, got, want)
		}
	}
	if len(s.Sensitive) != len(c.Sensitive) {
		t.Fatalf("%d sensitive columns, core %d", len(s.Sensitive), len(c.Sensitive))
	}
	for i, m := range c.Sensitive {
		f := s.Sensitive[i]
		if d := slices.Min(anonymity.DistinctL(m)); f.DistinctL != d {
			t.Errorf("%s: distinct l = %d, core %d", m.Name, f.DistinctL, d)
		}
		checks := []struct {
			name      string
			got, want float64
		}{
			{"entropy l", f.EntropyL, slices.Min(anonymity.EntropyL(m))},
			{"recursive c", f.RecursiveC, maxOf(anonymity.RecursiveC(m, l))},
			{"t equal", f.TEqual, maxOf(anonymity.TCloseness(m, anonymity.EqualDistance()))},
			{"t ordered", f.TOrdered, maxOf(anonymity.TCloseness(m, anonymity.OrderedDistance(m)))},
		}
		for _, ch := range checks {
			if !closeFloat(ch.got, ch.want) {
				t.Errorf("%s: %s = %v, core %v", m.Name, ch.name, ch.got, ch.want)
			}
		}
	}
}

const adultPath = "../testdata/adult/adult.csv"

// adultOptions: four QIs keep classes of several rows, so that the
// sensitive measures are not all trivial.
var adultOptions = Options{
	QI:        []string{"age", "sex", "race", "marital-status"},
	Sensitive: []string{"salary-class", "education", "occupation"},
	Delimiter: ';',
}

// readCSV returns the header and rows of a CSV file.
func readCSV(t *testing.T, path string, delim rune) ([]string, [][]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = delim
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

func TestAdultRowsEqualCore(t *testing.T) {
	want := coreClasses(t, adultPath, adultOptions)
	header, rows := readCSV(t, adultPath, ';')
	opt := adultOptions
	opt.Columns = header
	opt.FlushRows = 997 // 31 partial tables at least
	got, sum := run(t, func(s beam.Scope) beam.PCollection {
		return CountRows(s, beam.CreateList(s, rows), opt)
	}, MeasureOptions{Shards: 7, L: 2})
	sameClasses(t, got, want)
	sameSummary(t, sum, want, 2)
	// Adult over (age, sex, race, marital-status), counted independently
	// with awk: 30162 rows, 1690 classes, 543 of size 1.
	if sum.Rows != 30162 || sum.Classes != 1690 || sum.SampleUniques() != 543 {
		t.Errorf("rows, classes, sample uniques = %d, %d, %d; want 30162, 1690, 543", sum.Rows, sum.Classes, sum.SampleUniques())
	}
}

// splitCSV writes the rows of a CSV file into n files with the header each.
func splitCSV(t *testing.T, path string, n int, delim rune) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	header, body := lines[0], lines[1:]
	if body[len(body)-1] == "" {
		body = body[:len(body)-1]
	}
	dir := t.TempDir()
	var paths []string
	for i := range n {
		var sb strings.Builder
		sb.WriteString(header)
		for j := i; j < len(body); j += n { // round robin: every class spreads over files
			sb.WriteString(body[j])
		}
		p := filepath.Join(dir, fmt.Sprintf("part-%03d.csv", i))
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func TestAdultFilesEqualCore(t *testing.T) {
	want := coreClasses(t, adultPath, adultOptions)
	paths := splitCSV(t, adultPath, 9, ';')
	got, sum := run(t, func(s beam.Scope) beam.PCollection {
		opt := adultOptions
		opt.FlushRows = 1 // one partial table per file
		return CountFiles(s, beam.Reshuffle(s, beam.CreateList(s, paths)), opt)
	}, MeasureOptions{Shards: 5, L: 3})
	sameClasses(t, got, want)
	sameSummary(t, sum, want, 3)
}

// TestHandComputed pins the figures of an 8-row table counted one row per
// partial table, so that every class and subject A cross bundles.
func TestHandComputed(t *testing.T) {
	rows := [][]string{
		{"x", "1", "p", "A"},
		{"y", "2", "q", "A"},
		{"x", "1", "q", "B"},
		{"y", "1", "p", "C"},
		{"x", "1", "p", "A"},
		{"y", "2", "q", "D"},
		{"y", "2", "r", "E"},
		{"z", "2", "p", "F"},
	}
	opt := Options{QI: []string{"a", "b"}, Sensitive: []string{"s"}, Subject: "u",
		Columns: []string{"a", "b", "s", "u"}, FlushRows: 1}
	c, sum := run(t, func(s beam.Scope) beam.PCollection {
		return CountRows(s, beam.Reshuffle(s, beam.CreateList(s, rows)), opt)
	}, MeasureOptions{Shards: 3})
	want := map[string]string{
		"\x01x\x1f\x011": `3 subjects{"\x01A"=2,"\x01B"=1} s{"\x01p"=2,"\x01q"=1}`,
		"\x01y\x1f\x011": `1 subjects{"\x01C"=1} s{"\x01p"=1}`,
		"\x01y\x1f\x012": `3 subjects{"\x01A"=1,"\x01D"=1,"\x01E"=1} s{"\x01q"=2,"\x01r"=1}`,
		"\x01z\x1f\x012": `1 subjects{"\x01F"=1} s{"\x01p"=1}`,
	}
	got := byValue(c)
	if len(got) != len(want) {
		t.Errorf("%d classes, want %d: %q", len(got), len(want), got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("class %q: got %q, want %q", k, got[k], w)
		}
	}
	if sum.Rows != 8 || sum.Classes != 4 || sum.K != 1 || sum.KSubjects != 1 || sum.SubjectsInSeveralClasses != 1 {
		t.Errorf("rows, classes, k, k subjects, subjects in several = %d %d %d %d %d, want 8 4 1 1 1",
			sum.Rows, sum.Classes, sum.K, sum.KSubjects, sum.SubjectsInSeveralClasses)
	}
	if sum.Histogram[1] != 2 || sum.Histogram[3] != 2 || len(sum.Histogram) != 2 {
		t.Errorf("histogram %v, want map[1:2 3:2]", sum.Histogram)
	}
	if sum.SampleUniques() != 2 || sum.RecordsBelow(5) != 8 {
		t.Errorf("sample uniques %d, records below 5 %d; want 2, 8", sum.SampleUniques(), sum.RecordsBelow(5))
	}
	if p := sum.Prosecutor(0.2); p.Highest != 1 || p.Average != 0.5 || p.RecordsAtRisk != 1 {
		t.Errorf("prosecutor %+v, want highest 1, average 0.5, at risk 1", p)
	}
	// Table distribution p 4/8, q 3/8, r 1/8; class (y,1) = {p}:
	// ½(|1−½| + 3/8 + 1/8) = ½; classes (x,1): 1/6, (y,2): ½, (z,2): ½.
	f := sum.Sensitive[0]
	if f.DistinctL != 1 || f.EntropyL != 1 || !closeFloat(f.TEqual, 0.5) {
		t.Errorf("sensitive figures %+v, want distinct l 1, entropy l 1, t 0.5", f)
	}
}

// synthetic returns a seeded table with a subject column, nulls ("NA")
// and empty strings, whose classes and subjects recur throughout.
func synthetic(n int) (header []string, rows [][]string) {
	header = []string{"subject", "region", "band", "device", "diagnosis", "score"}
	regions := []string{"north", "south", "east", "west", "", "NA"}
	devices := []string{"tv", "phone", "tablet", "NA"}
	diags := []string{"a", "b", "c", "d", "e", ""}
	x := uint64(0x9e3779b97f4a7c15)
	next := func(m int) int {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return int(x % uint64(m))
	}
	for i := range n {
		subj := fmt.Sprintf("u%d", next(n/7+1))
		if i%50 == 0 {
			subj = "u-everywhere" // one subject in many bundles and classes
		}
		rows = append(rows, []string{
			subj,
			regions[next(len(regions))],
			fmt.Sprint(10 * next(9)),
			devices[next(len(devices))],
			diags[next(len(diags))],
			fmt.Sprint(next(12)),
		})
	}
	return header, rows
}

func writeCSV(t *testing.T, header []string, rows [][]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows)
	p := filepath.Join(t.TempDir(), "synthetic.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var syntheticOptions = Options{
	QI:         []string{"region", "band", "device"},
	Sensitive:  []string{"diagnosis", "score"},
	Subject:    "subject",
	Delimiter:  ',',
	NullValues: []string{"NA"},
}

func TestSyntheticManyBundlesEqualCore(t *testing.T) {
	header, rows := synthetic(20000)
	want := coreClasses(t, writeCSV(t, header, rows), syntheticOptions)
	if want.Subjects == nil || anonymity.SubjectsInSeveralClasses(want) == 0 {
		t.Fatal("synthetic table has no subject in several classes")
	}
	opt := syntheticOptions
	opt.Columns = header
	opt.FlushRows = 173 // about 116 partial tables
	got, sum := run(t, func(s beam.Scope) beam.PCollection {
		return CountRows(s, beam.Reshuffle(s, beam.CreateList(s, rows)), opt)
	}, MeasureOptions{Shards: 13, L: 2})
	sameClasses(t, got, want)
	sameSummary(t, sum, want, 2)
}

func TestSyntheticStreamsEqualCore(t *testing.T) {
	header, rows := synthetic(6000)
	want := coreClasses(t, writeCSV(t, header, rows), syntheticOptions)
	var tables [][]byte
	for lo := 0; lo < len(rows); lo += 700 {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(header)
		w.WriteAll(rows[lo:min(lo+700, len(rows))])
		tables = append(tables, b.Bytes())
	}
	got, sum := run(t, func(s beam.Scope) beam.PCollection {
		opt := syntheticOptions
		opt.FlushRows = 1
		return CountStreams(s, beam.Reshuffle(s, beam.CreateList(s, tables)), opt)
	}, MeasureOptions{Shards: 4})
	sameClasses(t, got, want)
	sameSummary(t, sum, want, 2)
}

func TestClassHashByValue(t *testing.T) {
	// The same class under two dictionaries with other codes hashes alike.
	d1, d2 := quasiid.NewDictionary(), quasiid.NewDictionary()
	d1.Code("a")
	d1.Code("b")
	d2.Code("b")
	d2.Code("a")
	n1 := d1.NullCode()
	e2 := d2.Code("")
	n2 := d2.NullCode()
	e1 := d1.Code("")
	c1 := &anonymity.Classes{QI: []string{"q"}, Dicts: []*quasiid.Dictionary{d1}, Codes: [][]uint32{{1, n1, e1}}, Sizes: []int64{1, 1, 1}}
	c2 := &anonymity.Classes{QI: []string{"q"}, Dicts: []*quasiid.Dictionary{d2}, Codes: [][]uint32{{0, n2, e2}}, Sizes: []int64{1, 1, 1}}
	for e := range 3 {
		if classHash(c1, e) != classHash(c2, e) {
			t.Errorf("class %d hashes differ under two dictionaries", e)
		}
	}
	if classHash(c1, 1) == classHash(c1, 2) {
		t.Error("null and the empty string hash alike")
	}
}

// TestMeasuresEmptyInput: an input of header-only files gives one summary
// with rows 0, as the core reports an empty table.
func TestMeasuresEmptyInput(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"a.csv", "b.csv"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("age,zip,person,diagnosis\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	opt := Options{QI: []string{"age", "zip"}, Sensitive: []string{"diagnosis"}, Subject: "person"}
	out := filepath.Join(dir, "summary")
	p, s := beam.NewPipelineWithRoot()
	partials := CountFiles(s, beam.CreateList(s, paths), opt)
	beam.ParDo0(s, &writeSummaryFn{Path: out}, Measures(s, partials, MeasureOptions{Shards: 3}))
	if err := ptest.Run(p); err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no summary: %v", err)
	}
	sum, err := decodeSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 0 || sum.Classes != 0 || sum.K != 0 || sum.KSubjects != 0 || len(sum.Histogram) != 0 ||
		sum.SubjectsInSeveralClasses != 0 || len(sum.Sensitive) != 0 {
		t.Errorf("summary of an empty input %+v, want zeros", sum)
	}
}
