package reidrisk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/quasiid"
)

var adultQI = []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}

func adultSuggestOptions(t *testing.T) SuggestOptions {
	t.Helper()
	opt := SuggestOptions{QI: adultQI, Hierarchies: map[string]*generalize.Hierarchy{}}
	for _, q := range adultQI {
		h, err := generalize.ReadHierarchyFile(q, fixture.Path(t, "adult/adult_hierarchy_"+q+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		opt.Hierarchies[q] = h
	}
	return opt
}

func openAdult(t *testing.T) *quasiid.Source {
	t.Helper()
	src, err := quasiid.Open(fixture.Path(t, "adult/adult.csv"), quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func TestSuggestAdult(t *testing.T) {
	opt := adultSuggestOptions(t)
	opt.Policy = generalize.Policy{K: 5}
	opt.Metric = generalize.DM
	r, err := Suggest(context.Background(), openAdult(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"age": 1, "education": 3, "marital-status": 1, "native-country": 2, "race": 1, "salary-class": 1, "sex": 1, "workclass": 2}
	if r.LatticeSize != 4320 || !r.Optimal || r.Optimum == nil || r.Optimum.DM != 55170356 || r.Optimum.DMStar != 55170356 {
		t.Fatalf("lattice %d optimal %v optimum %+v", r.LatticeSize, r.Optimal, r.Optimum)
	}
	for q, l := range want {
		if r.Optimum.Levels[q] != l {
			t.Errorf("level of %s = %d, want %d", q, r.Optimum.Levels[q], l)
		}
	}
	// The table before anonymisation: 12,458 classes, nothing generalised
	// or suppressed, so DM = DM* = Σ|E|² = 485,542 and precision 1.
	bf := r.Before
	if bf.DM != 485542 || bf.DMStar != 485542 || bf.Classes != 12458 || bf.Suppressed != 0 || bf.Precision != 1 ||
		bf.Loss != 0 || bf.Entropy != 0 || math.Abs(float64(bf.AECS)-30162.0/12458) > 1e-12 || bf.HighestRisk != 1 {
		t.Errorf("before = %+v", bf)
	}
	// JSON field names are a contract.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{`"lattice_size":4320`, `"nodes_evaluated":`, `"optimal":true`, `"optimum":{"levels":{"age":1,`, `"dm":55170356`, `"dm_star":55170356`, `"loss":`, `"suppressed":0`, `"classes":`, `"alternatives":[`} {
		if !bytes.Contains(b, []byte(f)) {
			t.Errorf("JSON lacks %s", f)
		}
	}
}

// TestSuggestApplyAdult anonymises Adult with 5 % suppression under DM*,
// re-analyses the output and reapplies the saved transform.
func TestSuggestApplyAdult(t *testing.T) {
	opt := adultSuggestOptions(t)
	opt.Policy = generalize.Policy{K: 5, MaxSuppression: 0.05}
	opt.Metric = generalize.DMStar
	var out bytes.Buffer
	opt.Output, opt.OutputFormat = &out, quasiid.CSV
	r, err := Suggest(context.Background(), openAdult(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	o := r.Optimum
	if o.DMStar != 2689984 || o.Suppressed != 813 {
		t.Fatalf("optimum %+v, want DM* 2689984 suppressing 813", o)
	}
	if r.Output == nil || r.Output.Suppressed != 813 || r.Output.Written != 30162-813 || r.Output.K < 5 || !r.Output.WithinLimit {
		t.Fatalf("output %+v", r.Output)
	}
	// Re-analyse the anonymised table.
	src, err := quasiid.Read("out.csv", bytes.NewReader(out.Bytes()), quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := Analyze(context.Background(), src, Options{QI: adultQI, K: 5})
	if err != nil {
		t.Fatal(err)
	}
	if rep.K < 5 || rep.Rows != 30162-813 {
		t.Errorf("re-analysis: k %d rows %d, want ≥ 5 and %d", rep.K, rep.Rows, 30162-813)
	}
	if !strings.Contains(out.String(), "[20-39]") && !strings.Contains(out.String(), "20-39") {
		t.Logf("first output line: %q", strings.SplitN(out.String(), "\n", 3)[1])
	}
	// Save and reapply the transform to the same data: same output.
	var js bytes.Buffer
	if err := r.Transform.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	tr, err := generalize.ReadTransform("t.json", &js)
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	ar, err := Apply(context.Background(), openAdult(t), tr, &again, quasiid.CSV, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ar.Suppressed != 813 || again.String() != out.String() {
		t.Errorf("reapplied: suppressed %d, same output %v", ar.Suppressed, again.String() == out.String())
	}
}

// TestApplyUncovered reapplies a transform to new data holding a value
// the hierarchy lacks: it is counted and generalised to "*".
func TestApplyUncovered(t *testing.T) {
	sex, _ := generalize.ReadHierarchy("sex", "sex.csv", strings.NewReader("Male;*\nFemale;*\n"))
	age, _ := generalize.ReadHierarchy("age", "age.csv", strings.NewReader("30;30-39;*\n31;30-39;*\n40;40-49;*\n"))
	tr := &generalize.Transform{Version: generalize.TransformVersion, QI: []string{"sex", "age"}, Levels: []int{0, 1},
		Policy: generalize.Policy{K: 2}}
	for _, h := range []*generalize.Hierarchy{sex, age} {
		tr.Hierarchies = append(tr.Hierarchies, generalize.TransformHierarchy{Column: h.Column(), Source: h.Source(), Rows: h.Rows()})
	}
	in := "sex,age,x\nMale,30,a\nMale,31,b\nFemale,40,c\nFemale,41,d\nMale,30,e\n"
	src, err := quasiid.Read("new.csv", strings.NewReader(in), quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out bytes.Buffer
	r, err := Apply(context.Background(), src, tr, &out, quasiid.CSV, ApplyOptions{Star: true, Keep: []string{"x"}, ShowValues: true})
	if err != nil {
		t.Fatal(err)
	}
	// Male/30-39 ×3 kept; Female/40-49 and Female/* are single: starred.
	if r.Suppressed != 2 || r.SuppressedClasses != 2 || r.Written != 5 || len(r.Uncovered) != 1 ||
		r.Uncovered[0].Column != "age" || r.Uncovered[0].Records != 1 || r.Uncovered[0].Values[0] != "41" {
		t.Fatalf("report %+v", r)
	}
	want := "sex,age,x\nMale,30-39,a\nMale,30-39,b\n*,*,c\n*,*,d\nMale,30-39,e\n"
	if out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", out.String(), want)
	}
	// The same into Arrow records, suppressed rows removed.
	src2, err := quasiid.Read("new.csv", strings.NewReader(in), quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	recs, r2, err := ApplyRecords(context.Background(), src2, tr, ApplyOptions{Keep: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	var rows int64
	for _, rec := range recs {
		rows += rec.NumRows()
		rec.Release()
	}
	if rows != 3 || r2.Written != 3 || r2.Suppressed != 2 {
		t.Errorf("records: %d rows, report %+v", rows, r2)
	}
}

func ExampleSuggest() {
	in := "zip,age,diagnosis\n" +
		"13053,28,flu\n13068,29,flu\n13068,21,cold\n13053,23,cold\n" +
		"14853,50,flu\n14853,55,cancer\n14850,47,flu\n14850,49,cold\n" +
		"13053,31,cold\n13053,37,cancer\n13068,36,flu\n13068,35,cold\n"
	src, err := quasiid.Read("clinic.csv", strings.NewReader(in), quasiid.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	zip, _ := generalize.Masking("zip", []string{"13053", "13068", "14853", "14850"})
	age, _ := generalize.Intervals("age", []string{"21", "23", "28", "29", "31", "35", "36", "37", "47", "49", "50", "55"},
		[]float64{30, 40, 50}, []float64{40})
	var out bytes.Buffer
	r, err := Suggest(context.Background(), src, SuggestOptions{
		QI:          []string{"zip", "age"},
		Hierarchies: map[string]*generalize.Hierarchy{"zip": zip, "age": age},
		Policy:      generalize.Policy{K: 4},
		Metric:      generalize.DM,
		Output:      &out, OutputFormat: quasiid.CSV,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d nodes, optimum %v: %d classes, DM %d\n", r.LatticeSize, r.Optimum.Levels, r.Optimum.Classes, r.Optimum.DM)
	fmt.Print(strings.Join(strings.Split(out.String(), "\n")[:3], "\n"), "\n")
	// Output:
	// 24 nodes, optimum map[age:2 zip:1]: 3 classes, DM 48
	// zip,age,diagnosis
	// 1305*,"[21, 40)",flu
	// 1306*,"[21, 40)",flu
}

// TestSuggestTReference: with t in the policy the report names the
// reference distribution (the whole input, as ARX); without t it is absent.
func TestSuggestTReference(t *testing.T) {
	in := "zip,s\na,x\na,x\na,y\na,y\nb,z\n"
	h, err := generalize.NewHierarchy("zip", "zip.csv", [][]string{{"a", "*"}, {"b", "*"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p    generalize.Policy
		want string
	}{{generalize.Policy{K: 2, T: 0.2, MaxSuppression: 0.2}, "input"}, {generalize.Policy{K: 2}, ""}} {
		src, err := quasiid.Read("in.csv", strings.NewReader(in), quasiid.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Suggest(context.Background(), src, SuggestOptions{QI: []string{"zip"}, Sensitive: []string{"s"},
			Hierarchies: map[string]*generalize.Hierarchy{"zip": h}, Policy: tc.p, Metric: generalize.DM})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		// t = 0.2: class a is at 0.2 from the input (x .4, y .4, z .2), so
		// level 0 with b suppressed is the optimum.
		if r.TReference != tc.want || r.Optimum == nil || (tc.p.T > 0 && (r.Optimum.Levels["zip"] != 0 || r.Optimum.Suppressed != 1)) {
			t.Errorf("%+v: t_reference %q optimum %+v", tc.p, r.TReference, r.Optimum)
		}
	}
}

// TestSuggestProgress: Suggest reports rows read, lattice nodes evaluated
// and rows written; the last "search" call counts every evaluated node.
func TestSuggestProgress(t *testing.T) {
	opt := adultSuggestOptions(t)
	opt.Policy = generalize.Policy{K: 5}
	opt.Metric = generalize.DM
	var out bytes.Buffer
	opt.Output, opt.OutputFormat = &out, quasiid.CSV
	last := map[string]Progress{}
	opt.Progress = func(p Progress) { last[p.Stage] = p }
	r, err := Suggest(context.Background(), openAdult(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	if last["read"].Done != 16384 || last["search"].Done != int64(r.NodesEvaluated) ||
		last["write"] != (Progress{Stage: "write", Done: 30162, Total: 30162}) {
		t.Errorf("progress %+v, %d nodes", last, r.NodesEvaluated)
	}
}
