package anonymity

// Alpha returns, per class E, the largest share of one sensitive value in
// E,
//
//	α(E) = max_s n(E,s) / |E|
//
// the α of (α,k)-anonymity (Wong, Li, Fu & Wang, "(α,k)-Anonymity: An
// Enhanced k-Anonymity Model for Privacy-Preserving Data Publishing", KDD
// 2006): a table is (α,k)-anonymous when it is k-anonymous and no class
// has α(E) > α. The table's α is the maximum over classes, as pyCANON's
// alpha_k reports it. Null is a value like any other. A class with no rows
// gives 0; a malformed m gives nil.
func Alpha(m *Multiset) []float64 {
	return perClass(m, func(e int) float64 {
		var size, top int64
		for _, c := range m.Counts[m.Offsets[e]:m.Offsets[e+1]] {
			size += c
			top = max(top, c)
		}
		if size == 0 {
			return 0
		}
		return float64(top) / float64(size)
	})
}
