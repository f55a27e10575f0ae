package beam

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk"
	"github.com/reidrisk/reidrisk/internal/fsum"
	"github.com/reidrisk/reidrisk/temporal"
)

// TemporalSummary holds the habit anonymity and the exact p = 1 trace
// unicity of an event log: the figures temporal.Analyze reports in
// temporal.Report, with the same definitions (see package temporal), from
// the same events under the same options. JSON field names are those of
// reidrisk's temporal report, but a summary is not an instance of
// schema/temporal-report.schema.json, which requires the sampled figures.
//
// The sampled trace unicity ε_p (Report.Trace's FractionUnique and CI95,
// and every p ≥ 2) is not computed: its sample is drawn from the subjects
// in code order with the core's generator, which has no by-value
// counterpart, and a different sample would give a different figure.
type TemporalSummary struct {
	// Events counts the events read; SkippedEvents of them had no subject
	// or no time (Report.Events, Report.SkippedEvents).
	Events        int64 `json:"events"`
	SkippedEvents int64 `json:"skipped_events"`
	// DSTGapTimes and DSTRepeatedTimes count the times written without
	// an offset, read as local times in TemporalOptions.TimeZone, that
	// the zone skips (moved forward by the gap) or shows twice (the
	// earlier instant taken): reidrisk.TemporalReport's fields of the
	// same names (both 0 in UTC).
	DSTGapTimes      int64 `json:"dst_gap_times"`
	DSTRepeatedTimes int64 `json:"dst_repeated_times"`
	// Subjects counts the distinct subjects with at least one valid event,
	// SubjectsWithHabits those with at least one habit, DistinctHabits the
	// distinct habit keys (Report's fields of the same names).
	Subjects           int64 `json:"subjects"`
	SubjectsWithHabits int64 `json:"subjects_with_habits"`
	DistinctHabits     int64 `json:"distinct_habits"`
	// Habits holds the habit anonymity figures (Report.Habits).
	Habits TemporalHabits `json:"habit_anonymity"`
	// ExpectedUniqueP1 is the exact p = 1 trace unicity
	// (Report.Trace[0].Expected): the mean over the subjects of the share
	// of their trace points held by no other subject.
	ExpectedUniqueP1 float64 `json:"expected_fraction_unique_all_subjects"`
}

// TemporalHabits summarises a(s) = min over the habits h of subject s of
// |S(h)|, S(h) being the subjects having habit h, over the subjects with
// habits (temporal.HabitAnonymity).
type TemporalHabits struct {
	// UniqueP1, Le2 and Lt5 are the shares of the subjects with habits
	// having a(s) = 1, a(s) ≤ 2 and a(s) < 5 (0 without such subjects).
	UniqueP1 float64 `json:"unique_p1"`
	Le2      float64 `json:"le_2"`
	Lt5      float64 `json:"lt_5"`
	// UniqueP2 is the share, among the SubjectsWithTwoHabits subjects
	// with at least two habits, of those having a pair of habits {h, h'}
	// with S(h) ∩ S(h') = {s}.
	UniqueP2 float64 `json:"unique_p2"`
	// SingledOut, Le2Subjects and Lt5Subjects are the numbers of subjects
	// with a(s) = 1, a(s) ≤ 2 and a(s) < 5.
	SingledOut            int64 `json:"singled_out"`
	Le2Subjects           int64 `json:"le_2_subjects"`
	Lt5Subjects           int64 `json:"lt_5_subjects"`
	SubjectsWithTwoHabits int64 `json:"subjects_with_two_habits"`
	// Histogram maps a(s) to the number of subjects with that anonymity;
	// its JSON object lists a(s) in numeric order, as the core's
	// reidrisk.TemporalReport does.
	Histogram reidrisk.Counts `json:"min_anonymity_histogram"`
}

