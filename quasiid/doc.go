// Package quasiid loads tables into Apache Arrow record batches and encodes
// the columns that matter for disclosure risk into dense dictionary codes.
//
// It is the only package of reidrisk that imports Apache Arrow: the layers
// above work on [Table], whose columns are plain uint32 code slices with a
// [Dictionary] each. Moving to another Arrow major version changes imports
// here only.
//
// Invariants:
//   - Codes are local: a code means something only together with the
//     Dictionary of the column it was produced for. Anything that crosses
//     encoders (shards, workers, next week's data) must merge by value.
//   - Null is a value: a null cell and an empty string each get a code of
//     their own (sdcMicro treats NA as matching anything, ARX as its own
//     value after "NULL" substitution, pyCANON as NaN which never equals
//     itself; we follow ARX and state it in reports).
package quasiid
