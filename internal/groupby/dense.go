package groupby

// densePart is one worker's groups counted in an array indexed by key.
// Local ids follow the order of first rows within the worker's range.
type densePart struct {
	keys  []uint64 // key of each local group
	first []int
	sizes []int64
	slot  []uint32 // slot[key] = local id + 1, or 0
	lo    int
}

// runDense counts keys in per-worker arrays of j.space entries.
func (j *job) runDense(n, w int) (*Groups, error) {
	b := bounds(n, w)
	parts := make([]*densePart, w)
	err := parallel(w, func(i int) error {
		p, err := j.denseWorker(b[i], b[i+1])
		parts[i] = p
		return err
	})
	if err != nil {
		return nil, err
	}
	base := parts[0]
	remaps := make([][]uint32, w)
	for i := 1; i < w; i++ {
		p := parts[i]
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
			ids := j.rowIDs[b[i+1]:b[i+2]]
			for r, id := range ids {
				ids[r] = remap[id]
			}
			return nil
		})
	}
	return &Groups{N: len(base.keys), Sizes: base.sizes, First: base.first}, nil
}

func (j *job) denseWorker(lo, hi int) (*densePart, error) {
	p := &densePart{slot: make([]uint32, j.space), lo: lo}
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
