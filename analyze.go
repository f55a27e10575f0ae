package reidrisk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Analyze reads src once, groups its rows into equivalence classes over
// opt.QI and returns every measure opt asks for: k-anonymity and prosecutor
// risk always; the QI-combination ranking; l-diversity, t-closeness,
// β-likeness and δ-disclosure with sensitive columns; journalist, marketer
// and individual risk and population uniqueness with a population, weights
// or a sampling fraction; SUDA2 when asked. Analyze consumes src but does
// not close it. Errors about the input name the source, row and column.
func Analyze(ctx context.Context, src *quasiid.Source, opt Options) (*Report, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, fmt.Errorf("reidrisk: nil source")
	}
	spec := quasiid.Spec{QI: opt.QI, Sensitive: opt.Sensitive, Subject: opt.Subject, Identifiers: opt.Identifiers}
	if opt.Weights != "" {
		spec.Insensitive = []string{opt.Weights}
	}
	eo := quasiid.EncodeOptions{}
	if opt.Progress != nil {
		eo.Progress = func(rows int64) { opt.Progress(Progress{Stage: "read", Done: rows}) }
	}
	co := anonymity.CountOptions{Workers: opt.Workers, RowClass: opt.Records || opt.Weights != ""}
	k, err := startCount(ctx, src, spec, eo, co, !needsRows(opt))
	if err != nil {
		return nil, err
	}
	progress(opt, "count", 0, int64(k.t.Rows))
	c, err := k.classes(ctx)
	if err != nil {
		return nil, src.Locate(err)
	}
	progress(opt, "count", int64(k.t.Rows), int64(k.t.Rows))
	r, err := analyzeClasses(ctx, k.t, c, opt)
	err = src.Locate(err) // a bad weight is known by its row
	if r != nil {
		r.Warnings = append(r.Warnings, blankLinesWarning(src)...)
		r.Provenance = provenance(src)
	}
	return r, err
}

// analyzeClasses runs the analysis on the classes c of the encoded table
// t, which holds its rows' codes only when needsRows(opt); opt has its
// defaults.
func analyzeClasses(ctx context.Context, t *quasiid.Table, c *anonymity.Classes, opt Options) (*Report, error) {
	r := &Report{
		Source:      t.Source,
		QI:          slices.Clone(opt.QI),
		Sensitive:   slices.Clone(opt.Sensitive),
		Subject:     opt.Subject,
		Identifiers: slices.Clone(opt.Identifiers),
		NullRule:    NullRule,
		Policy:      Policy{K: opt.K, RiskThreshold: Float(opt.RiskThreshold), L: opt.L},
		QIAnalysis:  []QIScore{},
	}
	r.summarise(c, opt)
	r.Warnings = append(r.Warnings, singleValueWarnings(t)...)
	if err := r.qiAnalysis(ctx, c, opt); err != nil {
		return nil, err
	}
	if opt.Subject != "" {
		r.subjects(c)
	}
	if err := r.sensitive(c, opt); err != nil {
		return nil, err
	}
	if err := r.population(ctx, t, c, opt); err != nil {
		return nil, err
	}
	if opt.Records {
		r.Records = records(c, opt.RiskThreshold)
	}
	if opt.SUDA {
		progress(opt, "suda", 0, 0)
		so := anonymity.SUDAOptions{MaxSize: opt.SUDAMaxSize, Workers: opt.Workers}
		if opt.Progress != nil {
			so.Progress = func(size, maxSize int) { progress(opt, "suda", int64(size), int64(maxSize)) }
		}
		s, err := anonymity.SUDA2(ctx, t, so)
		if err != nil {
			return nil, err
		}
		r.SUDA = &SUDA{MaxScore: Float(s.MaxScore), MeanDIS: Float(s.MeanDIS), MSUCountBySize: Counts{}, MaxSize: s.MaxSize}
		for i, n := range s.MSUCountBySize {
			r.SUDA.MSUCountBySize[int64(i+1)] = n
		}
		r.NullRule += "; SUDA2 treats null as a missing value that never forms a minimal sample unique, as sdcMicro treats NA"
		if r.Records != nil {
			r.Records.SUDA, r.Records.DIS = s.Score, s.DIS
		}
		progress(opt, "suda", 1, 1)
	}
	if opt.ShowValues {
		r.RiskiestClasses = riskiest(c, 5)
	}
	r.checkPolicy(opt)
	return r, ctx.Err()
}

