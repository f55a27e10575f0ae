package temporal

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// densifyLimit is the largest point key space mapped through a dense table
// rather than a hash map.
const densifyLimit = 1 << 24

// trace fills r.Trace: ε_p for p = 1..opt.MaxP.
func (p *prepared) trace(ctx context.Context, k *keyer, opt Options, r *Report) error {
	ns := p.numSubjects()
	nchunks := (ns + subjectChunk - 1) / subjectChunk
	chunks := make([]subjectKeys, nchunks)
	workers := max(p.workers, 0)
	bufs := make([][]uint64, maxWorkers(workers))
	// Distinct points of each subject, ascending.
	err := p.overSubjects(ctx, "traces", func(w, lo, hi int) error {
		out := subjectKeys{n: make([]int32, hi-lo)}
		buf := bufs[w]
		for s := lo; s < hi; s++ {
			buf = buf[:0]
			for _, i := range p.bySubject.list(s) {
				buf = append(buf, k.pointKey(int(i)))
			}
			slices.Sort(buf)
			buf = slices.Compact(buf)
			out.keys = append(out.keys, buf...)
			out.n[s-lo] = int32(len(buf))
		}
		bufs[w] = buf
		chunks[lo/subjectChunk] = out
		return nil
	})
	if err != nil {
		return err
	}
	bufs = nil
	// Dense point ids in order of first subject.
	space := k.pointDays * k.nslot
	if k.traceAttrs {
		space *= k.durCard
		for _, c := range k.attrCard {
			space *= c
		}
	}
	var table []int32
	var ids map[uint64]uint32
	if space <= densifyLimit {
		table = make([]int32, space)
		for i := range table {
			table[i] = -1
		}
	} else {
		ids = make(map[uint64]uint32)
	}
	npoints := 0
	total := 0
	for _, c := range chunks {
		total += len(c.keys)
	}
	sp := csr{off: make([]int, ns+1), data: make([]uint32, 0, total)}
	s := 0
	for ci := range chunks {
		c := &chunks[ci]
		at := 0
		for _, n := range c.n {
			for _, key := range c.keys[at : at+int(n)] {
				var id uint32
				if table != nil {
					if table[key] < 0 {
						table[key] = int32(npoints)
						npoints++
					}
					id = uint32(table[key])
				} else {
					v, ok := ids[key]
					if !ok {
						v = uint32(npoints)
						ids[key] = v
						npoints++
					}
					id = v
				}
				sp.data = append(sp.data, id)
			}
			at += int(n)
			s++
			sp.off[s] = len(sp.data)
		}
		c.keys = nil // free as we go
	}
	table, ids, chunks = nil, nil, nil
	if err := ctx.Err(); err != nil {
		return err
	}
	postings := sp.invert(npoints)

	r.Trace = make([]TraceUnicity, opt.MaxP)
	for pp := 1; pp <= opt.MaxP; pp++ {
		tu, err := p.unicity(ctx, &sp, &postings, pp, opt)
		if err != nil {
			return err
		}
		r.Trace[pp-1] = tu
	}
	return nil
}

// unicity estimates ε_p from a seeded sample of the subjects with at least p
// points. The sample and each subject's draw come from generators seeded by
// (seed, p) and (seed, p, position in the sample), so results do not depend
// on the number of workers.
func (p *prepared) unicity(ctx context.Context, sp, postings *csr, pp int, opt Options) (TraceUnicity, error) {
	ns := len(sp.off) - 1
	var eligible []uint32
	for s := range ns {
		if sp.len(s) >= pp {
			eligible = append(eligible, uint32(s))
		}
	}
	tu := TraceUnicity{P: pp, Eligible: len(eligible), Expected: math.NaN()}
	n := min(opt.SampleSize, len(eligible))
	rng := rand.New(rand.NewPCG(opt.Seed, uint64(pp)))
	for i := range n { // partial Fisher–Yates: eligible[:n] is the sample
		j := i + rng.IntN(len(eligible)-i)
		eligible[i], eligible[j] = eligible[j], eligible[i]
	}
	sample := eligible[:n]
	unique := make([]bool, n)
	err := parallel(ctx, n, 64, p.workers, func(w, lo, hi int) error {
		lists := make([][]uint32, pp)
		chosen := make([]int, 0, pp)
		pos := make([]int, pp)
		for i := lo; i < hi; i++ {
			s := int(sample[i])
			pts := sp.list(s)
			r := rand.New(rand.NewPCG(opt.Seed^uint64(pp)<<56, uint64(i)))
			// Floyd's algorithm: pp distinct positions in pts.
			chosen = chosen[:0]
			for j := len(pts) - pp; j < len(pts); j++ {
				t := r.IntN(j + 1)
				if slices.Contains(chosen, t) {
					t = j
				}
				chosen = append(chosen, t)
			}
			for j, c := range chosen {
				lists[j] = postings.list(int(pts[c]))
			}
			slices.SortFunc(lists, func(a, b []uint32) int { return len(a) - len(b) })
			unique[i] = intersectCount(lists, 2, pos) == 1
		}
		return nil
	})
	if err != nil {
		return tu, err
	}
	for _, u := range unique {
		tu.Unique += b2i(u)
	}
	tu.Sampled = n
	if n > 0 {
		tu.FractionUnique = float64(tu.Unique) / float64(n)
	}
	tu.CI95 = wilson(tu.Unique, n)
	if pp == 1 {
		sum, m := 0.0, 0
		for s := range ns {
			pts := sp.list(s)
			if len(pts) == 0 {
				continue
			}
			u := 0
			for _, pt := range pts {
				u += b2i(postings.len(int(pt)) == 1)
			}
			sum += float64(u) / float64(len(pts))
			m++
		}
		if m > 0 {
			tu.Expected = sum / float64(m)
		} else {
			tu.Expected = 0
		}
	}
	return tu, nil
}

// wilson returns the 95 % Wilson score interval of k successes in n trials:
// (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = 1.959964.
func wilson(k, n int) [2]float64 {
	if n == 0 {
		return [2]float64{0, 1}
	}
	const z = 1.959963984540054
	nf := float64(n)
	ph := float64(k) / nf
	d := 1 + z*z/nf
	c := ph + z*z/(2*nf)
	h := z * math.Sqrt(ph*(1-ph)/nf+z*z/(4*nf*nf))
	return [2]float64{max(0, (c-h)/d), min(1, (c+h)/d)}
}
