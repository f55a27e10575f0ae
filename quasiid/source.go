package quasiid

import (
	"context"
	"errors"
	"io"
)

// Format is a table file format.
type Format int

const (
	// Detect picks the format from the file's first bytes (Parquet "PAR1",
	// Arrow IPC file "ARROW1", Arrow IPC stream continuation marker) and
	// falls back to CSV.
	Detect Format = iota
	CSV
	Parquet
	IPCFile
	IPCStream
)

// ReadOptions control loading.
type ReadOptions struct {
	Delimiter rune // CSV delimiter; 0 detects among , ; tab |
	BatchSize int  // rows per record batch; 0 means 64Ki
	Format    Format
}

// Source is a stream of Arrow record batches with a name for messages.
// TODO(quasiid owner): implement; this stub keeps the tree compiling.
type Source struct {
	name string
}

// Open opens a file ("-" is standard input) as a Source.
func Open(path string, opt ReadOptions) (*Source, error) {
	return nil, errors.New("quasiid: Open not implemented yet")
}

// Read reads a Source from r; name is used in messages.
func Read(name string, r io.Reader, opt ReadOptions) (*Source, error) {
	return nil, errors.New("quasiid: Read not implemented yet")
}

// Name returns the source's name.
func (s *Source) Name() string { return s.name }

// Close releases the source.
func (s *Source) Close() error { return nil }

// EncodeOptions control encoding.
type EncodeOptions struct {
	// Progress, if non-nil, is called after each batch with the rows read so far.
	Progress func(rows int64)
}

// Encode reads every batch of src and encodes the columns named by spec.
func Encode(ctx context.Context, src *Source, spec Spec, opt EncodeOptions) (*Table, error) {
	return nil, errors.New("quasiid: Encode not implemented yet")
}