func progress(opt Options, stage string, done, total int64) {
	if opt.Progress != nil {
		opt.Progress(Progress{Stage: stage, Done: done, Total: total})
	}
}

// summarise fills the k-anonymity and prosecutor figures.
func (r *Report) summarise(c *anonymity.Classes, opt Options) {
	r.Rows = c.Rows
	if c.Rows == 0 {
		r.Warnings = append(r.Warnings, "the table has no data rows: every figure is 0 and the k policy cannot be met")
	}
	r.Classes = int64(c.Len())
	r.K = anonymity.K(c)
	r.SampleUniques = anonymity.SampleUniques(c)
	if c.Rows > 0 {
		r.SampleUniquesFraction = Float(float64(r.SampleUniques) / float64(c.Rows))
	}
	r.ClassSizeHistogram = Counts(anonymity.SizeHistogram(c))
	r.RecordsInClassesBelowK = Counts{}
	for _, k := range []int64{2, 3, 5, 10, int64(opt.K)} {
		r.RecordsInClassesBelowK[k] = anonymity.RecordsBelow(c, k)
	}
	p := anonymity.Prosecutor(c, opt.RiskThreshold)
	r.Prosecutor = ProsecutorRisk{Float(p.Highest), Float(p.Average), Float(p.RecordsAtRisk), Float(p.Threshold)}
}

// qiAnalysis ranks the combinations of QIs by distinction and separation:
// every combination when there are at most opt.QIMaxColumns QIs, those of
// up to anonymity.QISizeLimit QIs beyond.
func (r *Report) qiAnalysis(ctx context.Context, c *anonymity.Classes, opt Options) error {
	if opt.SkipQIAnalysis {
		return nil
	}
	n := len(c.QI)
	maxSize := anonymity.QISizeLimit(n, opt.QIMaxColumns)
	progress(opt, "qi", 0, 1)
	qs, err := anonymity.AnalyzeQI(ctx, c, anonymity.QIOptions{MaxSize: maxSize, Workers: opt.Workers,
		Progress: func(done, total int64) { progress(opt, "qi", done, total) }})
	if err != nil {
		return err
	}
	r.QIAnalysis = make([]QIScore, len(qs))
	for i, q := range qs {
		r.QIAnalysis[i] = QIScore{Columns: q.Columns, Distinction: Float(q.Distinction), Separation: Float(q.Separation),
			UpperBound: q.Bounded}
	}
	r.QIAnalysisComplete = maxSize == n
	return nil
}

// subjects fills the person-level counts from c.Subjects.
func (r *Report) subjects(c *anonymity.Classes) {
	m := c.Subjects
	if m == nil {
		return
	}
	ks := anonymity.KSubjects(c)
	several := anonymity.SubjectsInSeveralClasses(c)
	// flags[s]: 1 once subject s is seen, 2 once it is alone in a class.
	flags := make([]uint8, subjectCodes(m))
	var seen, alone int64
	r.ClassSubjectsHistogram = Counts{}
	for e := 0; e+1 < len(m.Offsets); e++ {
		lo, hi := m.Offsets[e], m.Offsets[e+1]
		d := int64(0)
		for _, n := range m.Counts[lo:hi] {
			if n > 0 {
				d++
			}
		}
		r.ClassSubjectsHistogram[d]++
		for _, s := range m.Values[lo:hi] {
			if flags[s]&1 == 0 {
				flags[s] |= 1
				seen++
			}
		}
		if hi-lo == 1 && flags[m.Values[lo]]&2 == 0 {
			flags[m.Values[lo]] |= 2
			alone++
		}
	}
	r.KSubjects, r.Subjects, r.SubjectsSingledOut, r.SubjectsInSeveralClasses = &ks, &seen, &alone, &several
}

