//go:build !linux

package httpapi_test

import "time"

// regThreadCPU is not measured off Linux.
func regThreadCPU() (time.Duration, bool) { return 0, false }
