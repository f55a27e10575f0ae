package anonymity

import (
	"context"
	"runtime"
	"sync/atomic"

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

// packPipe packs keys ahead of the probe, and keeps what it needs from
// one Add to the next: the ring, the channels (emptied and refilled at
// each use) and, while a chunk is counted, the job of its packer.
type packPipe struct {
	min  int      // the fewest rows of a chunk packed ahead (math.MaxInt: never)
	seg  int      // rows per segment, rounded up to a multiple of packedBlock
	keys []uint64 // the ring's buffers, end to end
	// free hands buffers to the packer (nil: stop; room for the ring and
	// one nil), full hands their keys back, in row order (room for the
	// ring: the packer never waits on it), done says the packer returned.
	free chan []uint64
	full chan pipeSeg
	done chan struct{}
	stop atomic.Bool // set when the probe stops early
	// the job, cleared when the chunk is counted
	x      *packedTable
	cols   [][]uint32
	cards  []uint32
	lo, hi int
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

// reset empties the channels and hands every buffer to the packer: the
// ring and the channels are made (the ring's pages mapped) on first use.
func (p *packPipe) reset() {
	seg := (max(p.seg, 1) + packedBlock - 1) / packedBlock * packedBlock
	if p.seg != seg || len(p.keys) != pipeRing*seg {
		p.seg = seg
		p.keys = make([]uint64, pipeRing*seg)
		prefault.Slice(p.keys)
		p.free, p.full, p.done = make(chan []uint64, pipeRing+1), make(chan pipeSeg, pipeRing), make(chan struct{}, 1)
	}
	for len(p.free) > 0 {
		<-p.free
	}
	for len(p.full) > 0 {
		<-p.full
	}
	for i := range pipeRing {
		p.free <- p.keys[i*seg : (i+1)*seg : (i+1)*seg]
	}
	p.stop.Store(false)
}

// countPiped is countRows with the keys packed ahead on a second
// goroutine (see packPipe), which has returned when countPiped returns.
func (x *packedTable) countPiped(ctx context.Context, p *packPipe, cols [][]uint32, cards []uint32, lo, hi int,
	ids []uint32, limit int, add func(r int) uint32) (int, bool, error) {
	p.reset()
	p.x, p.cols, p.cards, p.lo, p.hi = x, cols, cards, lo, hi
	go p.packAhead()
	defer func() {
		p.stop.Store(true)
		p.free <- nil
		<-p.done
		p.x, p.cols, p.cards = nil, nil, nil
	}()
	for {
		sg := <-p.full
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
		p.free <- sg.keys[:cap(sg.keys)]
	}
}

// packAhead packs the job's rows, a segment into each buffer taken from
// free, sent on full in row order, until a block holds a code out of
// range (its segment sent marked bad, holding the rows before it), every
// row is packed, or it is told to stop; then it signals done.
func (p *packPipe) packAhead() {
	defer func() { p.done <- struct{}{} }()
	x, cols, cards := p.x, p.cols, p.cards
	for r := p.lo; r < p.hi; r += p.seg {
		keys := <-p.free
		if keys == nil || p.stop.Load() {
			return
		}
		keys = keys[:min(p.seg, p.hi-r)]
		for b := 0; b < len(keys); b += packedBlock {
			if !x.pack(keys[b:min(b+packedBlock, len(keys))], cols, cards, r+b) {
				p.full <- pipeSeg{keys: keys[:b], lo: r, bad: true}
				return
			}
		}
		p.full <- pipeSeg{keys: keys, lo: r}
	}
}

// tick returns the context's error at every 2^20th row r from lo.
func tick(ctx context.Context, lo, r int) error {
	if r > lo && (r-lo)%(1<<20) == 0 {
		return ctx.Err()
	}
	return nil
}
