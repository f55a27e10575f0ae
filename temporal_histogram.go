package reidrisk

import (
	"slices"
	"strconv"
)

// Histogram maps a figure, written in decimal, to a count; its JSON object
// lists the keys in numeric order ("1", "2", "10"), as Counts does, where
// a plain map would list them in string order ("1", "10", "2").
type Histogram map[string]int

// MarshalJSON implements json.Marshaler. Keys that are not integers come
// after the integers, in string order.
func (h Histogram) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		x, errA := strconv.ParseInt(a, 10, 64)
		y, errB := strconv.ParseInt(b, 10, 64)
		switch {
		case errA == nil && errB == nil && x != y:
			if x < y {
				return -1
			}
			return 1
		case (errA == nil) != (errB == nil):
			if errA == nil {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		} else if a > b {
			return 1
		}
		return 0
	})
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(h[k]), 10)
	}
	return append(b, '}'), nil
}
