//go:build !race

package groupby

const raceEnabled = false
