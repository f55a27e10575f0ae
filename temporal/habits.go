package temporal

import (
	"cmp"
	"context"
	"slices"
)

const subjectChunk = 512

// keyWeek is one event reduced to its key and week.
type keyWeek struct {
	key  uint64
	week int32
}

// subjectKeys holds, per chunk of subjects, a CSR of uint64 keys.
type subjectKeys struct {
	n    []int32 // keys per subject of the chunk
	keys []uint64
}

// habits fills the habit fields of r: per subject, the keys occurring in at
// least minWeeks distinct weeks; then S(h), a(s) and the pair uniqueness.
func (p *prepared) habits(ctx context.Context, k *keyer, minWeeks int, r *Report, labels bool) error {
	ns := p.numSubjects()
	chunks, err := p.habitKeys(ctx, k, minWeeks)
	if err != nil {
		return err
	}
	keys, sh := habitIDs(chunks, ns)
	if err := ctx.Err(); err != nil {
		return err
	}
	postings := sh.invert(len(keys))
	r.DistinctHabits = len(keys)
	r.Anonymity = make([]int32, ns)
	r.Habits.Histogram = make(map[int]int)
	var le1, le2, lt5 int
	for s := range ns {
		hs := sh.list(s)
		if len(hs) == 0 {
			continue
		}
		a := postings.len(int(hs[0]))
		for _, h := range hs[1:] {
			a = min(a, postings.len(int(h)))
		}
		r.Anonymity[s] = int32(a)
		r.SubjectsWithHabits++
		r.Habits.Histogram[a]++
		le1 += b2i(a == 1)
		le2 += b2i(a <= 2)
		lt5 += b2i(a < 5)
	}
	pairUnique, err := p.pairUniques(ctx, sh, postings, r.Anonymity)
	if err != nil {
		return err
	}
	var two, p2 int
	for s := range ns {
		if sh.len(s) >= 2 {
			two++
			p2 += b2i(pairUnique[s])
		}
	}
	r.Habits.SubjectsWithTwoHabits = two
	r.Habits.SingledOut, r.Habits.Le2Subjects, r.Habits.Lt5Subjects = le1, le2, lt5
	if n := float64(r.SubjectsWithHabits); n > 0 {
		r.Habits.UniqueP1 = float64(le1) / n
		r.Habits.Le2 = float64(le2) / n
		r.Habits.Lt5 = float64(lt5) / n
	}
	if two > 0 {
		r.Habits.UniqueP2 = float64(p2) / float64(two)
	}
	if labels {
		r.HabitSets = make([]Habit, len(keys))
		for h, key := range keys {
			r.HabitSets[h] = Habit{Label: k.habitLabel(key), Subjects: postings.list(h)}
		}
	}
	return nil
}

// habitKeys returns, per chunk of subjects, each subject's habit keys: the
// keys of its events occurring in at least minWeeks distinct weeks, in
// ascending order.
func (p *prepared) habitKeys(ctx context.Context, k *keyer, minWeeks int) ([]subjectKeys, error) {
	ns := p.numSubjects()
	chunks := make([]subjectKeys, (ns+subjectChunk-1)/subjectChunk)
	workers := max(p.workers, 0)
	// When key × week fits in 64 bits, pack it and sort plain integers.
	weekSpan := uint64(weekIndex(k.maxDay)-k.minWeek) + 1
	packed := weekSpan <= 1<<24 && k.habitSpace() <= 1<<40
	bufs := make([][]keyWeek, maxWorkers(workers))
	pbufs := make([][]uint64, maxWorkers(workers))
	err := p.overSubjects(ctx, "habits", func(w, lo, hi int) error {
		out := subjectKeys{n: make([]int32, hi-lo)}
		for s := lo; s < hi; s++ {
			before := len(out.keys)
			if packed {
				pbufs[w] = p.packedHabits(k, s, minWeeks, pbufs[w][:0], &out)
			} else {
				bufs[w] = p.wideHabits(k, s, minWeeks, bufs[w][:0], &out)
			}
			out.n[s-lo] = int32(len(out.keys) - before)
		}
		chunks[lo/subjectChunk] = out
		return nil
	})
	return chunks, err
}

