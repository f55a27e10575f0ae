package main

import (
	"fmt"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/textfmt"
)

// timeRule says how a temporal report read its times: the rule for times
// written without an offset, the DST gaps and repeats met, and the unit of
// integer times.
func timeRule(r *reidrisk.TemporalReport) string {
	s := "times without an offset read as UTC"
	if r.OffsetlessTimes == "local" {
		s = fmt.Sprintf("times without an offset read as local times in %s (%s in a DST gap, moved forward by it; %s repeated, the earlier taken)",
			r.Key.TimeZone, textfmt.Thousands(r.DSTGapTimes), textfmt.Thousands(r.DSTRepeatedTimes))
	}
	if r.TimeUnit != "" {
		s += "; integer times in Unix " + map[string]string{"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}[r.TimeUnit]
	}
	return s
}
