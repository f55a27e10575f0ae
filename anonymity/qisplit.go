package anonymity

import (
	"errors"
	"slices"
	"sync"
)

// qiSpan is the items of a packed walk table whose first column's code
// lies in [lo, hi): since the items are sorted on it, items at, …, at+n−1.
type qiSpan struct {
	lo, hi uint32
	at, n  int
}

// whole returns the span of all of p's items.
func (p *qiPacked) whole() qiSpan { return qiSpan{hi: p.cards[0], n: p.n} }

// spans cuts p's items into at most parts spans of about equal numbers of
// items in groups of two or more on the first column (the items alone on
// it cost nothing beyond it), cut between codes, and returns them largest
// first (so that the spans left last are short).
func (p *qiPacked) spans(parts int) []qiSpan {
	total := 0
	for _, k := range p.cnt {
		if k > 1 {
			total += int(k)
		}
	}
	target := max(1, (total+parts-1)/parts)
	var out []qiSpan
	s, acc, at := qiSpan{}, 0, 0
	for c, k := range p.cnt {
		if k > 1 {
			acc += int(k)
		}
		at += int(k)
		if acc >= target {
			// Each span cut here holds at least target: at most parts.
			s.hi, s.n = uint32(c+1), at-s.at
			out = append(out, s)
			s, acc = qiSpan{lo: uint32(c + 1), at: at}, 0
		}
	}
	switch {
	case len(out) == 0:
		return []qiSpan{p.whole()}
	case int(s.lo) < len(p.cnt):
		// The codes left hold fewer than target: the last span takes them.
		last := &out[len(out)-1]
		last.hi, last.n = uint32(len(p.cnt)), p.n-last.at
	}
	slices.SortStableFunc(out, func(a, b qiSpan) int { return b.n - a.n })
	return out
}

// qiSplit is a walk cut into spans by the values of its first column,
// each walked by any worker: every combination it scores holds that
// column, so its classes and pairs are the sums of those of the spans,
// and the walk of each span scores the same combinations in the same
// order (those a span settles without work included). The figures are so
// the unsplit walk's, exactly.
type qiSplit struct {
	packed *qiPacked // read by all spans' walks: packed in buffers of its own
	spans  []qiSpan
	mu     sync.Mutex
	scores [][]qiScored // per span; only the first names the combinations
	err    error
	left   int // spans not walked yet
}

// A split walk of n items is cut into about n/spanItems spans, and into at
// least splitParts spans per worker (at most maxSpans). Short spans keep
// the partitions a walk refines in cache: on the usage table's 93,173
// classes (6 QIs) walking the first walk in 11 spans one after the other
// costs ~15 % less CPU time than walking it whole. Several spans per
// worker even out their unequal costs among the workers.
const (
	spanItems  = 1 << 13
	splitParts = 4
)

// maxSpans returns the most spans a walk is cut into for workers workers:
// 64, or splitParts per worker.
func maxSpans(workers int) int { return max(64, splitParts*workers) }

// newQISplit returns the split walk of p (detached) for workers workers.
func newQISplit(p *qiPacked, workers int) *qiSplit {
	s := &qiSplit{packed: p}
	s.spans = p.spans(min(maxSpans(workers), max(splitParts*workers, p.n/spanItems)))
	s.scores, s.left = make([][]qiScored, len(s.spans)), len(s.spans)
	return s
}

// detach packs u as use does, and leaves the packed words to the result
// (w packs its next table in new ones), which so stays valid while w
// walks other tables.
func (w *qiWalker) detach(u *qiUniverse) *qiPacked {
	w.scratch(u.maxCard())
	p := w.pack(u)
	p.cnt, p.sum = slices.Clone(p.cnt), slices.Clone(p.sum)
	w.words = nil
	return p
}

// walkSpan scores, on w, the combinations of s's walk over the items of
// its i-th span, and returns whether it was the last span done (whose
// caller then takes s's figures from merge).
func (w *qiWalker) walkSpan(s *qiSplit, i int) (last bool) {
	w.scratch(slices.Max(s.packed.cards))
	w.u, w.span, w.unlimited = s.packed, s.spans[i], true
	w.scores, w.sums = nil, i > 0
	scores, err := w.run()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scores[i] = scores
	if s.err == nil {
		s.err = err
	}
	s.left--
	return s.left == 0
}

// merge returns the walk's figures: the first span's scores with the
// other spans' classes and pairs added.
func (s *qiSplit) merge() ([]qiScored, error) {
	if s.err != nil {
		return nil, s.err
	}
	out := s.scores[0]
	for _, sc := range s.scores[1:] {
		if len(sc) != len(out) {
			return nil, errors.New("anonymity: AnalyzeQI: the spans of a split walk scored different combinations")
		}
		for j, x := range sc {
			out[j].classes += x.classes
			out[j].pairs += x.pairs
		}
	}
	return out, nil
}
