//go:build race

package mongostore_test

const raceNote = "with the race detector: several times slower than a real start"
