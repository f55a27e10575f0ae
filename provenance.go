package reidrisk

import (
	"time"

	"github.com/reidrisk/reidrisk/internal/version"
	"github.com/reidrisk/reidrisk/quasiid"
)

// Provenance says which reidrisk made a report, when, and from which
// input's bytes.
type Provenance struct {
	ReidriskVersion string `json:"reidrisk_version"`
	// GeneratedAt is when the report was made, RFC 3339 in UTC.
	GeneratedAt string `json:"generated_at"`
	// InputSHA256 is the hex SHA-256 of the input, hashed while it was
	// read (quasiid.ReadOptions.SHA256); nil when not known: hashing not
	// asked for, or a Parquet or Arrow IPC file read in place (see
	// quasiid.Source.SHA256).
	InputSHA256 *string `json:"input_sha256"`
}

// provenance returns the Provenance of a report made now from src.
func provenance(src *quasiid.Source) Provenance {
	p := Provenance{ReidriskVersion: version.Version, GeneratedAt: time.Now().UTC().Format(time.RFC3339)}
	if sum, ok := src.SHA256(); ok {
		p.InputSHA256 = &sum
	}
	return p
}