// TemporalMeasures computes the TemporalSummary of the events digested in
// partials (as emitted by TemporalRows, TemporalFiles or TemporalStreams,
// with the same opt). Every stage works on shards, each a few elements
// through the runner:
//
//  1. subjects are routed by a hash of their label to opt.Shards shards;
//     each shard merges the digests of its subjects (union of the weeks of
//     each key) and decides their habits (keys in ≥ MinWeeks weeks);
//  2. habits and trace points are routed by a hash of their value: each
//     habit shard counts |S(h)| and returns it to the subjects having h,
//     naming the habits held by one subject only; each point shard counts
//     the subjects holding a point and returns the points held by one
//     subject only to that subject;
//  3. the subject shards take a(s) as the least |S(h)| returned and the
//     share of unique points. A subject with two habits or more is
//     pair-unique when a(s) = 1 (a pair with its own habit is its alone);
//     whatever its a(s), it sends every pair of its habits held by two
//     subjects or more to pair shards, which count the subjects holding
//     each pair, S(h) ∩ S(h'), and return the pairs held by one subject
//     only. Pairs with a habit held by one subject are not sent: no other
//     subject holds them, so they cannot make another subject's pair
//     shared;
//  4. a small combiner adds up counts, the a(s) histogram and the shares
//     (compensated sum).
//
// The result is a PCollection with one TemporalSummary (none when
// partials is empty; event logs with a header and no rows give a summary
// of zeros). Integers equal temporal.Analyze's exactly; ExpectedUniqueP1 up
// to the order of a floating-point sum.
func TemporalMeasures(s beam.Scope, partials beam.PCollection, opt TemporalOptions) beam.PCollection {
	s = s.Scope("reidrisk.TemporalMeasures")
	shards := opt.shards()
	pieces := beam.ParDo(s, &splitDigestFn{Shards: shards}, partials)
	toKeys, bases := beam.ParDo2(s, &subjectShardFn{Shards: shards, MinWeeks: opt.minWeeks()}, beam.GroupByKey(s, pieces))
	returned, habitAcc := beam.ParDo2(s, &keyShardFn{}, beam.GroupByKey(s, toKeys))
	subjectAcc, toPairs := beam.ParDo2(s, &anonymityFn{Shards: shards}, beam.CoGroupByKey(s, bases, returned))
	pairOwners := beam.ParDo(s, &pairShardFn{}, beam.GroupByKey(s, toPairs))
	pairAcc := beam.ParDo(s, countPairUnique, beam.GroupByKey(s, pairOwners))
	return beam.Combine(s, &temporalSummaryFn{}, beam.Flatten(s, habitAcc, subjectAcc, pairAcc))
}

// splitDigestFn routes the subjects of a partial digest to their shards;
// the event and DST counts go with the piece for shard 0, always emitted.
type splitDigestFn struct{ Shards int }

func (f *splitDigestFn) ProcessElement(b []byte, emit func(int, []byte)) error {
	dg, dst, err := decodeDigest(b)
	if err != nil {
		return err
	}
	pieces := make([][]temporal.SubjectDigest, f.Shards)
	for _, s := range dg.Subjects {
		sh := shardOf(s.Subject, f.Shards)
		pieces[sh] = append(pieces[sh], s)
	}
	for sh, subjects := range pieces {
		switch {
		case sh == 0:
			emit(0, encodeDigest(&temporal.Digest{Events: dg.Events, SkippedEvents: dg.SkippedEvents, Subjects: subjects}, dst))
		case len(subjects) > 0:
			emit(sh, encodeDigest(&temporal.Digest{Subjects: subjects}, dstTimes{}))
		}
	}
	return nil
}

// subjectShardFn merges the digests of one shard of subjects, decides
// their habits and sends their habits and trace points to the key shards.
// Subjects are numbered by their rank in label order within the shard.
//
// Message to a key shard: this shard; the habits, each with the ranks of
// its subjects (increments); the points, each with its number of subjects
// and, when that is 1, the subject's rank.
//
// Base record kept for the shard: event and DST counts, subjects, and per subject
// its number of points, its number of habits and, when two or more, the
// habits.
type subjectShardFn struct{ Shards, MinWeeks int }

