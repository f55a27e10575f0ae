// Package generalize finds the least full-domain generalisation of a
// table's quasi-identifiers that meets a privacy policy, and applies it.
//
// A [Hierarchy] gives, for every value of one column, its generalisations
// from level 0 (the value itself) to the top (usually "*"). Hierarchies are
// read from ARX's CSV format ([ReadHierarchy]) or built ([Intervals],
// [Masking], [IPv4], [Timestamps], [TimeOfDay], [Weekday], [Ordered],
// [Taxonomy], [Auto]).
//
// A node of the generalisation lattice is a vector of levels, one per
// quasi-identifier. [Search] walks the lattice over the equivalence-class
// table of the ungeneralised data ([anonymity.Classes]): a node's classes
// are obtained by rolling up the classes of an already evaluated finer
// node through the hierarchies' level maps, so rows are read once whatever
// the number of nodes. Records in classes that fail the [Policy] are
// suppressed, up to Policy.MaxSuppression.
//
// [LocalSuppress] blanks single QI cells instead (sdcMicro's local
// suppression, a blank matching any value), on its own or, with
// Policy.LocalSuppression, as the last step of the search.
//
// A [Transform] records the chosen levels, hierarchies and policy as JSON
// so that the same generalisation can be reapplied to new data of the same
// schema; values the hierarchies do not cover are counted, never dropped
// silently.
package generalize
