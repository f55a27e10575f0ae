// Package itemsets measures how the set of items per subject — the devices,
// formats or titles of an account — singles people out: k^m-anonymity
// (Terrovitis, Mamoulis & Kalnis, "Privacy-preserving anonymization of
// set-valued data", PVLDB 1(1):115–125, 2008), and searches the least global
// recoding of the items that meets it.
//
// The input is a table with one (subject, item) pair per row; rows per
// subject vary. [FromTable] turns the encoded subject and item columns of a
// [quasiid.Table] into [Sets]: per subject, the sorted distinct item codes.
//
// Definitions (pinned by the tests):
//
//   - set(s) is the set of items of subject s's rows. An item repeated in
//     several rows of s counts once (DuplicateRows counts the repeats). A
//     null item is a value of its own ("NULL"); a row with a null subject
//     belongs to nobody known and is skipped and counted (SkippedRows),
//     never merged into one pseudo-subject.
//   - sup(I) = |{s : I ⊆ set(s)}|, the number of SUBJECTS (never rows)
//     whose set contains the itemset I.
//   - An itemset I occurs if sup(I) ≥ 1. It violates k^m-anonymity if
//     1 ≤ sup(I) < k and |I| ≤ m. The sets are k^m-anonymous iff no itemset
//     violates: an attacker who knows at most m items of a person's set
//     always finds at least k candidate subjects.
//   - violating_itemsets_by_size[j] counts ALL violating itemsets of j
//     items, also those with a violating subset (if {a} is held by one
//     subject, every pair {a, b} it occurs in is counted too). The count is
//     exact; Apriori's monotonicity, sup(I) ≤ sup(J) for J ⊆ I, decides only
//     how it is computed.
//   - A subject is in violation if set(s) contains a violating itemset; for
//     m ≥ 1 that is the case as soon as s holds an infrequent item.
//   - MinSupport is min sup(I) over the occurring itemsets with |I| ≤ m: the
//     sets are k^m-anonymous exactly for k ≤ MinSupport.
//
// Algorithm (Apriori's monotonicity used for the work, never for the
// counts). Item supports come from posting lists. An itemset holding an
// infrequent item a (sup(a) < k) is violating and occurs only in the fewer
// than k sets holding a: it is enumerated there, once, under its smallest
// infrequent item, with its exact support. Pairs of frequent items are
// counted over all subjects; the infrequent ones keep their (fewer than k)
// subjects. A triple of frequent items holding an infrequent pair is
// violating and is enumerated, once, from the subjects of its smallest
// infrequent pair. Only the remaining candidates — triples whose three pairs
// are frequent — are counted over all subjects. Counting gathers (key,
// subject) pairs, keys packing the item codes (⌈log2 items⌉ bits each; at
// most 21 bits for m = 3), radix-sorts them and reads supports and the
// violating subjects off the runs, in passes over ranges of 2-item prefixes
// holding at most Options.PassSize occurrences each, so memory is bounded
// by the sets, the posting lists, the infrequent pairs and the passes in
// flight; passes run in parallel. Itemsets of up to MaxM = 3 items are
// counted (the attacker knowledge the paper's experiments study).
package itemsets
