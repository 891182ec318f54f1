package devenv

import "syscall"

// setChildAttrs puts the child in its own process group (so Stop can signal the
// group, and a terminal's Ctrl-C reaches only us, letting us stop children in
// order) and has the kernel SIGKILL it if we die.
func setChildAttrs(a *syscall.SysProcAttr) {
	a.Setpgid = true
	a.Pdeathsig = syscall.SIGKILL
}
