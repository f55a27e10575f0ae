package reidrisk

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

// setsCSV: six accounts, s3 repeating a, a row without account (NA).
// Sets s1 {a,b,c} s2 {a,b} s3 {a,b} s4 {a,NULL} s5 {c} s6 {b,NULL}.
const setsCSV = `account,device,minutes
s1,a,1
s1,b,2
s1,c,3
s2,b,4
s2,a,5
s3,a,6
s3,b,7
s3,a,8
s4,a,9
s4,NA,10
s5,c,11
NA,c,12
s6,NA,13
s6,b,14
`

const setsHierarchy = "a;ab;*\nb;ab;*\nc;cN;*\nNULL;cN;*\n"

// setsSource reads text with NA (and the empty field, as the CSV writer
// writes null) as null.
func setsSource(t *testing.T, text string) *quasiid.Source {
	t.Helper()
	src, err := quasiid.Read("sets.csv", strings.NewReader(text), quasiid.ReadOptions{NullValues: []string{"NA", ""}})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestSets(t *testing.T) {
	r, err := Sets(context.Background(), setsSource(t, setsCSV), SetsOptions{Subject: "account", Item: "device", K: 3, M: 3, ShowValues: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"1": 2, "2": 4, "3": 1}
	if r.Rows != 14 || r.RowsWithoutSubject != 1 || r.DuplicateRows != 1 || r.Subjects != 6 || r.Items != 4 ||
		!maps.Equal(r.ViolatingItemsetsBySize, want) || r.SubjectsInViolations != 4 || r.KMAnonymous || r.MinSupport != 1 {
		t.Errorf("report %+v, want 14 rows (1 without subject, 1 duplicate), 6 subjects, 4 items, violating %v, 4 subjects in violations", r, want)
	}
	if len(r.SmallestViolatingItemsets) != 7 || strings.Join(r.SmallestViolatingItemsets[0].Items, "+") != "c" ||
		r.SmallestViolatingItemsets[0].Subjects != 2 || strings.Join(r.SmallestViolatingItemsets[6].Items, "+") != "a+b+c" {
		t.Errorf("smallest violating itemsets %+v", r.SmallestViolatingItemsets)
	}
	if _, err := r.Transform(); err == nil {
		t.Error("a transform without a suggestion")
	}
}

// TestSetsSuggestApply: with the hierarchy and at most 10% suppressed,
// level 1 (ab, cN) is chosen; applying it and measuring again gives the
// suggestion's figures.
func TestSetsSuggestApply(t *testing.T) {
	h, err := generalize.ReadHierarchy("device", "device.csv", strings.NewReader(setsHierarchy))
	if err != nil {
		t.Fatal(err)
	}
	opt := SetsOptions{Subject: "account", Item: "device", K: 3, M: 2, Hierarchy: h, MaxSuppression: 0.1}
	r, err := Sets(context.Background(), setsSource(t, setsCSV), opt)
	if err != nil {
		t.Fatal(err)
	}
	sg := r.Suggestion
	if sg == nil || !sg.Met || sg.Level != 1 || sg.Levels != 3 || sg.SuppressedOccurrences != 0 || sg.GeneralisedOccurrences != 12 ||
		sg.NCP != 0.5 || !sg.After.KMAnonymous || sg.After.Subjects != 6 || len(sg.Trials) != 2 || sg.Trials[0].SuppressedOccurrences != 4 {
		t.Fatalf("suggestion %+v", sg)
	}
	tr, err := r.Transform()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tr.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	tr, err = ReadSetsTransform("t.json", &buf)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := ApplySets(context.Background(), setsSource(t, setsCSV), tr, &out, quasiid.CSV)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 14 || rep.Written != 14 || rep.RemovedRows != 0 || rep.UncoveredRows != 0 {
		t.Errorf("apply %+v", rep)
	}
	again, err := Sets(context.Background(), setsSource(t, out.String()), SetsOptions{Subject: "account", Item: "device", K: 3, M: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !again.KMAnonymous || again.Subjects != 6 || again.Items != 2 || again.MinSupport != sg.After.MinSupport {
		t.Errorf("re-measured %+v, want the suggestion's %+v", again.SetsFigures, sg.After)
	}

	// Suppression alone (level 0): c and NULL go, their 5 rows removed
	// (the account-less c row too), s5 disappears.
	opt = SetsOptions{Subject: "account", Item: "device", K: 3, M: 2, Suggest: true, MaxSuppression: 0.5, ShowValues: true}
	r, err = Sets(context.Background(), setsSource(t, setsCSV), opt)
	if err != nil {
		t.Fatal(err)
	}
	if sg := r.Suggestion; !sg.Met || sg.Level != 0 || strings.Join(sg.SuppressedLabels, ",") != "c,NULL" || sg.SubjectsEmptied != 1 || sg.SubjectsTouched != 4 {
		t.Fatalf("suppression-only suggestion %+v", sg)
	}
	tr, _ = r.Transform()
	out.Reset()
	if rep, err = ApplySets(context.Background(), setsSource(t, setsCSV), tr, &out, quasiid.CSV); err != nil {
		t.Fatal(err)
	}
	if rep.Written != 9 || rep.RemovedRows != 5 {
		t.Errorf("apply %+v, want 9 written, 5 removed", rep)
	}
	again, err = Sets(context.Background(), setsSource(t, out.String()), SetsOptions{Subject: "account", Item: "device", K: 3, M: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !again.KMAnonymous || again.Subjects != 5 {
		t.Errorf("re-measured %+v", again.SetsFigures)
	}
	js, _ := json.Marshal(tr)
	if !strings.Contains(string(js), `"kind":"itemsets"`) {
		t.Errorf("transform JSON %s", js)
	}
}

func TestSetsOptions(t *testing.T) {
	for _, o := range []SetsOptions{{Item: "device"}, {Subject: "account", Item: "account"}, {Subject: "account", Item: "device", M: 4},
		{Subject: "account", Item: "device", K: -1}, {Subject: "account", Item: "device", MaxSuppression: 1.5}} {
		if _, err := Sets(context.Background(), setsSource(t, setsCSV), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := Sets(context.Background(), setsSource(t, setsCSV), SetsOptions{Subject: "account", Item: "nosuch"}); err == nil ||
		!strings.Contains(err.Error(), "nosuch") {
		t.Errorf("missing column: %v", err)
	}
}

// FuzzReadSetsTransform: any input gives a transform or an error, never a
// panic, and an accepted transform applies without panicking.
func FuzzReadSetsTransform(f *testing.F) {
	f.Add(`{"version":1,"kind":"itemsets","subject":"account","item":"device","k":3,"m":2,"max_suppression":0.1,"level":1,` +
		`"hierarchy":{"column":"device","source":"h.csv","rows":[["a","ab","*"],["b","ab","*"],["c","cN","*"],["NULL","cN","*"]]},"suppressed":["cN"]}`)
	f.Add(`{"version":1,"kind":"itemsets","subject":"account","item":"device","k":3,"m":2,"level":0,"suppressed":["c","NULL"]}`)
	f.Add(`{"version":1,"kind":"itemsets","subject":"account","item":"device","level":2,"hierarchy":{"column":"device","rows":[["a"]]}}`)
	f.Fuzz(func(t *testing.T, text string) {
		tr, err := ReadSetsTransform("fuzz.json", strings.NewReader(text))
		if err != nil {
			return
		}
		var out bytes.Buffer
		_, _ = ApplySets(context.Background(), setsSource(t, setsCSV), tr, &out, quasiid.CSV)
	})
}
