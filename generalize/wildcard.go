package generalize

import (
	"context"
	"math/bits"
	"slices"

	"github.com/reidrisk/reidrisk/anonymity"
	"github.com/reidrisk/reidrisk/internal/groupby"
)

// wildcards counts, for a class table whose classes carry suppression
// patterns, how many records (or distinct subjects) each class matches
// when a suppressed cell matches any value (sdcMicro's semantics).
//
// Class c with pattern P (bit j set: QI j suppressed) and class d with
// pattern Q match iff they agree on every QI outside P ∪ Q. So, with
// U = P ∪ Q, the classes of pattern Q that match c are those whose
// projection onto the QIs outside U equals c's. The index keeps, for each
// present pattern Q and each union U ⊇ Q asked for, the classes of
// pattern Q grouped by that projection (a bucket), built lazily; a count
// is the sum over the present patterns Q of one bucket each, at most
// 2^m buckets for m QIs, each read until the limit is reached.
//
// A class moving to another pattern (larger while blanking, smaller when
// restore gives a cell back) is appended to the buckets of its new
// pattern built so far; its older entries become stale and are skipped (an entry counts only while its
// class has not moved since it was made).
type wildcards struct {
	c         *anonymity.Classes
	subjects  bool
	mask      []uint32 // current pattern of each class
	ver       []uint32 // moves of each class so far: entries of older moves are stale
	npat      map[uint32]int
	pats      []uint32 // present patterns (npat > 0), kept in sync
	proj      map[uint32][]uint32
	buckets   map[[2]uint32]*bucket
	byPattern map[uint32][]uint32 // pattern -> unions of its built buckets
	stamp     []uint32            // per subject: last query that saw it
	epoch     uint32
}

// bucket holds the classes of one pattern grouped by projected id, as
// compressed rows built once plus classes added later.
type bucket struct {
	off   []int32
	items []entry
	extra map[uint32][]entry
}

// entry is a class in a bucket, valid while the class has made no move
// since (v is its ver then) — so a class moving back to a pattern it held
// is never counted twice.
type entry struct {
	c int32
	v uint32
}

// each calls fn with the valid classes of bucket b (pattern q) at
// projected id, until fn returns true.
func (w *wildcards) each(b *bucket, q, id uint32, fn func(d int32) bool) bool {
	for _, e := range b.items[b.off[id]:b.off[id+1]] {
		if w.mask[e.c] == q && w.ver[e.c] == e.v && fn(e.c) {
			return true
		}
	}
	for _, e := range b.extra[id] {
		if w.mask[e.c] == q && w.ver[e.c] == e.v && fn(e.c) {
			return true
		}
	}
	return false
}

func newWildcards(c *anonymity.Classes, subjects bool) *wildcards {
	w := &wildcards{c: c, subjects: subjects, mask: make([]uint32, c.Len()), ver: make([]uint32, c.Len()),
		npat: map[uint32]int{}, proj: map[uint32][]uint32{}, buckets: map[[2]uint32]*bucket{}, byPattern: map[uint32][]uint32{}}
	if c.Len() > 0 {
		w.npat[0] = c.Len()
		w.pats = []uint32{0}
	}
	if subjects {
		w.stamp = make([]uint32, c.Subjects.Dict.Len())
	}
	return w
}

// projection returns the id of every class's projection onto the QIs
// outside u: classes equal there share an id.
func (w *wildcards) projection(ctx context.Context, u uint32) ([]uint32, error) {
	if p, ok := w.proj[u]; ok {
		return p, nil
	}
	var cols [][]uint32
	var cards []uint32
	for j := range w.c.QI {
		if u&(1<<j) == 0 {
			cols = append(cols, w.c.Codes[j])
			cards = append(cards, uint32(w.c.Dicts[j].Len()))
		}
	}
	var p []uint32
	if len(cols) == 0 {
		p = make([]uint32, w.c.Len())
	} else {
		g, err := groupby.GroupContext(ctx, cols, cards, groupby.Options{Workers: 1, RowIDs: true, NoFirst: true})
		if err != nil {
			return nil, err
		}
		p = g.RowIDs
	}
	w.proj[u] = p
	return p, nil
}

