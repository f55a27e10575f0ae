package reidrisk_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Blank the fewest cells so that every patient matches at least two rows,
// a blank (*) matching any value; every row and the diagnosis are kept.
// The 30-39/148** row is alone: blanking its age (the QI with more
// values) makes it match all four 148** rows, and the 50-59 row, alone
// too, then matches itself and the blanked row.
func ExampleSuppress() {
	const data = `age,zip,diagnosis
30-39,130**,flu
30-39,130**,cold
30-39,148**,flu
40-49,148**,cancer
40-49,148**,cancer
50-59,148**,flu
`
	src, err := quasiid.Read("patients.csv", strings.NewReader(data), quasiid.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	r, err := reidrisk.Suppress(context.Background(), src, reidrisk.SuppressOptions{
		QI: []string{"age", "zip"}, K: 2, Output: os.Stdout, OutputFormat: quasiid.CSV,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d cells blanked in %d rows, by column %v; k %d before, %d after\n",
		r.SuppressedCells, r.RecordsTouched, r.SuppressedByColumn, r.KBefore, r.KAfter)
	// Output:
	// age,zip,diagnosis
	// 30-39,130**,flu
	// 30-39,130**,cold
	// *,148**,flu
	// 40-49,148**,cancer
	// 40-49,148**,cancer
	// 50-59,148**,flu
	// 1 cells blanked in 1 rows, by column map[age:1 zip:0]; k 1 before, 2 after
}