func (f *subjectShardFn) ProcessElement(shard int, pieces func(*[]byte) bool, emitKeys func(int, []byte), emitBase func(int, []byte)) error {
	var parts []*temporal.Digest
	var dst dstTimes
	var b []byte
	for pieces(&b) {
		d, ds, err := decodeDigest(b)
		if err != nil {
			return err
		}
		parts = append(parts, d)
		dst.Gap, dst.Repeated = dst.Gap+ds.Gap, dst.Repeated+ds.Repeated
	}
	dg := temporal.MergeDigests(parts...)
	type holding struct {
		n     int
		owner int
	}
	habits := make([]map[string][]int, f.Shards)
	points := make([]map[string]*holding, f.Shards)
	var base enc
	base.counts(dg.Events, dg.SkippedEvents, dst)
	base.int(len(dg.Subjects))
	for i, s := range dg.Subjects {
		hs := s.Habits(f.MinWeeks)
		base.int(len(s.Points))
		base.int(len(hs))
		if len(hs) >= 2 {
			for _, h := range hs {
				base.str(h)
			}
		}
		for _, h := range hs {
			sh := shardOf(h, f.Shards)
			if habits[sh] == nil {
				habits[sh] = make(map[string][]int)
			}
			habits[sh][h] = append(habits[sh][h], i)
		}
		for _, p := range s.Points {
			sh := shardOf(p, f.Shards)
			if points[sh] == nil {
				points[sh] = make(map[string]*holding)
			}
			if ph := points[sh][p]; ph != nil {
				ph.n++
			} else {
				points[sh][p] = &holding{n: 1, owner: i}
			}
		}
	}
	emitBase(shard, base.b)
	for sh := range f.Shards {
		if habits[sh] == nil && points[sh] == nil {
			continue
		}
		var e enc
		e.int(shard)
		e.int(len(habits[sh]))
		for _, h := range slices.Sorted(maps.Keys(habits[sh])) {
			e.str(h)
			ranks := habits[sh][h]
			e.int(len(ranks))
			prev := 0
			for _, r := range ranks {
				e.int(r - prev)
				prev = r
			}
		}
		e.int(len(points[sh]))
		for _, p := range slices.Sorted(maps.Keys(points[sh])) {
			e.str(p)
			ph := points[sh][p]
			e.int(ph.n)
			if ph.n == 1 {
				e.int(ph.owner)
			}
		}
		emitKeys(sh, e.b)
	}
	return nil
}

// holder is one subject: its shard and its rank there.
type holder struct{ shard, rank int }

// keyShardFn counts the subjects of the habits and trace points of one
// key shard and returns, to each subject shard, the least |S(h)| of each
// of its subjects over the habits of this key shard, the ranks of the
// subjects owning a point no other subject holds (a rank once per such
// point) and the habits held by one subject only, with that subject's
// rank. Message: the (rank, size) pairs, the owners' ranks, then the
// (rank, habit) pairs.
type keyShardFn struct{}

