package generalize

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// classesOf counts rows into Classes the plain way (a map of tuples), so
// that these tests do not depend on anonymity.Count.
func classesOf(header []string, rows [][]string, qi []string, sensitive []string, subject string) *anonymity.Classes {
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		panic("no column " + name)
	}
	c := &anonymity.Classes{Rows: int64(len(rows)), QI: qi}
	qiCols := make([]int, len(qi))
	for j, q := range qi {
		qiCols[j] = col(q)
		c.Dicts = append(c.Dicts, quasiid.NewDictionary())
	}
	c.Codes = make([][]uint32, len(qi))
	index := map[string]int{}
	sensDict := make([]*quasiid.Dictionary, len(sensitive))
	sens := make([][]map[uint32]int64, len(sensitive))
	for i := range sensitive {
		sensDict[i] = quasiid.NewDictionary()
	}
	subjDict := quasiid.NewDictionary()
	var subj []map[uint32]int64
	for _, r := range rows {
		var b strings.Builder
		codes := make([]uint32, len(qi))
		for j, k := range qiCols {
			codes[j] = c.Dicts[j].Code(r[k])
			b.WriteString(r[k])
			b.WriteByte(0)
		}
		g, ok := index[b.String()]
		if !ok {
			g = len(c.Sizes)
			index[b.String()] = g
			for j := range qi {
				c.Codes[j] = append(c.Codes[j], codes[j])
			}
			c.Sizes = append(c.Sizes, 0)
			for i := range sens {
				sens[i] = append(sens[i], map[uint32]int64{})
			}
			subj = append(subj, map[uint32]int64{})
		}
		c.Sizes[g]++
		for i, s := range sensitive {
			sens[i][g][sensDict[i].Code(r[col(s)])]++
		}
		if subject != "" {
			subj[g][subjDict.Code(r[col(subject)])]++
		}
	}
	toMS := func(name string, d *quasiid.Dictionary, h []map[uint32]int64) *anonymity.Multiset {
		m := &anonymity.Multiset{Name: name, Dict: d, Offsets: []int{0}}
		for _, cl := range h {
			for v := range uint32(d.Len()) {
				if n, ok := cl[v]; ok {
					m.Values = append(m.Values, v)
					m.Counts = append(m.Counts, n)
				}
			}
			m.Offsets = append(m.Offsets, len(m.Values))
		}
		return m
	}
	for i, s := range sensitive {
		c.Sensitive = append(c.Sensitive, toMS(s, sensDict[i], sens[i]))
	}
	if subject != "" {
		c.Subjects = toMS(subject, subjDict, subj)
	}
	return c
}

// readSemicolon reads a ';'-separated file with a header line.
func readSemicolon(t testing.TB, path string) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ";")
		if header == nil {
			header = fields
			continue
		}
		rows = append(rows, fields)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return header, rows
}

var adultQI = []string{"age", "education", "marital-status", "native-country", "race", "salary-class", "sex", "workclass"}

func adultHierarchies(t testing.TB, qi []string) []*Hierarchy {
	t.Helper()
	var hs []*Hierarchy
	for _, q := range qi {
		h, err := ReadHierarchyFile(q, filepath.Join("..", "testdata", "adult", "adult_hierarchy_"+q+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	return hs
}
