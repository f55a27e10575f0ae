package anonymity

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk/quasiid"
)

// The population frequency F_k of a sample class k is the number of people
// in the population who share the class's quasi-identifier values; the
// journalist, marketer and individual risks compare it with the sample
// frequency f_k (Classes.Sizes). The functions below give F_k, one value
// per sample class, from the three usual sources.

// PopulationFrequencies returns F_k for each class of sample by looking the
// class's values up in population, a class table of the whole population
// over the same quasi-identifiers (in any order). Classes are matched by
// value through the dictionaries, never by code, so the two tables may
// come from different encoders. It is an error if a sample class is
// absent from the population or larger there than in the population.
func PopulationFrequencies(sample, population *Classes) ([]float64, error) {
	if sample == nil || population == nil {
		return nil, fmt.Errorf("anonymity: PopulationFrequencies: nil classes")
	}
	if len(sample.QI) != len(population.QI) {
		return nil, fmt.Errorf("anonymity: sample has quasi-identifiers %v, population %v", sample.QI, population.QI)
	}
	// perm[j] is the population column of sample column j.
	perm := make([]int, len(sample.QI))
	for j, name := range sample.QI {
		perm[j] = -1
		for i, p := range population.QI {
			if p == name {
				perm[j] = i
			}
		}
		if perm[j] < 0 {
			return nil, fmt.Errorf("anonymity: population has no quasi-identifier %q (it has %v)", name, population.QI)
		}
	}
	index := make(map[string]int64, population.Len())
	var b strings.Builder
	for c := range population.Len() {
		b.Reset()
		for j := range sample.QI {
			col := perm[j]
			valueKey(&b, population.Dicts[col], population.Codes[col][c])
		}
		index[b.String()] += population.Sizes[c]
	}
	F := make([]float64, sample.Len())
	for c := range sample.Len() {
		b.Reset()
		for j := range sample.QI {
			valueKey(&b, sample.Dicts[j], sample.Codes[j][c])
		}
		size, ok := index[b.String()]
		if !ok {
			return nil, fmt.Errorf("sample class %s is absent from the population", classLabel(sample, c))
		}
		if size < sample.Sizes[c] {
			return nil, fmt.Errorf("sample class %s has %d records, the population only %d", classLabel(sample, c), sample.Sizes[c], size)
		}
		F[c] = float64(size)
	}
	return F, nil
}

// valueKey appends an unambiguous encoding of one value (null distinct
// from the empty string) to b.
func valueKey(b *strings.Builder, d *quasiid.Dictionary, code uint32) {
	if d.IsNull(code) {
		b.WriteString("N;")
		return
	}
	v := d.Value(code)
	b.WriteByte('V')
	b.WriteString(strconv.Itoa(len(v)))
	b.WriteByte(':')
	b.WriteString(v)
}

// classLabel names a class for messages by its index and, when the rows'
// classes are known, its first row (1-based): never by its values, which
// are data.
func classLabel(c *Classes, class int) string {
	s := "#" + strconv.Itoa(class+1) + " of " + strconv.Itoa(c.Len())
	for i, k := range c.RowClass {
		if int(k) == class {
			return s + " (first row " + strconv.Itoa(i+1) + ")"
		}
	}
	return s
}

// WeightedFrequencies returns F_k = Σ_{records i in class k} w_i, the
// estimate of a survey with per-record sampling weights w (sdcMicro's
// F_k with its weight variable). It needs sample.RowClass (CountOptions.
// RowClass) and one weight per counted row; weights must be finite and
// positive, and each class's weights must sum to at least its number of
// records (a record stands for itself at least), else the error names the
// class by its index and first row (never by its values).
func WeightedFrequencies(sample *Classes, weights []float64) ([]float64, error) {
	if sample == nil {
		return nil, fmt.Errorf("anonymity: WeightedFrequencies: nil classes")
	}
	if sample.RowClass == nil {
		return nil, fmt.Errorf("anonymity: WeightedFrequencies needs Classes.RowClass (count with CountOptions.RowClass)")
	}
	if len(weights) != len(sample.RowClass) {
		return nil, fmt.Errorf("anonymity: %d weights for %d rows", len(weights), len(sample.RowClass))
	}
	F := make([]float64, sample.Len())
	for i, w := range weights {
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("anonymity: row %d: weight %v is not a positive number", i, w)
		}
		F[sample.RowClass[i]] += w
	}
	for c, f := range sample.Sizes {
		if F[c] < float64(f) {
			rec := "records"
			if f == 1 {
				rec = "record"
			}
			return nil, fmt.Errorf("class %s: weights sum to %v over its %d %s: want at least 1 per record", classLabel(sample, c), F[c], f, rec)
		}
	}
	return F, nil
}

// FractionFrequencies returns F_k = f_k / π, the estimate under simple
// random sampling with sampling fraction π ∈ (0, 1].
func FractionFrequencies(sample *Classes, fraction float64) ([]float64, error) {
	if sample == nil {
		return nil, fmt.Errorf("anonymity: FractionFrequencies: nil classes")
	}
	if !(fraction > 0 && fraction <= 1) {
		return nil, fmt.Errorf("anonymity: sampling fraction %v not in (0, 1]", fraction)
	}
	F := make([]float64, sample.Len())
	for c, f := range sample.Sizes {
		F[c] = float64(f) / fraction
	}
	return F, nil
}

// ColumnWeights parses an encoded column of sampling weights (one decimal
// number per row) into floats. A bad weight gives a *quasiid.InputError
// naming the source, the row (1-based data row, as the loader counts) and
// the column.
func ColumnWeights(source string, c *quasiid.Column) ([]float64, error) {
	if c == nil || c.Dict == nil {
		return nil, fmt.Errorf("anonymity: %s: no encoded weight column", source)
	}
	parsed := make([]float64, c.Dict.Len())
	ok := make([]bool, c.Dict.Len())
	for code := range parsed {
		if c.Dict.IsNull(uint32(code)) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(c.Dict.Value(uint32(code))), 64)
		if err == nil && v > 0 && !math.IsInf(v, 0) {
			parsed[code], ok[code] = v, true
		}
	}
	w := make([]float64, len(c.Codes))
	for i, code := range c.Codes {
		if !ok[code] {
			return nil, &quasiid.InputError{File: source, Row: int64(i) + 1, Column: c.Name,
				Msg: "the weight is not a positive number"}
		}
		w[i] = parsed[code]
	}
	return w, nil
}

// checkFrequencies validates F against the sample frequencies.
func checkFrequencies(sample *Classes, F []float64) (n int64, err error) {
	if sample == nil {
		return 0, fmt.Errorf("anonymity: nil classes")
	}
	if len(F) != sample.Len() {
		return 0, fmt.Errorf("anonymity: %d population frequencies for %d classes", len(F), sample.Len())
	}
	for c, f := range sample.Sizes {
		if math.IsNaN(F[c]) || math.IsInf(F[c], 0) || F[c] < float64(f) {
			return 0, fmt.Errorf("class %s: population frequency %v below its sample frequency %d", classLabel(sample, c), F[c], f)
		}
		n += f
	}
	return n, nil
}
