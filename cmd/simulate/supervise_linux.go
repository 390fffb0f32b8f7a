package main

import "syscall"

// childAttr makes the child receive SIGTERM when the supervisor dies (a
// kill -9 of the parent must not leave a child writing results alone).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
