// Package anonymity counts equivalence classes and computes every
// re-identification risk and privacy measure from them.
//
// [Count] turns an encoded [quasiid.Table] into [Classes], the mergeable
// class table; every measure in this package reads Classes and never rows,
// except [SUDA2]: a record's minimal sample uniques are subsets of its own
// QI values, which no class table over all QIs holds, so SUDA2 reads the
// Table's rows itself. [ColumnWeights] parses a column of sampling
// weights and measures nothing.
package anonymity