// packedHabits appends the habit keys of subject s to out.keys, sorting
// key<<24 | week in buf, and returns buf for reuse.
func (p *prepared) packedHabits(k *keyer, s, minWeeks int, buf []uint64, out *subjectKeys) []uint64 {
	for _, i := range p.bySubject.list(s) {
		buf = append(buf, k.habitKey(int(i))<<24|uint64(weekIndex(p.cal.day[i])-k.minWeek))
	}
	slices.Sort(buf)
	for i := 0; i < len(buf); {
		key := buf[i] >> 24
		j, weeks := i+1, 1
		for ; j < len(buf) && buf[j]>>24 == key; j++ {
			if buf[j] != buf[j-1] {
				weeks++
			}
		}
		if weeks >= minWeeks {
			out.keys = append(out.keys, key)
		}
		i = j
	}
	return buf
}

// wideHabits is packedHabits for keys too wide to pack with the week.
func (p *prepared) wideHabits(k *keyer, s, minWeeks int, buf []keyWeek, out *subjectKeys) []keyWeek {
	for _, i := range p.bySubject.list(s) {
		buf = append(buf, keyWeek{k.habitKey(int(i)), weekIndex(p.cal.day[i])})
	}
	slices.SortFunc(buf, func(a, b keyWeek) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.week, b.week)
	})
	for i := 0; i < len(buf); {
		j, weeks := i+1, 1
		for ; j < len(buf) && buf[j].key == buf[i].key; j++ {
			if buf[j].week != buf[j-1].week {
				weeks++
			}
		}
		if weeks >= minWeeks {
			out.keys = append(out.keys, buf[i].key)
		}
		i = j
	}
	return buf
}

// habitIDs numbers the habit keys densely in order of first subject and
// returns the keys by id and the subject → habit ids CSR.
func habitIDs(chunks []subjectKeys, ns int) ([]uint64, csr) {
	ids := make(map[uint64]uint32)
	var keys []uint64
	sh := csr{off: make([]int, ns+1)}
	s := 0
	for _, c := range chunks {
		at := 0
		for _, n := range c.n {
			for _, key := range c.keys[at : at+int(n)] {
				id, ok := ids[key]
				if !ok {
					id = uint32(len(keys))
					ids[key] = id
					keys = append(keys, key)
				}
				sh.data = append(sh.data, id)
			}
			at += int(n)
			s++
			sh.off[s] = len(sh.data)
		}
	}
	return keys, sh
}

// pairUniques reports, per subject, whether some pair of its habits is held
// by it alone (a subject with a(s) = 1 and two habits is), in parallel over
// subjects.
func (p *prepared) pairUniques(ctx context.Context, sh, postings csr, anon []int32) ([]bool, error) {
	ns := len(anon)
	pairUnique := make([]bool, ns)
	err := parallel(ctx, ns, subjectChunk, max(p.workers, 0), func(w, lo, hi int) error {
		pos := make([]int, 2)
		for s := lo; s < hi; s++ {
			hs := sh.list(s)
			if len(hs) < 2 {
				continue
			}
			if anon[s] == 1 {
				pairUnique[s] = true
				continue
			}
		pairs:
			for i := range hs {
				for j := i + 1; j < len(hs); j++ {
					a, b := postings.list(int(hs[i])), postings.list(int(hs[j]))
					if len(b) < len(a) {
						a, b = b, a
					}
					if intersectCount([][]uint32{a, b}, 2, pos) == 1 {
						pairUnique[s] = true
						break pairs
					}
				}
			}
		}
		return nil
	})
	return pairUnique, err
}
