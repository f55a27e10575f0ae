package anonymity

// classIndex finds a class by its tuple of QI codes: an open-addressing
// hash table with linear probing, kept at most half full, whose slots hold
// the top 32 bits of the tuple's hash and class+1 (0 is empty), so that
// only a slot whose hash matches reads the tuple. The tuples themselves
// stay in the class table's code columns; the index holds each class's
// hash, so growing never rehashes a tuple.
type classIndex struct {
	slots  []uint64
	hashes []uint64 // hashes[c]: the hash of class c's tuple
	shift  uint     // slot of hash h: h >> shift
}

// tupleHash mixes the codes of row k of cols (a multiply-xorshift per
// column; the top bits pick the slot).
func tupleHash(cols [][]uint32, k int) uint64 {
	h := uint64(len(cols))
	for _, col := range cols {
		h = (h ^ uint64(col[k])) * 0x9e3779b97f4a7c15
		h ^= h >> 29
	}
	return h * 0xbf58476d1ce4e5b9
}

// build indexes the classes of codes not yet indexed, up to n.
func (x *classIndex) build(codes [][]uint32, n int) {
	for c := len(x.hashes); c < n; c++ {
		x.insert(tupleHash(codes, c), uint32(c))
	}
}

// find returns the class whose tuple equals row k of q, and the hash of
// that row's tuple.
func (x *classIndex) find(codes, q [][]uint32, k int) (uint32, uint64, bool) {
	h := tupleHash(q, k)
	mask := uint64(len(x.slots) - 1)
	for i := h >> x.shift; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return 0, h, false
		}
		c := uint32(s) - 1
		if s>>32 == h>>32 && sameTuple(codes, int(c), q, k) {
			return c, h, true
		}
	}
}

// sameTuple reports whether row a of x and row b of y hold equal codes.
func sameTuple(x [][]uint32, a int, y [][]uint32, b int) bool {
	for j := range x {
		if x[j][a] != y[j][b] {
			return false
		}
	}
	return true
}

// insert adds class c, the next one, with hash h.
func (x *classIndex) insert(h uint64, c uint32) {
	if 2*(len(x.hashes)+1) > len(x.slots) {
		x.grow()
	}
	x.hashes = append(x.hashes, h)
	x.place(h, c)
}

// place puts class c with hash h in the first free slot from its own.
func (x *classIndex) place(h uint64, c uint32) {
	mask := uint64(len(x.slots) - 1)
	i := h >> x.shift
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = h>>32<<32 | uint64(c+1)
}

// grow doubles the slots (at least 1024) and places every class again.
func (x *classIndex) grow() {
	n := max(2*len(x.slots), 1024)
	x.slots = make([]uint64, n)
	x.shift = 64
	for ; n > 1; n >>= 1 {
		x.shift--
	}
	for c, h := range x.hashes {
		x.place(h, uint32(c))
	}
}
