package quasiid

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestDictionaryTable checks the hash table of Dictionary against a map:
// codes in order of first appearance through growth, null apart from the
// empty string, Lookup, codeBytes, code and codeTagged agreeing.
func TestDictionaryTable(t *testing.T) {
	d := NewDictionary()
	want := map[string]uint32{}
	var order []string
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		v := fmt.Sprint(rng.IntN(5000))
		if i == 7 {
			if c := d.NullCode(); c != uint32(len(order)) {
				t.Fatalf("NullCode = %d, want %d", c, len(order))
			}
			order = append(order, "")
			continue
		}
		var c uint32
		switch i % 4 {
		case 0:
			c = d.Code(v)
		case 1:
			c = d.codeBytes([]byte(v))
		case 2:
			c = d.code(v)
		default:
			c = d.codeTagged(v, dictTag(v))
		}
		w, ok := want[v]
		if !ok {
			w = uint32(len(order))
			want[v] = w
			order = append(order, v)
		}
		if c != w {
			t.Fatalf("value %q: code %d, want %d", v, c, w)
		}
	}
	if d.Len() != len(order) {
		t.Fatalf("Len = %d, want %d", d.Len(), len(order))
	}
	for v, w := range want {
		if c, ok := d.Lookup(v); !ok || c != w || d.Value(c) != v {
			t.Fatalf("Lookup(%q) = %d, %v; want %d", v, c, ok, w)
		}
	}
	if c, ok := d.Lookup(""); ok {
		t.Fatalf("Lookup(\"\") found %d: null is not the empty string", c)
	}
	if e := d.Code(""); e == d.Null() || e != uint32(len(order)) {
		t.Fatalf("the empty string got code %d, null is %d", e, d.Null())
	}
}

// TestDictionaryTruncate checks truncate, whose backward-shift deletion
// must leave every kept value findable, for random cuts over a table with
// long probe chains (many values, one growth step from full).
func TestDictionaryTruncate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		d := NewDictionary()
		n := 1 + rng.IntN(3000)
		for i := range n {
			if i == n/2 && round%2 == 0 {
				d.NullCode()
				continue
			}
			d.Code(fmt.Sprintf("v%d", rng.IntN(4*n)))
		}
		cut := rng.IntN(d.Len() + 1)
		null := NoCode
		if d.Null() != NoCode && int(d.Null()) < cut {
			null = d.Null()
		}
		kept := append([]string(nil), d.values[:cut]...)
		gone := append([]string(nil), d.values[cut:]...)
		d.truncate(cut, null)
		if d.Len() != cut || d.Null() != null {
			t.Fatalf("round %d: Len %d null %d, want %d %d", round, d.Len(), d.Null(), cut, null)
		}
		for c, v := range kept {
			if uint32(c) == null {
				continue
			}
			if got, ok := d.Lookup(v); !ok || got != uint32(c) {
				t.Fatalf("round %d: kept %q: Lookup = %d, %v; want %d", round, v, got, ok, c)
			}
		}
		for c, v := range gone {
			if uint32(cut+c) == d.Null() || v == "" {
				continue
			}
			if got, ok := d.Lookup(v); ok {
				t.Fatalf("round %d: %q, cut, still found as %d", round, v, got)
			}
		}
		// The table goes on handing out codes from cut.
		if c := d.Code("new value"); c != uint32(cut) {
			t.Fatalf("round %d: a new value got %d, want %d", round, c, cut)
		}
	}
}

// TestDictionaryTruncateUnindexed checks truncate on values appended to
// values without the table (csvWorker's short values): only indexed ones
// leave the table, and a value equal to an older one keeps the older
// code.
func TestDictionaryTruncateUnindexed(t *testing.T) {
	d := NewDictionary()
	d.Code("a")
	d.values = append(d.values, "b") // indexed elsewhere
	d.Code("c")
	d.truncate(1, NoCode)
	if c, ok := d.Lookup("a"); !ok || c != 0 {
		t.Fatalf("Lookup(a) = %d, %v", c, ok)
	}
	if _, ok := d.Lookup("c"); ok {
		t.Fatal("c still found")
	}
	if c := d.Code("c"); c != 1 {
		t.Fatalf("Code(c) = %d, want 1", c)
	}
}

func BenchmarkDictionaryCode(b *testing.B) {
	vals := make([]string, 1<<20)
	for i := range vals {
		vals[i] = fmt.Sprintf("acct-%08d", i*7919%900000)
	}
	b.ResetTimer()
	for range b.N {
		d := NewDictionary()
		for _, v := range vals {
			d.Code(v)
		}
	}
}
