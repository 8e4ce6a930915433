//go:build linux

package httpapi_test

import (
	"syscall"
	"time"
	"unsafe"
)

// regThreadCPU returns the CPU time the calling thread has used, so that a
// benchmark that locked its goroutine to the thread can tell the time a
// request costs from the time it waited for a CPU on a busy machine.
// CLOCK_THREAD_CPUTIME_ID (3) counts in nanoseconds; getrusage's thread
// times move in scheduler ticks, too coarse for a request.
func regThreadCPU() (time.Duration, bool) {
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
