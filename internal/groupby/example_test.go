package groupby_test

import (
	"fmt"

	"github.com/reidrisk/reidrisk/internal/groupby"
)

func ExampleGroup() {
	// Two columns of codes; rows 0 and 2 are equal, and so are 1 and 3.
	cols := [][]uint32{{0, 1, 0, 1, 2}, {5, 3, 5, 3, 3}}
	g, err := groupby.Group(cols, []uint32{3, 6}, groupby.Options{RowIDs: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.N, g.Sizes, g.First, g.RowIDs)
	// Output: 3 [2 2 1] [0 1 4] [0 1 0 1 2]
}
