package anonymity

import (
	"context"
	"runtime"
	"sync"
)

// packedSplit is the number of rows above which an Add is split between
// the workers: more than EncodeChunks hands over at a time, so a whole
// table, as Count adds it (a variable for tests).
var packedSplit = 1 << 21

// packedPart is the count of one worker's range of rows but the first:
// its own table, its classes numbered by first row within the range, with
// that row and their sizes.
type packedPart struct {
	tab   packedTable
	first []int // first[c]: the first row of class c
	sizes []int64
	lmap  []uint32 // lmap[c]: class c among all classes
	bad   int
	over  bool
	err   error
}

// countSplit counts the rows of cols in w contiguous ranges at once: the
// first range into the Counter's table, each other into a table of its
// own, whose classes are then looked up in the Counter's table range after
// range, each in order of first row, so that the classes are numbered by
// first row as one pass would number them. It returns what countRows
// returns for the first range that fails.
func (s *Counter) countSplit(ctx context.Context, cols [][]uint32, cards []uint32, ids []uint32, w, limit int) (int, bool, error) {
	x := s.packed
	n := len(cols[0])
	parts := make([]*packedPart, w)
	var wg sync.WaitGroup
	for k := 1; k < w; k++ {
		p := &packedPart{}
		parts[k] = p
		p.tab = packedTable{widths: x.widths, sizes: &p.sizes}
		p.tab.repack(nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.bad, p.over, p.err = p.tab.countRows(ctx, cols, cards, k*n/w, (k+1)*n/w, ids, limit, func(r int) uint32 {
				p.first, p.sizes = append(p.first, r), append(p.sizes, 0)
				return uint32(len(p.first) - 1)
			})
		}()
	}
	p := &packedPart{}
	parts[0] = p
	p.bad, p.over, p.err = x.countRows(ctx, cols, cards, 0, n/w, ids, limit, func(r int) uint32 { return s.newClass(cols, r) })
	wg.Wait()
	for k, p := range parts {
		if p.err != nil || p.bad >= 0 || p.over {
			return p.bad, p.over, p.err
		}
		if k > 0 {
			var pids []uint32
			if ids != nil {
				pids = ids[k*n/w : (k+1)*n/w]
			}
			s.mergePart(p, cols, pids)
		}
	}
	if x.n > limit {
		return -1, true, nil
	}
	return -1, false, nil
}

// mergePart looks up the classes of part p in the Counter's table, adding
// those not seen yet in p's order, adds their sizes, and maps ids, the
// classes of p's rows (if wanted), to the classes among all.
func (s *Counter) mergePart(p *packedPart, cols [][]uint32, ids []uint32) {
	x := s.packed
	p.tab.flush()
	p.lmap = make([]uint32, len(p.first))
	keys := reserve(x.keys[:0], packedBlock)
	x.keys = keys
	for lo := 0; lo < len(p.first); lo += packedBlock {
		first := p.first[lo:min(lo+packedBlock, len(p.first))]
		keys = keys[:len(first)]
		for i, r := range first {
			var k uint64
			for j, col := range cols {
				k = k<<x.widths[j] | uint64(col[r])
			}
			keys[i] = k
		}
		x.probe(keys, lo, p.lmap, func(c int) uint32 { return s.newClass(cols, p.first[c]) })
	}
	for c, g := range p.lmap {
		s.sizes[g] += p.sizes[c] - 1 // probe counted one row
	}
	for i, c := range ids {
		ids[i] = p.lmap[c]
	}
}

// workers is the number of goroutines w asks for (0: GOMAXPROCS).
func workers(w int) int {
	if w <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return w
}
