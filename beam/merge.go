package beam

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/quasiid"
)

// MergeClasses merges partial class tables ([]byte, as emitted by
// CountRows, CountFiles and CountStreams) by value into one class table, a
// single []byte element (see Decode). The whole table is held by one
// worker: use it when the class table fits in memory (for the lattice
// search of the generalize package, or for the core's measures); the
// measures of Measures never hold it.
func MergeClasses(s beam.Scope, partials beam.PCollection) beam.PCollection {
	s = s.Scope("reidrisk.MergeClasses")
	return beam.Combine(s, &mergeFn{}, partials)
}

// ShardClasses routes every class of the partial tables to one of shards
// shards by a hash of its value tuple and merges each shard by value: the
// result, a PCollection of KV<int, []byte>, holds each class exactly once,
// complete (sizes, subjects and sensitive histograms summed over every
// bundle that saw it). A shard's table carries only the dictionary values
// its classes use.
func ShardClasses(s beam.Scope, partials beam.PCollection, shards int) beam.PCollection {
	s = s.Scope("reidrisk.ShardClasses")
	if shards < 1 {
		shards = 1
	}
	keyed := beam.ParDo(s, &splitFn{Shards: shards}, partials)
	return beam.CombinePerKey(s, &mergeFn{}, keyed)
}

// classAcc is the accumulator of mergeFn: the tables not merged yet.
type classAcc struct {
	parts []*anonymity.Classes
}

// mergeEvery bounds the tables an accumulator holds before it merges them.
const mergeEvery = 16

func (a classAcc) merged() (*anonymity.Classes, error) { return mergeAll(a.parts) }

func encodeClassAcc(a classAcc) ([]byte, error) {
	c, err := a.merged()
	if err != nil || c == nil {
		return nil, err
	}
	return c.MarshalBinary()
}

func decodeClassAcc(b []byte) (classAcc, error) {
	if len(b) == 0 {
		return classAcc{}, nil
	}
	c, err := Decode(b)
	if err != nil {
		return classAcc{}, err
	}
	return classAcc{parts: []*anonymity.Classes{c}}, nil
}

// mergeFn merges class tables by value (anonymity.Merge).
type mergeFn struct{}

func (mergeFn) CreateAccumulator() classAcc { return classAcc{} }

func (mergeFn) AddInput(a classAcc, b []byte) (classAcc, error) {
	c, err := Decode(b)
	if err != nil {
		return a, err
	}
	return compact(classAcc{parts: append(a.parts, c)})
}

func (mergeFn) MergeAccumulators(a, b classAcc) (classAcc, error) {
	return compact(classAcc{parts: append(slices.Clip(a.parts), b.parts...)})
}

func (mergeFn) ExtractOutput(a classAcc) ([]byte, error) { return encodeClassAcc(a) }

// compact merges the tables of a once it holds mergeEvery of them, so that
// a long run of AddInput costs one merge per mergeEvery inputs.
func compact(a classAcc) (classAcc, error) {
	if len(a.parts) < mergeEvery {
		return a, nil
	}
	c, err := a.merged()
	if err != nil {
		return classAcc{}, err
	}
	return classAcc{parts: []*anonymity.Classes{c}}, nil
}

// splitFn cuts a partial table into per-shard tables.
type splitFn struct {
	Shards int
}

func (f *splitFn) ProcessElement(b []byte, emit func(int, []byte)) error {
	c, err := Decode(b)
	if err != nil {
		return err
	}
	if err := errShape(c); err != nil {
		return err
	}
	if f.Shards <= 1 {
		emit(0, b)
		return nil
	}
	idx := make([][]int, f.Shards)
	for e := range c.Sizes {
		sh := int(classHash(c, e) % uint64(f.Shards))
		idx[sh] = append(idx[sh], e)
	}
	for sh, classes := range idx {
		if len(classes) == 0 {
			continue
		}
		sub, err := subset(c, classes)
		if err != nil {
			return err
		}
		blob, err := sub.MarshalBinary()
		if err != nil {
			return err
		}
		emit(sh, blob)
	}
	return nil
}

// classHash returns the 64-bit FNV-1a hash of the value tuple of class e:
// per quasi-identifier a byte 0 for null, or a byte 1, the value's length
// (8 bytes, little endian) and its bytes. It depends on values only, never
// on codes, so every worker routes a class to the same shard.
func classHash(c *anonymity.Classes, e int) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	var n [8]byte
	for j, d := range c.Dicts {
		code := c.Codes[j][e]
		if d.IsNull(code) {
			h = (h ^ 0) * prime
			continue
		}
		h = (h ^ 1) * prime
		v := d.Value(code)
		binary.LittleEndian.PutUint64(n[:], uint64(len(v)))
		for _, b := range n {
			h = (h ^ uint64(b)) * prime
		}
		for i := 0; i < len(v); i++ {
			h = (h ^ uint64(v[i])) * prime
		}
	}
	return h
}