// bucket returns the classes of pattern q grouped by their projection
// outside u (q ⊆ u), building it on first use.
func (w *wildcards) bucket(ctx context.Context, q, u uint32) (*bucket, []uint32, error) {
	p, err := w.projection(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if b, ok := w.buckets[[2]uint32{q, u}]; ok {
		return b, p, nil
	}
	n := 0
	for _, id := range p {
		n = max(n, int(id)+1)
	}
	b := &bucket{off: make([]int32, n+1)}
	for c, m := range w.mask {
		if m == q {
			b.off[p[c]+1]++
		}
	}
	for i := 1; i <= n; i++ {
		b.off[i] += b.off[i-1]
	}
	b.items = make([]entry, b.off[n])
	fill := append([]int32(nil), b.off[:n]...)
	for c, m := range w.mask {
		if m == q {
			b.items[fill[p[c]]] = entry{int32(c), w.ver[c]}
			fill[p[c]]++
		}
	}
	w.buckets[[2]uint32{q, u}] = b
	w.byPattern[q] = append(w.byPattern[q], u)
	return b, p, nil
}

// count returns the number of records (distinct subjects) that class c
// would match with pattern pc, the other classes keeping their patterns,
// or limit if that number reaches limit. Class c counts itself.
func (w *wildcards) count(ctx context.Context, c int, pc uint32, limit int64) (int64, error) {
	var total int64
	if w.subjects {
		w.epoch++
		if w.epoch == 0 { // wrapped: clear the stamps
			clear(w.stamp)
			w.epoch = 1
		}
	}
	add := func(d int32) bool {
		if w.subjects {
			s := w.c.Subjects
			for _, v := range s.Values[s.Offsets[d]:s.Offsets[d+1]] {
				if w.stamp[v] != w.epoch {
					w.stamp[v] = w.epoch
					total++
				}
			}
		} else {
			total += w.c.Sizes[d]
		}
		return total >= limit
	}
	for _, q := range w.pats {
		b, p, err := w.bucket(ctx, q, pc|q)
		if err != nil {
			return 0, err
		}
		if w.each(b, q, p[c], func(d int32) bool {
			// c is counted under its hypothetical pattern, below
			return (int(d) != c || pc == w.mask[c]) && add(d)
		}) {
			return limit, nil
		}
	}
	if pc != w.mask[c] && add(int32(c)) {
		return limit, nil
	}
	return total, nil
}

// spare reports whether every class that matches class c only through
// c's blank in QI j would still match k records (subjects) without c.
func (w *wildcards) spare(ctx context.Context, c, j int, k int64) (bool, error) {
	pc := w.mask[c]
	loss := w.c.Sizes[c]
	if w.subjects {
		loss = int64(w.c.Subjects.Offsets[c+1] - w.c.Subjects.Offsets[c])
	}
	code := w.c.Codes[j][c]
	var err error
	short := func(d int32) bool { // d would fall below k, or an error
		if int(d) == c || w.c.Codes[j][d] == code {
			return false
		}
		var n int64
		n, err = w.count(ctx, int(d), w.mask[d], k+loss)
		return err != nil || n < k+loss
	}
	for _, q := range slices.Clone(w.pats) {
		if q&(1<<j) != 0 {
			continue // d is blank in j: still matches c
		}
		b, p, berr := w.bucket(ctx, q, pc|q)
		if berr != nil {
			return false, berr
		}
		if w.each(b, q, p[c], short) {
			return false, err
		}
	}
	return true, nil
}

// move gives class c the pattern to: c's entries so far become stale,
// and c is added to the buckets of its new pattern built so far.
func (w *wildcards) move(c int, to uint32) {
	from := w.mask[c]
	if from == to {
		return
	}
	w.mask[c] = to
	w.ver[c]++
	if w.npat[from]--; w.npat[from] == 0 {
		delete(w.npat, from)
	}
	w.npat[to]++
	w.pats = w.pats[:0]
	for q := range w.npat {
		w.pats = append(w.pats, q)
	}
	sortPatterns(w.pats)
	for _, u := range w.byPattern[to] {
		b := w.buckets[[2]uint32{to, u}]
		id := w.proj[u][c]
		if b.extra == nil {
			b.extra = map[uint32][]entry{}
		}
		b.extra[id] = append(b.extra[id], entry{int32(c), w.ver[c]})
	}
}

// sortPatterns orders patterns by number of suppressed QIs, then value,
// so that counts visit the common, unsuppressed classes first.
func sortPatterns(p []uint32) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && less(p[j], p[j-1]); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

func less(a, b uint32) bool {
	if x, y := bits.OnesCount32(a), bits.OnesCount32(b); x != y {
		return x < y
	}
	return a < b
}
