package beam

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/reidrisk/reidrisk/temporal"
)

// TemporalOptions say which columns of an event log (one row per event)
// the temporal transforms read and how they key events; the key options
// mirror temporal.Options and reidrisk.TemporalOptions. They are
// serialised into the pipeline, so they hold plain values only.
type TemporalOptions struct {
	// Subject and Time name the subject (account) and timestamp columns;
	// both are required.
	Subject, Time string
	// Attrs names the attribute columns joining the event key, in order.
	Attrs []string
	// DurationColumn and DurationBucket add ⌊duration / DurationBucket⌋ to
	// the key (durations in the column's unit); both or neither.
	DurationColumn string
	DurationBucket float64
	// SlotMinutes is the slot width (it must divide 1440); 0 means 60.
	SlotMinutes int
	// Days is the day level of the key (temporal.ISODay, the zero value,
	// WeekdayWeekend or AnyDay).
	Days temporal.DayLevel
	// MinWeeks is the number of distinct ISO weeks making a key a habit;
	// 0 means 4.
	MinWeeks int
	// TimeZone is an IANA zone for local weekday, time of day and weeks
	// ("" = UTC); times written without an offset are local times in it
	// (quasiid.EncodeOptions.Location).
	TimeZone string
	// TimeUnit is the unit of integer (Unix epoch) times: "s", "ms", "us",
	// "ns", or "" to detect it from the magnitude of each input's first
	// integer time (quasiid.EncodeOptions.TimeUnit).
	TimeUnit string
	// TraceAttrs makes trace points carry the key's attributes and
	// duration bucket.
	TraceAttrs bool

	// Columns names the fields of each []string row given to
	// TemporalRows, in order. Files and byte streams take their names
	// from their header or schema.
	Columns []string
	// Delimiter, NullValues and Format are as in Options.
	Delimiter  rune
	NullValues []string
	Format     quasiid.Format

	// FlushRows bounds the events one bundle digests before it emits a
	// partial digest; 0 means DefaultFlushRows.
	FlushRows int
	// Shards is the number of shards subjects, habits, trace points and
	// habit pairs are spread over by a hash of their values in
	// TemporalMeasures; 0 means DefaultShards.
	Shards int
}

// core returns the temporal.Options of o and checks them.
func (o TemporalOptions) core() (temporal.Options, error) {
	var to temporal.Options
	if o.Subject == "" || o.Time == "" {
		return to, fmt.Errorf("reidrisk/beam: the temporal transforms need a subject and a time column")
	}
	if (o.DurationColumn == "") != (o.DurationBucket == 0) {
		return to, fmt.Errorf("reidrisk/beam: a duration column needs a bucket width > 0 and the other way round")
	}
	if o.MinWeeks < 0 {
		return to, fmt.Errorf("reidrisk/beam: min weeks %d: want at least 1 (0: 4)", o.MinWeeks)
	}
	loc, err := temporal.LoadLocation(o.TimeZone)
	if err != nil {
		return to, err
	}
	if err := quasiid.CheckTimeUnit(o.TimeUnit); err != nil {
		return to, fmt.Errorf("reidrisk/beam: TimeUnit: %w", err)
	}
	slot := o.SlotMinutes
	if slot == 0 {
		slot = 60
	}
	if slot < 0 || slot > temporal.WholeDay || temporal.WholeDay%slot != 0 {
		return to, fmt.Errorf("reidrisk/beam: slot of %d minutes: want a width dividing 1440 (15, 30, 60, …)", slot)
	}
	if o.Days < temporal.ISODay || o.Days > temporal.AnyDay {
		return to, fmt.Errorf("reidrisk/beam: unknown day level %d", o.Days)
	}
	return temporal.Options{
		Generalization: temporal.Generalization{SlotMinutes: slot, Days: o.Days, DurationBucket: o.DurationBucket, Attrs: o.Attrs},
		MinWeeks:       o.minWeeks(), Location: loc, TraceAttrs: o.TraceAttrs,
	}, nil
}

func (o TemporalOptions) minWeeks() int {
	if o.MinWeeks == 0 {
		return 4
	}
	return o.MinWeeks
}

func (o TemporalOptions) shards() int { return orDefault(o.Shards, DefaultShards) }

func (o TemporalOptions) flushRows() int { return orDefault(o.FlushRows, DefaultFlushRows) }