func (f *keyShardFn) ProcessElement(_ int, msgs func(*[]byte) bool, emitReturn func(int, []byte), emitAcc func(temporalAcc)) error {
	habits := make(map[string][]holder)
	type pointCount struct {
		n     int
		owner holder // the holder, when n is 1
	}
	points := make(map[string]*pointCount)
	err := eachMessage(msgs, func(d *dec) error {
		from := d.int()
		for range d.count() {
			h := d.str()
			r := 0
			for range d.count() {
				r += d.int()
				habits[h] = append(habits[h], holder{from, r})
			}
		}
		for range d.count() {
			p := d.str()
			n := d.int()
			pc := points[p]
			if pc == nil {
				pc = &pointCount{}
				points[p] = pc
			}
			pc.n += n
			if n == 1 {
				pc.owner = holder{from, d.int()}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	least := make(map[int]map[int]int) // subject shard → rank → least |S(h)|
	alone := make(map[int][]heldKey)   // subject shard → habits held by one subject
	for key, hs := range habits {
		size := len(hs)
		if size == 1 {
			alone[hs[0].shard] = append(alone[hs[0].shard], heldKey{key, hs[0].rank})
		}
		for _, h := range hs {
			m := least[h.shard]
			if m == nil {
				m = make(map[int]int)
				least[h.shard] = m
			}
			if a, ok := m[h.rank]; !ok || size < a {
				m[h.rank] = size
			}
		}
	}
	owners := make(map[int][]int)
	for _, pc := range points {
		if pc.n == 1 {
			owners[pc.owner.shard] = append(owners[pc.owner.shard], pc.owner.rank)
		}
	}
	shards := slices.Collect(maps.Keys(least))
	for sh := range owners {
		if least[sh] == nil {
			shards = append(shards, sh)
		}
	}
	slices.Sort(shards)
	for _, sh := range shards {
		var e enc
		e.int(len(least[sh]))
		for _, r := range slices.Sorted(maps.Keys(least[sh])) {
			e.int(r)
			e.int(least[sh][r])
		}
		slices.Sort(owners[sh])
		e.int(len(owners[sh]))
		for _, r := range owners[sh] {
			e.int(r)
		}
		// Every holder of a habit has a least |S(h)| above, so its shard
		// is among shards.
		hk := alone[sh]
		slices.SortFunc(hk, func(a, b heldKey) int { return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.key, b.key)) })
		e.int(len(hk))
		for _, k := range hk {
			e.int(k.rank)
			e.str(k.key)
		}
		emitReturn(sh, e.b)
	}
	emitAcc(temporalAcc{DistinctHabits: int64(len(habits))})
	return nil
}

// anonymityFn joins a subject shard's base record with what the key
// shards returned: a(s), the share of unique points and the pairs of
// habits to check. Message to a pair shard: this shard, then (pair,
// holder) entries; a pair is its two habits in ascending order, the first
// preceded by its length; the holder is 2·rank, plus 1 when the subject
// is counted pair-unique already (a(s) = 1), so that the pair shard counts
// it as a holder but does not return it.
type anonymityFn struct{ Shards int }

func (f *anonymityFn) ProcessElement(shard int, bases func(*[]byte) bool, returns func(*[]byte) bool, emitAcc func(temporalAcc), emitPairs func(int, []byte)) error {
	var base []byte
	n := 0
	var b []byte
	for bases(&b) {
		base = slices.Clone(b)
		n++
	}
	if n != 1 {
		return fmt.Errorf("reidrisk/beam: subject shard %d has %d base records, want 1", shard, n)
	}
	sb, err := decodeBase(base)
	if err != nil {
		return err
	}
	ret, err := readReturns(returns, len(sb.npoints))
	if err != nil {
		return err
	}
	acc := sb.acc
	entries := make([][]heldKey, f.Shards)
	for i, nh := range sb.nhabits {
		if sb.npoints[i] > 0 {
			acc.addShare(float64(ret.unique[i]) / float64(sb.npoints[i]))
			acc.PointSubjects++
		}
		anon, alone := ret.anon[i], ret.alone[i]
		if (nh == 0) != (anon == 0) {
			return fmt.Errorf("reidrisk/beam: subject shard %d: subject %d has %d habits but anonymity %d", shard, i, nh, anon)
		}
		if nh == 0 {
			continue
		}
		acc.SubjectsWithHabits++
		acc.Histogram[int64(anon)]++
		if nh < 2 {
			continue
		}
		if (anon == 1) != (len(alone) > 0) {
			return fmt.Errorf("reidrisk/beam: subject shard %d: subject %d has anonymity %d and %d habits of its own", shard, i, anon, len(alone))
		}
		acc.TwoHabits++
		code := 2 * i
		if anon == 1 {
			acc.PairUnique++
			code++
		}
		hs := sb.habits[i]
		if len(alone) > 0 {
			hs = slices.DeleteFunc(slices.Clone(hs), func(h string) bool { return slices.Contains(alone, h) })
		}
		for j := range hs {
			for k := j + 1; k < len(hs); k++ {
				key := string(binary.AppendUvarint(nil, uint64(len(hs[j])))) + hs[j] + hs[k]
				sh := shardOf(key, f.Shards)
				entries[sh] = append(entries[sh], heldKey{key, code})
			}
		}
	}
	emitAcc(acc)
	for sh, es := range entries {
		if len(es) == 0 {
			continue
		}
		var e enc
		e.int(shard)
		e.int(len(es))
		for _, pe := range es {
			e.str(pe.key)
			e.int(pe.rank)
		}
		emitPairs(sh, e.b)
	}
	return nil
}

// subjectBase is a subject shard's base record, decoded: its event and
// DST counts and subjects (in acc), and per subject its number of points,
// its number of habits and, when two or more, the habits.
type subjectBase struct {
	acc              temporalAcc
	npoints, nhabits []int
	habits           [][]string
}

func decodeBase(b []byte) (*subjectBase, error) {
	d := dec{b: b}
	sb := &subjectBase{acc: temporalAcc{Histogram: make(map[int64]int64)}}
	var dst dstTimes
	sb.acc.Events, sb.acc.SkippedEvents, dst = d.counts()
	sb.acc.DSTGapTimes, sb.acc.DSTRepeatedTimes = dst.Gap, dst.Repeated
	ns := d.count()
	sb.acc.Subjects = int64(ns)
	sb.npoints, sb.nhabits, sb.habits = make([]int, ns), make([]int, ns), make([][]string, ns)
	for i := range ns {
		sb.npoints[i] = d.int()
		sb.nhabits[i] = d.int()
		if sb.nhabits[i] >= 2 {
			sb.habits[i] = make([]string, sb.nhabits[i])
			for j := range sb.habits[i] {
				sb.habits[i][j] = d.str()
			}
		}
	}
	return sb, d.done()
}

// returnedToShard is what the key shards returned to a subject shard of
// ns subjects, by rank: a(s) (0 without habits), the number of points no
// other subject holds, and the habits no other subject has.
type returnedToShard struct {
	anon, unique []int
	alone        map[int][]string
}

func readReturns(returns func(*[]byte) bool, ns int) (*returnedToShard, error) {
	ret := &returnedToShard{anon: make([]int, ns), unique: make([]int, ns), alone: make(map[int][]string)}
	err := eachMessage(returns, func(d *dec) error {
		for range d.count() {
			r, a := d.int(), d.int()
			if r >= ns {
				return errCorrupt
			}
			if ret.anon[r] == 0 || a < ret.anon[r] {
				ret.anon[r] = a
			}
		}
		for range d.count() {
			r := d.int()
			if r >= ns {
				return errCorrupt
			}
			ret.unique[r]++
		}
		for range d.count() {
			r, h := d.int(), d.str()
			if r >= ns {
				return errCorrupt
			}
			ret.alone[r] = append(ret.alone[r], h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ret, nil
}

// heldKey is a habit or a pair of habits with the rank of a subject
// holding it (in a message to a pair shard, the holder code).
type heldKey struct {
	key  string
	rank int
}

// pairShardFn counts the subjects having each pair of habits of one pair
// shard and returns, to each subject shard, the ranks of the subjects
// owning a pair no other subject has, but for the subjects counted
// pair-unique already.
type pairShardFn struct{}

func (f *pairShardFn) ProcessElement(_ int, msgs func(*[]byte) bool, emitReturn func(int, []byte)) error {
	type pairCount struct {
		n       int
		owner   holder
		counted bool // the owner is pair-unique already
	}
	pairs := make(map[string]*pairCount)
	err := eachMessage(msgs, func(d *dec) error {
		from := d.int()
		for range d.count() {
			p, code := d.str(), d.int()
			if pc := pairs[p]; pc != nil {
				pc.n++
			} else {
				pairs[p] = &pairCount{1, holder{from, code / 2}, code%2 == 1}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	owners := make(map[int][]int)
	for _, pc := range pairs {
		if pc.n == 1 && !pc.counted {
			owners[pc.owner.shard] = append(owners[pc.owner.shard], pc.owner.rank)
		}
	}
	for _, sh := range slices.Sorted(maps.Keys(owners)) {
		var e enc
		e.int(len(owners[sh]))
		for _, r := range owners[sh] {
			e.int(r)
		}
		emitReturn(sh, e.b)
	}
	return nil
}

// countPairUnique counts the distinct subjects of one subject shard owning
// a pair of habits no other subject has.
func countPairUnique(_ int, returns func(*[]byte) bool, emitAcc func(temporalAcc)) error {
	seen := make(map[int]bool)
	err := eachMessage(returns, func(d *dec) error {
		for range d.count() {
			seen[d.int()] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	emitAcc(temporalAcc{PairUnique: int64(len(seen))})
	return nil
}

// temporalAcc accumulates the summary's counts.
type temporalAcc struct {
	Events, SkippedEvents                        int64
	DSTGapTimes, DSTRepeatedTimes                int64
	Subjects, SubjectsWithHabits, DistinctHabits int64
	// TwoHabits counts the subjects with two habits or more, PairUnique
	// those of them with a pair of habits no other subject has.
	TwoHabits, PairUnique int64
	// Histogram maps a(s) to its number of subjects.
	Histogram map[int64]int64
	// Share + ShareComp is the Neumaier-compensated sum of the shares of
	// unique points over the PointSubjects subjects with points.
	Share, ShareComp float64
	PointSubjects    int64
}

// addShare adds x to the compensated sum of shares (A. Neumaier, ZAMM 54,
// 1974).
func (a *temporalAcc) addShare(x float64) { a.Share, a.ShareComp = fsum.Add(a.Share, a.ShareComp, x) }

func encodeTemporalAcc(a temporalAcc) ([]byte, error) { return gobEncode(a) }

func decodeTemporalAcc(b []byte) (temporalAcc, error) { return gobDecode[temporalAcc](b) }

func encodeTemporalSummary(s TemporalSummary) ([]byte, error) { return gobEncode(s) }

func decodeTemporalSummary(b []byte) (TemporalSummary, error) { return gobDecode[TemporalSummary](b) }

// temporalSummaryFn adds up accumulators into a TemporalSummary.
type temporalSummaryFn struct{}

func (temporalSummaryFn) CreateAccumulator() temporalAcc { return temporalAcc{} }

func (temporalSummaryFn) MergeAccumulators(a, b temporalAcc) temporalAcc {
	a.Events += b.Events
	a.SkippedEvents += b.SkippedEvents
	a.DSTGapTimes += b.DSTGapTimes
	a.DSTRepeatedTimes += b.DSTRepeatedTimes
	a.Subjects += b.Subjects
	a.SubjectsWithHabits += b.SubjectsWithHabits
	a.DistinctHabits += b.DistinctHabits
	a.TwoHabits += b.TwoHabits
	a.PairUnique += b.PairUnique
	if len(b.Histogram) > 0 {
		h := make(map[int64]int64, len(a.Histogram)+len(b.Histogram))
		maps.Copy(h, a.Histogram)
		for k, v := range b.Histogram {
			h[k] += v
		}
		a.Histogram = h
	}
	a.addShare(b.Share)
	a.ShareComp += b.ShareComp
	a.PointSubjects += b.PointSubjects
	return a
}

func (temporalSummaryFn) ExtractOutput(a temporalAcc) TemporalSummary {
	s := TemporalSummary{
		Events: a.Events, SkippedEvents: a.SkippedEvents, DSTGapTimes: a.DSTGapTimes, DSTRepeatedTimes: a.DSTRepeatedTimes, Subjects: a.Subjects,
		SubjectsWithHabits: a.SubjectsWithHabits, DistinctHabits: a.DistinctHabits,
		Habits: TemporalHabits{SubjectsWithTwoHabits: a.TwoHabits, Histogram: make(map[int64]int64, len(a.Histogram))},
	}
	h := &s.Habits
	for anon, n := range a.Histogram {
		h.Histogram[anon] = n
		if anon == 1 {
			h.SingledOut += n
		}
		if anon <= 2 {
			h.Le2Subjects += n
		}
		if anon < 5 {
			h.Lt5Subjects += n
		}
	}
	if n := float64(a.SubjectsWithHabits); n > 0 {
		h.UniqueP1 = float64(h.SingledOut) / n
		h.Le2 = float64(h.Le2Subjects) / n
		h.Lt5 = float64(h.Lt5Subjects) / n
	}
	if a.TwoHabits > 0 {
		h.UniqueP2 = float64(a.PairUnique) / float64(a.TwoHabits)
	}
	if a.PointSubjects > 0 {
		s.ExpectedUniqueP1 = (a.Share + a.ShareComp) / float64(a.PointSubjects)
	}
	return s
}
