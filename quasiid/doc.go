// Package quasiid loads tables into Apache Arrow record batches and encodes
// the columns that matter for disclosure risk into dense dictionary codes.
//
// It is the only package of reidrisk that imports Apache Arrow: the layers
// above work on [Table], whose columns are plain uint32 code slices with a
// [Dictionary] each. Moving to another Arrow major version changes imports
// here only.
//
// # Reading
//
// [Open] and [Read] detect the format from the first bytes: Parquet
// ("PAR1"), Arrow IPC file ("ARROW1"), Arrow IPC stream (continuation
// marker 0xFFFFFFFF), else CSV. CSV needs a header row; the delimiter is
// given or detected among comma, semicolon, tab and bar; quoted fields may
// hold delimiters, quotes ("") and newlines (RFC 4180); every column is read
// as UTF-8 text, so ZIP codes keep their leading zeros and a column whose
// first value is "F" stays text. Blank lines are skipped, as encoding/csv
// does. CSV has no null: a field is null only when it equals one of
// [ReadOptions].NullValues. [FromRecord], [FromTable] and [FromRecordReader]
// wrap data the caller already holds. A [Source] yields record batches of
// at most [ReadOptions].BatchSize rows and is read once.
//
// # Encoding
//
// [Encode] turns each column named by a [Spec] into codes, batch by batch,
// so memory grows with the encoded columns and not with the file. Values
// are compared by their canonical text: strings as they are, integers in
// decimal, floats as integers when integral (39.0 and 39 are the same
// value) and otherwise in the shortest form that reads back exactly,
// booleans as true/false, dates as YYYY-MM-DD, timestamps in RFC 3339.
// The Time column is parsed to Unix seconds instead.
//
// Encode reads only the named columns and uses every core: a Parquet file
// row group by row group on parallel workers, decoding dictionary-encoded
// and plain byte-array and dictionary-encoded integer pages itself (each
// dictionary entry is coded once, not each row) and anything else through
// Arrow, with integers and timestamps coded by value and formatted once
// per distinct value, merged in order ([EncodeChunks] hands the chunks
// over as they come, in memory bounded by a few chunks); a CSV
// file in blocks of whole records split and coded by parallel workers and
// merged in order. Codes and dictionaries are those of a sequential read
// (dense, in order of first appearance), and errors name the same row,
// line and column. [EncodeChunks] hands a CSV file's rows over in chunks
// as they are merged, its memory bounded by a few blocks and one chunk
// whatever the length of the file; Encode is the same path keeping every
// row.
//
// Bad input gives an [*InputError] naming the file, the 1-based data row,
// the line where that row starts (CSV) and the column, and wrapping its
// cause, if any. An error found after encoding, which the encoded table
// knows by row only (a bad weight, a bad duration), gets its line from
// [Source.Locate].
//
// # Writing
//
// [Rewrite] streams a Source out with some columns rewritten and some rows
// dropped (to apply a generalisation or a suppression), and [WriteTable]
// writes small result tables, both as CSV, Parquet or Arrow IPC.
//
// # Invariants
//
//   - Codes are local: a code means something only together with the
//     Dictionary of the column it was produced for. Anything that crosses
//     encoders (shards, workers, next week's data) must merge by value.
//   - Null is a value: a null cell and an empty string each get a code of
//     their own (sdcMicro treats NA as matching anything, ARX as its own
//     value after "NULL" substitution, pyCANON as NaN which never equals
//     itself; we follow ARX and state it in reports).
package quasiid
