package groupby

// directCounter is kindDirect: every worker counts its range of rows (one
// range per worker, one chunk) in an array of the whole key space, and
// the workers' groups are merged at the end.
type directCounter struct {
	j     *job
	lo    []int           // lo[k] is the first row of worker k's range, then n
	parts []*directGroups // per worker
}

// directGroups is one worker's groups counted in an array indexed by key.
// Local ids follow the order of first rows within the worker's range.
type directGroups struct {
	keys  []uint64 // key of each local group
	first []int
	sizes []int64
	slot  []uint32 // slot[key] = local id + 1, or 0
}

func (j *job) newDirect(n, w int) *directCounter {
	return &directCounter{j: j, lo: bounds(n, w), parts: make([]*directGroups, w)}
}

func (d *directCounter) scatter(k, x int) error {
	g, err := d.j.countDirect(d.lo[x], d.lo[x+1])
	d.parts[k] = g
	return err
}

func (d *directCounter) count(int, int, int, bool) {}

// groups merges the workers' groups into worker 0's, in worker order, so
// that ids still follow first rows, and renumbers the other workers' row
// ids.
func (d *directCounter) groups() (*Groups, error) {
	j, w := d.j, len(d.parts)
	base := d.parts[0]
	remaps := make([][]uint32, w)
	for i := 1; i < w; i++ {
		p := d.parts[i]
		remap := make([]uint32, len(p.keys))
		for g, key := range p.keys {
			t := base.slot[key]
			if t == 0 {
				base.keys = append(base.keys, key)
				base.first = append(base.first, p.first[g])
				base.sizes = append(base.sizes, p.sizes[g])
				t = uint32(len(base.keys))
				base.slot[key] = t
			} else {
				base.sizes[t-1] += p.sizes[g]
			}
			remap[g] = t - 1
		}
		remaps[i] = remap
		p.slot = nil
	}
	if j.rowIDs != nil && w > 1 {
		_ = parallel(w-1, func(i int) error {
			remap := remaps[i+1]
			ids := j.rowIDs[d.lo[i+1]:d.lo[i+2]]
			for r, id := range ids {
				ids[r] = remap[id]
			}
			return nil
		})
	}
	return &Groups{N: len(base.keys), Sizes: base.sizes, First: base.first}, nil
}

// countDirect counts rows [lo, hi) in an array of j.space entries.
func (j *job) countDirect(lo, hi int) (*directGroups, error) {
	p := &directGroups{slot: make([]uint32, j.space)}
	slot := p.slot
	est := int(min(uint64(hi-lo), j.space))
	p.keys = make([]uint64, 0, est)
	p.first = make([]int, 0, est)
	var kb [batchSize]uint64
	var nb [batchSize]uint32 // batch offsets of rows starting a group
	plain := j.weights == nil && j.rowIDs == nil
	if !plain {
		p.sizes = make([]int64, 0, est)
	}
	for b := lo; b < hi; b += batchSize {
		if canceled(j.done) {
			return nil, errCanceled
		}
		k := kb[:min(batchSize, hi-b)]
		if err := j.keys(k, b); err != nil {
			return nil, err
		}
		if plain {
			// Count in the slot itself and note, without a branch, the
			// rows whose key is new; counts become ids at the end.
			nk := 0
			for i, key := range k {
				c := slot[key]
				nb[nk&(batchSize-1)] = uint32(i)
				nk += int(1 - (c|-c)>>31)
				slot[key] = c + 1
			}
			for _, i := range nb[:nk] {
				p.keys = append(p.keys, k[i])
				p.first = append(p.first, b+int(i))
			}
			continue
		}
		for i, key := range k {
			g := slot[key]
			if g == 0 {
				p.keys = append(p.keys, key)
				p.first = append(p.first, b+i)
				p.sizes = append(p.sizes, 0)
				g = uint32(len(p.keys))
				slot[key] = g
			}
			if j.weights != nil {
				p.sizes[g-1] += j.weights[b+i]
			} else {
				p.sizes[g-1]++
			}
			if j.rowIDs != nil {
				j.rowIDs[b+i] = g - 1
			}
		}
	}
	if plain {
		p.sizes = make([]int64, len(p.keys))
		for g, key := range p.keys {
			p.sizes[g] = int64(slot[key])
			slot[key] = uint32(g + 1)
		}
	}
	return p, nil
}
