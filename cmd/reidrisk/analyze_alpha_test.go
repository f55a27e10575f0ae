package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// independentAlpha counts α and k of (α,k)-anonymity in a ';'-separated
// file with a plain map from the QI values of each row to its class's
// counts of the sensitive values: α the largest share of one value in a
// class, k the smallest class.
func independentAlpha(t *testing.T, path string, qi []string, sensitive string) (float64, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	classes := map[string]map[string]int{}
	for _, rec := range recs[1:] {
		var key []string
		for _, q := range qi {
			key = append(key, rec[col[q]])
		}
		k := strings.Join(key, "\x00")
		if classes[k] == nil {
			classes[k] = map[string]int{}
		}
		classes[k][rec[col[sensitive]]]++
	}
	var alpha float64
	k := len(recs)
	for _, vals := range classes {
		size, top := 0, 0
		for _, n := range vals {
			size += n
			top = max(top, n)
		}
		alpha = max(alpha, float64(top)/float64(size))
		k = min(k, size)
	}
	return alpha, k
}

// TestAnalyzeAlphaAdult checks alpha_k with the eight QIs and sensitive
// occupation against independentAlpha: on the repository's Adult (which
// has sample uniques: α 1, k 1) and on its generalised copy
// derived/adult_G3_k5_l3.csv (k 5, α below 1). The text and HTML reports
// show α too.
func TestAnalyzeAlphaAdult(t *testing.T) {
	qi := strings.Split(adultQI, ",")
	for _, path := range []string{adultCSV, "../../testdata/adult/derived/adult_G3_k5_l3.csv"} {
		alpha, k := independentAlpha(t, path, qi, "occupation")
		code, out, errs := runCLI(t, "", "analyze", path, "--qi", adultQI, "--delimiter", ";", "--sensitive", "occupation", "--format", "json", "--quiet")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", path, code, errs)
		}
		var rep struct {
			AlphaK *struct {
				Alpha float64 `json:"alpha"`
				K     int     `json:"k"`
			} `json:"alpha_k"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: independent count α %g k %d", path, alpha, k)
		if rep.AlphaK == nil || rep.AlphaK.Alpha != alpha || rep.AlphaK.K != k {
			t.Errorf("%s: alpha_k %+v, independent count α %g k %d", path, rep.AlphaK, alpha, k)
		}
	}
	_, text, _ := runCLI(t, "", "analyze", adultCSV, "--qi", adultQI, "--delimiter", ";", "--sensitive", "occupation", "--quiet")
	if !strings.Contains(text, "(α,k)-anonymity: α = 1 (largest share of one sensitive value in a class), k = 1") {
		t.Errorf("text report without the (α,k) line:\n%s", text)
	}
	_, html, _ := runCLI(t, "", "analyze", adultCSV, "--qi", adultQI, "--delimiter", ";", "--sensitive", "occupation", "--format", "html", "--quiet")
	if !strings.Contains(html, "<th>α</th>") {
		t.Error("HTML report without the α column")
	}
}

// TestAnalyzeAlphaSmall pins alpha_k on a hand-made table: class (a) holds
// x, x, y (α 2/3), class (b) holds x, y, z, z (α 1/2), so α = 2/3, k = 3;
// per_sensitive gives each column's α (the second column, w, is constant
// in class a and split 2/2 in class b: α 1).
func TestAnalyzeAlphaSmall(t *testing.T) {
	in := "q,s,w\na,x,1\na,x,1\na,y,1\nb,x,1\nb,y,1\nb,z,2\nb,z,2\n"
	code, out, errs := runCLI(t, in, "analyze", "-", "--qi", "q", "--sensitive", "s,w", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		AlphaK struct {
			Alpha float64 `json:"alpha"`
			K     int     `json:"k"`
		} `json:"alpha_k"`
		PerSensitive []struct {
			Column string  `json:"column"`
			Alpha  float64 `json:"alpha"`
		} `json:"per_sensitive"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.AlphaK.Alpha != 1 || rep.AlphaK.K != 3 || len(rep.PerSensitive) != 2 ||
		rep.PerSensitive[0].Alpha != 2.0/3 || rep.PerSensitive[1].Alpha != 1 {
		t.Errorf("alpha_k %+v per_sensitive %+v; want α 1 (max of 2/3 and 1), k 3", rep.AlphaK, rep.PerSensitive)
	}
	code, out, _ = runCLI(t, in, "analyze", "-", "--qi", "q", "--sensitive", "s", "--format", "json", "--quiet")
	if code != 0 || !strings.Contains(out, `"alpha_k": {`) {
		t.Fatalf("exit %d: %s", code, out)
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.AlphaK.Alpha != 2.0/3 || rep.AlphaK.K != 3 {
		t.Errorf("alpha_k %+v, want α 2/3, k 3", rep.AlphaK)
	}
}
