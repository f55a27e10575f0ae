package quasiid

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBuffer: a buffered table reads back, twice, as the rows read with
// the named column rewritten and the dropped row gone.
func TestBuffer(t *testing.T) {
	src, err := Read("t.csv", strings.NewReader("a,b\n1,x\n2,y\n3,z\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b, err := Buffer(context.Background(), src, []string{"b"}, func(row int64, values []string, _ []bool) (bool, error) {
		values[0] = strings.ToUpper(values[0])
		return row != 1, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	for range 2 {
		s := b.Source()
		var out bytes.Buffer
		if _, err := Rewrite(context.Background(), s, &out, CSV, nil, func(int64, []string, []bool) (bool, error) { return true, nil }); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if got, want := out.String(), "a,b\n1,X\n3,Z\n"; got != want {
			t.Errorf("buffered table reads %q, want %q", got, want)
		}
		if s.Name() != "t.csv" {
			t.Errorf("name %q", s.Name())
		}
	}
}
