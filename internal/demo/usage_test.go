package demo

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(Options{Seed: 7, Accounts: 200})
	b := Generate(Options{Seed: 7, Accounts: 200})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different tables")
	}
	c := Generate(Options{Seed: 8, Accounts: 200})
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same table")
	}
}

func TestGenerateShape(t *testing.T) {
	ss := Generate(Options{Seed: 1, Accounts: 300})
	accts := map[string]int{}
	for _, s := range ss {
		accts[s.Account]++
		if s.Hour < 0 || s.Hour > 23 {
			t.Fatalf("hour %d", s.Hour)
		}
		audio := s.MediaType == "music" || s.MediaType == "audiobook"
		if audio != (s.Resolution == "audio") {
			t.Fatalf("media type %s with resolution %s", s.MediaType, s.Resolution)
		}
		if s.DurationS <= 0 || s.BitRateKbps <= 0 {
			t.Fatalf("bad session %+v", s)
		}
	}
	if len(accts) != 300 {
		t.Fatalf("%d accounts, want 300", len(accts))
	}
	if m := float64(len(ss)) / 300; m < 6 || m > 20 {
		t.Errorf("mean sessions per account %.1f, want about 12", m)
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, ss[:2]); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || lines[0] != strings.Join(Columns(), ",") {
		t.Errorf("csv = %q", b.String())
	}
}

func TestHierarchyMapsCover(t *testing.T) {
	for _, c := range countries {
		if Region[c.v] == "" {
			t.Errorf("country %s has no region", c.v)
		}
	}
	for _, d := range devices {
		if DeviceClass[d.v] == "" {
			t.Errorf("device %s has no class", d.v)
		}
	}
}
