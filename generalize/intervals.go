package generalize

import (
	"fmt"
	"github.com/reidrisk/reidrisk/internal/textfmt"
	"math"
	"slices"
	"sort"
	"strconv"
)

// numberRange parses values as numbers (parseNumbers) and returns them
// with their least and greatest; no values is an error.
func numberRange(column string, values []string) (xs []float64, lo, hi float64, err error) {
	if xs, err = parseNumbers(column, values); err != nil {
		return nil, 0, 0, err
	}
	if len(xs) == 0 {
		return nil, 0, 0, fmt.Errorf("generalize: column %q: no values", column)
	}
	return xs, slices.Min(xs), slices.Max(xs), nil
}

// parseNumbers parses values as numbers; the error names the first value
// that is not one.
func parseNumbers(column string, values []string) ([]float64, error) {
	xs := make([]float64, len(values))
	for i, v := range values {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("generalize: column %s: value %d of %d is not a finite number", textfmt.Name(column), i+1, len(values))
		}
		xs[i] = x
	}
	return xs, nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Intervals builds a hierarchy of numeric intervals: level i (1-based)
// cuts the line at cuts[i-1] (ascending; a coarser level's cut points must
// be a subset of the finer level's), and the top level is "*". A value x
// falls in [cₖ, cₖ₊₁); the first interval starts at the smallest value and
// the last ends, closed, at the largest: "[lo, hi)" or "[lo, hi]".
func Intervals(column string, values []string, cuts ...[]float64) (*Hierarchy, error) {
	xs, lo, hi, err := numberRange(column, values)
	if err != nil {
		return nil, err
	}
	for i, c := range cuts {
		if !sort.Float64sAreSorted(c) {
			return nil, fmt.Errorf("generalize: column %q: cut points of level %d are not ascending", column, i+1)
		}
		if i > 0 {
			for _, x := range c {
				if _, ok := slices.BinarySearch(cuts[i-1], x); !ok {
					return nil, fmt.Errorf("generalize: column %q: cut point %g of level %d is not a cut point of level %d, so the levels do not nest", column, x, i+1, i)
				}
			}
		}
	}
	rows := make([][]string, len(values))
	for r, v := range values {
		row := []string{v}
		for _, c := range cuts {
			row = append(row, interval(xs[r], c, lo, hi))
		}
		rows[r] = append(row, "*")
	}
	return NewHierarchy(column, "intervals", rows)
}

// interval labels the interval of cut points c (inside [lo, hi]) holding x.
func interval(x float64, c []float64, lo, hi float64) string {
	k := sort.Search(len(c), func(i int) bool { return c[i] > x }) // c[k-1] ≤ x < c[k]
	a, b := lo, hi
	if k > 0 {
		a = max(c[k-1], lo)
	}
	if k < len(c) && c[k] <= hi {
		b = c[k]
		return "[" + num(a) + ", " + num(b) + ")"
	}
	return "[" + num(a) + ", " + num(b) + "]"
}

// DoublingIntervals builds intervals of width w at level 1, 2w at level 2,
// 4w, … all anchored at a = ⌊min/w⌋·w: at width v a value x falls in
// [a + k·v, a + (k+1)·v), k = ⌊(x − a)/v⌋. Levels stop before the first
// width at which one interval holds every value; then "*".
func DoublingIntervals(column string, values []string, w float64) (*Hierarchy, error) {
	if !(w > 0) || math.IsInf(w, 0) {
		return nil, fmt.Errorf("generalize: column %q: interval width %g, want > 0", column, w)
	}
	xs, lo, hi, err := numberRange(column, values)
	if err != nil {
		return nil, err
	}
	a := math.Floor(lo/w) * w
	var widths []float64
	for v := w; math.Floor((hi-a)/v) > 0 && len(widths) < 64; v *= 2 {
		widths = append(widths, v)
	}
	rows := make([][]string, len(values))
	for i, x := range xs {
		row := []string{values[i]}
		for _, v := range widths {
			k := math.Floor((x - a) / v)
			row = append(row, "["+num(a+k*v)+", "+num(a+(k+1)*v)+")")
		}
		rows[i] = append(row, "*")
	}
	return NewHierarchy(column, "intervals of width "+num(w)+" doubling per level", rows)
}

// EqualWidth builds bins intervals of equal width over [min, max] at level
// 1, then merges neighbours pairwise at each level up to "*".
func EqualWidth(column string, values []string, bins int) (*Hierarchy, error) {
	xs, err := parseNumbers(column, values)
	if err != nil {
		return nil, err
	}
	if bins < 1 || len(xs) == 0 {
		return nil, fmt.Errorf("generalize: column %q: equal-width intervals need values and bins ≥ 1", column)
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	var c []float64
	for k := 1; k < bins; k++ {
		c = append(c, lo+(hi-lo)*float64(k)/float64(bins))
	}
	return withSource(Intervals(column, values, halving(c)...))(fmt.Sprintf("%d equal-width intervals, merged pairwise", bins))
}

// EqualFrequency builds about bins intervals holding equal numbers of
// records at level 1 (counts[i] records hold values[i]; nil counts each
// value once), then merges neighbours pairwise at each level up to "*".
func EqualFrequency(column string, values []string, counts []int64, bins int) (*Hierarchy, error) {
	xs, err := parseNumbers(column, values)
	if err != nil {
		return nil, err
	}
	if bins < 1 || len(xs) == 0 {
		return nil, fmt.Errorf("generalize: column %q: equal-frequency intervals need values and bins ≥ 1", column)
	}
	if counts != nil && len(counts) != len(values) {
		return nil, fmt.Errorf("generalize: column %q: %d counts for %d values", column, len(counts), len(values))
	}
	order := make([]int, len(xs))
	var total int64
	for i := range order {
		order[i] = i
		if counts == nil {
			total++
		} else {
			total += counts[i]
		}
	}
	sort.Slice(order, func(a, b int) bool { return xs[order[a]] < xs[order[b]] })
	var c []float64
	var cum int64
	next := 1
	for r, i := range order {
		if counts == nil {
			cum++
		} else {
			cum += counts[i]
		}
		// Cut before the next distinct value once a share is filled.
		if r+1 < len(order) && xs[order[r+1]] > xs[i] && next < bins && cum*int64(bins) >= int64(next)*total {
			c = append(c, xs[order[r+1]])
			for next < bins && cum*int64(bins) >= int64(next)*total {
				next++
			}
		}
	}
	return withSource(Intervals(column, values, halving(c)...))(fmt.Sprintf("%d equal-frequency intervals, merged pairwise", bins))
}

// halving returns c, then every second cut of c, and so on while cuts remain.
func halving(c []float64) [][]float64 {
	var out [][]float64
	for len(c) > 0 {
		out = append(out, c)
		var n []float64
		for i := 1; i < len(c); i += 2 {
			n = append(n, c[i])
		}
		c = n
	}
	return out
}

// withSource sets the source description of a freshly built hierarchy.
func withSource(h *Hierarchy, err error) func(string) (*Hierarchy, error) {
	return func(s string) (*Hierarchy, error) {
		if err != nil {
			return nil, err
		}
		h.source = s
		return h, nil
	}
}
