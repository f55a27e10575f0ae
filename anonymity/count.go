package anonymity

import (
	"context"
	"errors"

	"github.com/reidrisk/reidrisk/quasiid"
)

// CountOptions control Count.
type CountOptions struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// RowClass asks for Classes.RowClass.
	RowClass bool
}

// Count groups the rows of t into equivalence classes over its
// quasi-identifier columns, carrying subjects and sensitive histograms
// when t has such columns.
// TODO(kernel owner): implement; this stub keeps the tree compiling.
func Count(ctx context.Context, t *quasiid.Table, opt CountOptions) (*Classes, error) {
	return nil, errors.New("anonymity: Count not implemented yet")
}
