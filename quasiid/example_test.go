package quasiid_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/reidrisk/reidrisk/quasiid"
)

// Encode turns each named column into dense codes, in order of first
// appearance; ZIP codes keep their leading zeros and "F" stays text.
func ExampleEncode() {
	data := "zip;sex;age;visit\n" +
		"01234;F;39;2024-03-01T10:00:00+01:00\n" +
		"02139;M;50;2024-03-01 09:00\n" +
		"01234;F;NA;2024-03-02\n"
	src, err := quasiid.Read("people.csv", strings.NewReader(data), quasiid.ReadOptions{NullValues: []string{"NA"}})
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	tbl, err := quasiid.Encode(context.Background(), src,
		quasiid.Spec{QI: []string{"zip", "sex", "age"}, Time: "visit"}, quasiid.EncodeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows:", tbl.Rows)
	for _, c := range tbl.Columns {
		if c.Role == quasiid.Time {
			fmt.Println(c.Name, c.Times)
			continue
		}
		var dict []string
		for code := range c.Dict.Len() {
			dict = append(dict, c.Dict.Label(uint32(code)))
		}
		fmt.Println(c.Name, c.Codes, dict)
	}
	// Output:
	// rows: 3
	// zip [0 1 0] [01234 02139]
	// sex [0 1 0] [F M]
	// age [0 1 2] [39 50 NULL]
	// visit [1709283600 1709283600 1709337600]
}

// Open reads a file, detecting its format and CSV delimiter.
func ExampleOpen() {
	src, err := quasiid.Open("../testdata/adult/adult.csv", quasiid.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	fmt.Println(src.Columns()[:3])
	tbl, err := quasiid.Encode(context.Background(), src, quasiid.Spec{QI: []string{"sex", "race"}}, quasiid.EncodeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tbl.Rows, tbl.Column("sex").Dict.Len(), tbl.Column("race").Dict.Len())
	// Output:
	// [sex age race]
	// 30162 2 5
}

// Profile suggests roles from the values alone; review its suggestions.
func ExampleProfile() {
	data := "email,age,country\na@x.org,39,US\nb@x.org,39,US\nc@x.org,50,US\n"
	src, err := quasiid.Read("people.csv", strings.NewReader(data), quasiid.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	profiles, err := quasiid.Profile(context.Background(), src, quasiid.ProfileOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range profiles {
		fmt.Printf("%s: %d distinct in %d rows -> %s (%s)\n", p.Name, p.Distinct, p.Rows, p.Suggested, p.Reason)
	}
	// Output:
	// email: 3 distinct in 3 rows -> identifier (nearly every value is unique (100% distinct))
	// age: 2 distinct in 3 rows -> quasi-identifier (candidate: check with a QI analysis)
	// country: 1 distinct in 3 rows -> insensitive (constant: at most one distinct value)
}

// Rewrite streams a table out with some columns changed and rows dropped.
func ExampleRewrite() {
	data := "zip,age,diagnosis\n01234,39,flu\n02139,50,cold\n01250,61,flu\n"
	src, err := quasiid.Read("people.csv", strings.NewReader(data), quasiid.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	stats, err := quasiid.Rewrite(context.Background(), src, os.Stdout, quasiid.CSV, []string{"zip", "age"},
		func(row int64, v []string, null []bool) (bool, error) {
			if v[0] == "02139" {
				return false, nil // suppress this record
			}
			age, err := strconv.Atoi(v[1])
			if err != nil {
				return false, err
			}
			v[0] = v[0][:3] + "**"
			v[1] = fmt.Sprintf("%d-%d", age/10*10, age/10*10+9)
			return true, nil
		})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", stats)
	// Output:
	// zip,age,diagnosis
	// 012**,30-39,flu
	// 012**,60-69,flu
	// {Rows:3 Kept:2 Dropped:1}
}

// WriteTable writes a small result table in any output format.
func ExampleWriteTable() {
	err := quasiid.WriteTable(os.Stdout, quasiid.CSV, []quasiid.OutColumn{
		{Name: "row", Int64: []int64{0, 1}},
		{Name: "risk", Float64: []float64{1, 0.25}},
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// row,risk
	// 0,1
	// 1,0.25
}
