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
