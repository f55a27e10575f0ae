package generalize

import (
	"bytes"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
)

func TestReadHierarchy(t *testing.T) {
	// No final newline, CRLF, a BOM and a quoted field.
	in := "\ufeffMale;*\r\n\"Fe;male\";*"
	h, err := ReadHierarchy("sex", "sex.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if h.Levels() != 2 || len(h.Values()) != 2 {
		t.Fatalf("levels %d values %q", h.Levels(), h.Values())
	}
	if l, ok := h.Label("Fe;male", 1); !ok || l != "*" {
		t.Errorf("Label = %q, %v", l, ok)
	}
	if _, ok := h.Label("Male", 2); ok {
		t.Error("level 2 of a 2-level hierarchy found")
	}
	var buf bytes.Buffer
	if err := h.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "Male;*\n\"Fe;male\";*\n" {
		t.Errorf("WriteCSV = %q", got)
	}
}

func TestReadHierarchyErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a;x;*\nb;*\n", "h.csv:2: 2 fields, want 3"},
		{"a;x;*\na;y;*\n", "h.csv: row 2: its value is already given in row 1"},
		{"a;x;p\nb;x;q\n", "h.csv: rows 1 and 2: the same level-1 label generalises to two labels at level 2"},
		{"", "has no rows"},
		{"a;\"x\n", "h.csv:1:"},
	} {
		_, err := ReadHierarchy("c", "h.csv", strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestBindMissingValue(t *testing.T) {
	h, err := ReadHierarchy("sex", "sex.csv", strings.NewReader("Male;*\nFemale;*\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := quasiid.NewDictionary()
	d.Code("Male")
	d.Code("Other")
	_, err = bind(h, d)
	if err == nil || err.Error() != `sex.csv: 1 of the 2 distinct values of column "sex" are not in the hierarchy` {
		t.Errorf("bind error %v", err)
	}
	d.NullCode()
	h2, _ := ReadHierarchy("sex", "sex.csv", strings.NewReader("Male;*\nOther;*\nNULL;*\n"))
	b, err := bind(h2, d)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.dicts[1].Len(); got != 1 {
		t.Errorf("level 1 holds %d labels, want 1", got)
	}
	if got := b.cover[1][0]; got != 3 {
		t.Errorf("cover of * = %d, want 3", got)
	}
}

func FuzzReadHierarchy(f *testing.F) {
	f.Add("a;x;*\nb;x;*\n")
	f.Add("1;0-4;*\n2;0-4;*")
	f.Add("\"a;b\";c;*\r\n")
	f.Add("a;x;*\nb;*\n")
	f.Fuzz(func(t *testing.T, in string) {
		h, err := ReadHierarchy("c", "f.csv", strings.NewReader(in))
		if err != nil {
			return
		}
		// A hierarchy that reads must nest and round-trip.
		var buf bytes.Buffer
		if err := h.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		h2, err := ReadHierarchy("c", "g.csv", &buf)
		if err != nil {
			t.Fatalf("round trip of %q: %v", in, err)
		}
		if h2.Levels() != h.Levels() || len(h2.Values()) != len(h.Values()) {
			t.Fatalf("round trip changed shape")
		}
		for _, v := range h.Values() {
			for l := range h.Levels() {
				a, _ := h.Label(v, l)
				b, ok := h2.Label(v, l)
				if !ok || a != b {
					t.Fatalf("round trip changed %q level %d: %q → %q", v, l, a, b)
				}
			}
		}
	})
}
