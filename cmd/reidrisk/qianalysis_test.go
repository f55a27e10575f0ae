package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reidrisk/reidrisk"
)

// TestAnalyzeQIAnalysisOff: --qi-analysis=false and --qi-max-columns 0 turn
// the QI analysis off (an empty list, not complete) and leave every other
// figure as it is; a negative --qi-max-columns is bad usage.
func TestAnalyzeQIAnalysisOff(t *testing.T) {
	args := []string{"analyze", adultCSV, "--qi", adultQI, "--delimiter", ";", "--format", "json"}
	code, out, errs := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var on reidrisk.Report
	if err := json.Unmarshal([]byte(out), &on); err != nil {
		t.Fatal(err)
	}
	if len(on.QIAnalysis) != 255 || !on.QIAnalysisComplete {
		t.Fatalf("default: %d combinations, complete %v; want 255, true", len(on.QIAnalysis), on.QIAnalysisComplete)
	}
	for _, off := range [][]string{{"--qi-analysis=false"}, {"--qi-max-columns", "0"}} {
		code, out, errs := runCLI(t, "", append(args, off...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", off, code, errs)
		}
		if !strings.Contains(out, `"qi_analysis": []`) || !strings.Contains(out, `"qi_analysis_complete": false`) {
			t.Errorf("%v: want an empty, incomplete qi_analysis in %s", off, out)
		}
		var r reidrisk.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Classes != 12458 || r.K != on.K || r.SampleUniques != 8841 {
			t.Errorf("%v: classes %d, k %d, sample uniques %d; want 12458, %d, 8841", off, r.Classes, r.K, r.SampleUniques, on.K)
		}
		code, text, _ := runCLI(t, "", append([]string{"analyze", adultCSV, "--qi", adultQI, "--delimiter", ";"}, off...)...)
		if code != 0 || !strings.Contains(text, "QI analysis: off") {
			t.Errorf("%v: text output (exit %d) does not say the QI analysis is off", off, code)
		}
	}
	if code, _, errs := runCLI(t, "", append(args, "--qi-max-columns", "-1")...); code != 2 || !strings.Contains(errs, "--qi-max-columns -1") {
		t.Errorf("--qi-max-columns -1: exit %d, %q; want 2 naming the flag", code, errs)
	}
}

// TestQIBoundedRendering: a bounded combination says so in JSON
// (upper_bound, only on it), text (≤ and a count) and HTML (≤).
func TestQIBoundedRendering(t *testing.T) {
	r := &reidrisk.Report{QIAnalysisComplete: true, QIAnalysis: []reidrisk.QIScore{
		{Columns: []string{"a", "b"}, Distinction: 0.875, Separation: 0.9921875, UpperBound: true},
		{Columns: []string{"a"}, Distinction: 0.5, Separation: 0.75},
		{Columns: []string{"b"}, Distinction: 0.25, Separation: 0.5},
	}}
	b, err := json.Marshal(r.QIAnalysis)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); strings.Count(got, `"upper_bound":true`) != 1 || strings.Contains(got, `"upper_bound":false`) {
		t.Errorf("JSON: %s", got)
	}
	var text strings.Builder
	p := &printer{w: &text}
	p.qiStory(r)
	if got := text.String(); !strings.Contains(got, "≤0.8750") || !strings.Contains(got, "≤0.9922") ||
		!strings.Contains(got, "1 of 3 combinations not computed") || strings.Contains(got, "≤0.5000") {
		t.Errorf("text:\n%s", got)
	}
	plot, err := qiPlot(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(plot.SVG), "upper bound") != 1 {
		t.Errorf("HTML plot does not mark the bounded combination once:\n%s", plot.SVG)
	}
}
