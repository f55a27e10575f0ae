package beam

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// DefaultShards is the number of shards Measures uses when none is given.
const DefaultShards = 16

// MeasureOptions control Measures.
type MeasureOptions struct {
	// Shards is the number of shards the classes are spread over by a
	// hash of their values; 0 means DefaultShards.
	Shards int
	// L is the l of recursive (c,l)-diversity; 0 means 2.
	L int
}

// Summary holds the table-level figures of a class table, combined from
// per-shard contributions. Every figure equals the anonymity package's on
// the merged table: K = anonymity.K, KSubjects = anonymity.KSubjects,
// Histogram = anonymity.SizeHistogram, SubjectsInSeveralClasses =
// anonymity.SubjectsInSeveralClasses; the class-size figures
// (SampleUniques, RecordsBelow, Prosecutor) are derived from Histogram
// with the same formulas.
type Summary struct {
	// Rows is the number of rows counted, Classes the number of classes.
	Rows, Classes int64
	// K is the smallest class size, min_E |E| (0 without classes).
	K int64
	// KSubjects is the smallest number of distinct subjects in a class
	// (K without a subject column).
	KSubjects int64
	// Histogram maps a class size s to the number of classes of size s.
	Histogram map[int64]int64
	// SubjectsInSeveralClasses counts the subjects whose rows fall in
	// more than one class (0 without a subject column).
	SubjectsInSeveralClasses int64
	// Sensitive holds the figures of each sensitive column, in order.
	Sensitive []SensitiveFigures
}

// SensitiveFigures are the table-level l-diversity and t-closeness of one
// sensitive column: the minimum (for l) or maximum (for c and t) over
// classes of the anonymity package's per-class figures.
type SensitiveFigures struct {
	Name string
	// DistinctL = min_E anonymity.DistinctL, EntropyL = min_E
	// anonymity.EntropyL.
	DistinctL int
	EntropyL  float64
	// L is the l of RecursiveC, max_E anonymity.RecursiveC(E, L) (+Inf
	// when a class has fewer than L distinct values).
	L          int
	RecursiveC float64
	// TEqual and TOrdered are max_E of anonymity.TCloseness under the
	// equal and the ordered ground distance, against the whole table's
	// distribution.
	TEqual, TOrdered float64
}

// SampleUniques returns the records in classes of size 1, as
// anonymity.SampleUniques.
func (s Summary) SampleUniques() int64 { return s.Histogram[1] }

// RecordsBelow returns Σ_{E : |E| < k} |E|, anonymity.HistogramRecordsBelow.
func (s Summary) RecordsBelow(k int64) int64 { return anonymity.HistogramRecordsBelow(s.Histogram, k) }

// Prosecutor returns the prosecutor risk, anonymity.HistogramProsecutor
// (the formulas of anonymity.Prosecutor): highest 1/min_E |E|, average
// |classes|/n, records at risk Σ_{E : 1/|E| > t} |E| / n.
func (s Summary) Prosecutor(threshold float64) anonymity.ProsecutorRisk {
	return anonymity.HistogramProsecutor(s.Histogram, threshold)
}

// Measures computes the Summary of the classes in partials (partial class
// tables as emitted by CountRows, CountFiles or CountStreams). The classes
// are sharded by value (ShardClasses), each shard computes its
// contribution, and small combiners add them up: no worker holds more than
// one shard of classes, and the driver holds the class-size histogram only.
// The result is a PCollection with one Summary; for an input without rows
// it is the zero Summary (Rows 0, an empty Histogram, no Sensitive).
func Measures(s beam.Scope, partials beam.PCollection, opt MeasureOptions) beam.PCollection {
	s = s.Scope("reidrisk.Measures")
	shards := opt.Shards
	if shards <= 0 {
		shards = DefaultShards
	}
	l := opt.L
	if l <= 0 {
		l = 2
	}
	// The table distributions reach every shard through a CoGroupByKey
	// rather than a side input (Prism's side inputs were seen empty).
	tot := beam.Combine(s, &totalsFn{}, beam.ParDo(s, sensitiveTotals, partials))
	totByShard := beam.ParDo(s, &broadcastFn{Shards: shards}, tot)
	sharded := ShardClasses(s, partials, shards)
	joined := beam.CoGroupByKey(s, sharded, totByShard)
	perShard, subjects := beam.ParDo2(s, &shardMeasuresFn{L: l}, joined)
	summary := beam.Combine(s, &summaryFn{}, perShard)
	several := stats.Sum(s, beam.ParDo(s, severalClasses, beam.GroupByKey(s, subjects)))
	// The impulse keeps the join's one group when the input is empty.
	both := beam.CoGroupByKey(s, beam.ParDo(s, keyZeroSummary, summary), beam.ParDo(s, keyZeroInt, several),
		beam.ParDo(s, keyZeroBytes, beam.Impulse(s)))
	return beam.ParDo(s, attachSeveral, both)
}

