// Package beam computes reidrisk's equivalence classes and disclosure-risk
// measures on Apache Beam, for tables that outgrow one machine.
//
// The transforms never send one element per row through the runner. Rows
// (or whole files, or Arrow IPC streams) are counted inside each bundle
// with the core's vectorised counter, anonymity.Count, and leave the bundle
// as partial class tables serialised with (*anonymity.Classes).MarshalBinary.
// Dictionary codes are local to the worker that produced them, so partial
// tables are merged by value with anonymity.Merge, never by code:
//
//	rows ──► CountRows ──► partial tables ──► ShardClasses ──► complete classes per shard ──► Measures ──► Summary
//	                                     └──► MergeClasses ──► one class table (when it fits in memory)
//
// ShardClasses routes every class by a hash of its value tuple (FNV-1a over
// the values, null marked apart from the empty string), so each shard ends
// up holding complete classes and the measures can be computed shard by
// shard; only a class-size histogram and a few minima and maxima reach the
// driver. The figures equal those of the anonymity package on the same
// data: the integer figures exactly, the per-class floating-point figures
// (entropy l, t-closeness) up to the order of a floating-point sum.
//
// Event logs take the same route: TemporalRows, TemporalFiles and
// TemporalStreams digest each bundle's events per subject, by value (each
// event key with the ISO weeks it occurs in, and the subject's trace
// points; temporal.NewDigest), and TemporalMeasures merges the digests of
// a subject wherever they were read, decides its habits, counts the
// subjects of every habit and of every trace point on hashed shards, and
// combines habit anonymity a(s), its shares and the exact p = 1 trace
// unicity into one TemporalSummary, equal to temporal.Analyze's figures.
//
// The package is its own Go module so that importing the core library never
// pulls Beam's dependencies. Its name collides with Apache Beam's package;
// import it under another name:
//
//	import rbeam "github.com/reidrisk/reidrisk/beam"
package beam
