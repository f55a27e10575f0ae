package generalize

import (
	"slices"
	"strings"
	"testing"
)

// levels returns the labels of value at every level.
func labels(t *testing.T, h *Hierarchy, value string) []string {
	t.Helper()
	var out []string
	for l := range h.Levels() {
		s, ok := h.Label(value, l)
		if !ok {
			t.Fatalf("%s: no label for %q at level %d", h.Source(), value, l)
		}
		out = append(out, s)
	}
	return out
}

func TestBuilders(t *testing.T) {
	tests := []struct {
		name  string
		build func() (*Hierarchy, error)
		value string
		want  []string
	}{
		{"doubling", func() (*Hierarchy, error) { return DoublingIntervals("age", []string{"17", "23", "38", "90"}, 10) }, "23",
			[]string{"23", "[20, 30)", "[10, 30)", "[10, 50)", "[10, 90)", "*"}},
		{"doubling top", func() (*Hierarchy, error) { return DoublingIntervals("age", []string{"17", "23", "38", "90"}, 10) }, "90",
			[]string{"90", "[90, 100)", "[90, 110)", "[90, 130)", "[90, 170)", "*"}},
		{"cuts", func() (*Hierarchy, error) {
			return Intervals("x", []string{"1", "5", "9"}, []float64{3, 6}, []float64{6})
		}, "5", []string{"5", "[3, 6)", "[1, 6)", "*"}},
		{"equal width", func() (*Hierarchy, error) { return EqualWidth("x", []string{"0", "1", "2", "3", "4", "8"}, 4) }, "3",
			[]string{"3", "[2, 4)", "[0, 4)", "*"}},
		{"equal frequency", func() (*Hierarchy, error) {
			return EqualFrequency("x", []string{"1", "2", "3", "4"}, []int64{10, 10, 10, 10}, 2)
		}, "2", []string{"2", "[1, 3)", "*"}},
		{"masking", func() (*Hierarchy, error) { return Masking("zip", []string{"12345", "12399", "987"}) }, "12345",
			[]string{"12345", "1234*", "123**", "12***", "1****", "*"}},
		{"masking short", func() (*Hierarchy, error) { return Masking("zip", []string{"12345", "987"}) }, "987",
			[]string{"987", "98*", "9**", "***", "***", "*"}},
		{"ipv4", func() (*Hierarchy, error) { return IPv4("ip", []string{"192.168.17.4"}) }, "192.168.17.4",
			[]string{"192.168.17.4", "192.168.17.0/24", "192.168.0.0/16", "192.0.0.0/8", "*"}},
		{"timestamps", func() (*Hierarchy, error) { return Timestamps("ts", []string{"2024-03-05T17:42:10+02:00"}) },
			"2024-03-05T17:42:10+02:00", []string{"2024-03-05T17:42:10+02:00", "2024-03-05T15:42", "2024-03-05T15", "2024-03-05 day", "2024-03-05", "2024-03", "2024", "*"}},
		{"iso week", func() (*Hierarchy, error) { return Timestamps("d", []string{"2021-01-03"}, Day, ISOWeek) }, "2021-01-03",
			[]string{"2021-01-03", "2021-01-03", "2020-W53", "*"}},
		{"time of day", func() (*Hierarchy, error) { return TimeOfDay("t", []string{"17:30", "3"}) }, "17:30",
			[]string{"17:30", "17", "16-18", "16-20", "evening", "*"}},
		{"weekday", func() (*Hierarchy, error) { return Weekday("d", []string{"Sat", "monday", "7"}) }, "7",
			[]string{"7", "weekend", "*"}},
		{"ordered", func() (*Hierarchy, error) {
			return Ordered("size", []string{"XS", "S", "M", "L", "XL"}, 2)
		}, "L", []string{"L", "M..L", "XS..L", "*"}},
		{"taxonomy", func() (*Hierarchy, error) {
			return Taxonomy("device", []string{"iPhone", "Pixel", "iPad"},
				map[string]string{"iPhone": "phone", "Pixel": "phone", "iPad": "tablet"},
				map[string]string{"phone": "mobile", "tablet": "mobile"})
		}, "iPad", []string{"iPad", "tablet", "mobile", "*"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			if got := labels(t, h, tc.value); !slices.Equal(got, tc.want) {
				t.Errorf("labels of %q = %q, want %q", tc.value, got, tc.want)
			}
		})
	}
}

func TestBuilderErrors(t *testing.T) {
	for name, f := range map[string]func() error{
		"not a number": func() error { _, err := DoublingIntervals("age", []string{"12", "old"}, 5); return err },
		"not nested cuts": func() error {
			_, err := Intervals("x", []string{"1"}, []float64{3}, []float64{4})
			return err
		},
		"week in month": func() error {
			_, err := Timestamps("d", []string{"2024-02-26", "2024-03-01", "2024-02-01"}, Day, ISOWeek, Month)
			return err
		},
		"bad ip":         func() error { _, err := IPv4("ip", []string{"::1"}); return err },
		"missing parent": func() error { _, err := Taxonomy("d", []string{"a"}, map[string]string{}); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

func TestAuto(t *testing.T) {
	h, err := Auto("age", []string{"10", "20", "30", "40", "NULL"}, []int64{1, 1, 1, 1, 3})
	if err != nil {
		t.Fatal(err)
	}
	if !h.Auto() || !strings.Contains(h.Source(), "equal-frequency") {
		t.Errorf("auto %v source %q", h.Auto(), h.Source())
	}
	if got, want := labels(t, h, "NULL"), []string{"NULL", "NULL", "NULL", "*"}; !slices.Equal(got, want) {
		t.Errorf("NULL: %q, want %q", got, want)
	}
	h, err = Auto("city", []string{"Paris", "Rome"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.Levels() != 2 {
		t.Errorf("text of mixed length: %d levels, want 2 (value, *)", h.Levels())
	}
	h, err = Auto("zip", []string{"F-75001", "F-75002"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Label("F-75001", 2); got != "F-750**" {
		t.Errorf("zip level 2 = %q, want F-750**", got)
	}
}
