package main

import (
	"strings"

	"github.com/reidrisk/reidrisk"
)

// writeEmptyText ends the text report of a table without data rows: no
// class, uniqueness or risk figure describes anything, so none is printed;
// the policy verdict and the warnings are.
func writeEmptyText(p *printer, r *reidrisk.Report) error {
	p.f("\nNo data rows: there are no equivalence classes to measure.\n")
	if pol := r.Policy; pol.Satisfied != nil && !*pol.Satisfied {
		p.f("Policy NOT met (%s): there are no rows to protect, and the policy is checked as on any table.\n", strings.Join(pol.Failed, ", "))
	}
	for _, wn := range r.Warnings {
		p.f("warning: %s\n", wn)
	}
	return p.err
}
