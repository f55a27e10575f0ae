// Package reidrisk measures who in a table can be singled out and what
// coarsening makes it safe.
//
// It is the facade over the library's layers: [quasiid] loads and encodes
// a table, [anonymity] counts equivalence classes and computes every
// measure from them. [Analyze] runs the whole chain and returns a [Report]
// whose JSON field names are a stable contract shared with the reidrisk
// command.
//
// Each options type has a Validate method, which the function taking it
// calls first: an option out of range, or at odds with another, is an
// [*OptionError] naming the field (as "K" or "Policy.T"), so that a command
// line can name its flag.
//
// Nothing in a Report holds a direct-identifier or subject value unless
// Options.ShowValues asks for it.
package reidrisk
