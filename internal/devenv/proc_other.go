//go:build unix && !linux

package devenv

import "syscall"

// setChildAttrs puts the child in its own process group. Only Linux can tie the
// child's life to ours (Pdeathsig); elsewhere Stop must run.
func setChildAttrs(a *syscall.SysProcAttr) {
	a.Setpgid = true
}
