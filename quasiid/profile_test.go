package quasiid

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestProfile(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,email,age,zip,height,country\n")
	for i := range 20 {
		zip := fmt.Sprintf("%05d", i%4)
		if i%3 == 0 {
			zip = "NA"
		}
		fmt.Fprintf(&b, "%d,p%d@example.org,%d,%s,%.2f,US\n", i+1, i, 20+i%5, zip, 1.5+float64(i)/100)
	}
	src, err := Read("people.csv", strings.NewReader(b.String()), ReadOptions{NullValues: []string{"NA"}, BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	profiles, err := Profile(context.Background(), src, ProfileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name                string
		distinct, nulls     int64
		numeric, continuous bool
		role                Role
	}{
		{"id", 20, 0, true, false, Identifier},
		{"email", 20, 0, false, false, Identifier},
		{"age", 5, 0, true, false, QuasiIdentifier},
		{"zip", 4, 7, true, false, QuasiIdentifier},
		{"height", 20, 0, true, true, QuasiIdentifier},
		{"country", 1, 0, false, false, Insensitive},
	}
	if len(profiles) != len(want) {
		t.Fatalf("%d profiles, want %d", len(profiles), len(want))
	}
	for i, w := range want {
		p := profiles[i]
		if p.Name != w.name || p.Rows != 20 || p.Distinct != w.distinct || p.Nulls != w.nulls ||
			p.Numeric != w.numeric || p.Continuous != w.continuous || p.Suggested != w.role || p.Type != "utf8" {
			t.Errorf("profile %+v, want %+v", p, w)
		}
		if got, wantU := p.Uniqueness, float64(w.distinct)/20; got != wantU {
			t.Errorf("%s: uniqueness %v, want %v", p.Name, got, wantU)
		}
	}
	if r := profiles[4].Reason; r != "continuous numbers, nearly all unique: bin before release" {
		t.Errorf("height reason %q", r)
	}
}

func TestProfileTable(t *testing.T) {
	tbl, err := encodeString("x.csv", "a,b\n1,x\n2,x\n3,NA\n", ReadOptions{NullValues: []string{"NA"}}, Spec{QI: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	ps := ProfileTable(tbl, ProfileOptions{})
	if len(ps) != 2 || ps[0].Suggested != Identifier || ps[1].Distinct != 1 || ps[1].Nulls != 1 || ps[1].Suggested != Insensitive {
		t.Errorf("profiles %+v", ps)
	}
	// With a threshold above 1 nothing is suggested as an identifier.
	ps = ProfileTable(tbl, ProfileOptions{IdentifierRatio: 1.01})
	if ps[0].Suggested != QuasiIdentifier {
		t.Errorf("ratio 1.01: a suggested %v", ps[0].Suggested)
	}
}
