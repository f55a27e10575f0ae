package main

import (
	"fmt"
	"time"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/version"
)

// provenanceLine is the HTML footer line naming the reidrisk version, the
// time the report was made and the input's SHA-256. A report without a
// Provenance (suggest, apply, demo) gets the version and the time of now.
func provenanceLine(p *reidrisk.Provenance) string {
	if p == nil || p.ReidriskVersion == "" {
		return fmt.Sprintf("reidrisk %s, generated at %s.", version.Version, time.Now().UTC().Format(time.RFC3339))
	}
	sha := "not known (a Parquet or Arrow IPC file read in place is read in parts, not hashed)"
	if p.InputSHA256 != nil {
		sha = *p.InputSHA256
	}
	return fmt.Sprintf("reidrisk %s, generated at %s; input SHA-256 %s.", p.ReidriskVersion, p.GeneratedAt, sha)
}
