package main

import (
	"fmt"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/htmlreport"
)

// classSubjectsPlot is the class-size chart when the policy counts k in
// people (--subject): classes bucketed by their number of distinct
// subjects, each bar counting the people in those classes (a person with
// rows in several classes counted in each), red below k.
func classSubjectsPlot(r *reidrisk.Report) (htmlreport.Plot, error) {
	k := int64(r.Policy.K)
	h := r.ClassSubjectsHistogram
	keys := h.Keys()
	maxSize := keys[len(keys)-1]
	bounds := sizeBuckets(k, maxSize)
	bars := bucketBars(bounds, maxSize, k)
	for _, s := range keys {
		bars[sort64(bounds, s)].Value += float64(s * h[s])
	}
	svg, err := htmlreport.BarChart(htmlreport.Axes{Title: "People by the number of people in their class",
		X: "class size (distinct subjects sharing the same QI values)", Y: "subjects"}, bars, false)
	return htmlreport.Plot{ID: "plot-class-sizes", SVG: svg,
		How: fmt.Sprintf("the policy counts people (%s), not rows: each bar counts the subjects in classes of that many people (a subject with rows in several classes counts in each); red bars are classes of fewer than k = %d people.", r.Subject, k)}, err
}
