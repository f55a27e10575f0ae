package reidrisk

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

func source(t *testing.T, csv string) *quasiid.Source {
	t.Helper()
	src, err := quasiid.Read("t.csv", strings.NewReader(csv), quasiid.ReadOptions{Delimiter: ','})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// small: classes (a,x) rows 0,1,2 subjects u1,u1,u2; (a,y) row 3 u3;
// (b,x) rows 4,5 u4,u4. Sensitive s: (a,x) {s1,s2,s1}, (a,y) {s1}, (b,x) {s2,s2}.
const small = "id,q1,q2,s\nu1,a,x,s1\nu1,a,x,s2\nu2,a,x,s1\nu3,a,y,s1\nu4,b,x,s2\nu4,b,x,s2\n"

func TestAnalyzeHandComputed(t *testing.T) {
	var stages []string
	r, err := Analyze(context.Background(), source(t, small), Options{
		QI: []string{"q1", "q2"}, Sensitive: []string{"s"}, Subject: "id", K: 2, Records: true,
		Progress: func(p Progress) {
			if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
				stages = append(stages, p.Stage)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows != 6 || r.Classes != 3 || r.K != 1 || r.SampleUniques != 1 {
		t.Errorf("rows %d classes %d k %d uniques %d, want 6 3 1 1", r.Rows, r.Classes, r.K, r.SampleUniques)
	}
	if r.SampleUniquesFraction != Float(1.0/6) {
		t.Errorf("sample_uniques_fraction %v, want 1/6", r.SampleUniquesFraction)
	}
	// distinct l: 1 ((a,y) and (b,x) hold one value). Table-wide q = (1/2, 1/2).
	// t (equal) = max ½Σ|p−q|: (a,y) and (b,x) give ½(½+½) = 0.5.
	// recursive c for l = 2: +Inf (classes with one value).
	if l := r.LDiversity; l.Distinct != 1 || l.Entropy != 1 || !math.IsInf(float64(l.RecursiveC), 1) {
		t.Errorf("l_diversity %+v, want 1, 1, +Inf", *l)
	}
	if r.TCloseness.Equal != 0.5 {
		t.Errorf("t_closeness.equal %v, want 0.5", r.TCloseness.Equal)
	}
	// β basic: (p−q)/q with p = 1, q = ½ gives 1.
	if r.BetaLikeness.Basic != 1 {
		t.Errorf("beta basic %v, want 1", r.BetaLikeness.Basic)
	}
	// δ: a value absent from a class gives |ln 0| = +Inf.
	if !math.IsInf(float64(*r.DeltaDisclosure), 1) {
		t.Errorf("delta %v, want +Inf", *r.DeltaDisclosure)
	}
	if *r.KSubjects != 1 || *r.Subjects != 4 || *r.SubjectsSingledOut != 2 {
		t.Errorf("k_subjects %d subjects %d singled out %d, want 1 4 2", *r.KSubjects, *r.Subjects, *r.SubjectsSingledOut)
	}
	rec := r.Records
	if rec == nil {
		t.Fatal("no records")
	}
	want := &Records{
		Row:             []int64{0, 1, 2, 3, 4, 5},
		Class:           []int64{0, 0, 0, 1, 2, 2},
		ClassSize:       []int64{3, 3, 3, 1, 2, 2},
		SubjectsInClass: []int64{2, 2, 2, 1, 1, 1},
		Prosecutor:      []float64{1.0 / 3, 1.0 / 3, 1.0 / 3, 1, 0.5, 0.5},
		AtRisk:          []bool{true, true, true, true, true, true},
	}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("records\n got %+v\nwant %+v", rec, want)
	}
	// k = 1 and k_subjects = 1; with a subject column k is checked in subjects.
	if r.Policy.Satisfied == nil || *r.Policy.Satisfied || r.Policy.KCountedIn != KSubjects ||
		!reflect.DeepEqual(r.Policy.Failed, []string{"k=2 (subjects)"}) {
		t.Errorf("policy %+v: k=2 (subjects) should fail", r.Policy)
	}
	if len(stages) < 2 || stages[0] != "read" {
		t.Errorf("progress stages %q, want read first", stages)
	}
	if r.RiskiestClasses != nil {
		t.Error("riskiest classes without ShowValues")
	}
	b, _ := json.Marshal(r)
	for _, u := range []string{"u1", "u2", "u3", "u4"} {
		if strings.Contains(string(b), u) {
			t.Errorf("report holds subject value %s", u)
		}
	}
}

// TestAnalyzeKInSubjects: 5 rows of account u1 with q = a, one row each
// of u2 and u3 with q = b. k = 2 rows, but the class q = a is one person.
func TestAnalyzeKInSubjects(t *testing.T) {
	const csv = "acct,q\nu1,a\nu1,a\nu1,a\nu1,a\nu1,a\nu2,b\nu3,b\n"
	r, err := Analyze(context.Background(), source(t, csv), Options{QI: []string{"q"}, Subject: "acct", K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.K != 2 || *r.KSubjects != 1 {
		t.Fatalf("k %d k_subjects %d, want 2 1", r.K, *r.KSubjects)
	}
	if *r.Policy.Satisfied || r.Policy.KCountedIn != KSubjects {
		t.Errorf("policy %+v: k = 2 must be checked in subjects and fail", r.Policy)
	}
	r, err = Analyze(context.Background(), source(t, csv), Options{QI: []string{"q"}, K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !*r.Policy.Satisfied || r.Policy.KCountedIn != KRows {
		t.Errorf("policy %+v without a subject: k = 2 rows is met", r.Policy)
	}
}

// TestAnalyzeOrderedBy: values 9, 100 in class a and 10 in class b, each
// 1/3 of the table. In numeric order (9, 10, 100) class b gives
// ½(|−⅓| + |⅓|) = ⅓; in lexicographic order ("10", "100", "9") it would
// give ½(⅔ + ⅓) = ½. Text values are ordered lexicographically and say so.
func TestAnalyzeOrderedBy(t *testing.T) {
	const csv = "q,n,s\na,9,x\na,100,y\nb,10,x\n"
	r, err := Analyze(context.Background(), source(t, csv), Options{QI: []string{"q"}, Sensitive: []string{"n"}})
	if err != nil {
		t.Fatal(err)
	}
	if tc := r.TCloseness; math.Abs(float64(tc.Ordered)-1.0/3) > 1e-12 || tc.OrderedBy != OrderedNumeric {
		t.Errorf("numeric column: ordered %v by %q, want 1/3 by numeric", tc.Ordered, tc.OrderedBy)
	}
	r, err = Analyze(context.Background(), source(t, csv), Options{QI: []string{"q"}, Sensitive: []string{"s", "n"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{r.PerSensitive[0].TCloseness.OrderedBy, r.PerSensitive[1].TCloseness.OrderedBy}; got[0] != OrderedLexicographic || got[1] != OrderedNumeric {
		t.Errorf("ordered_by per column %q, want lexicographic, numeric", got)
	}
}

func TestAnalyzeShowValues(t *testing.T) {
	r, err := Analyze(context.Background(), source(t, small), Options{QI: []string{"q1", "q2"}, ShowValues: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []ClassExample{
		{Values: map[string]string{"q1": "a", "q2": "y"}, Size: 1},
		{Values: map[string]string{"q1": "b", "q2": "x"}, Size: 2},
		{Values: map[string]string{"q1": "a", "q2": "x"}, Size: 3},
	}
	if !reflect.DeepEqual(r.RiskiestClasses, want) {
		t.Errorf("riskiest %+v, want %+v", r.RiskiestClasses, want)
	}
}

func TestAnalyzeOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{}, "no quasi-identifier"},
		{Options{QI: []string{"q1"}, K: -1}, "K = -1"},
		{Options{QI: []string{"q1", "q1"}}, `"q1"`},
		{Options{QI: []string{"q1"}, Sensitive: []string{"q1"}}, `column "q1" is given to both QI and Sensitive`},
		{Options{QI: []string{"q1"}, Weights: "w", SamplingFraction: 0.5}, "at most one"},
		{Options{QI: []string{"q1"}, RiskThreshold: 2}, "RiskThreshold"},
		{Options{QI: []string{"nope"}}, `column "nope"`},
	} {
		_, err := Analyze(context.Background(), source(t, small), tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.opt, err, tc.want)
		}
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Analyze(ctx, source(t, small), Options{QI: []string{"q1"}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestFloatJSON(t *testing.T) {
	for f, want := range map[Float]string{Float(math.Inf(1)): `"Infinity"`, Float(math.Inf(-1)): `"-Infinity"`, 0.25: `0.25`, 3: `3`} {
		b, err := json.Marshal(f)
		if err != nil || string(b) != want {
			t.Errorf("%v: %s, %v; want %s", f, b, err, want)
		}
		var back Float
		if err := json.Unmarshal(b, &back); err != nil || back != f {
			t.Errorf("%s: back %v, %v", b, back, err)
		}
	}
	b, _ := json.Marshal(Float(math.NaN()))
	if string(b) != "null" {
		t.Errorf("NaN: %s, want null", b)
	}
}

func TestCountsJSON(t *testing.T) {
	c := Counts{10: 1, 2: 7, 1: 3}
	b, err := json.Marshal(c)
	if err != nil || string(b) != `{"1":3,"2":7,"10":1}` {
		t.Errorf("got %s, %v", b, err)
	}
	var back Counts
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("back %v, %v", back, err)
	}
}

// TestAnalyzePopulation: population frequencies F = 6, 2, 2 for the
// classes (a,x), (a,y), (b,x) of small, given as a population table and as
// per-record weights (2,2,2,2,1,1). By hand:
// journalist highest 1/2; average max(3/10, marketer); records at risk
// 3/6 (1/F > 0.2 for F = 2, not for F = 6); marketer (3/6 + 1/2 + 2/2)/6 = 1/3; individual risk
// r = 0.5/(3−0.5) = 0.2 (f=3), ln 2 (f=1, p=½), 1/2 (f=F=2):
// Σr = 3·0.2 + ln 2 + 2·0.5.
func TestAnalyzePopulation(t *testing.T) {
	pop := "q1,q2\n" + strings.Repeat("a,x\n", 6) + strings.Repeat("a,y\n", 2) + strings.Repeat("b,x\n", 2) + strings.Repeat("c,z\n", 5)
	weighted := "q1,q2,w\na,x,2\na,x,2\na,x,2\na,y,2\nb,x,1\nb,x,1\n"
	wantER := 0.6 + math.Ln2 + 1
	for name, opt := range map[string]Options{
		"population": {QI: []string{"q1", "q2"}, Population: source(t, pop)},
		"weights":    {QI: []string{"q1", "q2"}, Weights: "w"},
	} {
		data := small
		if opt.Weights != "" {
			data = weighted
		}
		r, err := Analyze(context.Background(), source(t, data), opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if j := r.Journalist; j == nil || j.Highest != 0.5 || math.Abs(float64(j.Average)-1.0/3) > 1e-15 || j.RecordsAtRisk != 0.5 {
			t.Errorf("%s: journalist %+v, want 0.5, 1/3, 0.5", name, j)
		}
		if m := r.Marketer; m == nil || math.Abs(float64(*m)-1.0/3) > 1e-15 {
			t.Errorf("%s: marketer %v, want 1/3", name, m)
		}
		if ir := r.IndividualRisk; ir == nil || math.Abs(float64(ir.ExpectedReidentifications)-wantER) > 1e-12 ||
			math.Abs(float64(ir.GlobalRisk)-wantER/6) > 1e-12 {
			t.Errorf("%s: individual risk %+v, want %g, %g", name, ir, wantER, wantER/6)
		}
	}
}

// TestAnalyzeSamplingFraction: π = 0.5 gives F = 2f = 6, 2, 4 for small:
// marketer (3/6 + 1/2 + 2/4)/6 = 1/4; journalist highest 1/2, average
// max(3/12, 1/4) = 1/4, records at risk (1/F > 0.2: F = 2 and 4) 3/6.
func TestAnalyzeSamplingFraction(t *testing.T) {
	r, err := Analyze(context.Background(), source(t, small), Options{QI: []string{"q1", "q2"}, SamplingFraction: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if j := r.Journalist; j.Highest != 0.5 || j.Average != 0.25 || j.RecordsAtRisk != 0.5 {
		t.Errorf("journalist %+v, want 0.5 0.25 0.5", *j)
	}
	if *r.Marketer != 0.25 {
		t.Errorf("marketer %v, want 0.25", *r.Marketer)
	}
}

// TestAnalyzeWholePopulation: with π = 1 the sample is the population:
// journalist risk equals prosecutor risk, and every model gives the sample
// uniques' share, 1/6.
func TestAnalyzeWholePopulation(t *testing.T) {
	r, err := Analyze(context.Background(), source(t, small), Options{QI: []string{"q1", "q2"}, SamplingFraction: 1})
	if err != nil {
		t.Fatal(err)
	}
	if *r.Journalist != r.Prosecutor {
		t.Errorf("journalist %+v, prosecutor %+v", *r.Journalist, r.Prosecutor)
	}
	if pu := r.PopulationUniqueness; pu == nil || math.Abs(float64(pu.Estimate)-1.0/6) > 1e-12 {
		t.Errorf("population uniqueness %+v, want 1/6", pu)
	}
}

// TestAnalyzeQI: small's combinations by hand. q1: classes 4, 2 → distinction
// 2/6, separation 1 − (6+1)/15 = 8/15; q2: 5, 1 → 2/6, 1 − 10/15 = 1/3;
// (q1,q2): 3, 1, 2 → 3/6, 1 − (3+0+1)/15 = 11/15. Most identifying first.
func TestAnalyzeQI(t *testing.T) {
	r, err := Analyze(context.Background(), source(t, small), Options{QI: []string{"q1", "q2"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []QIScore{
		{Columns: []string{"q1", "q2"}, Distinction: 0.5, Separation: 11.0 / 15},
		{Columns: []string{"q1"}, Distinction: 2.0 / 6, Separation: 8.0 / 15},
		{Columns: []string{"q2"}, Distinction: 2.0 / 6, Separation: 1.0 / 3},
	}
	if len(r.QIAnalysis) != len(want) || !r.QIAnalysisComplete {
		t.Fatalf("qi_analysis %+v (complete %v)", r.QIAnalysis, r.QIAnalysisComplete)
	}
	for i, w := range want {
		g := r.QIAnalysis[i]
		if !reflect.DeepEqual(g.Columns, w.Columns) || math.Abs(float64(g.Distinction-w.Distinction)) > 1e-15 ||
			math.Abs(float64(g.Separation-w.Separation)) > 1e-15 {
			t.Errorf("qi_analysis[%d] = %+v, want %+v", i, g, w)
		}
	}
	// Beyond QIMaxColumns only small combinations are scored.
	r, err = Analyze(context.Background(), source(t, small), Options{QI: []string{"id", "q1", "q2", "s"}, QIMaxColumns: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.QIAnalysisComplete || len(r.QIAnalysis) != 14 {
		t.Errorf("4 QIs, QIMaxColumns 2: %d combinations, complete %v; want 4+6+4 = 14 (sizes ≤ 3) and false", len(r.QIAnalysis), r.QIAnalysisComplete)
	}
}

// TestAnalyzeNoRows: a header without data rows is a report of zeros
// that says so, not an error, and not a report without warning.
func TestAnalyzeNoRows(t *testing.T) {
	r, err := Analyze(context.Background(), source(t, "q1,q2\n"), Options{QI: []string{"q1", "q2"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows != 0 || r.Classes != 0 || r.K != 0 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "no data rows") {
		t.Errorf("rows %d classes %d k %d warnings %q", r.Rows, r.Classes, r.K, r.Warnings)
	}
	if r.Policy.Satisfied == nil || *r.Policy.Satisfied {
		t.Errorf("policy satisfied %v, want false", r.Policy.Satisfied)
	}
}
