package anonymity_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// ExampleCounter counts a CSV file chunk by chunk, as reidrisk.Analyze
// does: the codes of the whole table are never held, and the classes are
// those Count gives on the whole table.
func ExampleCounter() {
	csv := "zip,age,account\n1011,30-39,a\n1011,30-39,b\n1012,40-49,a\n1011,40-49,c\n1012,40-49,a\n"
	src, err := quasiid.Read("visits.csv", strings.NewReader(csv), quasiid.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := anonymity.NewCounter(anonymity.CountOptions{})
	t, err := quasiid.EncodeChunks(context.Background(), src, quasiid.Spec{QI: []string{"zip", "age"}, Subject: "account"},
		quasiid.EncodeOptions{}, func(chunk *quasiid.Table, first int64) error {
			return s.Add(context.Background(), chunk)
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := s.Classes(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := c.Subjects
	for k := range c.Len() {
		fmt.Println(c.Dicts[0].Value(c.Codes[0][k]), c.Dicts[1].Value(c.Codes[1][k]), "rows:", c.Sizes[k],
			"subjects:", m.Offsets[k+1]-m.Offsets[k])
	}
	// Output:
	// 1011 30-39 rows: 2 subjects: 2
	// 1012 40-49 rows: 2 subjects: 1
	// 1011 40-49 rows: 1 subjects: 1
}