// broadcastFn sends the table distributions to every shard.
type broadcastFn struct{ Shards int }

func (f *broadcastFn) ProcessElement(t totals, emit func(int, totals)) {
	for sh := range f.Shards {
		emit(sh, t)
	}
}

func keyZeroInt(n int64, emit func(int, int64))         { emit(0, n) }
func keyZeroSummary(s Summary, emit func(int, Summary)) { emit(0, s) }

// totals holds, per sensitive column, the whole table's count of each
// value (keyed by valueKey).
type totals struct {
	Counts []map[string]int64
}

// valueKey keys a dictionary value apart from null.
func valueKey(d *quasiid.Dictionary, code uint32) string {
	if d.IsNull(code) {
		return "\x00"
	}
	return "\x01" + d.Value(code)
}

// codeOfKey returns the code of a valueKey in d, adding it if new.
func codeOfKey(d *quasiid.Dictionary, key string) uint32 {
	if key == "\x00" {
		return d.NullCode()
	}
	return d.Code(key[1:])
}

// The coders use encoding/gob, which keeps any string (JSON would
// replace invalid UTF-8) and any float (NaN, infinities).

func encodeTotals(t totals) ([]byte, error) { return gobEncode(t) }

func decodeTotals(b []byte) (totals, error) { return gobDecode[totals](b) }

func encodeSummary(s Summary) ([]byte, error) { return gobEncode(s) }

func decodeSummary(b []byte) (Summary, error) { return gobDecode[Summary](b) }

// gobEncode returns the gob encoding of v; gobDecode reads it back. The
// coders of this package's types are these two.
func gobEncode(v any) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(v)
	return b.Bytes(), err
}

func gobDecode[T any](b []byte) (T, error) {
	var v T
	err := gob.NewDecoder(bytes.NewReader(b)).Decode(&v)
	return v, err
}

// sensitiveTotals emits the per-value counts of each sensitive column of a
// partial table.
func sensitiveTotals(b []byte, emit func(totals)) error {
	c, err := Decode(b)
	if err != nil {
		return err
	}
	t := totals{Counts: make([]map[string]int64, len(c.Sensitive))}
	for i, m := range c.Sensitive {
		t.Counts[i] = make(map[string]int64)
		for k, v := range m.Values {
			if m.Counts[k] > 0 {
				t.Counts[i][valueKey(m.Dict, v)] += m.Counts[k]
			}
		}
	}
	emit(t)
	return nil
}

// clone returns a deep copy of t: side-input values may be shared.
func (t totals) clone() totals {
	out := totals{Counts: make([]map[string]int64, len(t.Counts))}
	for i, m := range t.Counts {
		out.Counts[i] = maps.Clone(m)
	}
	return out
}

// totalsFn adds up totals.
type totalsFn struct{}

func (totalsFn) MergeAccumulators(a, b totals) totals {
	if len(a.Counts) < len(b.Counts) {
		a, b = b, a
	}
	for i, m := range b.Counts {
		if a.Counts[i] == nil {
			a.Counts[i] = make(map[string]int64, len(m))
		}
		for k, v := range m {
			a.Counts[i][k] += v
		}
	}
	return a
}

// summaryFn combines per-shard summaries.
type summaryFn struct{}

