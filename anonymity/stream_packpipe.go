package anonymity

import (
	"context"
	"runtime"

	"github.com/reidrisk/reidrisk/internal/prefault"
)

// Packing keys ahead of the probe. Counting a chunk through the packed
// table costs two passes per block of rows: pack, which reads the QI
// columns and writes the block's keys, and probe, which looks the keys up
// in row order. Only probe must run in row order on the caller's
// goroutine (it numbers the classes); pack reads nothing probe writes. On
// a chunk of at least pipeMinRows rows, when more than one worker is
// allowed, a second goroutine packs segments of pipeSegRows rows into a
// ring of pipeRing key buffers while the caller probes the segments
// already packed, in order, block by block as countRows does: the same
// blocks, probed in the same order, stopping at the same block, so the
// classes, their numbering, the row ids and the errors are countRows'.
const (
	// pipeMinRows is the fewest rows of a chunk packed ahead: below, the
	// goroutine and its hand-overs cost more than the packing saved.
	pipeMinRows = 1 << 15
	// pipeSegRows is the rows of a segment: a multiple of packedBlock, its
	// keys (128 KB) within the second-level cache.
	pipeSegRows = 1 << 14
	// pipeRing is the number of key buffers, hence of segments packed and
	// not yet probed at most.
	pipeRing = 4
)

// packPipe holds what packing ahead reuses from one Add to the next.
type packPipe struct {
	min  int        // the fewest rows of a chunk packed ahead (math.MaxInt: never)
	seg  int        // rows per segment, a multiple of packedBlock
	keys []uint64   // the ring's buffers, end to end
	bufs [][]uint64 // the ring: pipeRing buffers of seg keys
}

// pipeSeg is a segment of rows packed ahead: keys holds the keys of rows
// lo to lo+len(keys); bad reports that the block of rows that follows
// them holds a code out of its column's range (and ends the packing).
type pipeSeg struct {
	keys []uint64
	lo   int
	bad  bool
}

// use reports whether the n rows of a chunk are packed ahead, with workers
// goroutines allowed (0: GOMAXPROCS).
func (p *packPipe) use(n, workers int) bool {
	if n < p.min {
		return false
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return workers > 1
}

// ring returns the buffers, allocated (and their pages mapped) on first
// use, the segment rounded up to a multiple of packedBlock.
func (p *packPipe) ring() [][]uint64 {
	seg := (max(p.seg, 1) + packedBlock - 1) / packedBlock * packedBlock
	if len(p.bufs) == pipeRing && len(p.bufs[0]) == seg {
		return p.bufs
	}
	p.seg = seg
	p.keys = make([]uint64, pipeRing*seg)
	prefault.Slice(p.keys)
	p.bufs = p.bufs[:0]
	for i := range pipeRing {
		p.bufs = append(p.bufs, p.keys[i*seg:(i+1)*seg:(i+1)*seg])
	}
	return p.bufs
}

// countPiped is countRows with the keys packed ahead on a second
// goroutine (see packPipe), which has returned when countPiped returns.
func (x *packedTable) countPiped(ctx context.Context, p *packPipe, cols [][]uint32, cards []uint32, lo, hi int,
	ids []uint32, limit int, add func(r int) uint32) (int, bool, error) {
	bufs := p.ring()
	free, full := make(chan []uint64, len(bufs)), make(chan pipeSeg, len(bufs))
	stop, done := make(chan struct{}), make(chan struct{})
	for _, b := range bufs {
		free <- b
	}
	go func() {
		defer close(done)
		x.packAhead(cols, cards, lo, hi, p.seg, free, full, stop)
	}()
	defer func() {
		close(stop)
		<-done
	}()
	for {
		sg := <-full
		for b := 0; b < len(sg.keys); b += packedBlock {
			r := sg.lo + b
			if err := tick(ctx, lo, r); err != nil {
				return -1, false, err
			}
			x.probe(sg.keys[b:min(b+packedBlock, len(sg.keys))], r, ids, add)
			if x.n > limit {
				return -1, true, nil
			}
		}
		end := sg.lo + len(sg.keys)
		if sg.bad {
			if err := tick(ctx, lo, end); err != nil {
				return -1, false, err
			}
			return end, false, nil
		}
		if end == hi {
			return -1, false, nil
		}
		free <- sg.keys[:cap(sg.keys)]
	}
}

// packAhead packs rows lo to hi of cols, a segment of seg rows into each
// buffer taken from free, sent on full in row order, until a block holds
// a code out of range (its segment sent marked bad, holding the rows
// before it) or stop is closed. full has room for every buffer.
func (x *packedTable) packAhead(cols [][]uint32, cards []uint32, lo, hi, seg int,
	free <-chan []uint64, full chan<- pipeSeg, stop <-chan struct{}) {
	for r := lo; r < hi; r += seg {
		var keys []uint64
		select {
		case <-stop:
			return
		case keys = <-free:
		}
		keys = keys[:min(seg, hi-r)]
		for b := 0; b < len(keys); b += packedBlock {
			if !x.pack(keys[b:min(b+packedBlock, len(keys))], cols, cards, r+b) {
				full <- pipeSeg{keys: keys[:b], lo: r, bad: true}
				return
			}
		}
		full <- pipeSeg{keys: keys, lo: r}
	}
}

// tick returns the context's error at every 2^20th row r from lo.
func tick(ctx context.Context, lo, r int) error {
	if r > lo && (r-lo)%(1<<20) == 0 {
		return ctx.Err()
	}
	return nil
}
