package quasiid

import (
	"context"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/internal/fixture"
)

// TestAdult encodes the UCI Adult extract. The row count and the distinct
// values per column were computed independently with
//
//	tail -n +2 testdata/adult/adult.csv | cut -d';' -f$i | sort -u | wc -l
func TestAdult(t *testing.T) {
	src, err := Open(fixture.Path(t, "adult/adult.csv"), ReadOptions{BatchSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	want := []struct {
		name     string
		distinct int
		first    string
	}{
		{"sex", 2, "Male"}, {"age", 72, "39"}, {"race", 5, "White"},
		{"marital-status", 7, "Never-married"}, {"education", 16, "Bachelors"},
		{"native-country", 41, "United-States"}, {"workclass", 7, "State-gov"},
		{"occupation", 14, "Adm-clerical"}, {"salary-class", 2, "<=50K"},
	}
	if got := strings.Join(src.Columns(), ","); got != "sex,age,race,marital-status,education,native-country,workclass,occupation,salary-class" {
		t.Fatalf("columns %s", got)
	}
	var spec Spec
	for _, w := range want {
		spec.QI = append(spec.QI, w.name)
	}
	var batches int
	tbl, err := Encode(context.Background(), src, spec, EncodeOptions{Progress: func(int64) { batches++ }})
	if err != nil {
		t.Fatal(err)
	}
	if src.SkippedLines() != 0 {
		t.Errorf("%d blank lines skipped, want 0", src.SkippedLines())
	}
	if tbl.Rows != 30162 {
		t.Errorf("rows %d, want 30162", tbl.Rows)
	}
	if batches != 8 { // ceil(30162 / 4096)
		t.Errorf("%d batches, want 8", batches)
	}
	for _, w := range want {
		c := tbl.Column(w.name)
		if c.Dict.Len() != w.distinct || len(c.Codes) != 30162 || c.Dict.Value(c.Codes[0]) != w.first || c.Dict.Null() != NoCode {
			t.Errorf("%s: %d distinct, %d codes, first %q; want %d, 30162, %q", w.name, c.Dict.Len(), len(c.Codes), c.Dict.Value(c.Codes[0]), w.distinct, w.first)
		}
	}
}
