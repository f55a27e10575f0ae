package anonymity

import (
	"errors"
	"testing"

	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/stretchr/testify/require"
)

// A bad weight is an InputError with the 1-based row the loader uses.
func TestColumnWeightsInputError(t *testing.T) {
	d := quasiid.NewDictionary()
	col := &quasiid.Column{Name: "w", Dict: d, Codes: []uint32{d.Code("x"), d.Code("2")}}
	_, err := ColumnWeights("wbad.csv", col)
	var ie *quasiid.InputError
	require.True(t, errors.As(err, &ie), "error %v is not an InputError", err)
	require.Equal(t, quasiid.InputError{File: "wbad.csv", Row: 1, Column: "w", Msg: "the weight is not a positive number"}, *ie)
}

// Weights that sum below a class's size name the class by its index and
// first row, never by its QI values (issue 12: no data value in messages).
func TestWeightedFrequenciesBelowSampleFrequency(t *testing.T) {
	s, _ := riskSamplePopulation()
	s.RowClass = []uint32{0, 1, 1, 2, 2, 2, 3}
	_, err := WeightedFrequencies(s, []float64{4, 1, 1, 2, 2, 2, 0.5})
	require.EqualError(t, err, `class #4 of 4 (first row 7): weights sum to 0.5 over its 1 record: want at least 1 per record`)
	// The measures name the class the same way when given such F directly.
	_, err = Journalist(s, []float64{4, 2, 6, 0.5}, 0.2)
	require.EqualError(t, err, `class #4 of 4 (first row 7): population frequency 0.5 below its sample frequency 1`)
}
