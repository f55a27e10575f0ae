package main

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/htmlreport"
	"golang.org/x/net/html"
)

// htmlDoc is what a test needs to know of a rendered report.
type htmlDoc struct {
	sections map[string]bool
	figures  map[string]struct{ svg, how bool }
	text     string
}

func parseHTML(t *testing.T, s string) htmlDoc {
	t.Helper()
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	d := htmlDoc{sections: map[string]bool{}, figures: map[string]struct{ svg, how bool }{}}
	attr := func(n *html.Node, k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val
			}
		}
		return ""
	}
	var text strings.Builder
	var find func(n *html.Node, tag string) *html.Node
	find = func(n *html.Node, tag string) *html.Node {
		if n.Type == html.ElementNode && n.Data == tag {
			return n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if f := find(c, tag); f != nil {
				return f
			}
		}
		return nil
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			text.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "section":
			d.sections[attr(n, "id")] = true
		case n.Type == html.ElementNode && n.Data == "figure":
			svg := find(n, "svg")
			cap := find(n, "figcaption")
			// a drawn plot has paths (axes, bars or lines) and text (labels)
			drawn := svg != nil && find(svg, "path") != nil && find(svg, "text") != nil
			how := cap != nil && strings.Contains(renderText(cap), "How to read this:")
			d.figures[attr(n, "id")] = struct{ svg, how bool }{drawn, how}
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "link" || n.Data == "img"):
			t.Errorf("report has a <%s>: not self-contained", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	d.text = text.String()
	return d
}

func renderText(n *html.Node) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
	}
	f(n)
	return b.String()
}

func TestAnalyzeHTML(t *testing.T) {
	code, out, errs := runCLI(t, "", "analyze", adultCSV, "--qi", adultQI, "--sensitive", "occupation",
		"--sampling-fraction", "0.1", "--suda", "--suda-max-size", "3", "--format", "html")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if dir := os.Getenv("REIDRISK_HTML_OUT"); dir != "" { // to look at it in a browser
		os.WriteFile(dir+"/adult.html", []byte(out), 0o644)
	}
	d := parseHTML(t, out)
	for _, id := range []string{"summary", "class-sizes", "record-risk", "qi-ranking", "sensitive", "population", "suda"} {
		if !d.sections[id] {
			t.Errorf("no section %q", id)
		}
	}
	wantPlots := []string{"plot-class-sizes", "plot-record-risk", "plot-suda"}
	if d.sections["qi-ranking"] && strings.Contains(d.text, "No QI analysis") {
		t.Log("QI analysis not in the report yet; its plot is not checked")
	} else {
		wantPlots = append(wantPlots, "plot-qi-ranking")
	}
	for _, id := range wantPlots {
		f, ok := d.figures[id]
		if !ok || !f.svg || !f.how {
			t.Errorf("plot %q: present %v, drawn %v, how-to-read %v", id, ok, f.svg, f.how)
		}
	}
	for _, want := range []string{"30,162", "12,458", "8,841", "15,353", "0.4130363", "Policy NOT met"} {
		if !strings.Contains(d.text, want) {
			t.Errorf("HTML text lacks %q", want)
		}
	}
}

// TestAnalyzeHTMLWarnings: the report's warnings are in the HTML too.
func TestAnalyzeHTMLWarnings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "header.csv")
	if err := os.WriteFile(path, []byte("a,b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", "analyze", path, "--qi", "a,b", "--format", "html")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if d := parseHTML(t, out); !strings.Contains(d.text, "Warning: the table has no data rows") {
		t.Errorf("HTML lacks the no-rows warning")
	}
}

