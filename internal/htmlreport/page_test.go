package htmlreport

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestRender(t *testing.T) {
	bars, err := BarChart(Axes{Title: "sizes", X: "size", Y: "rows"}, []Bar{{"1", 5, true}, {"2", 3, false}}, false)
	if err != nil {
		t.Fatal(err)
	}
	line, err := LineChart(Axes{Title: "ε", X: "p", Y: "ε"}, []Series{{Name: "ε_p", X: []float64{1, 2}, Y: []float64{.2, .9}, Lo: []float64{.1, .8}, Hi: []float64{.3, 1}, Points: true}})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ScatterChart(Axes{Title: "front"}, []Point{{1, 2, "a", true}, {2, 1, "", true}, {2, 2, "", false}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = Render(&b, Page{Title: "T <x>", Sections: []Section{
		{ID: "s1", Title: "One", Verdict: "bad", Bad: true, Table: &Table{Header: []string{"a"}, Rows: [][]string{{"<b>"}}},
			Plots: []Plot{{ID: "p1", How: "tall is bad", SVG: bars}, {ID: "p2", How: "x", SVG: line}, {ID: "p3", How: "y", SVG: sc}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	var svgs, figures int
	var verdictBad, escaped bool
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "svg":
				svgs++
			case "figure":
				figures++
			case "p":
				for _, a := range n.Attr {
					if a.Key == "class" && a.Val == "verdict bad" {
						verdictBad = true
					}
				}
			case "td":
				escaped = n.FirstChild != nil && n.FirstChild.Type == html.TextNode && n.FirstChild.Data == "<b>"
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if svgs != 3 || figures != 3 || !verdictBad || !escaped {
		t.Errorf("svgs %d figures %d verdictBad %v escaped %v", svgs, figures, verdictBad, escaped)
	}
	if strings.Contains(b.String(), "<?xml") || strings.Contains(b.String(), "http://") && strings.Contains(b.String(), "<link") {
		t.Error("page is not self-contained")
	}
}

// TestScopedCSSAndCode: every CSS rule is under the .reidrisk-report
// wrapper, so a page embedding the report (a Jupyter notebook) keeps its
// own h1/h2/table styles; text between backticks becomes <code>, escaped.
func TestScopedCSSAndCode(t *testing.T) {
	var b strings.Builder
	err := Render(&b, Page{Title: "t", Sections: []Section{{ID: "s", Title: "S",
		Paragraphs: []string{"Try `reidrisk suggest --qi a<b` now; a lone ` stays."}}}})
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	css := out[strings.Index(out, "<style>")+len("<style>") : strings.Index(out, "</style>")]
	for _, rule := range strings.Split(strings.TrimSpace(css), "\n") {
		for _, sel := range strings.Split(rule[:strings.IndexByte(rule, '{')], ",") {
			if !strings.HasPrefix(sel, ".reidrisk-report") {
				t.Errorf("selector %q is not scoped", sel)
			}
		}
	}
	if !strings.Contains(out, `<div class="reidrisk-report">`) {
		t.Error("no wrapper div")
	}
	if want := "<p>Try <code>reidrisk suggest --qi a&lt;b</code> now; a lone ` stays.</p>"; !strings.Contains(out, want) {
		t.Errorf("paragraph not %s in\n%s", want, out)
	}
}

// TestLineChartLegendAbove: the legend of a line chart lies in a strip
// above the plot area (SVG y flipped: |y| beyond the plot's 320 points),
// so a rising curve ending top right cannot run under it.
func TestLineChartLegendAbove(t *testing.T) {
	svg, err := LineChart(Axes{Title: "ε", X: "p", Y: "ε", Share: true},
		[]Series{{Name: "first curve", X: []float64{1, 2, 3}, Y: []float64{.2, .9, 1}}, {Name: "second curve", X: []float64{1, 3}, Y: []float64{.5, 1}}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.Contains(s, `height="354pt"`) {
		t.Errorf("height not 320 + a legend strip of 34 points: %.200s", s)
	}
	for _, name := range []string{"first curve", "second curve"} {
		i := strings.Index(s, ">"+name+"</text>")
		if i < 0 {
			t.Fatalf("no legend entry %q", name)
		}
		tag := s[strings.LastIndex(s[:i], "<text"):i]
		var x, y float64
		if _, err := fmt.Sscanf(tag[strings.Index(tag, "x="):], `x="%g" y="%g"`, &x, &y); err != nil {
			t.Fatalf("%s: %v", tag, err)
		}
		if -y <= 320 {
			t.Errorf("legend entry %q at y %g: inside the plot area", name, -y)
		}
	}
}