func (summaryFn) MergeAccumulators(a, b Summary) Summary {
	if b.Classes == 0 && b.Rows == 0 {
		return a
	}
	if a.Classes == 0 && a.Rows == 0 {
		return b
	}
	out := Summary{
		Rows:                     a.Rows + b.Rows,
		Classes:                  a.Classes + b.Classes,
		K:                        min(a.K, b.K),
		KSubjects:                min(a.KSubjects, b.KSubjects),
		Histogram:                make(map[int64]int64, len(a.Histogram)+len(b.Histogram)),
		SubjectsInSeveralClasses: a.SubjectsInSeveralClasses + b.SubjectsInSeveralClasses,
	}
	for _, h := range []map[int64]int64{a.Histogram, b.Histogram} {
		for k, v := range h {
			out.Histogram[k] += v
		}
	}
	out.Sensitive = slices.Clone(a.Sensitive)
	for i, f := range b.Sensitive {
		if i >= len(out.Sensitive) {
			out.Sensitive = append(out.Sensitive, f)
			continue
		}
		g := &out.Sensitive[i]
		g.DistinctL = min(g.DistinctL, f.DistinctL)
		g.EntropyL = math.Min(g.EntropyL, f.EntropyL)
		g.RecursiveC = maxNaN(g.RecursiveC, f.RecursiveC)
		g.TEqual = maxNaN(g.TEqual, f.TEqual)
		g.TOrdered = maxNaN(g.TOrdered, f.TOrdered)
	}
	return out
}

// maxNaN is math.Max, NaN propagating.
func maxNaN(a, b float64) float64 { return math.Max(a, b) }

// shardMeasuresFn computes the contribution of one shard of complete
// classes.
type shardMeasuresFn struct {
	L int
}

func (f *shardMeasuresFn) ProcessElement(_ int, tables func(*[]byte) bool, tot func(*totals) bool, emit func(Summary), emitSubjects func(int, subjectClasses)) error {
	var b []byte
	n := 0
	for tables(&b) {
		if n++; n > 1 {
			return fmt.Errorf("reidrisk/beam: a shard holds %d class tables, want 1", n)
		}
	}
	if n == 0 {
		return nil
	}
	c, err := Decode(b)
	if err != nil {
		return err
	}
	if c.Len() == 0 {
		return nil
	}
	var all totals
	var t totals
	seen := 0
	for tot(&t) {
		seen++
		all = totalsFn{}.MergeAccumulators(all, t.clone())
		t = totals{}
	}
	s := Summary{
		Rows:      c.Rows,
		Classes:   int64(c.Len()),
		K:         anonymity.K(c),
		KSubjects: anonymity.KSubjects(c),
		Histogram: anonymity.SizeHistogram(c),
	}
	for i, m := range c.Sensitive {
		fig := SensitiveFigures{Name: m.Name, L: f.L}
		fig.DistinctL = slices.Min(anonymity.DistinctL(m))
		fig.EntropyL = slices.Min(anonymity.EntropyL(m))
		fig.RecursiveC = maxOf(anonymity.RecursiveC(m, f.L))
		if i >= len(all.Counts) {
			return fmt.Errorf("reidrisk/beam: no table distribution for sensitive column %q (%d side-input elements with %d columns)", m.Name, seen, len(all.Counts))
		}
		eq, ord, err := closeness(m, all.Counts[i])
		if err != nil {
			return err
		}
		fig.TEqual, fig.TOrdered = maxOf(eq), maxOf(ord)
		s.Sensitive = append(s.Sensitive, fig)
	}
	emit(s)
	if c.Subjects != nil {
		// Each subject's number of classes in this shard, in one element
		// per subject bucket rather than one per subject.
		m := c.Subjects
		classes := make(map[uint32]int64)
		for k, v := range m.Values {
			if m.Counts[k] > 0 {
				classes[v]++
			}
		}
		buckets := make(map[int]*subjectClasses)
		for v, n := range classes {
			key := valueKey(m.Dict, v)
			b := int(stringHash(key) % subjectBuckets)
			if buckets[b] == nil {
				buckets[b] = &subjectClasses{}
			}
			buckets[b].Subjects = append(buckets[b].Subjects, key)
			buckets[b].Classes = append(buckets[b].Classes, n)
		}
		for b, sc := range buckets {
			emitSubjects(b, *sc)
		}
	}
	return nil
}

