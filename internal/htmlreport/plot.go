package htmlreport

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Colours of the report: safe values in blue, values failing a policy in red.
var (
	Blue   = color.RGBA{R: 0x3b, G: 0x6e, B: 0xa5, A: 0xff}
	Red    = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
	Grey   = color.RGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
	Orange = color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}
)

// Bar is one bar of a bar chart; Highlight draws it in red.
type Bar struct {
	Label     string
	Value     float64
	Highlight bool
}

// Series is one line of a line chart, with optional error bars Lo..Hi.
type Series struct {
	Name   string
	X, Y   []float64
	Lo, Hi []float64
	Color  color.Color
	Points bool // draw a marker at each point
}

// Point is one point of a scatter plot; Label is drawn beside it.
type Point struct {
	X, Y      float64
	Label     string
	Highlight bool
}

// Axes name a plot's title and axes.
type Axes struct {
	Title, X, Y string
	// Share fixes the Y axis to [0, 1].
	Share bool
}

func newPlot(ax Axes) *plot.Plot {
	p := plot.New()
	p.Title.Text = ax.Title
	p.X.Label.Text = ax.X
	p.Y.Label.Text = ax.Y
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font,
	} {
		f.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Y.Padding, p.X.Padding = vg.Points(2), vg.Points(2)
	p.Add(plotter.NewGrid())
	if ax.Share {
		p.Y.Min, p.Y.Max = 0, 1
	}
	return p
}

// svg renders p at w×h points as an inline <svg> element.
func svg(p *plot.Plot, w, h vg.Length) (template.HTML, error) {
	return svgLegendAbove(p, w, h, 0)
}

// svgLegendAbove is svg with the legend drawn in a strip legendH high
// above the plot area, where no data can lie under it (0: the legend, if
// any, is drawn inside the plot by gonum).
func svgLegendAbove(p *plot.Plot, w, h, legendH vg.Length) (template.HTML, error) {
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	if legendH > 0 {
		dc.SetColor(color.White) // the strip too, as gonum fills the plot's
		dc.Fill(dc.Rectangle.Path())
		leg := p.Legend
		p.Legend = plot.NewLegend()
		p.Draw(draw.Crop(dc, 0, 0, 0, -legendH))
		p.Legend = leg
		leg.Top, leg.Left = true, false
		leg.Draw(draw.Crop(dc, 0, -vg.Points(8), h-legendH, 0))
	} else {
		p.Draw(dc)
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:] // drop the XML prolog: the element is inlined in HTML
	}
	// Liberation Sans is metric-compatible with Arial: fall back to it.
	s = strings.ReplaceAll(s, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	s = strings.Replace(s, "<svg ", `<svg role="img" aria-label="`+template.HTMLEscapeString(p.Title.Text)+`" `, 1)
	return template.HTML(s), nil
}

// BarChart draws labelled bars, vertical or horizontal (labels on the Y
// axis, first bar on top).
func BarChart(ax Axes, bars []Bar, horizontal bool) (template.HTML, error) {
	if len(bars) == 0 {
		return "", fmt.Errorf("htmlreport: bar chart %q has no bars", ax.Title)
	}
	p := newPlot(ax)
	n := len(bars)
	normal, high := make(plotter.Values, n), make(plotter.Values, n)
	labels := make([]string, n)
	for i, b := range bars {
		j := i
		if horizontal {
			j = n - 1 - i
		}
		labels[j] = b.Label
		if b.Highlight {
			high[j] = b.Value
		} else {
			normal[j] = b.Value
		}
	}
	width := vg.Points(math.Max(4, math.Min(28, 420/float64(n))))
	if horizontal {
		width = vg.Points(12) // rows are 18 points apart
	}
	for _, set := range []struct {
		v plotter.Values
		c color.Color
	}{{normal, Blue}, {high, Red}} {
		bc, err := plotter.NewBarChart(set.v, width)
		if err != nil {
			return "", err
		}
		bc.Color = set.c
		bc.LineStyle.Width = 0
		bc.Horizontal = horizontal
		p.Add(bc)
	}
	h := vg.Points(300)
	if horizontal {
		p.NominalY(labels...)
		h = vg.Points(math.Max(200, float64(n)*18+80))
	} else {
		p.NominalX(labels...)
	}
	return svg(p, vg.Points(720), h)
}