// TestPlotBuckets pins the bars of the two distribution plots on the
// hand-computed table of TestAnalyzeSmall: classes of 1, 2 and 3 rows.
func TestPlotBuckets(t *testing.T) {
	r := &reidrisk.Report{Rows: 6, ClassSizeHistogram: reidrisk.Counts{1: 1, 2: 1, 3: 1},
		Policy: reidrisk.Policy{K: 3}, Prosecutor: reidrisk.ProsecutorRisk{RiskThreshold: 0.2}}
	sizes := classSizeBars(r)
	wantSizes := []htmlreport.Bar{{Label: "1", Value: 1, Highlight: true}, {Label: "2", Value: 2, Highlight: true}, {Label: "3", Value: 3}}
	if !reflect.DeepEqual(sizes, wantSizes) {
		t.Errorf("class-size bars %v, want %v", sizes, wantSizes)
	}
	risk := riskBars(r)
	// risk 1: 1 row; 1/2 and 1/3 in (0.2, 0.5]: 5 rows.
	if risk[0].Label != "1 (unique)" || math.Abs(risk[0].Value-100.0/6) > 1e-9 || !risk[0].Highlight ||
		risk[1].Label != "(0.2, 0.5]" || math.Abs(risk[1].Value-500.0/6) > 1e-9 || !risk[1].Highlight {
		t.Errorf("risk bars %v", risk)
	}
	var total float64
	for _, b := range risk {
		total += b.Value
		if b.Highlight && b.Label == "(0.1, 0.2]" {
			t.Errorf("bucket (0.1, 0.2] is not above 0.2")
		}
	}
	if math.Abs(total-100) > 1e-9 {
		t.Errorf("risk bars sum to %g%%", total)
	}
	// k = 7 becomes a bucket bound: 5–6 below k, 7–9 not.
	r.Policy.K = 7
	r.ClassSizeHistogram = reidrisk.Counts{6: 1, 7: 1, 12: 1}
	var labels []string
	for _, b := range classSizeBars(r) {
		labels = append(labels, b.Label)
	}
	if want := []string{"1", "2", "3", "4", "5–6", "7–9", "10+"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
}

// TestSuggestTemporalHTML renders hand-made suggest and temporal reports:
// every section and plot must be there and drawn.
func TestSuggestTemporalHTML(t *testing.T) {
	f := func(v float64) *reidrisk.Float { x := reidrisk.Float(v); return &x }
	sug := &reidrisk.SuggestReport{
		Source: "t.csv", Rows: 100, QI: []string{"age", "zip"}, Metric: "loss", LatticeSize: 12, NodesEvaluated: 5, Optimal: true,
		Before:  reidrisk.Suggestion{Levels: map[string]int{"age": 0, "zip": 0}, Classes: 80, HighestRisk: 1, AverageRisk: 0.8},
		Optimum: &reidrisk.Suggestion{Levels: map[string]int{"age": 1, "zip": 2}, Classes: 10, HighestRisk: 0.2, AverageRisk: 0.1, Loss: 0.4},
		Alternatives: []reidrisk.Suggestion{
			{Levels: map[string]int{"age": 2, "zip": 1}, AverageRisk: 0.05, Loss: 0.6},
			{Levels: map[string]int{"age": 0, "zip": 3}, AverageRisk: 0.15, Loss: 0.3},
		},
	}
	tem := &reidrisk.TemporalReport{
		Source: "log.csv", Events: 1000, Subjects: 50, SubjectsWithHabits: 40, DistinctHabits: 70,
		Key:            reidrisk.TemporalKey{SlotMinutes: 60, Weekday: "day", MinWeeks: 4},
		HabitAnonymity: reidrisk.TemporalHabits{HabitShares: reidrisk.HabitShares{UniqueP1: 0.25}, MinAnonymityHistogram: map[string]int{"1": 10, "2": 5, "7": 25}},
		TraceUnicity: map[string]reidrisk.TemporalTrace{
			"1": {FractionUnique: 0.3, CI95: [2]reidrisk.Float{0.2, 0.4}, ExpectedAllSubjects: f(0.31)},
			"2": {FractionUnique: 0.7, CI95: [2]reidrisk.Float{0.6, 0.8}},
		},
		Suggestion: &reidrisk.TemporalSuggestion{Policy: "unique_p1<=0.01", Met: true, SlotMinutes: 360, Weekday: "weekday_weekend",
			After: reidrisk.TemporalFigures{FractionUnique: map[string]reidrisk.Float{"1": 0.01, "2": 0.1}}},
	}
	var b strings.Builder
	if err := writeHTML(&b, htmlPage{Suggest: sug, Temporal: tem}); err != nil {
		t.Fatal(err)
	}
	d := parseHTML(t, b.String())
	for _, id := range []string{"suggestion", "suggest-plots", "temporal", "temporal-plots", "temporal-suggestion"} {
		if !d.sections[id] {
			t.Errorf("no section %q", id)
		}
	}
	for _, id := range []string{"plot-before-after", "plot-pareto", "plot-habits", "plot-trace-unicity"} {
		if f, ok := d.figures[id]; !ok || !f.svg || !f.how {
			t.Errorf("plot %q: present %v, drawn %v, how-to-read %v", id, ok, f.svg, f.how)
		}
	}
	for _, want := range []string{"Generalise to age:1 zip:2", "25.0% of the subjects with habits", "Coarsen the event key to weekday/weekend × day part."} {
		if !strings.Contains(d.text, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if os.Getenv("REIDRISK_HTML_OUT") != "" {
		os.WriteFile(os.Getenv("REIDRISK_HTML_OUT")+"/suggest-temporal.html", []byte(b.String()), 0o644)
	}
}

// TestApplyHTML saves a transform on a hand-made table and applies it to
// new data holding a city the hierarchy lacks. The optimum generalises
// city to France (classes F 3, M 3: DM* 18; sex to * gives 4²+2² = 20).
// On the new rows Paris,F / Marseille,F / Lyon,M ×2 / Paris,M the classes
// are (France,F) 1, (*,F) 1 and (France,M) 3: 2 records in 2 classes
// fail k = 2 and are removed, 3 are written, k = 3, and the 2 suppressed
// exceed the transform's limit of 0: the saved policy is not met (exit 3,
// the report written first).
func TestApplyHTML(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	in := write("in.csv", "city,sex\nParis,F\nParis,F\nLyon,F\nParis,M\nParis,M\nLyon,M\n")
	hc := write("city.csv", "Paris;France;*\nLyon;France;*\n")
	hs := write("sex.csv", "F;*\nM;*\n")
	tr := filepath.Join(dir, "t.json")
	code, _, errs := runCLI(t, "", "suggest", in, "--qi", "city,sex", "--hierarchy", "city="+hc, "--hierarchy", "sex="+hs,
		"--k", "2", "--metric", "dm_star", "--save-transform", tr)
	if code != 0 {
		t.Fatalf("suggest: exit %d: %s", code, errs)
	}
	next := write("next.csv", "city,sex\nParis,F\nMarseille,F\nLyon,M\nLyon,M\nParis,M\n")
	code, out, errs := runCLI(t, "", "apply", next, "--transform", tr, "--out", filepath.Join(dir, "out.csv"), "--format", "html", "--show-values")
	if code != 3 || !strings.Contains(errs, "2 of 5 records suppressed, above the limit of 0 of the records") {
		t.Fatalf("apply: exit %d, want 3 (the saved policy is not met): %s", code, errs)
	}
	d := parseHTML(t, out)
	for _, id := range []string{"apply", "apply-levels", "apply-uncovered"} {
		if !d.sections[id] {
			t.Errorf("no section %q", id)
		}
	}
	for _, want := range []string{
		"3 of 5 records written, 2 suppressed (removed); smallest class k = 3.",
		"rows read5", "rows written3", "rows suppressed2", "classes suppressed2", "smallest kept class (k)3",
		"exceeds the transform's suppression limit of 0.0% of the records. The transform's policy is NOT met",
		"city12city.csv1", "sex01sex.csv0", // column, level, of, hierarchy, uncovered records
		"city1Marseille",
	} {
		if !strings.Contains(d.text, want) {
			t.Errorf("HTML text lacks %q:\n%s", want, d.text)
		}
	}
}

// TestParetoAxis: the Pareto chart's axis gives the metric's direction;
// precision is the one higher-is-better metric.
func TestParetoAxis(t *testing.T) {
	in := "age,city\n31,Paris\n33,Paris\n35,Lyon\n38,Lyon\n41,Paris\n44,Lyon\n47,Paris\n49,Lyon\n"
	for metric, want := range map[string]string{
		"precision": "precision (utility, higher is better)",
		"dm_star":   "dm_star (utility loss, lower is better)",
	} {
		code, out, errs := runCLI(t, in, "suggest", "-", "--qi", "age,city", "--auto-hierarchies", "--k", "2", "--metric", metric, "--format", "html")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", metric, code, errs)
		}
		d := parseHTML(t, out)
		if !d.figures["plot-pareto"].svg || !strings.Contains(d.text, want) {
			t.Errorf("%s: Pareto plot drawn %v, axis %q in text %v", metric, d.figures["plot-pareto"].svg, want, strings.Contains(d.text, want))
		}
		if metric == "precision" && strings.Contains(d.text, "lower is better") {
			t.Error("precision axis says lower is better")
		}
	}
}