// subjectCodes is the number of subject codes m may hold: its
// dictionary's, or past the largest value.
func subjectCodes(m *anonymity.Multiset) int {
	n := 0
	if m.Dict != nil {
		n = m.Dict.Len()
	}
	for _, v := range m.Values {
		n = max(n, int(v)+1)
	}
	return n
}

// sensitive fills l-diversity, t-closeness, β-likeness and δ-disclosure.
func (r *Report) sensitive(c *anonymity.Classes, opt Options) error {
	for _, m := range c.Sensitive {
		so := anonymity.SensitiveOptions{L: opt.L}
		if h, ok := opt.Hierarchies[m.Name]; ok {
			so.Hierarchy = make([][]string, m.Dict.Len())
			missing := 0
			for code := range so.Hierarchy {
				p, ok := h[m.Dict.Label(uint32(code))]
				if !ok {
					missing++
				}
				so.Hierarchy[code] = p
			}
			if missing > 0 { // values are data: counted, not shown
				return &OptionError{Field: "Hierarchies", Key: m.Name, Msg: fmt.Sprintf("no row for %d of the column's %d distinct values", missing, m.Dict.Len())}
			}
		}
		sum, err := anonymity.SummarizeSensitive(m, so)
		if err != nil {
			return fmt.Errorf("reidrisk: sensitive column %q: %w", m.Name, err)
		}
		s := SensitiveReport{
			Column:          m.Name,
			LDiversity:      LDiversity{int64(sum.DistinctL), Float(sum.EntropyL), Float(sum.RecursiveC)},
			TCloseness:      TCloseness{Equal: Float(sum.TEqual), Ordered: Float(sum.TOrdered), OrderedBy: orderedBy(m)},
			BetaLikeness:    BetaLikeness{Float(sum.BetaBasic), Float(sum.BetaEnhanced)},
			DeltaDisclosure: Float(sum.DeltaDisclosure),
			Alpha:           Float(sum.Alpha),
		}
		if sum.HasHierarchical {
			v := Float(sum.THierarchical)
			s.TCloseness.Hierarchical = &v
		}
		r.PerSensitive = append(r.PerSensitive, s)
	}
	if len(r.PerSensitive) == 0 {
		return nil
	}
	// Table level: the worst column.
	w := r.PerSensitive[0]
	l, t, beta, delta := w.LDiversity, w.TCloseness, w.BetaLikeness, w.DeltaDisclosure
	ak := AlphaK{Alpha: w.Alpha, K: r.K}
	for _, s := range r.PerSensitive[1:] {
		ak.Alpha = max(ak.Alpha, s.Alpha)
		l.Distinct = min(l.Distinct, s.LDiversity.Distinct)
		l.Entropy = Float(minFloat([]float64{float64(l.Entropy), float64(s.LDiversity.Entropy)}))
		l.RecursiveC = Float(maxFloat([]float64{float64(l.RecursiveC), float64(s.LDiversity.RecursiveC)}))
		t.Equal = Float(maxFloat([]float64{float64(t.Equal), float64(s.TCloseness.Equal)}))
		if s.TCloseness.Ordered > t.Ordered || math.IsNaN(float64(t.Ordered)) {
			t.Ordered, t.OrderedBy = s.TCloseness.Ordered, s.TCloseness.OrderedBy
		}
		beta.Basic = Float(maxFloat([]float64{float64(beta.Basic), float64(s.BetaLikeness.Basic)}))
		beta.Enhanced = Float(maxFloat([]float64{float64(beta.Enhanced), float64(s.BetaLikeness.Enhanced)}))
		delta = Float(maxFloat([]float64{float64(delta), float64(s.DeltaDisclosure)}))
		if s.TCloseness.Hierarchical != nil {
			if t.Hierarchical == nil || *s.TCloseness.Hierarchical > *t.Hierarchical {
				v := *s.TCloseness.Hierarchical
				t.Hierarchical = &v
			}
		}
	}
	r.LDiversity, r.TCloseness, r.BetaLikeness, r.DeltaDisclosure, r.AlphaK = &l, &t, &beta, &delta, &ak
	if len(r.PerSensitive) == 1 {
		r.PerSensitive = nil
	}
	return nil
}