// columns returns the columns read: subject, time, attributes, duration.
func (o TemporalOptions) columns() []string {
	cols := append([]string{o.Subject, o.Time}, o.Attrs...)
	if o.DurationColumn != "" {
		cols = append(cols, o.DurationColumn)
	}
	return cols
}

func (o TemporalOptions) spec() quasiid.Spec {
	return quasiid.Spec{Subject: o.Subject, Time: o.Time, Insensitive: o.columns()[2:]}
}

func (o TemporalOptions) readOptions() quasiid.ReadOptions {
	return quasiid.ReadOptions{Delimiter: o.Delimiter, NullValues: o.NullValues, Format: o.Format}
}

// TemporalRows digests the events in rows, a PCollection of []string whose
// fields are named by opt.Columns, for TemporalMeasures. Each bundle
// collects opt.FlushRows rows, reads them as quasiid reads a CSV file (a
// field is null only when it equals one of opt.NullValues; times are parsed
// as in a CSV file), encodes them and digests them with temporal.NewDigest:
// per subject, by value, its event keys with the ISO weeks they occur in
// and its trace points. The result is a PCollection of partial digests
// ([]byte), far fewer elements than events.
func TemporalRows(s beam.Scope, rows beam.PCollection, opt TemporalOptions) beam.PCollection {
	return parDo(s, "reidrisk.TemporalRows", &temporalRowsFn{Opt: opt}, rows)
}

// TemporalFiles digests the event logs in the files named by paths (a
// path or URL per element, read through Beam's filesystems as in
// CountFiles; CSV, Parquet or Arrow IPC), for TemporalMeasures. A file
// with a header and no rows (an empty shard) adds no events. Each file
// is read, encoded and digested whole; the digests of one bundle are
// merged by subject and leave it as one partial digest (or more, every
// opt.FlushRows events).
func TemporalFiles(s beam.Scope, paths beam.PCollection, opt TemporalOptions) beam.PCollection {
	return parDo(s, "reidrisk.TemporalFiles", &temporalFilesFn{Opt: opt}, paths)
}

// TemporalStreams digests event logs serialised as bytes, one log per
// element (Arrow IPC streams or files, Parquet or CSV), like
// TemporalFiles.
func TemporalStreams(s beam.Scope, tables beam.PCollection, opt TemporalOptions) beam.PCollection {
	return parDo(s, "reidrisk.TemporalStreams", &temporalStreamsFn{Opt: opt}, tables)
}

// digester holds the digests of one bundle.
type digester struct {
	o      TemporalOptions
	opt    temporal.Options
	ro     quasiid.ReadOptions
	parts  []*temporal.Digest
	events int64
	dst    dstTimes
}

// dstTimes counts the times written without an offset, read as local
// times, that the zone skips (Gap: moved forward by the gap) or shows
// twice (Repeated: the earlier instant taken), as quasiid's
// Column.DSTGapTimes and DSTRepeatedTimes.
type dstTimes struct{ Gap, Repeated int64 }

// newDigester returns a digester of event logs read with ro.
func newDigester(o TemporalOptions, ro quasiid.ReadOptions) (*digester, error) {
	to, err := o.core()
	if err != nil {
		return nil, err
	}
	return &digester{o: o, opt: to, ro: ro}, nil
}

// add reads, encodes and digests one event log; a log with no rows
// digests to no events.
func (dg *digester) add(ctx context.Context, name string, r io.Reader) error {
	o := dg.o
	src, err := quasiid.Read(name, r, dg.ro)
	if err != nil {
		return err
	}
	defer src.Close()
	t, err := quasiid.Encode(ctx, src, o.spec(), quasiid.EncodeOptions{TimeUnit: o.TimeUnit, Location: dg.opt.Location})
	if err != nil {
		return err
	}
	if tc := t.Column(o.Time); tc != nil {
		dg.dst.Gap += tc.DSTGapTimes
		dg.dst.Repeated += tc.DSTRepeatedTimes
	}
	if t.Rows == 0 {
		// A header without rows, such as an empty shard of a larger log,
		// adds no events (its columns were checked by Encode).
		dg.parts = append(dg.parts, &temporal.Digest{})
		return nil
	}
	ev, err := temporal.FromTable(t, o.Subject, o.Time, o.Attrs, o.DurationColumn)
	if err != nil {
		return err
	}
	d, err := temporal.NewDigest(ctx, ev, dg.opt)
	if err != nil {
		return fmt.Errorf("reidrisk/beam: %s: %w", name, err)
	}
	dg.parts = append(dg.parts, d)
	dg.events += d.Events
	return nil
}

