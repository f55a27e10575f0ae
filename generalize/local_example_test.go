package generalize_test

import (
	"context"
	"fmt"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/generalize"
)

func ExampleLocalSuppress() {
	t := table([][2]string{
		{"13053", "28"}, {"13053", "28"}, {"13053", "29"},
		{"13068", "21"}, {"13068", "21"}, {"14853", "21"},
	})
	c, err := anonymity.Count(context.Background(), t, anonymity.CountOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := generalize.LocalSuppress(context.Background(), c, generalize.LocalOptions{K: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range c.Len() {
		var vals []string
		for j := range c.QI {
			v := c.Dicts[j].Value(c.Codes[j][i])
			if res.Masks[i]&(1<<j) != 0 {
				v = "*"
			}
			vals = append(vals, v)
		}
		fmt.Println(c.Sizes[i], "×", vals)
	}
	fmt.Printf("%d cells blanked in %d records; every record matches at least %d\n", res.Cells, res.Records, res.K)
	// Output:
	// 2 × [13053 28]
	// 1 × [13053 *]
	// 2 × [13068 21]
	// 1 × [* 21]
	// 2 cells blanked in 2 records; every record matches at least 3
}
