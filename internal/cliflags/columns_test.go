package cliflags

import (
	"reflect"
	"testing"
)

// TestColumnItems: unquoted names are trimmed; quoted ones are exact.
func TestColumnItems(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{" a , b", []string{"a", "b"}, true},
		{`"a ",b`, []string{"a ", "b"}, true},
		{` "x, ""y""" , z`, []string{`x, "y"`, "z"}, true},
		{`"a`, nil, false},
		{`"a"b`, nil, false},
	} {
		got, ok := columnItems(tc.in)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %q %v, want %q %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