func (dg *digester) held() int64 { return dg.events }

// flush merges the digests held and emits them as one partial digest.
func (dg *digester) flush(emit func([]byte)) error {
	if len(dg.parts) > 0 {
		emit(encodeDigest(temporal.MergeDigests(dg.parts...), dg.dst))
	}
	dg.reset()
	return nil
}

func (dg *digester) reset() { dg.parts, dg.events, dg.dst = nil, 0, dstTimes{} }

// temporalRowsFn collects the rows of a bundle as CSV text.
type temporalRowsFn struct {
	Opt TemporalOptions

	layout []int // field index of each column read
	dg     *digester
	buf    bytes.Buffer
	w      *csv.Writer
	rows   int
	seen   int64
	record []string
}

func (f *temporalRowsFn) Setup() (err error) {
	if f.layout, err = fieldIndex(f.Opt.Columns, f.Opt.columns(), "TemporalOptions.Columns"); err != nil {
		return err
	}
	// The rows are written as CSV text, read back as quasiid reads a file.
	f.dg, err = newDigester(f.Opt, quasiid.ReadOptions{Delimiter: ',', NullValues: f.Opt.NullValues, Format: quasiid.CSV})
	return err
}

func (f *temporalRowsFn) StartBundle(_ context.Context, _ func([]byte)) {
	f.seen = 0
	f.reset()
}

func (f *temporalRowsFn) reset() {
	f.buf.Reset()
	f.w = csv.NewWriter(&f.buf)
	f.w.Write(f.Opt.columns()) // to a bytes.Buffer: cannot fail
	f.rows = 0
}

func (f *temporalRowsFn) ProcessElement(ctx context.Context, row []string, emit func([]byte)) error {
	f.seen++
	if err := checkRow(row, f.Opt.Columns, f.seen); err != nil {
		return err
	}
	f.record = f.record[:0]
	for _, i := range f.layout {
		f.record = append(f.record, row[i])
	}
	if err := f.w.Write(f.record); err != nil {
		return err
	}
	f.rows++
	if f.rows >= f.Opt.flushRows() {
		return f.flush(ctx, emit)
	}
	return nil
}

func (f *temporalRowsFn) FinishBundle(ctx context.Context, emit func([]byte)) error {
	return f.flush(ctx, emit)
}

// flush digests the rows held and emits their digest.
func (f *temporalRowsFn) flush(ctx context.Context, emit func([]byte)) error {
	if f.rows == 0 {
		return nil
	}
	f.w.Flush()
	if err := f.dg.add(ctx, "beam rows", bytes.NewReader(f.buf.Bytes())); err != nil {
		return err
	}
	f.reset()
	return f.dg.flush(emit)
}

// temporalFilesFn reads and digests whole files.
type temporalFilesFn struct {
	Opt TemporalOptions
	dg  *digester
}

func (f *temporalFilesFn) Setup() (err error) {
	f.dg, err = newDigester(f.Opt, f.Opt.readOptions())
	return err
}

func (f *temporalFilesFn) StartBundle(_ context.Context, _ func([]byte)) { f.dg.reset() }

func (f *temporalFilesFn) ProcessElement(ctx context.Context, path string, emit func([]byte)) error {
	return takePath(ctx, f.dg, path, f.Opt.flushRows(), emit)
}

func (f *temporalFilesFn) FinishBundle(_ context.Context, emit func([]byte)) error {
	return f.dg.flush(emit)
}

// temporalStreamsFn digests event logs given as bytes.
type temporalStreamsFn struct {
	Opt TemporalOptions
	dg  *digester
	n   int64
}

func (f *temporalStreamsFn) Setup() (err error) {
	f.dg, err = newDigester(f.Opt, f.Opt.readOptions())
	return err
}

func (f *temporalStreamsFn) StartBundle(_ context.Context, _ func([]byte)) { f.dg.reset() }

func (f *temporalStreamsFn) ProcessElement(ctx context.Context, table []byte, emit func([]byte)) error {
	f.n++
	name := fmt.Sprintf("event log %d of a bundle", f.n)
	return take(ctx, f.dg, name, bytes.NewReader(table), f.Opt.flushRows(), emit)
}

func (f *temporalStreamsFn) FinishBundle(_ context.Context, emit func([]byte)) error {
	return f.dg.flush(emit)
}
