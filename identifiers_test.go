package reidrisk

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/generalize"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Issue 12, case 4, through the Go API. Ten rows: id is distinct in every
// row (100%), nine distinct names of ten (90%: at IdentifierRatio, an
// identifier), eight distinct notes of ten (80%: passes), amount is
// continuous and distinct (Profile's rule: a quasi-identifier to bin, not
// an identifier).
const idTable = "id,name,note,amount,age,sex\n" +
	"1,ann,a,1.5,30,F\n2,bob,b,2.5,30,F\n3,cat,c,3.5,30,F\n4,dan,d,4.5,30,F\n5,eve,e,5.5,30,F\n" +
	"6,fay,f,6.5,40,M\n7,guy,g,7.5,40,M\n8,hal,h,8.5,40,M\n9,ivy,h,9.5,40,M\n10,ivy,h,10.5,40,M\n"

func idSource(t *testing.T) *quasiid.Source {
	t.Helper()
	src, err := quasiid.Read("ids.csv", strings.NewReader(idTable), quasiid.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func TestSuggestIdentifiers(t *testing.T) {
	ctx := context.Background()
	age, _ := generalize.NewHierarchy("age", "age.csv", [][]string{{"30", "*"}, {"40", "*"}})
	sex, _ := generalize.NewHierarchy("sex", "sex.csv", [][]string{{"F", "*"}, {"M", "*"}})
	base := SuggestOptions{QI: []string{"age", "sex"}, Hierarchies: map[string]*generalize.Hierarchy{"age": age, "sex": sex},
		Policy: generalize.Policy{K: 5}, OutputFormat: quasiid.CSV}
	for _, c := range []struct {
		ids, keep []string
		column    string // refused, "" = written
	}{
		{nil, nil, "id"},
		{[]string{"id"}, nil, "name"},
		{nil, []string{"id"}, "name"},
		{[]string{"id"}, []string{"name"}, ""},
		{[]string{"id", "name"}, nil, ""},
	} {
		opt := base
		var out bytes.Buffer
		opt.Output, opt.Identifiers, opt.Keep = &out, c.ids, c.keep
		r, err := Suggest(ctx, idSource(t), opt)
		var ie *IdentifierError
		if c.column != "" {
			if !errors.As(err, &ie) || ie.Column != c.column || ie.Subject {
				t.Errorf("identifiers %v keep %v: err %v, want an IdentifierError on %q", c.ids, c.keep, err, c.column)
			}
			if out.Len() != 0 {
				t.Errorf("identifiers %v keep %v: %d bytes written before the refusal", c.ids, c.keep, out.Len())
			}
			continue
		}
		if err != nil {
			t.Fatalf("identifiers %v keep %v: %v", c.ids, c.keep, err)
		}
		header, _, _ := strings.Cut(out.String(), "\n")
		want := map[string]string{"id": "name,note,amount,age,sex", "id,name": "note,amount,age,sex"}[strings.Join(c.ids, ",")]
		if header != want {
			t.Errorf("identifiers %v keep %v: header %q, want %q", c.ids, c.keep, header, want)
		}
		if got := strings.Join(r.Output.IdentifiersDropped, ","); got != strings.Join(c.ids, ",") {
			t.Errorf("identifiers_dropped %q", got)
		}
		if got := strings.Join(r.Output.ColumnsKept, ","); got != strings.Join(c.keep, ",") {
			t.Errorf("columns_kept %q", got)
		}
	}
	// The uniqueness of the refused column is Profile's: 9 of 10 = 90%.
	opt := base
	opt.Output, opt.Identifiers = &bytes.Buffer{}, []string{"id"}
	_, err := Suggest(ctx, idSource(t), opt)
	var ie *IdentifierError
	if !errors.As(err, &ie) || ie.Uniqueness != 0.9 || !strings.Contains(err.Error(), `"name" looks like a direct identifier (90% of its values are distinct)`) {
		t.Errorf("err %v", err)
	}
	// Bad names are errors naming the field.
	for _, c := range []struct {
		ids, keep []string
		want      string
	}{
		{[]string{"nope"}, nil, `Identifiers: ids.csv has no column "nope"`},
		{[]string{"age"}, nil, `column "age" is given to both QI and Identifiers`},
		{[]string{"id"}, []string{"id"}, `column "id" is given to both Identifiers and Keep`},
	} {
		opt := base
		opt.Output, opt.Identifiers, opt.Keep = &bytes.Buffer{}, c.ids, c.keep
		if _, err := Suggest(ctx, idSource(t), opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("identifiers %v keep %v: err %v, want %q", c.ids, c.keep, err, c.want)
		}
	}
}

// Apply refuses the subject column the transform counted k in, unless it
// is dropped or kept.
func TestApplySubjectIdentifier(t *testing.T) {
	ctx := context.Background()
	age, _ := generalize.NewHierarchy("age", "age.csv", [][]string{{"30", "*"}, {"40", "*"}})
	tr := &generalize.Transform{Version: generalize.TransformVersion, QI: []string{"age"}, Levels: []int{0}, Subject: "sex",
		Policy:      generalize.Policy{K: 1, SubjectK: true},
		Hierarchies: []generalize.TransformHierarchy{{Column: "age", Source: "age.csv", Rows: age.Rows()}}}
	var out bytes.Buffer
	_, err := Apply(ctx, idSource(t), tr, &out, quasiid.CSV, ApplyOptions{Identifiers: []string{"id", "name"}})
	var ie *IdentifierError
	if !errors.As(err, &ie) || ie.Column != "sex" || !ie.Subject || out.Len() != 0 {
		t.Fatalf("err %v (%d bytes written), want an IdentifierError on the subject sex", err, out.Len())
	}
	r, err := Apply(ctx, idSource(t), tr, &out, quasiid.CSV, ApplyOptions{Identifiers: []string{"id", "name", "sex"}})
	if err != nil {
		t.Fatal(err)
	}
	if header, _, _ := strings.Cut(out.String(), "\n"); header != "note,amount,age" || r.Written != 10 || !r.PolicyMet {
		t.Errorf("header %q, %d written, policy met %v", header, r.Written, r.PolicyMet)
	}
}
