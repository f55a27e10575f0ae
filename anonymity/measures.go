package anonymity

// This file holds the measures of class sizes: k-anonymity, sample
// uniques, the class-size histogram and the subject counts. They read
// Classes.Sizes (and Classes.Subjects) only, never rows.
//
// A table of 0 rows has no classes: K, KSubjects, SampleUniques and
// RecordsBelow are 0 and SizeHistogram is empty. None of them divides, so
// none can give NaN.

// K returns the k of k-anonymity: the size of the smallest class,
//
//	k = min_E |E|
//
// (Sweeney, "k-anonymity: a model for protecting privacy", 2002). Sizes are
// row counts, or sums of row weights when the classes were counted with
// weights. K returns 0 when c has no classes.
func K(c *Classes) int64 {
	if c == nil || len(c.Sizes) == 0 {
		return 0
	}
	k := c.Sizes[0]
	for _, s := range c.Sizes[1:] {
		if s < k {
			k = s
		}
	}
	return k
}

// KSubjects returns k counted in people rather than rows: the smallest
// number of distinct subjects in a class,
//
//	k_subjects = min_E |{subject(r) : r ∈ E}|
//
// A class holding 50 rows of one account is a class of one person. The
// subjects come from c.Subjects; without a subject column every row is its
// own subject and KSubjects equals K. It returns 0 when c has no classes.
func KSubjects(c *Classes) int64 {
	if c == nil || c.Subjects == nil {
		return K(c)
	}
	s := c.Subjects
	n := len(s.Offsets) - 1
	if n <= 0 {
		return 0
	}
	k := int64(-1)
	for e := 0; e < n; e++ {
		d := int64(distinctIn(s, e))
		if k < 0 || d < k {
			k = d
		}
	}
	return k
}

// distinctIn returns the number of values of class e of m with a positive
// count.
func distinctIn(m *Multiset, e int) int {
	d := 0
	for _, n := range m.Counts[m.Offsets[e]:m.Offsets[e+1]] {
		if n > 0 {
			d++
		}
	}
	return d
}

// SampleUniques returns the number of records that are unique in the
// sample on the quasi-identifiers: the records of classes of size 1,
//
//	SU = |{E : |E| = 1}|
//
// Its fraction is SampleUniques(c)/c.Rows. This is the "sample uniques"
// of ARX and the fk = 1 count of sdcMicro (which treats missing key values
// as wildcards and so may count fewer; here null is a value of its own).
func SampleUniques(c *Classes) int64 {
	if c == nil {
		return 0
	}
	var n int64
	for _, s := range c.Sizes {
		if s == 1 {
			n++
		}
	}
	return n
}

// SizeHistogram returns, for each class size present, the number of
// classes of that size: h[s] = |{E : |E| = s}|. The records in classes of
// size s are s·h[s].
func SizeHistogram(c *Classes) map[int64]int64 {
	h := make(map[int64]int64)
	if c == nil {
		return h
	}
	for _, s := range c.Sizes {
		h[s]++
	}
	return h
}

// RecordsBelow returns the number of records in classes smaller than k,
//
//	Σ_{E : |E| < k} |E|
//
// the records that must be generalised or suppressed to reach
// k-anonymity. RecordsBelow(c, 2) equals SampleUniques(c) for unweighted
// classes.
func RecordsBelow(c *Classes, k int64) int64 {
	if c == nil {
		return 0
	}
	var n int64
	for _, s := range c.Sizes {
		if s < k {
			n += s
		}
	}
	return n
}

// HistogramRecordsBelow is RecordsBelow computed from a class-size
// histogram, h[s] = the number of classes of size s (SizeHistogram).
func HistogramRecordsBelow(h map[int64]int64, k int64) int64 {
	var n int64
	for size, classes := range h {
		if size < k {
			n += size * classes
		}
	}
	return n
}

// SubjectsInSeveralClasses returns the number of subjects whose rows fall
// in more than one class,
//
//	|{u : |{E : u ∈ E}| > 1}|
//
// Such a subject is not hidden by the k of any single class: an attacker
// who links several of its rows learns the intersection. It returns 0 when
// c has no subject column.
func SubjectsInSeveralClasses(c *Classes) int64 {
	if c == nil || c.Subjects == nil {
		return 0
	}
	s := c.Subjects
	if len(s.Offsets) < 2 {
		return 0
	}
	var codes int
	if s.Dict != nil {
		codes = s.Dict.Len()
	}
	for _, v := range s.Values {
		if int(v) >= codes {
			codes = int(v) + 1
		}
	}
	seen := make([]uint8, codes) // 0, 1 or 2 (= more than one class)
	var n int64
	for e := 0; e+1 < len(s.Offsets); e++ {
		for i := s.Offsets[e]; i < s.Offsets[e+1]; i++ {
			if s.Counts[i] <= 0 {
				continue
			}
			switch seen[s.Values[i]] {
			case 0:
				seen[s.Values[i]] = 1
			case 1:
				seen[s.Values[i]] = 2
				n++
			}
		}
	}
	return n
}
