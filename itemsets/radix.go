package itemsets

// radixSort sorts keys ascending, moving subs along, by an LSD radix sort
// on the low nbits bits of the keys (11 bits per pass); it is stable, so
// the subjects of one key stay in their input order. tk and ts are scratch
// of the same length; the sorted data ends in keys and subs.
func radixSort(keys []uint64, subs []uint32, tk []uint64, ts []uint32, nbits int) {
	const digit = 11
	var count [1 << digit]int
	src, dst := keys, tk
	ssrc, sdst := subs, ts
	passes := 0
	for shift := 0; shift < nbits; shift += digit {
		clear(count[:])
		for _, k := range src {
			count[(k>>shift)&(1<<digit-1)]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for i, k := range src {
			d := (k >> shift) & (1<<digit - 1)
			p := count[d]
			count[d]++
			dst[p] = k
			sdst[p] = ssrc[i]
		}
		src, dst = dst, src
		ssrc, sdst = sdst, ssrc
		passes++
	}
	if passes%2 == 1 {
		copy(keys, src)
		copy(subs, ssrc)
	}
}