// orderedBy says which order anonymity.OrderedDistance puts m's values
// in: OrderedNumeric when every non-null value in the table reads as a
// number (strconv.ParseFloat; NaN does not count), else OrderedLexicographic.
func orderedBy(m *anonymity.Multiset) string {
	if m.Dict == nil {
		return OrderedNumeric // codes are the order
	}
	for i, code := range m.Values {
		if m.Counts[i] == 0 || m.Dict.IsNull(code) {
			continue
		}
		f, err := strconv.ParseFloat(m.Dict.Value(code), 64)
		var ne *strconv.NumError
		if err != nil && !(errors.As(err, &ne) && ne.Err == strconv.ErrRange) || math.IsNaN(f) {
			return OrderedLexicographic
		}
	}
	return OrderedNumeric
}

// population fills the journalist, marketer and individual risk from a
// population table, per-record weights or a sampling fraction (F_k = f_k/π),
// and with a sampling fraction the estimated population uniqueness.
func (r *Report) population(ctx context.Context, t *quasiid.Table, c *anonymity.Classes, opt Options) error {
	var F []float64
	switch {
	case opt.Population != nil:
		progress(opt, "population", 0, 0)
		eo := quasiid.EncodeOptions{}
		if opt.Progress != nil {
			eo.Progress = func(rows int64) { opt.Progress(Progress{Stage: "population", Done: rows}) }
		}
		pk, err := startCount(ctx, opt.Population, quasiid.Spec{QI: opt.QI}, eo, anonymity.CountOptions{Workers: opt.Workers}, true)
		if err != nil {
			return err
		}
		pc, err := pk.classes(ctx)
		if err != nil {
			return err
		}
		if F, err = anonymity.PopulationFrequencies(c, pc); err != nil {
			return &OptionError{Field: "Population", Value: pk.t.Source, Err: err}
		}
	case opt.Weights != "":
		w, err := anonymity.ColumnWeights(t.Source, t.Column(opt.Weights))
		if err != nil {
			return err // an InputError naming source, row and column
		}
		if F, err = anonymity.WeightedFrequencies(c, w); err != nil {
			return &OptionError{Field: "Weights", Value: opt.Weights, Err: err}
		}
	case opt.SamplingFraction > 0:
		var err error
		if F, err = anonymity.FractionFrequencies(c, opt.SamplingFraction); err != nil {
			return fmt.Errorf("reidrisk: sampling fraction: %w", err)
		}
		pu, err := anonymity.PopulationUniqueness(c, opt.SamplingFraction)
		if err != nil {
			return fmt.Errorf("reidrisk: population uniqueness: %w", err)
		}
		r.PopulationUniqueness = &PopulationUniqueness{Model: pu.Model, Estimate: Float(pu.Estimate)}
	default:
		return nil
	}
	j, err := anonymity.Journalist(c, F, opt.RiskThreshold)
	if err != nil {
		return err
	}
	r.Journalist = &ProsecutorRisk{Float(j.Highest), Float(j.Average), Float(j.RecordsAtRisk), Float(j.Threshold)}
	m, err := anonymity.Marketer(c, F)
	if err != nil {
		return err
	}
	mf := Float(m)
	r.Marketer = &mf
	ir, err := anonymity.IndividualRisk(c, F, anonymity.IndividualRiskOptions{})
	if err != nil {
		return err
	}
	r.IndividualRisk = &IndividualRisk{Float(ir.ExpectedReidentifications), Float(ir.GlobalRisk)}
	return nil
}

