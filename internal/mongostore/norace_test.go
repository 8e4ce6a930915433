//go:build !race

package mongostore_test

const raceNote = "without the race detector"
