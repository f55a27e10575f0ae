package beam

import (
	"fmt"
	"slices"

	"github.com/reidrisk/reidrisk/quasiid"
)

// DefaultFlushRows is the number of rows a bundle of CountRows accumulates
// before it counts them and emits a partial class table.
const DefaultFlushRows = 1 << 20

// Options say which columns the transforms count and how inputs are parsed.
// They are serialised into the pipeline, so they hold plain values only.
type Options struct {
	// QI names the quasi-identifiers, in analysis order.
	QI []string
	// Sensitive names the sensitive columns whose per-class histograms
	// are kept (l-diversity, t-closeness).
	Sensitive []string
	// Subject names the subject column; empty means every row is its own
	// subject.
	Subject string

	// Columns names the fields of each []string row given to CountRows,
	// in order. Files and byte streams take their names from their header
	// or schema.
	Columns []string

	// Delimiter is the CSV delimiter; 0 detects among , ; tab |.
	Delimiter rune
	// NullValues lists CSV field texts read as null (see
	// quasiid.ReadOptions). Rows given to CountRows have no nulls: a
	// field equal to one of these texts is read as null there too.
	NullValues []string
	// Format forces the format of files and byte streams; quasiid.Detect
	// (the zero value) detects it.
	Format quasiid.Format

	// FlushRows bounds the rows one bundle of CountRows holds before it
	// counts them and emits a partial table; 0 means DefaultFlushRows.
	// Small values make more, smaller partial tables (tests use this to
	// spread classes over many partial tables).
	FlushRows int
	// Workers is the number of goroutines anonymity.Count uses inside one
	// bundle; 0 means 1, since the runner already runs bundles in
	// parallel.
	Workers int
}

func (o Options) spec() quasiid.Spec {
	return quasiid.Spec{QI: o.QI, Sensitive: o.Sensitive, Subject: o.Subject}
}

func (o Options) readOptions() quasiid.ReadOptions {
	return quasiid.ReadOptions{Delimiter: o.Delimiter, NullValues: o.NullValues, Format: o.Format}
}

func (o Options) flushRows() int { return orDefault(o.FlushRows, DefaultFlushRows) }

func (o Options) workers() int { return orDefault(o.Workers, 1) }

// check reports an Options that cannot count anything.
func (o Options) check() error {
	if len(o.QI) == 0 {
		return fmt.Errorf("reidrisk/beam: no quasi-identifier named")
	}
	return nil
}

// rowLayout returns, for CountRows, the field index of every counted
// column in the order QI, sensitive, subject.
func (o Options) rowLayout() ([]int, error) {
	want := append(slices.Clone(o.QI), o.Sensitive...)
	if o.Subject != "" {
		want = append(want, o.Subject)
	}
	return fieldIndex(o.Columns, want, "Options.Columns")
}
