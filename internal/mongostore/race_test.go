//go:build race

package mongostore_test

// raceEnabled: the race detector slows the embedded store about tenfold
// (FerretDB also turns on its debug checks), so timings mean little and big
// fixtures take minutes.
const raceEnabled = true
