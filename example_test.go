package reidrisk_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Analyze a small table: which rows can be singled out by age band and ZIP
// prefix, and what an attacker learns about the diagnosis.
func ExampleAnalyze() {
	const data = `name,age,zip,diagnosis
Ann,30-39,130**,flu
Bob,30-39,130**,cold
Cid,30-39,130**,flu
Dee,40-49,148**,cancer
Eve,40-49,148**,cancer
Fay,50-59,130**,flu
`
	src, err := quasiid.Read("patients.csv", strings.NewReader(data), quasiid.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	r, err := reidrisk.Analyze(context.Background(), src, reidrisk.Options{
		QI:          []string{"age", "zip"},
		Sensitive:   []string{"diagnosis"},
		Identifiers: []string{"name"},
		K:           2,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rows, %d classes, k = %d, %d sample unique\n", r.Rows, r.Classes, r.K, r.SampleUniques)
	fmt.Printf("prosecutor risk: highest %v, average %v\n", r.Prosecutor.Highest, r.Prosecutor.Average)
	fmt.Printf("distinct l = %d\n", r.LDiversity.Distinct)
	fmt.Printf("policy met: %v %v\n", *r.Policy.Satisfied, r.Policy.Failed)
	// Output:
	// 6 rows, 3 classes, k = 1, 1 sample unique
	// prosecutor risk: highest 1, average 0.5
	// distinct l = 1
	// policy met: false [k=2]
}

// With a subject column k counts people: five sessions of one account are
// a class of one person, however many rows it has.
func ExampleAnalyze_subject() {
	const data = `account,device,country
a1,tv,NL
a1,tv,NL
a1,tv,NL
a1,tv,NL
a1,tv,NL
a2,phone,BE
a3,phone,BE
`
	src, err := quasiid.Read("sessions.csv", strings.NewReader(data), quasiid.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	r, err := reidrisk.Analyze(context.Background(), src, reidrisk.Options{
		QI: []string{"device", "country"}, Subject: "account", K: 2,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("k = %d rows, k_subjects = %d\n", r.K, *r.KSubjects)
	fmt.Printf("policy k = %d counted in %s: met %v %v\n", r.Policy.K, r.Policy.KCountedIn, *r.Policy.Satisfied, r.Policy.Failed)
	// Output:
	// k = 2 rows, k_subjects = 1
	// policy k = 2 counted in subjects: met false [k=2 (subjects)]
}
