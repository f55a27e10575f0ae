package benchmarks

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/quasiid"
)

// measAdult encodes testdata/adult/adult.csv with the 8 QIs of issue 2 and
// occupation as the sensitive column.
func measAdult(b *testing.B) *quasiid.Table {
	header, rows := fixture.Records(b, "adult/adult.csv", ';')
	t := &quasiid.Table{Source: "adult.csv", Rows: len(rows)}
	add := func(name string, role quasiid.Role) {
		j := slices.Index(header, name)
		col := &quasiid.Column{Name: name, Role: role, Dict: quasiid.NewDictionary(), Codes: make([]uint32, len(rows))}
		for i, row := range rows {
			col.Codes[i] = col.Dict.Code(row[j])
		}
		t.Columns = append(t.Columns, col)
	}
	for _, q := range []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"} {
		add(q, quasiid.QuasiIdentifier)
	}
	add("occupation", quasiid.Sensitive)
	return t
}

// measBestOf returns the best of n timings of f.
func measBestOf(n int, f func()) time.Duration {
	best := time.Duration(math.MaxInt64)
	for range n {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// BenchmarkMeasuresAdult times every class-table and sensitive measure of
// this package on Adult (12,458 classes) and reports it against the time
// of Count on the same table (x-count).
func BenchmarkMeasuresAdult(b *testing.B) {
	t := measAdult(b)
	ctx := context.Background()
	var c *anonymity.Classes
	count := measBestOf(5, func() {
		var err error
		if c, err = anonymity.Count(ctx, t, anonymity.CountOptions{}); err != nil {
			b.Fatal(err)
		}
	})
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		_ = anonymity.K(c)
		_ = anonymity.SampleUniques(c)
		_ = anonymity.SizeHistogram(c)
		_ = anonymity.RecordsBelow(c, 5)
		_ = anonymity.Prosecutor(c, anonymity.DefaultRiskThreshold)
		if _, err := anonymity.SummarizeSensitive(c.Sensitive[0], anonymity.SensitiveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per.Nanoseconds())/float64(c.Len()), "ns/class")
	b.ReportMetric(float64(per)/float64(count), "x-count")
}

// measSynthetic is a 1M-row table with three QIs (up to 100,000 classes)
// and a numeric sensitive column of 2,000 values.
func measSynthetic() *quasiid.Table {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(7, 11))
	t := &quasiid.Table{Source: "synthetic", Rows: n}
	for j, card := range []int{100, 50, 20} {
		col := &quasiid.Column{Name: "q" + strconv.Itoa(j), Role: quasiid.QuasiIdentifier, Dict: quasiid.NewDictionary(), Codes: make([]uint32, n)}
		for v := range card {
			col.Dict.Code(strconv.Itoa(v))
		}
		for i := range col.Codes {
			col.Codes[i] = uint32(r.IntN(card))
		}
		t.Columns = append(t.Columns, col)
	}
	s := &quasiid.Column{Name: "income", Role: quasiid.Sensitive, Dict: quasiid.NewDictionary(), Codes: make([]uint32, n)}
	for i := range s.Codes {
		s.Codes[i] = s.Dict.Code(strconv.Itoa(1000 + r.IntN(2_000)))
	}
	t.Columns = append(t.Columns, s)
	return t
}

// measDenseOrdered is the plain ordered EMD: for every class a running sum
// over all m values of the table, O(m) per class.
func measDenseOrdered(m *anonymity.Multiset) []float64 {
	total := make([]int64, m.Dict.Len())
	var n int64
	for i, v := range m.Values {
		total[v] += m.Counts[i]
		n += m.Counts[i]
	}
	order := make([]uint32, 0, len(total))
	for code, t := range total {
		if t > 0 {
			order = append(order, uint32(code))
		}
	}
	num := func(c uint32) float64 { f, _ := strconv.ParseFloat(m.Dict.Value(c), 64); return f }
	slices.SortFunc(order, func(a, b uint32) int { return int(num(a) - num(b)) })
	in := make([]int64, len(total))
	out := make([]float64, len(m.Offsets)-1)
	for e := range out {
		var size int64
		for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
			in[m.Values[i]] = m.Counts[i]
			size += m.Counts[i]
		}
		var cp, cq int64
		var sum float64
		for _, c := range order {
			cp += in[c]
			cq += total[c]
			sum += math.Abs(float64(cp)/float64(size) - float64(cq)/float64(n))
		}
		out[e] = sum / float64(len(order)-1)
		for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
			in[m.Values[i]] = 0
		}
	}
	return out
}

// BenchmarkTClosenessOrdered times the ordered-distance t-closeness of a
// numeric column with 2,000 values over 100,000 classes of ~10 rows,
// against Count on the same table (x-count) and against the plain O(m)
// per-class running sum (x-dense, below 1 means faster).
func BenchmarkTClosenessOrdered(b *testing.B) {
	t := measSynthetic()
	ctx := context.Background()
	var c *anonymity.Classes
	count := measBestOf(3, func() {
		var err error
		if c, err = anonymity.Count(ctx, t, anonymity.CountOptions{}); err != nil {
			b.Fatal(err)
		}
	})
	m := c.Sensitive[0]
	d := anonymity.OrderedDistance(m)
	var dense []float64
	denseTime := measBestOf(1, func() { dense = measDenseOrdered(m) })
	got := anonymity.TCloseness(m, d)
	for e := range got {
		if math.Abs(got[e]-dense[e]) > 1e-9 {
			b.Fatalf("class %d: %v, dense %v", e, got[e], dense[e])
		}
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		_ = anonymity.TCloseness(m, d)
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per.Nanoseconds())/float64(c.Len()), "ns/class")
	b.ReportMetric(float64(per)/float64(count), "x-count")
	b.ReportMetric(float64(per)/float64(denseTime), "x-dense")
}
