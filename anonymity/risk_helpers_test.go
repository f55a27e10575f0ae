package anonymity

import (
	"testing"

	"github.com/reidrisk/reidrisk/internal/fixture"
	"github.com/reidrisk/reidrisk/quasiid"
)

// riskTable builds an encoded table from string rows; the columns named in
// qi become quasi-identifiers. A cell "\x00" is null.
func riskTable(name string, header []string, rows [][]string, qi []string) *quasiid.Table {
	t := &quasiid.Table{Source: name, Rows: len(rows)}
	for _, q := range qi {
		j := -1
		for i, h := range header {
			if h == q {
				j = i
			}
		}
		if j < 0 {
			panic("riskTable: no column " + q)
		}
		d := quasiid.NewDictionary()
		codes := make([]uint32, len(rows))
		for r, row := range rows {
			if row[j] == "\x00" {
				codes[r] = d.NullCode()
			} else {
				codes[r] = d.Code(row[j])
			}
		}
		t.Columns = append(t.Columns, &quasiid.Column{Name: q, Role: quasiid.QuasiIdentifier, Codes: codes, Dict: d})
	}
	return t
}

var adultQI = []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}

func riskAdult(tb testing.TB) *quasiid.Table {
	h, rows := fixture.Records(tb, "adult/adult.csv", ';')
	return riskTable("adult.csv", h, rows, adultQI)
}
