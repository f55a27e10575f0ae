package textfmt

import (
	"fmt"
	"testing"
)

func TestThousands(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {30162, "30,162"},
		{-1234567, "-1,234,567"}, {-999, "-999"}, {9223372036854775807, "9,223,372,036,854,775,807"},
	} {
		if got := Thousands(c.n); got != c.want {
			t.Errorf("Thousands(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func ExampleThousands() {
	fmt.Println(Thousands(30162))
	// Output: 30,162
}
