package anonymity

import "math"

// DeltaDisclosure returns, per class E, the δ of δ-disclosure privacy
// (Brickell & Shmatikov, "The Cost of Privacy: Destruction of Data-Mining
// Utility in Anonymized Data Publishing", KDD 2008). E is
// δ-disclosure private iff, for every sensitive value s present in the
// table, |ln(p_s/q_s)| < δ, with p_s = n(E,s)/|E| and q_s the frequency of
// s in the whole table. The class's boundary is
//
//	δ(E) = max_{s : q_s > 0} |ln(p_s/q_s)|
//
// with the natural logarithm; E satisfies δ-disclosure for every δ > δ(E)
// (the definition is strict). A value present in the table but absent from
// E has p_s = 0 and ln 0 = −∞: δ(E) = +Inf, as the definition requires.
//
// ARX (DDisclosurePrivacy) uses the base-2 logarithm (its δ is δ(E)/ln 2),
// also tests strictly, but skips the values absent from the class, so it
// never reaches +Inf; pyCANON also skips absent values and uses the natural
// logarithm. To obtain ARX's figure from a finite δ here, divide by ln 2.
// An empty class gives NaN; a malformed m gives nil.
func DeltaDisclosure(m *Multiset) []float64 {
	n := classCount(m)
	if n < 0 {
		return nil
	}
	td := tableDistribution(m)
	out := make([]float64, n)
	for e := range out {
		size := classRows(m, e)
		if size == 0 {
			out[e] = math.NaN()
			continue
		}
		if distinctIn(m, e) < td.values {
			out[e] = math.Inf(1)
			continue
		}
		var delta float64
		for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
			c, t := m.Counts[i], td.total[m.Values[i]]
			if c == 0 || !fracGreater(c, size, t, td.n) && !fracGreater(t, td.n, c, size) {
				continue // absent (counted above) or p = q exactly
			}
			r := (float64(c) / float64(size)) / (float64(t) / float64(td.n))
			delta = max(delta, math.Abs(math.Log(r)))
		}
		out[e] = delta
	}
	return out
}
