package beam

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/reidrisk/reidrisk/internal/demo"
	"github.com/reidrisk/reidrisk/quasiid"
	"github.com/reidrisk/reidrisk/temporal"
)

func init() {
	register.DoFn1x1[TemporalSummary, error](&writeTemporalFn{})
}

type writeTemporalFn struct{ Path string }

func (f *writeTemporalFn) ProcessElement(s TemporalSummary) error {
	b, err := encodeTemporalSummary(s)
	if err != nil {
		return err
	}
	return os.WriteFile(f.Path, b, 0o644)
}

// runTemporal runs TemporalMeasures on the partial digests built by digest
// on Prism and returns the summary.
func runTemporal(t *testing.T, digest func(s beam.Scope) beam.PCollection, opt TemporalOptions) TemporalSummary {
	t.Helper()
	path := filepath.Join(t.TempDir(), "summary")
	p, s := beam.NewPipelineWithRoot()
	beam.ParDo0(s, &writeTemporalFn{Path: path}, TemporalMeasures(s, digest(s), opt))
	if err := ptest.Run(p); err != nil {
		t.Fatalf("pipeline: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := decodeTemporalSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// coreTemporal analyses a whole CSV event log with the core library alone.
func coreTemporal(t *testing.T, csv []byte, opt TemporalOptions) *temporal.Report {
	t.Helper()
	to, err := opt.core()
	if err != nil {
		t.Fatal(err)
	}
	to.MaxP = 1
	src, err := quasiid.Read("whole log", bytes.NewReader(csv), opt.readOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tbl, err := quasiid.Encode(context.Background(), src, opt.spec(), quasiid.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := temporal.FromTable(tbl, opt.Subject, opt.Time, opt.Attrs, opt.DurationColumn)
	if err != nil {
		t.Fatal(err)
	}
	r, err := temporal.Analyze(context.Background(), ev, to)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sameTemporal fails t unless s equals the core's report r.
func sameTemporal(t *testing.T, s TemporalSummary, r *temporal.Report) {
	t.Helper()
	ints := []struct {
		name      string
		got, want int64
	}{
		{"Events", s.Events, r.Events},
		{"SkippedEvents", s.SkippedEvents, r.SkippedEvents},
		{"Subjects", s.Subjects, int64(r.Subjects)},
		{"SubjectsWithHabits", s.SubjectsWithHabits, int64(r.SubjectsWithHabits)},
		{"DistinctHabits", s.DistinctHabits, int64(r.DistinctHabits)},
		{"SingledOut", s.Habits.SingledOut, int64(r.Habits.SingledOut)},
		{"Le2Subjects", s.Habits.Le2Subjects, int64(r.Habits.Le2Subjects)},
		{"Lt5Subjects", s.Habits.Lt5Subjects, int64(r.Habits.Lt5Subjects)},
		{"SubjectsWithTwoHabits", s.Habits.SubjectsWithTwoHabits, int64(r.Habits.SubjectsWithTwoHabits)},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s = %d, core %d", c.name, c.got, c.want)
		}
	}
	floats := []struct {
		name      string
		got, want float64
	}{
		{"UniqueP1", s.Habits.UniqueP1, r.Habits.UniqueP1},
		{"Le2", s.Habits.Le2, r.Habits.Le2},
		{"Lt5", s.Habits.Lt5, r.Habits.Lt5},
		{"UniqueP2", s.Habits.UniqueP2, r.Habits.UniqueP2},
		{"ExpectedUniqueP1", s.ExpectedUniqueP1, r.Trace[0].Expected},
	}
	for _, c := range floats {
		if !closeFloat(c.got, c.want) {
			t.Errorf("%s = %v, core %v", c.name, c.got, c.want)
		}
	}
	if len(s.Habits.Histogram) != len(r.Habits.Histogram) {
		t.Errorf("a(s) histogram %v, core %v", s.Habits.Histogram, r.Habits.Histogram)
	}
	for a, n := range r.Habits.Histogram {
		if s.Habits.Histogram[int64(a)] != int64(n) {
			t.Errorf("a(s) histogram[%d] = %d, core %d", a, s.Habits.Histogram[int64(a)], n)
		}
	}
}

// generatedLog returns a generated event log with planted habits as CSV,
// local times in loc, plus a few events without time ("NA").
func generatedLog(t *testing.T, subjects int, loc *time.Location) []byte {
	t.Helper()
	ev, _, err := demo.GenerateEvents(demo.EventOptions{
		Subjects: subjects, Weeks: 8, EventsPerSubject: 30, Groups: []int{1, 2, 3, 4, 6, 9, 20},
		Location: loc, Seed: 11,
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ev.WriteCSV(&b, loc); err != nil {
		t.Fatal(err)
	}
	b.WriteString("acct-000007,NA,movie,tv,60\nNA,2024-01-01T20:00:00Z,movie,tv,60\n")
	return b.Bytes()
}

// dealRows deals the data rows of a CSV log round-robin into n logs with
// the header: each subject's events, and the weeks of each planted habit
// (consecutive rows), fall into different logs.
func dealRows(csv []byte, n int) [][]byte {
	lines := strings.SplitAfter(strings.TrimSuffix(string(csv), "\n"), "\n")
	parts := make([][]byte, n)
	for i := range parts {
		parts[i] = append(parts[i], lines[0]...)
	}
	for i, l := range lines[1:] {
		if !strings.HasSuffix(l, "\n") {
			l += "\n"
		}
		parts[i%n] = append(parts[i%n], l...)
	}
	return parts
}

// csvRows splits a CSV log without quoted fields into rows of fields.
func csvRows(csv []byte) [][]string {
	var rows [][]string
	for _, l := range strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")[1:] {
		rows = append(rows, strings.Split(l, ","))
	}
	return rows
}

var logColumns = []string{"account", "time", "media_type", "device", "duration"}

// TestTemporalFilesEqualCore digests a generated log of 3,000 subjects
// dealt over 12 files, and checks every figure against temporal.Analyze on
// the whole log, for keys with attributes, durations and a time zone.
func TestTemporalFilesEqualCore(t *testing.T) {
	ams, err := temporal.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	csv := generatedLog(t, 3000, ams)
	dir := t.TempDir()
	var paths []string
	for i, part := range dealRows(csv, 12) {
		p := filepath.Join(dir, fmt.Sprintf("part-%02d.csv", i))
		if err := os.WriteFile(p, part, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	opt := TemporalOptions{
		Subject: "account", Time: "time", Attrs: []string{"media_type"},
		DurationColumn: "duration", DurationBucket: 15, TimeZone: "Europe/Amsterdam",
		NullValues: []string{"NA"}, FlushRows: 1, Shards: 5,
	}
	want := coreTemporal(t, csv, opt)
	if want.Habits.SingledOut == 0 || want.Habits.SubjectsWithTwoHabits == 0 || len(want.Habits.Histogram) < 4 || want.SkippedEvents != 2 {
		t.Fatalf("degenerate log: %+v, %d skipped", want.Habits, want.SkippedEvents)
	}
	got := runTemporal(t, func(s beam.Scope) beam.PCollection {
		return TemporalFiles(s, beam.Reshuffle(s, beam.CreateList(s, paths)), opt)
	}, opt)
	sameTemporal(t, got, want)
}

// TestTemporalStreamsEqualCore checks other keys, with trace points
// carrying attributes and habit pairs held by single subjects, on logs
// given as bytes.
func TestTemporalStreamsEqualCore(t *testing.T) {
	csv := generatedLog(t, 3000, time.UTC)
	parts := dealRows(csv, 9)
	for _, c := range []struct {
		opt TemporalOptions
		// pairs asks for a log where some, not all, subjects with two
		// habits hold a pair alone.
		pairs bool
	}{
		{TemporalOptions{Subject: "account", Time: "time", Attrs: []string{"device", "media_type"}, Days: temporal.WeekdayWeekend,
			SlotMinutes: 240, MinWeeks: 3, TraceAttrs: true, NullValues: []string{"NA"}, Shards: 3}, true},
		// Large S(h): every subject has habits, shared by hundreds.
		{TemporalOptions{Subject: "account", Time: "time", Days: temporal.AnyDay, SlotMinutes: temporal.DayParts, MinWeeks: 5,
			NullValues: []string{"NA"}, Shards: 1}, false},
	} {
		opt := c.opt
		t.Run(opt.Days.String(), func(t *testing.T) {
			want := coreTemporal(t, csv, opt)
			if want.Habits.SubjectsWithTwoHabits == 0 || c.pairs && (want.Habits.UniqueP2 == 0 || want.Habits.UniqueP2 == 1) {
				t.Fatalf("degenerate log: %+v", want.Habits)
			}
			got := runTemporal(t, func(s beam.Scope) beam.PCollection {
				return TemporalStreams(s, beam.CreateList(s, parts), opt)
			}, opt)
			sameTemporal(t, got, want)
		})
	}
}

// TestTemporalRowsEqualCore digests rows, a few hundred per partial.
func TestTemporalRowsEqualCore(t *testing.T) {
	csv := generatedLog(t, 400, time.UTC)
	rows := csvRows(csv)
	opt := TemporalOptions{
		Subject: "account", Time: "time", Attrs: []string{"media_type"}, Columns: logColumns,
		NullValues: []string{"NA"}, FlushRows: 700, Shards: 4, MinWeeks: 3,
	}
	want := coreTemporal(t, csv, opt)
	got := runTemporal(t, func(s beam.Scope) beam.PCollection {
		return TemporalRows(s, beam.CreateList(s, rows), opt)
	}, opt)
	sameTemporal(t, got, want)
}

// TestTemporalHandComputed checks a tiny log (UTC, ISO weekday × 60-min
// slot, min weeks 2; 2024-01-01 is a Monday, week w its Monday + 7w):
//
//	A: Mon 20h weeks 0,1; Tue 08h weeks 0,1        habits Mon20, Tue08
//	B: the same hours at other minutes             habits Mon20, Tue08
//	C: Mon 20h weeks 1,2; Wed 12h week 0           habit Mon20
//	D: Sun 2024-01-07 23:59, Mon 2024-01-08 00:00  none (two ISO weeks, one key each)
//	E: Fri 18h weeks 0 (twice),1,2                 habit Fri18
//	G: Mon 20h weeks 2,3; Wed 07h weeks 0,1        habits Mon20, Wed07
//	H: Tue 08h weeks 2,3; Wed 07h weeks 2,3        habits Tue08, Wed07
//	F: one event without time                      skipped
//
// S(Mon20) = {A,B,C,G}, S(Tue08) = {A,B,H}, S(Wed07) = {G,H}, S(Fri18) = {E},
// so a = A 3, B 3, C 4, E 1, G 2, H 2: histogram {1:1, 2:2, 3:2, 4:1},
// unique_p1 1/6, le_2 3/6, lt_5 6/6. Of the four subjects with two habits,
// G ({Mon20, Wed07}) and H ({Tue08, Wed07}) hold a pair alone: unique_p2
// 2/4. Trace points (day, hour) held by no other subject: A 0/4, B 0/4, C
// 1/3 (Wed 12h), D 2/2, E 3/3, G 3/4 (Mon 2024-01-15 20h is C's too), H
// 4/4: p = 1 unicity (0 + 0 + 1/3 + 1 + 1 + 3/4 + 1) / 7 = (49/12) / 7 = 7/12.
func TestTemporalHandComputed(t *testing.T) {
	at := func(week, weekday, hour, minute int) string {
		return time.Date(2024, 1, 1+7*week+weekday-1, hour, minute, 0, 0, time.UTC).Format(time.RFC3339)
	}
	var rows [][]string
	add := func(subject string, weeks []int, weekday, hour, minute int) {
		for _, w := range weeks {
			rows = append(rows, []string{subject, at(w, weekday, hour, minute)})
		}
	}
	add("A", []int{0, 1}, 1, 20, 10)
	add("A", []int{0, 1}, 2, 8, 5)
	add("B", []int{0, 1}, 1, 20, 40)
	add("B", []int{0, 1}, 2, 8, 30)
	add("C", []int{1, 2}, 1, 20, 20)
	add("C", []int{0}, 3, 12, 0)
	add("D", []int{0}, 7, 23, 59)
	add("D", []int{1}, 1, 0, 0)
	add("E", []int{0, 0, 1, 2}, 5, 18, 0)
	rows[len(rows)-4][1] = at(0, 5, 18, 30) // the second event of week 0
	add("G", []int{2, 3}, 1, 20, 45)
	add("G", []int{0, 1}, 3, 7, 15)
	add("H", []int{2, 3}, 2, 8, 50)
	add("H", []int{2, 3}, 3, 7, 0)
	rows = append(rows, []string{"F", ""})
	opt := TemporalOptions{
		Subject: "account", Time: "time", Columns: []string{"account", "time"}, MinWeeks: 2,
		NullValues: []string{""}, FlushRows: 3, Shards: 2,
	}
	got := runTemporal(t, func(s beam.Scope) beam.PCollection {
		return TemporalRows(s, beam.CreateList(s, rows), opt)
	}, opt)
	want := TemporalSummary{
		Events: 26, SkippedEvents: 1, Subjects: 7, SubjectsWithHabits: 6, DistinctHabits: 4,
		Habits: TemporalHabits{
			UniqueP1: 1.0 / 6, Le2: 3.0 / 6, Lt5: 1, UniqueP2: 2.0 / 4,
			SingledOut: 1, Le2Subjects: 3, Lt5Subjects: 6, SubjectsWithTwoHabits: 4,
			Histogram: map[int64]int64{1: 1, 2: 2, 3: 2, 4: 1},
		},
		ExpectedUniqueP1: 7.0 / 12,
	}
	if !closeFloat(got.ExpectedUniqueP1, want.ExpectedUniqueP1) {
		t.Errorf("p = 1 unicity %v, want 7/12 = %v", got.ExpectedUniqueP1, want.ExpectedUniqueP1)
	}
	got.ExpectedUniqueP1 = want.ExpectedUniqueP1
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	// The core agrees.
	var csv strings.Builder
	csv.WriteString("account,time\n")
	for _, r := range rows {
		csv.WriteString(strings.Join(r, ",") + "\n")
	}
	sameTemporal(t, got, coreTemporal(t, []byte(csv.String()), opt))
}

// TestDigestCodec round-trips a digest through its binary form.
func TestDigestCodec(t *testing.T) {
	d := &temporal.Digest{Events: 12, SkippedEvents: 2, Subjects: []temporal.SubjectDigest{
		{Subject: "a", Keys: []temporal.KeyWeeks{{Key: "\x00\x01", Weeks: []int32{-3, 0, 2812}}, {Key: "k", Weeks: []int32{7}}}, Points: []string{"p", "q"}},
		{Subject: "", Points: []string{""}},
	}}
	dst := dstTimes{Gap: 3, Repeated: 1 << 40}
	got, gotDST, err := decodeDigest(encodeDigest(d, dst))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(d) || gotDST != dst {
		t.Errorf("round trip: got %v %v, want %v %v", got, gotDST, d, dst)
	}
	b := encodeDigest(d, dst)
	for _, bad := range [][]byte{b[:len(b)-1], append(slices.Clone(b), 0)} {
		if _, _, err := decodeDigest(bad); err == nil {
			t.Errorf("corrupt digest of %d bytes decoded", len(bad))
		}
	}
}

// pairLog is a log (UTC, ISO weekday × 60-min slot, min weeks 2;
// 2024-01-01 is a Monday, week w its Monday + 7w) where subjects singled
// out by a habit of their own also hold pairs of shared habits:
//
//	s: Mon 20h and Tue 08h, weeks 0,1       habits Mon20, Tue08
//	t: as s, plus Fri 18h weeks 0,1         habits Mon20, Tue08, Fri18
//	u: Mon 20h, Wed 07h, Sat 10h, weeks 0,1 habits Mon20, Wed07, Sat10
//	v: Wed 07h weeks 2,3                    habit Wed07
//
// S(Mon20) = {s,t,u}, S(Tue08) = {s,t}, S(Wed07) = {u,v}, S(Fri18) = {t},
// S(Sat10) = {u}: a = s 2, t 1, u 1, v 2, histogram {1:2, 2:2}, unique_p1
// 2/4, le_2 and lt_5 4/4. Of the three subjects with two habits, t and u
// are pair-unique (a = 1); s is not, since t holds s's only pair {Mon20,
// Tue08} too: unique_p2 2/3 (u's pair {Mon20, Wed07}, held by u alone,
// must not count u twice). Trace points held by no other subject: s 0/4,
// t 2/6, u 4/6 (Wed and Sat), v 2/2: p = 1 unicity (0 + 1/3 + 2/3 + 1) / 4
// = 1/2. 18 events.
func pairLog() [][]string {
	var rows [][]string
	add := func(subject string, weeks []int, weekday, hour int) {
		for _, w := range weeks {
			at := time.Date(2024, 1, 1+7*w+weekday-1, hour, 0, 0, 0, time.UTC)
			rows = append(rows, []string{subject, at.Format(time.RFC3339)})
		}
	}
	for _, sub := range []string{"s", "t", "u"} {
		add(sub, []int{0, 1}, 1, 20)
	}
	add("s", []int{0, 1}, 2, 8)
	add("t", []int{0, 1}, 2, 8)
	add("t", []int{0, 1}, 5, 18)
	add("u", []int{0, 1}, 3, 7)
	add("u", []int{0, 1}, 6, 10)
	add("v", []int{2, 3}, 3, 7)
	return rows
}

// pairLogSummary is pairLog's hand-computed summary.
var pairLogSummary = TemporalSummary{
	Events: 18, Subjects: 4, SubjectsWithHabits: 4, DistinctHabits: 5,
	Habits: TemporalHabits{
		UniqueP1: 2.0 / 4, Le2: 1, Lt5: 1, UniqueP2: 2.0 / 3,
		SingledOut: 2, Le2Subjects: 4, Lt5Subjects: 4, SubjectsWithTwoHabits: 3,
		Histogram: map[int64]int64{1: 2, 2: 2},
	},
	ExpectedUniqueP1: 1.0 / 2,
}

// csvOf writes rows, without quoted fields, as CSV under header.
func csvOf(header []string, rows [][]string) []byte {
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return []byte(b.String())
}

// sameTemporalSummary fails t unless got equals want (p = 1 unicity up to
// rounding).
func sameTemporalSummary(t *testing.T, got, want TemporalSummary) {
	t.Helper()
	if !closeFloat(got.ExpectedUniqueP1, want.ExpectedUniqueP1) {
		t.Errorf("p = 1 unicity %v, want %v", got.ExpectedUniqueP1, want.ExpectedUniqueP1)
	}
	got.ExpectedUniqueP1 = want.ExpectedUniqueP1
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestTemporalPairWithSingledOut: a subject singled out by a habit of its
// own still holds its pairs of shared habits, so another subject's pair
// it also holds is not unique (temporal.Analyze counts every holder). The
// first log is the review's case, pairLog's s and t alone: a = s 2, t 1;
// s's only pair is t's too, so unique_p2 is 1/2 (t only); p = 1 unicity
// (0/4 + 2/6) / 2 = 1/6.
func TestTemporalPairWithSingledOut(t *testing.T) {
	var st [][]string
	for _, r := range pairLog() {
		if r[0] == "s" || r[0] == "t" {
			st = append(st, r)
		}
	}
	header := []string{"account", "time"}
	for _, c := range []struct {
		rows [][]string
		want TemporalSummary
	}{
		{st, TemporalSummary{
			Events: 10, Subjects: 2, SubjectsWithHabits: 2, DistinctHabits: 3,
			Habits: TemporalHabits{
				UniqueP1: 1.0 / 2, Le2: 1, Lt5: 1, UniqueP2: 1.0 / 2,
				SingledOut: 1, Le2Subjects: 2, Lt5Subjects: 2, SubjectsWithTwoHabits: 2,
				Histogram: map[int64]int64{1: 1, 2: 1},
			},
			ExpectedUniqueP1: 1.0 / 6,
		}},
		{pairLog(), pairLogSummary},
	} {
		for _, shards := range []int{1, 3} {
			opt := TemporalOptions{Subject: "account", Time: "time", Columns: header, MinWeeks: 2, FlushRows: 3, Shards: shards}
			got := runTemporal(t, func(s beam.Scope) beam.PCollection {
				return TemporalRows(s, beam.CreateList(s, c.rows), opt)
			}, opt)
			sameTemporalSummary(t, got, c.want)
			sameTemporal(t, got, coreTemporal(t, csvOf(header, c.rows), opt))
		}
	}
}

// TestTemporalEmptyFile: a file with a header and no rows among the
// parts of a log adds no events; alone, it gives a summary of zeros.
func TestTemporalEmptyFile(t *testing.T) {
	header := []string{"account", "time"}
	dir := t.TempDir()
	var paths []string
	for i, part := range append(dealRows(csvOf(header, pairLog()), 2), csvOf(header, nil)) {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.csv", i))
		if err := os.WriteFile(p, part, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	opt := TemporalOptions{Subject: "account", Time: "time", MinWeeks: 2, Shards: 2}
	for _, c := range []struct {
		paths []string
		want  TemporalSummary
	}{
		{paths, pairLogSummary},
		{paths[2:], TemporalSummary{}},
	} {
		got := runTemporal(t, func(s beam.Scope) beam.PCollection {
			return TemporalFiles(s, beam.CreateList(s, c.paths), opt)
		}, opt)
		if len(got.Habits.Histogram) == 0 {
			got.Habits.Histogram = nil
		}
		sameTemporalSummary(t, got, c.want)
	}
}
