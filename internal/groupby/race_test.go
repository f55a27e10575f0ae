//go:build race

package groupby

// raceEnabled scales tests down under the race detector.
const raceEnabled = true
