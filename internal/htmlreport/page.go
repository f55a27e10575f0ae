// Package htmlreport renders a self-contained HTML report: sections of
// figures, tables and inline SVG plots drawn with gonum.org/v1/plot. The
// page loads nothing from the network. It knows nothing of reidrisk's
// report types; the command assembles the sections.
package htmlreport

import (
	"html/template"
	"io"
	"strings"
)

// Page is one HTML report.
type Page struct {
	Title    string
	Intro    string
	Sections []Section
	Footer   []string
}

// Section is one part of the page, with an id for links and tests.
type Section struct {
	ID         string
	Title      string
	Verdict    string // one-line conclusion, shown prominently
	Bad        bool   // the verdict is a failure
	Paragraphs []string
	Table      *Table
	Plots      []Plot
}

// Table is a small table of figures.
type Table struct {
	Header []string
	Rows   [][]string
}

// Plot is an inline SVG plot with a one-line "how to read this".
type Plot struct {
	ID  string
	How string
	SVG template.HTML
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{"code": code}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
.reidrisk-report{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;margin:0 auto;max-width:60rem;padding:1.5rem;color:#222;line-height:1.45}
.reidrisk-report h1{font-size:1.6rem;margin-bottom:.2rem}
.reidrisk-report h2{font-size:1.25rem;border-bottom:2px solid #3b6ea5;padding-bottom:.2rem;margin-top:2.2rem}
.reidrisk-report nav a{margin-right:1rem}
.reidrisk-report .intro{color:#444}
.reidrisk-report .verdict{font-weight:bold;padding:.5rem .8rem;border-left:5px solid #3b6ea5;background:#eef3f9}
.reidrisk-report .verdict.bad{border-color:#c0392b;background:#fbeeec}
.reidrisk-report table{border-collapse:collapse;margin:.6rem 0}
.reidrisk-report th,.reidrisk-report td{padding:.25rem .8rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.reidrisk-report td.num,.reidrisk-report th.num{text-align:right;font-variant-numeric:tabular-nums}
.reidrisk-report figure{margin:1rem 0}
.reidrisk-report figcaption{font-size:.9rem;color:#444;margin-top:.3rem}
.reidrisk-report figcaption b{color:#222}
.reidrisk-report svg{max-width:100%;height:auto}
.reidrisk-report footer{margin-top:3rem;font-size:.85rem;color:#555}
.reidrisk-report code{font-family:'Liberation Mono',Consolas,monospace;font-size:.92em}
</style>
</head>
<body>
<div class="reidrisk-report">
<header>
<h1>{{.Title}}</h1>
{{with .Intro}}<p class="intro">{{code .}}</p>{{end}}
<nav>{{range .Sections}}<a href="#{{.ID}}">{{.Title}}</a> {{end}}</nav>
</header>
{{range .Sections}}
<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{if .Verdict}}<p class="verdict{{if .Bad}} bad{{end}}">{{code .Verdict}}</p>{{end}}
{{range .Paragraphs}}<p>{{code .}}</p>
{{end}}
{{with .Table}}<table>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{code .}}</td>{{end}}</tr>
{{end}}</tbody>
</table>{{end}}
{{range .Plots}}<figure class="plot" id="{{.ID}}">
{{.SVG}}
<figcaption><b>How to read this:</b> {{code .How}}</figcaption>
</figure>
{{end}}
</section>
{{end}}
<footer>{{range .Footer}}<p>{{code .}}</p>{{end}}</footer>
</div>
</body>
</html>
`))

// Render writes p as one self-contained HTML document.
func Render(w io.Writer, p Page) error { return page.Execute(w, p) }

// code escapes s for HTML and sets the text between a pair of backticks
// as code (`reidrisk suggest` → <code>reidrisk suggest</code>); a lone
// backtick stays as it is.
func code(s string) template.HTML {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '`')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i+1:], '`')
		}
		if j < 0 {
			b.WriteString(template.HTMLEscapeString(s))
			return template.HTML(b.String())
		}
		b.WriteString(template.HTMLEscapeString(s[:i]))
		b.WriteString("<code>" + template.HTMLEscapeString(s[i+1:i+1+j]) + "</code>")
		s = s[i+2+j:]
	}
}
