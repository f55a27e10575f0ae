package anonymity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestMarshalRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for trial := range 40 {
		n := []int{0, 1, 7, 500}[r.IntN(4)]
		nqi := r.IntN(5)
		subject := r.IntN(2) == 0
		nsens := r.IntN(3)
		tbl, rows := kernRandomTable(r, n, nqi, subject, nsens)
		c, err := Count(context.Background(), tbl, CountOptions{RowClass: r.IntN(2) == 0})
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var d Classes
		if err := d.UnmarshalBinary(b); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		extra := nsens
		if subject {
			extra++
		}
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			kernEqual(t, &d, kernReference(rows, nqi, extra), int64(n), true)
			if (c.RowClass == nil) != (d.RowClass == nil) || fmt.Sprint(c.RowClass) != fmt.Sprint(d.RowClass) {
				t.Fatal("row classes differ")
			}
			// Every strict prefix is rejected.
			for cut := 0; cut < len(b); cut += 1 + len(b)/50 {
				var e Classes
				if err := e.UnmarshalBinary(b[:cut]); err == nil {
					t.Fatalf("prefix of %d of %d bytes accepted", cut, len(b))
				}
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	tbl, _ := kernRandomTable(rand.New(rand.NewPCG(1, 1)), 20, 2, true, 1)
	c, err := Count(context.Background(), tbl, CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	good, err := c.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte{}, good...)
	bad[4] = 9 // version
	var d Classes
	if err := d.UnmarshalBinary(bad); err == nil {
		t.Error("unknown version accepted")
	}
	if err := d.UnmarshalBinary(append(append([]byte{}, good...), 0)); err == nil {
		t.Error("trailing byte accepted")
	}
	if err := d.UnmarshalBinary([]byte("XXXX\x01")); err == nil {
		t.Error("bad magic accepted")
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{0, 1, 30} {
		rows := make([][]string, n)
		for i := range rows {
			rows[i] = []string{fmt.Sprint(r.IntN(3)), "\x00", fmt.Sprint(r.IntN(4)), fmt.Sprint(r.IntN(2))}
			if r.IntN(2) == 0 {
				rows[i][1] = "x"
			}
		}
		c, err := Count(context.Background(), kernEncode(r, rows, 2, true, 1), CountOptions{RowClass: true})
		if err != nil {
			f.Fatal(err)
		}
		b, err := c.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Classes
		if err := c.UnmarshalBinary(data); err != nil {
			return
		}
		// Whatever decodes must encode back to the same bytes.
		b, err := c.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded table does not encode: %v", err)
		}
		if string(b) != string(data) {
			t.Fatal("re-encoding differs")
		}
	})
}