// subjectBuckets is the number of groups the subjects are counted in.
const subjectBuckets = 64

// subjectClasses lists subjects (by valueKey) with their number of
// classes in one shard.
type subjectClasses struct {
	Subjects []string
	Classes  []int64
}

func encodeSubjectClasses(sc subjectClasses) ([]byte, error) { return gobEncode(sc) }

func decodeSubjectClasses(b []byte) (subjectClasses, error) { return gobDecode[subjectClasses](b) }

// stringHash is 64-bit FNV-1a.
func stringHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// maxOf returns the largest of xs, NaN if any is NaN, 0 for none.
func maxOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	m := xs[0]
	for _, x := range xs[1:] {
		m = math.Max(m, x)
	}
	return m
}

// closeness returns the t-closeness of each class of m under the equal and
// the ordered ground distance, against the table distribution total (by
// valueKey). anonymity.TCloseness takes the table distribution from the
// multiset it is given, so m is extended by one more class holding the
// rows of the table outside m's classes; its own figure is dropped.
func closeness(m *anonymity.Multiset, total map[string]int64) (eq, ord []float64, err error) {
	n := len(m.Offsets) - 1
	rest := make(map[uint32]int64, len(total))
	keys := make([]string, 0, len(total))
	for k := range total {
		keys = append(keys, k)
	}
	slices.Sort(keys) // codes added to m.Dict in a fixed order
	for _, k := range keys {
		rest[codeOfKey(m.Dict, k)] += total[k]
	}
	for i, v := range m.Values {
		rest[v] -= m.Counts[i]
	}
	ext := &anonymity.Multiset{
		Name:    m.Name,
		Dict:    m.Dict,
		Offsets: slices.Clone(m.Offsets),
		Values:  slices.Clone(m.Values),
		Counts:  slices.Clone(m.Counts),
	}
	codes := make([]uint32, 0, len(rest))
	for v, r := range rest {
		if r < 0 {
			return nil, nil, fmt.Errorf("reidrisk/beam: sensitive column %q: a shard holds more rows of a value than the whole table", m.Name)
		}
		if r > 0 {
			codes = append(codes, v)
		}
	}
	slices.Sort(codes)
	for _, v := range codes {
		ext.Values = append(ext.Values, v)
		ext.Counts = append(ext.Counts, rest[v])
	}
	ext.Offsets = append(ext.Offsets, len(ext.Values))
	eq = anonymity.TCloseness(ext, anonymity.EqualDistance())
	ord = anonymity.TCloseness(ext, anonymity.OrderedDistance(ext))
	if len(eq) != n+1 || len(ord) != n+1 {
		return nil, nil, fmt.Errorf("reidrisk/beam: sensitive column %q: malformed histogram", m.Name)
	}
	return eq[:n], ord[:n], nil
}

// severalClasses counts, in one bucket of subjects, those found in more
// than one class over all shards.
func severalClasses(_ int, lists func(*subjectClasses) bool, emit func(int64)) {
	total := make(map[string]int64)
	var sc subjectClasses
	for lists(&sc) {
		for i, key := range sc.Subjects {
			total[key] += sc.Classes[i]
		}
		sc = subjectClasses{}
	}
	var n int64
	for _, c := range total {
		if c > 1 {
			n++
		}
	}
	emit(n)
}

// attachSeveral sets Summary.SubjectsInSeveralClasses; without a summary
// (no rows) it emits the zero Summary.
func attachSeveral(_ int, summaries func(*Summary) bool, several func(*int64) bool, _ func(*[]byte) bool, emit func(Summary)) error {
	var s Summary
	n := 0
	for summaries(&s) {
		n++
	}
	if n == 0 {
		emit(Summary{Histogram: map[int64]int64{}})
		return nil
	}
	if n > 1 {
		return fmt.Errorf("reidrisk/beam: %d summaries, want 1", n)
	}
	var x, total int64
	for several(&x) {
		total += x
	}
	s.SubjectsInSeveralClasses = total
	emit(s)
	return nil
}
