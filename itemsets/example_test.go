package itemsets_test

import (
	"context"
	"fmt"

	"github.com/reidrisk/reidrisk/itemsets"
)

// Four accounts and the devices they used (one row per use): {tv, car},
// {tv, phone}, {car, phone} and {phone, car}. Every device is shared by at
// least two accounts, but the pairs {tv, car} and {tv, phone} are held by
// one account each: knowing two devices singles those two accounts out.
func ExampleMeasure() {
	const tv, phone, car = 0, 1, 2
	subjects := []uint32{0, 0, 0, 1, 1, 2, 2, 3, 3}
	devices := []uint32{tv, car, tv, tv, phone, car, phone, phone, car}
	s, err := itemsets.New(subjects, devices)
	if err != nil {
		panic(err)
	}
	for m := 1; m <= 2; m++ {
		r, err := itemsets.Measure(context.Background(), s, itemsets.Options{K: 2, M: m, Examples: 1})
		if err != nil {
			panic(err)
		}
		fmt.Printf("m=%d: k^m-anonymous %v, violating by size %v, subjects in violations %d\n",
			m, r.Anonymous(), r.Violating, r.SubjectsInViolations)
		for _, e := range r.Examples {
			fmt.Printf("  smallest: items %v held by %d subject\n", e.Items, e.Support)
		}
	}
	// Output:
	// m=1: k^m-anonymous true, violating by size [0], subjects in violations 0
	// m=2: k^m-anonymous false, violating by size [0 2], subjects in violations 2
	//   smallest: items [0 1] held by 1 subject
}
