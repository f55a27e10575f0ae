package anonymity

import (
	"math"
	"slices"
)

// This file holds l-diversity (Machanavajjhala, Kifer, Gehrke &
// Venkitasubramaniam, "l-Diversity: Privacy Beyond k-Anonymity", ACM TKDD
// 1(1), 2007) in its three instantiations: distinct, entropy and recursive
// (c,l). Each function returns one value per class of a sensitive-value
// Multiset so that a caller can suppress the failing classes; the table's
// l is the minimum over classes (the table's c the maximum).
//
// Null is a sensitive value like any other (it has its own code). A value
// with a count of 0 is not present. A malformed Multiset gives nil.

// DistinctL returns, per class E, the number of distinct sensitive values
// in E:
//
//	l_distinct(E) = |{s : n(E,s) > 0}|
//
// The table is distinct l-diverse for every l ≤ min_E l_distinct(E). ARX,
// sdcMicro and pyCANON agree, except that sdcMicro counts missing values as
// one more value only in classes that also hold a non-missing one.
func DistinctL(m *Multiset) []int {
	return perClass(m, func(e int) int { return distinctIn(m, e) })
}

// perClass returns f(e) for every class e of m, or nil when m is malformed.
func perClass[T any](m *Multiset, f func(e int) T) []T {
	n := classCount(m)
	if n < 0 {
		return nil
	}
	out := make([]T, n)
	for e := range out {
		out[e] = f(e)
	}
	return out
}

// EntropyL returns, per class E, the exponential of the Shannon entropy of
// its sensitive values, natural logarithm:
//
//	l_entropy(E) = exp(H(E)),   H(E) = −Σ_s p(E,s)·ln p(E,s),   p(E,s) = n(E,s)/|E|
//
// E is entropy l-diverse iff H(E) ≥ ln l, that is l_entropy(E) ≥ l
// (Machanavajjhala et al. 2007, entropy l-diversity). The value is not rounded:
// a class with counts 3 and 1 gives 1.7548…, a class with one value gives
// exactly 1, an empty class 0. sdcMicro reports the same unrounded value;
// pyCANON floors the table's minimum to an integer; ARX compares the
// base-2 entropy with log2 l, the same test.
func EntropyL(m *Multiset) []float64 {
	return perClass(m, func(e int) float64 {
		size := classRows(m, e)
		if size == 0 {
			return 0
		}
		var h float64
		for _, c := range m.Counts[m.Offsets[e]:m.Offsets[e+1]] {
			if c > 0 {
				p := float64(c) / float64(size)
				h -= p * math.Log(p)
			}
		}
		return math.Exp(h)
	})
}

// RecursiveC returns, per class E, the boundary c of recursive
// (c,l)-diversity for the given l. With the counts of E's sensitive values
// sorted in descending order, r1 ≥ r2 ≥ … ≥ rm, E is recursive
// (c,l)-diverse iff
//
//	r1 < c·(r_l + r_{l+1} + … + r_m)
//
// (Machanavajjhala et al. 2007, recursive (c,l)-diversity). The boundary is
//
//	c(E) = r1 / (r_l + … + r_m)
//
// so E satisfies (c,l) exactly when c > c(E) (strictly). A class with fewer
// than l distinct values satisfies it for no c: its boundary is +Inf. For
// l < 1 every boundary is NaN.
//
// pyCANON differs: it sorts the counts in ascending order, takes its own
// distinct l for l, and reports floor(r_min/(r_l+…+r_m)) + 1; ARX tests a
// given (c,l) with the descending order used here; sdcMicro reports, for a
// given c, the largest l that holds in each class.
func RecursiveC(m *Multiset, l int) []float64 {
	var buf []int64
	return perClass(m, func(e int) float64 {
		if l < 1 {
			return math.NaN()
		}
		buf = descendingCounts(m, e, buf[:0])
		if len(buf) < l {
			return math.Inf(1)
		}
		var tail int64
		for _, r := range buf[l-1:] {
			tail += r
		}
		return float64(buf[0]) / float64(tail)
	})
}

// SatisfiesRecursiveCL reports whether every class of m is recursive
// (c,l)-diverse, r1 < c·(r_l + … + r_m) with the counts in descending order
// (see RecursiveC). A table without classes satisfies it; l < 1, a NaN c or
// a malformed m do not.
func SatisfiesRecursiveCL(m *Multiset, c float64, l int) bool {
	n := classCount(m)
	if n < 0 || l < 1 || math.IsNaN(c) {
		return false
	}
	var buf []int64
	for e := 0; e < n; e++ {
		buf = descendingCounts(m, e, buf[:0])
		if len(buf) < l {
			return false
		}
		var tail int64
		for _, r := range buf[l-1:] {
			tail += r
		}
		if !(float64(buf[0]) < c*float64(tail)) {
			return false
		}
	}
	return true
}

// descendingCounts appends the positive counts of class e to buf and sorts
// them from largest to smallest.
func descendingCounts(m *Multiset, e int, buf []int64) []int64 {
	for _, c := range m.Counts[m.Offsets[e]:m.Offsets[e+1]] {
		if c > 0 {
			buf = append(buf, c)
		}
	}
	slices.Sort(buf)
	slices.Reverse(buf)
	return buf
}
