package reidrisk

import (
	"context"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// needsRows reports whether the analysis opt asks for reads the encoded
// rows themselves, not only their classes: the per-record table (Records),
// the weights column (one weight per row, matched through RowClass) and
// SUDA2 (minimal sample uniques are sought over the rows). Every other
// figure, the QI analysis, the population match and the warnings read the
// classes and the dictionaries only.
func needsRows(opt Options) bool {
	return opt.Records || opt.Weights != "" || opt.SUDA
}

// counting is the class count of a source under way: its rows either
// streamed into the counter chunk by chunk (quasiid.EncodeChunks, so the
// codes of the whole table are never held) or encoded whole, for the
// counter and for the measures that read the rows.
type counting struct {
	t      *quasiid.Table
	s      *anonymity.Counter
	stream bool
}

// startCount encodes the columns of spec from src; when stream is true it
// counts the rows while reading them and the returned table holds no codes.
func startCount(ctx context.Context, src *quasiid.Source, spec quasiid.Spec, eo quasiid.EncodeOptions,
	co anonymity.CountOptions, stream bool) (*counting, error) {
	k := &counting{s: anonymity.NewCounter(co), stream: stream}
	var err error
	if stream {
		k.t, err = quasiid.EncodeChunks(ctx, src, spec, eo, func(chunk *quasiid.Table, _ int64) error {
			return k.s.Add(ctx, chunk)
		})
	} else {
		k.t, err = quasiid.Encode(ctx, src, spec, eo)
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// classes finishes the count (counting the whole table when it was not
// streamed) and returns the classes; Count's result either way.
func (k *counting) classes(ctx context.Context) (*anonymity.Classes, error) {
	if !k.stream {
		if err := k.s.Add(ctx, k.t); err != nil {
			return nil, err
		}
	}
	return k.s.Classes(k.t)
}
