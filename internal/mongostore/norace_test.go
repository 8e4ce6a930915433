//go:build !race

package mongostore_test

const raceEnabled = false