// LineChart draws one or more series against a shared X axis.
func LineChart(ax Axes, series []Series) (template.HTML, error) {
	p := newPlot(ax)
	palette := []color.Color{Blue, Red, Orange, Grey}
	named := 0
	for i, s := range series {
		xy := make(plotter.XYs, len(s.X))
		for j := range s.X {
			xy[j] = plotter.XY{X: s.X[j], Y: s.Y[j]}
		}
		col := s.Color
		if col == nil {
			col = palette[i%len(palette)]
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return "", err
		}
		l.Color = col
		l.Width = vg.Points(2)
		p.Add(l)
		if s.Name != "" {
			p.Legend.Add(s.Name, l)
			named++
		}
		if s.Points {
			sc, err := points(xy, col, vg.Points(3))
			if err != nil {
				return "", err
			}
			p.Add(sc)
		}
		if len(s.Lo) == len(s.X) && len(s.Hi) == len(s.X) {
			eb := make(yErrors, len(s.X))
			for j := range eb {
				eb[j] = [4]float64{s.X[j], s.Y[j], s.Y[j] - s.Lo[j], s.Hi[j] - s.Y[j]}
			}
			e, err := plotter.NewYErrorBars(eb)
			if err != nil {
				return "", err
			}
			e.Color = col
			p.Add(e)
		}
	}
	// The legend goes above the plot area: rising curves such as ε_p end
	// in the top right corner, where gonum would draw it over them.
	legendH := vg.Length(0)
	if named > 0 {
		legendH = vg.Points(6 + 14*float64(named))
	}
	return svgLegendAbove(p, vg.Points(720), vg.Points(320)+legendH, legendH)
}

// points returns the scatter of xy, drawn in c with radius r.
func points(xy plotter.XYer, c color.Color, r vg.Length) (*plotter.Scatter, error) {
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	sc.Color, sc.Radius = c, r
	return sc, nil
}

// yErrors adapts (x, y, below, above) tuples to plotter's interfaces.
type yErrors [][4]float64

func (e yErrors) Len() int                        { return len(e) }
func (e yErrors) XY(i int) (float64, float64)     { return e[i][0], e[i][1] }
func (e yErrors) YError(i int) (float64, float64) { return e[i][2], e[i][3] }

// ScatterChart draws points; highlighted points (e.g. a Pareto front) are
// drawn in red and joined by a line in X order.
func ScatterChart(ax Axes, pts []Point) (template.HTML, error) {
	if len(pts) == 0 {
		return "", fmt.Errorf("htmlreport: scatter %q has no points", ax.Title)
	}
	p := newPlot(ax)
	var all, front, rest plotter.XYs
	var labels []string
	var lxy plotter.XYs
	for _, q := range pts {
		all = append(all, plotter.XY{X: q.X, Y: q.Y})
		if q.Highlight {
			front = append(front, plotter.XY{X: q.X, Y: q.Y})
		} else {
			rest = append(rest, plotter.XY{X: q.X, Y: q.Y})
		}
		if q.Label != "" {
			lxy = append(lxy, plotter.XY{X: q.X, Y: q.Y})
			labels = append(labels, q.Label)
		}
	}
	sc, err := points(all, Grey, vg.Points(2.5))
	if err != nil {
		return "", err
	}
	p.Add(sc)
	if len(front) > 0 {
		sortXY(front)
		l, fs, err := plotter.NewLinePoints(front)
		if err != nil {
			return "", err
		}
		l.Color, fs.Color = Red, Red
		fs.Radius = vg.Points(3.5)
		p.Add(l, fs)
		p.Legend.Add("Pareto front", l, fs)
		if len(rest) > 0 {
			p.Legend.Add("other candidates", sc)
		}
	}
	if len(labels) > 0 {
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: lxy, Labels: labels})
		if err != nil {
			return "", err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Variant = "Sans"
			lb.TextStyle[i].XAlign = draw.XLeft
		}
		lb.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(2)}
		p.Add(lb)
	}
	p.Legend.Top = true
	return svg(p, vg.Points(720), vg.Points(360))
}

func sortXY(xy plotter.XYs) {
	for i := 1; i < len(xy); i++ {
		for j := i; j > 0 && xy[j].X < xy[j-1].X; j-- {
			xy[j], xy[j-1] = xy[j-1], xy[j]
		}
	}
}
