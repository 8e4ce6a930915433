//go:build race

package textindex

// raceEnabled: the race detector drops pooled values at random, so that
// counts of allocations say nothing.
const raceEnabled = true
