package main

import (
	"errors"
	"io"

	"github.com/reidrisk/reidrisk"
)

// htmlPage is what one HTML report shows; nil parts are left out.
type htmlPage struct {
	Title   string
	Intro   string
	Analyze *reidrisk.Report
	Demo    []demoStep
}

// writeHTML writes a self-contained HTML report.
func writeHTML(w io.Writer, pg htmlPage) error {
	return errors.New("--format html: not available yet")
}
