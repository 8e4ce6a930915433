//go:build unix

package main

import "syscall"

// raiseOpenFileLimit raises the soft limit on open files to the hard limit,
// for this process and the server it starts (which inherits it), and returns
// the limit now in force. Each subscriber holds a socket on both sides.
func raiseOpenFileLimit() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0
	}
	if l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l)
	}
	return l.Cur
}
