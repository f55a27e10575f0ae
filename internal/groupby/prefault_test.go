package groupby

import "testing"

// TestPrefaultAllKeepsContents checks that mapping pages ahead on several
// goroutines changes no value.
func TestPrefaultAllKeepsContents(t *testing.T) {
	const n = 3<<20 + 777 // not a whole number of pages
	s := make([]uint32, n)
	for i := range s {
		s[i] = uint32(i)*2654435761 + 1
	}
	prefaultAll(s[5:n/2], 2)
	prefaultAll(s, 3)
	prefaultAll(s[:0], 2)
	for i, v := range s {
		if v != uint32(i)*2654435761+1 {
			t.Fatalf("s[%d] = %d after prefaultAll, want %d", i, v, uint32(i)*2654435761+1)
		}
	}
	fresh := make([]int64, n)
	prefaultAll(fresh, 3)
	for i, v := range fresh {
		if v != 0 {
			t.Fatalf("fresh[%d] = %d after prefaultAll, want 0", i, v)
		}
	}
}
