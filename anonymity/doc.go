// Package anonymity counts equivalence classes and computes every
// re-identification risk and privacy measure from them.
//
// [Count] turns an encoded [quasiid.Table] into [Classes], the mergeable
// class table; every measure in this package reads Classes and never rows.
package anonymity
