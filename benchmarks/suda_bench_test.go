package benchmarks

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/quasiid"
)

// sudaAdultQI are the eight Adult quasi-identifiers.
var sudaAdultQI = []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}

func sudaAdult(b *testing.B) *quasiid.Table {
	src, err := quasiid.Open(fixture.Path(b, "adult/adult.csv"), quasiid.ReadOptions{Delimiter: ';'})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	t, err := quasiid.Encode(context.Background(), src, quasiid.Spec{QI: sudaAdultQI}, quasiid.EncodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// sudaSynthetic draws n rows over columns of the given cardinalities, each
// value with probability ∝ 1/(rank+1) (a Zipf-like skew, as survey
// keys have), so that there are common and rare combinations alike.
func sudaSynthetic(n int, cards []int, seed uint64) *quasiid.Table {
	rng := rand.New(rand.NewPCG(seed, 1))
	t := &quasiid.Table{Source: "synthetic", Rows: n}
	for j, card := range cards {
		cum := make([]float64, card)
		var s float64
		for v := range card {
			s += 1 / float64(v+1)
			cum[v] = s
		}
		d := quasiid.NewDictionary()
		for v := range card {
			d.Code(string(rune('A'+j)) + string(rune('a'+v%26)) + string(rune('0'+v/26)))
		}
		codes := make([]uint32, n)
		for i := range codes {
			x := rng.Float64() * s
			lo, hi := 0, card-1
			for lo < hi {
				mid := (lo + hi) / 2
				if cum[mid] < x {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			codes[i] = uint32(lo)
		}
		t.Columns = append(t.Columns, &quasiid.Column{Name: string(rune('a' + j)), Role: quasiid.QuasiIdentifier, Codes: codes, Dict: d})
	}
	return t
}

// sudaBest returns the fastest of k runs of f.
func sudaBest(k int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range k {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// BenchmarkSUDA2 times SUDA2 (all MSU sizes, DIS-SUDA included) and reports
// ns per row and the ratio to anonymity.Count's time on the same table.
func BenchmarkSUDA2(b *testing.B) {
	cases := []struct {
		name  string
		table func(*testing.B) *quasiid.Table
	}{
		{"adult-30k-8keys", sudaAdult},
		{"synthetic-63k-7keys", func(*testing.B) *quasiid.Table {
			return sudaSynthetic(63_000, []int{2, 5, 7, 12, 16, 41, 74}, 63)
		}},
		{"synthetic-100k-10keys", func(*testing.B) *quasiid.Table {
			return sudaSynthetic(100_000, []int{2, 3, 5, 7, 9, 12, 16, 24, 41, 74}, 100)
		}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			t := tc.table(b)
			countTime := sudaBest(20, func() {
				if _, err := anonymity.Count(ctx, t, anonymity.CountOptions{}); err != nil {
					b.Fatal(err)
				}
			})
			var res *anonymity.SUDAResult
			b.ResetTimer()
			start := time.Now()
			for b.Loop() {
				var err error
				if res, err = anonymity.SUDA2(ctx, t, anonymity.SUDAOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(per.Nanoseconds())/float64(t.Rows), "ns/row")
			b.ReportMetric(float64(per)/float64(countTime), "x-count")
			var msus int64
			for _, c := range res.MSUCountBySize {
				msus += c
			}
			b.ReportMetric(float64(msus), "MSUs")
		})
	}
}
