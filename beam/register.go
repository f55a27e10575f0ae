package beam

import (
	"context"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// init gives Beam every DoFn, function, combiner, coder, emitter and
// iterator of this package but the lattice search's (lattice.go), once.
func init() {
	// CountRows, CountFiles, CountStreams (count.go).
	register.DoFn3x1[context.Context, []string, func([]byte), error](&countRowsFn{})
	register.DoFn3x1[context.Context, string, func([]byte), error](&countFilesFn{})
	register.DoFn3x1[context.Context, []byte, func([]byte), error](&countStreamsFn{})
	register.Emitter1[[]byte]()
	// MergeClasses, ShardClasses (merge.go).
	beam.RegisterCoder(reflect.TypeOf(classAcc{}), encodeClassAcc, decodeClassAcc)
	register.Combiner3[classAcc, []byte, []byte](&mergeFn{})
	register.DoFn2x1[[]byte, func(int, []byte), error](&splitFn{})
	register.Emitter2[int, []byte]()
	// Measures (measures.go).
	beam.RegisterCoder(reflect.TypeOf(Summary{}), encodeSummary, decodeSummary)
	beam.RegisterCoder(reflect.TypeOf(totals{}), encodeTotals, decodeTotals)
	register.Combiner1[Summary](&summaryFn{})
	register.Combiner1[totals](&totalsFn{})
	register.Function2x1[[]byte, func(totals), error](sensitiveTotals)
	register.DoFn5x1[int, func(*[]byte) bool, func(*totals) bool, func(Summary), func(int, subjectClasses), error](&shardMeasuresFn{})
	register.Function3x0[int, func(*subjectClasses) bool, func(int64)](severalClasses)
	register.Emitter2[int, subjectClasses]()
	register.Iter1[subjectClasses]()
	beam.RegisterCoder(reflect.TypeOf(subjectClasses{}), encodeSubjectClasses, decodeSubjectClasses)
	register.DoFn2x0[totals, func(int, totals)](&broadcastFn{})
	register.Function2x0[int64, func(int, int64)](keyZeroInt)
	register.Function2x0[Summary, func(int, Summary)](keyZeroSummary)
	register.Function5x1[int, func(*Summary) bool, func(*int64) bool, func(*[]byte) bool, func(Summary), error](attachSeveral)
	register.Emitter2[int, totals]()
	register.Emitter2[int, int64]()
	register.Emitter2[int, Summary]()
	register.Iter1[[]byte]()
	register.Emitter1[Summary]()
	register.Emitter1[totals]()
	register.Emitter1[int64]()
	register.Emitter2[string, int64]()
	register.Iter1[totals]()
	register.Iter1[int64]()
	// TemporalRows, TemporalFiles, TemporalStreams (temporal.go).
	register.DoFn3x1[context.Context, []string, func([]byte), error](&temporalRowsFn{})
	register.DoFn3x1[context.Context, string, func([]byte), error](&temporalFilesFn{})
	register.DoFn3x1[context.Context, []byte, func([]byte), error](&temporalStreamsFn{})
	// TemporalMeasures (temporal_measures.go).
	beam.RegisterCoder(reflect.TypeOf(TemporalSummary{}), encodeTemporalSummary, decodeTemporalSummary)
	beam.RegisterCoder(reflect.TypeOf(temporalAcc{}), encodeTemporalAcc, decodeTemporalAcc)
	register.DoFn2x1[[]byte, func(int, []byte), error](&splitDigestFn{})
	register.DoFn4x1[int, func(*[]byte) bool, func(int, []byte), func(int, []byte), error](&subjectShardFn{})
	register.DoFn4x1[int, func(*[]byte) bool, func(int, []byte), func(temporalAcc), error](&keyShardFn{})
	register.DoFn5x1[int, func(*[]byte) bool, func(*[]byte) bool, func(temporalAcc), func(int, []byte), error](&anonymityFn{})
	register.DoFn3x1[int, func(*[]byte) bool, func(int, []byte), error](&pairShardFn{})
	register.Function3x1[int, func(*[]byte) bool, func(temporalAcc), error](countPairUnique)
	register.Combiner2[temporalAcc, TemporalSummary](&temporalSummaryFn{})
	register.Emitter1[temporalAcc]()
}
