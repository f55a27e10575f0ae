package reidrisk_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Which devices single an account out? Each device is used by at least
// two of the five accounts, but the pairs {tv, car} and {phone, car} by
// one account each: knowing two devices of a3 or a4 finds them.
func ExampleSets() {
	const usage = `account,device
a1,tv
a1,phone
a2,tv
a2,phone
a3,tv
a3,car
a4,car
a4,phone
a5,phone
`
	src, err := quasiid.Read("usage.csv", strings.NewReader(usage), quasiid.ReadOptions{})
	if err != nil {
		panic(err)
	}
	r, err := reidrisk.Sets(context.Background(), src, reidrisk.SetsOptions{Subject: "account", Item: "device", K: 2, M: 2, ShowValues: true})
	if err != nil {
		panic(err)
	}
	fmt.Println("k^m-anonymous:", r.KMAnonymous, "violating by size:", r.ViolatingItemsetsBySize, "accounts in violations:", r.SubjectsInViolations)
	for _, e := range r.SmallestViolatingItemsets {
		fmt.Println(e.Items, e.Subjects)
	}
	// Output:
	// k^m-anonymous: false violating by size: map[1:0 2:2] accounts in violations: 2
	// [tv car] 1
	// [phone car] 1
}
