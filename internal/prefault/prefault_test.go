package prefault

import "testing"

// TestSliceKeepsContents checks that mapping pages ahead changes no
// value, in the array prefaulted, in a part of it, and next to it, and
// that fresh pages read zero.
func TestSliceKeepsContents(t *testing.T) {
	const n = 3<<20 + 777 // not a whole number of pages
	s := make([]uint32, n)
	for i := range s {
		s[i] = uint32(i)*2654435761 + 1
	}
	Slice(s[5 : n/2])
	Slice(s)
	Slice(s[:0])
	for i, v := range s {
		if v != uint32(i)*2654435761+1 {
			t.Fatalf("s[%d] = %d after Slice, want %d", i, v, uint32(i)*2654435761+1)
		}
	}
	Huge(s[3:])
	for i, v := range s {
		if v != uint32(i)*2654435761+1 {
			t.Fatalf("s[%d] = %d after Huge, want %d", i, v, uint32(i)*2654435761+1)
		}
	}
	fresh := make([]int64, n)
	Slice(fresh)
	fresh2 := make([]int64, n)
	Huge(fresh2)
	for i, v := range fresh2 {
		if v != 0 {
			t.Fatalf("fresh2[%d] = %d after Huge, want 0", i, v)
		}
	}
	for i, v := range fresh {
		if v != 0 {
			t.Fatalf("fresh[%d] = %d after Slice, want 0", i, v)
		}
	}
}

// TestGrow checks that Grow keeps the elements, leaves a slice with room
// as it is, and at least doubles the capacity of one without.
func TestGrow(t *testing.T) {
	s := make([]int32, 3, 4)
	s[0], s[1], s[2] = 7, -1, 5
	if g := Grow(s, 1); &g[0] != &s[0] || len(g) != 3 || cap(g) != 4 {
		t.Fatalf("Grow(s, 1) with room: len %d cap %d, new array %v; want s itself", len(g), cap(g), &g[0] != &s[0])
	}
	g := Grow(s, 2)
	if len(g) != 3 || cap(g) < 8 || g[0] != 7 || g[1] != -1 || g[2] != 5 {
		t.Fatalf("Grow(s, 2) = %v, cap %d; want [7 -1 5], cap at least 8", g, cap(g))
	}
	big := Grow([]int64{1, 2}, 1<<20) // mapped at once
	if len(big) != 2 || cap(big) < 2+1<<20 || big[0] != 1 || big[1] != 2 {
		t.Fatalf("Grow([1 2], 1<<20): len %d cap %d, %v", len(big), cap(big), big[:2])
	}
	big = big[:cap(big)]
	for i, v := range big[2:] {
		if v != 0 {
			t.Fatalf("big[%d] = %d, want 0", i+2, v)
		}
	}
	if g := Grow([]byte(nil), 0); g != nil {
		t.Fatalf("Grow(nil, 0) = %v, want nil", g)
	}
}