// recoder maps the codes of one dictionary to a new, compact one by value.
type recoder struct {
	from, to *quasiid.Dictionary
	seen     map[uint32]uint32
}

func newRecoder(from *quasiid.Dictionary) *recoder {
	return &recoder{from: from, to: quasiid.NewDictionary(), seen: make(map[uint32]uint32)}
}

func (r *recoder) code(c uint32) uint32 {
	if n, ok := r.seen[c]; ok {
		return n
	}
	var n uint32
	if r.from.IsNull(c) {
		n = r.to.NullCode()
	} else {
		n = r.to.Code(r.from.Value(c))
	}
	r.seen[c] = n
	return n
}

// subset returns the classes idx of c, with dictionaries holding only the
// values they use.
func subset(c *anonymity.Classes, idx []int) (*anonymity.Classes, error) {
	out := &anonymity.Classes{
		QI:    c.QI,
		Dicts: make([]*quasiid.Dictionary, len(c.Dicts)),
		Codes: make([][]uint32, len(c.Codes)),
		Sizes: make([]int64, len(idx)),
	}
	for j := range c.Dicts {
		r := newRecoder(c.Dicts[j])
		codes := make([]uint32, len(idx))
		for i, e := range idx {
			codes[i] = r.code(c.Codes[j][e])
		}
		out.Dicts[j], out.Codes[j] = r.to, codes
	}
	for i, e := range idx {
		out.Sizes[i] = c.Sizes[e]
		out.Rows += c.Sizes[e]
	}
	if c.Subjects != nil {
		if len(c.Subjects.Offsets) != len(c.Sizes)+1 {
			return nil, errMultiset(c.Subjects, len(c.Sizes))
		}
		out.Subjects = subsetMultiset(c.Subjects, idx)
	}
	for _, m := range c.Sensitive {
		if m == nil || len(m.Offsets) != len(c.Sizes)+1 {
			return nil, errMultiset(m, len(c.Sizes))
		}
		out.Sensitive = append(out.Sensitive, subsetMultiset(m, idx))
	}
	return out, nil
}

func errMultiset(m *anonymity.Multiset, classes int) error {
	if m == nil {
		return fmt.Errorf("reidrisk/beam: class table with a nil multiset")
	}
	return fmt.Errorf("reidrisk/beam: multiset %q has %d offsets for %d classes", m.Name, len(m.Offsets), classes)
}

// subsetMultiset returns the histograms of the classes idx of m over a
// compact dictionary, each class's values in ascending code order.
func subsetMultiset(m *anonymity.Multiset, idx []int) *anonymity.Multiset {
	out := &anonymity.Multiset{Name: m.Name, Offsets: make([]int, 1, len(idx)+1)}
	var r *recoder
	if m.Dict != nil {
		r = newRecoder(m.Dict)
		out.Dict = r.to
	}
	type vc struct {
		v uint32
		n int64
	}
	var buf []vc
	for _, e := range idx {
		buf = buf[:0]
		for i := m.Offsets[e]; i < m.Offsets[e+1]; i++ {
			v := m.Values[i]
			if r != nil {
				v = r.code(v)
			}
			buf = append(buf, vc{v, m.Counts[i]})
		}
		slices.SortFunc(buf, func(a, b vc) int { return int(int64(a.v) - int64(b.v)) })
		for _, x := range buf {
			out.Values = append(out.Values, x.v)
			out.Counts = append(out.Counts, x.n)
		}
		out.Offsets = append(out.Offsets, len(out.Values))
	}
	return out
}

// errShape reports a class table whose columns disagree.
func errShape(c *anonymity.Classes) error {
	if len(c.Dicts) != len(c.QI) || len(c.Codes) != len(c.QI) {
		return fmt.Errorf("reidrisk/beam: class table with %d quasi-identifiers, %d dictionaries and %d code columns", len(c.QI), len(c.Dicts), len(c.Codes))
	}
	for j := range c.Codes {
		if len(c.Codes[j]) != len(c.Sizes) {
			return fmt.Errorf("reidrisk/beam: class table column %q has %d codes for %d classes", c.QI[j], len(c.Codes[j]), len(c.Sizes))
		}
	}
	return nil
}