// checkPolicy records which of the requested thresholds the table meets.
func (r *Report) checkPolicy(opt Options) {
	var failed []string
	// With a subject column a class is as safe as the number of people in
	// it, not its rows (50 rows of one account are a class of one person):
	// k is then checked on k_subjects.
	k, unit := r.K, KRows
	if r.KSubjects != nil {
		k, unit = *r.KSubjects, KSubjects
	}
	r.Policy.KCountedIn = unit
	if k < int64(opt.K) {
		f := "k=" + strconv.Itoa(opt.K)
		if unit == KSubjects {
			f += " (subjects)"
		}
		failed = append(failed, f)
	}
	if opt.C > 0 && r.LDiversity != nil {
		c := Float(opt.C)
		r.Policy.C = &c
		if !(float64(r.LDiversity.RecursiveC) < opt.C) {
			failed = append(failed, fmt.Sprintf("recursive (c=%g, l=%d)", opt.C, opt.L))
		}
	}
	if opt.T > 0 && r.TCloseness != nil {
		t := Float(opt.T)
		r.Policy.T = &t
		if float64(r.TCloseness.Equal) > opt.T {
			failed = append(failed, fmt.Sprintf("t=%g", opt.T))
		}
	}
	ok := len(failed) == 0
	r.Policy.Satisfied = &ok
	r.Policy.Failed = failed
}

// records builds the per-record risk table from c.RowClass.
func records(c *anonymity.Classes, threshold float64) *Records {
	n := len(c.RowClass)
	rec := &Records{
		Row: make([]int64, n), Class: make([]int64, n), ClassSize: make([]int64, n),
		Prosecutor: make([]float64, n), AtRisk: make([]bool, n),
	}
	var subj []int64
	if m := c.Subjects; m != nil {
		rec.SubjectsInClass = make([]int64, n)
		subj = make([]int64, c.Len())
		for e := range subj {
			subj[e] = int64(m.Offsets[e+1] - m.Offsets[e])
		}
	}
	for i, e := range c.RowClass {
		size := c.Sizes[e]
		rec.Row[i] = int64(i)
		rec.Class[i] = int64(e)
		rec.ClassSize[i] = size
		rec.Prosecutor[i] = 1 / float64(size)
		rec.AtRisk[i] = rec.Prosecutor[i] > threshold
		if subj != nil {
			rec.SubjectsInClass[i] = subj[e]
		}
	}
	return rec
}

// riskiest returns up to n of the smallest classes, first-seen first, with
// their QI values.
func riskiest(c *anonymity.Classes, n int) []ClassExample {
	idx := make([]int, c.Len())
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return int(c.Sizes[a] - c.Sizes[b]) })
	var out []ClassExample
	for _, e := range idx[:min(n, len(idx))] {
		ex := ClassExample{Values: map[string]string{}, Size: c.Sizes[e]}
		for j, name := range c.QI {
			ex.Values[name] = c.Dicts[j].Label(c.Codes[j][e])
		}
		if m := c.Subjects; m != nil {
			ex.Subjects = int64(m.Offsets[e+1] - m.Offsets[e])
		}
		out = append(out, ex)
	}
	return out
}

// minFloat returns the smallest non-NaN value of xs (NaN if none).
func minFloat(xs []float64) float64 {
	m := math.NaN()
	for _, x := range xs {
		if !math.IsNaN(x) && (math.IsNaN(m) || x < m) {
			m = x
		}
	}
	return m
}

// maxFloat returns the largest non-NaN value of xs (NaN if none).
func maxFloat(xs []float64) float64 {
	m := math.NaN()
	for _, x := range xs {
		if !math.IsNaN(x) && (math.IsNaN(m) || x > m) {
			m = x
		}
	}
	return m
}
