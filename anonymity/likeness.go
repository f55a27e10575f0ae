package anonymity

import "math"

// BetaLikeness returns, per class E, the β of basic and of enhanced
// β-likeness (Cao & Karras, "Publishing Microdata with a Robust Privacy
// Guarantee", PVLDB 5(11), 2012). With p_s = n(E,s)/|E| the frequency of
// sensitive value s in E and q_s its frequency in the whole table (the
// paper writes q for the class and p for the table; the formulas are the
// same), the relative gain of an attacker on s is D(s) = (p_s − q_s)/q_s.
//
// Basic β-likeness holds for β iff D(s) ≤ β for every s
// with p_s > q_s, so the class's β is
//
//	basic(E) = max_{s : p_s > q_s} (p_s − q_s)/q_s     (0 if there is no such s)
//
// Enhanced β-likeness holds for β iff D(s) ≤ min(β, −ln q_s)
// for every s with p_s > q_s. The second bound does not depend on β, so the
// smallest β for which E satisfies it is
//
//	enhanced(E) = basic(E)   if D(s) ≤ −ln q_s for every s with p_s > q_s,
//	              +Inf       otherwise (no β suffices).
//
// The natural logarithm is used and both tests are "≤", as in the paper
// and in ARX (BasicBLikeness, EnhancedBLikeness), which test a given β the
// same way. pyCANON reports for basic β the same table maximum, but for
// enhanced β it returns max_s min(β_basic, −ln q_s) with β_basic the
// table's basic β: a different quantity, never +Inf. An empty class gives
// NaN; a malformed m gives nil, nil.
func BetaLikeness(m *Multiset) (basic, enhanced []float64) {
	n := classCount(m)
	if n < 0 {
		return nil, nil
	}
	td := tableDistribution(m)
	basic = make([]float64, n)
	enhanced = make([]float64, n)
	for e := 0; e < n; e++ {
		size := classRows(m, e)
		if size == 0 {
			basic[e], enhanced[e] = math.NaN(), math.NaN()
			continue
		}
		var b float64
		capped := false
		for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
			c, t := m.Counts[i], td.total[m.Values[i]]
			if !fracGreater(c, size, t, td.n) { // p ≤ q: no gain
				continue
			}
			p, q := float64(c)/float64(size), float64(t)/float64(td.n)
			g := (p - q) / q
			b = max(b, g)
			if g > -math.Log(q) {
				capped = true
			}
		}
		basic[e] = b
		if capped {
			enhanced[e] = math.Inf(1)
		} else {
			enhanced[e] = b
		}
	}
	return basic, enhanced
}
