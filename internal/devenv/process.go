// Package devenv starts real PostgreSQL and Temporal servers as child processes,
// for tests (see internal/testenv) and for the local dev stack (scripts/devstack).
// Every child runs in its own process group and, on Linux, is killed when its
// parent dies, so a crashed test binary or a killed `make run` leaves nothing behind.
package devenv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process is a started child process in its own process group.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set before done is closed
}

// StartProcess starts cmd in a new process group that dies with this process
// (Linux), so Stop can take down the child together with anything it forked.
func StartProcess(cmd *exec.Cmd) (*Process, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	setChildAttrs(cmd.SysProcAttr)
	// Output copied through pipes must not keep Wait hanging if a grandchild
	// holds them open after the child is gone.
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = 2 * time.Second
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is the child's process id (and process group id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the child has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is the child's exit error (nil for exit status 0); valid once Done is closed.
func (p *Process) Err() error {
	select {
	case <-p.done:
		return p.err
	default:
		return nil
	}
}

// Stop sends sig to the child's process group, waits up to grace for the child to
// exit, then kills the whole group. It returns an error only if the child had to be
// killed; a child that already exited, or exits on sig, counts as stopped.
func (p *Process) Stop(sig syscall.Signal, grace time.Duration) error {
	pgid := p.Pid()
	select {
	case <-p.done:
		// Already gone; still sweep up anything it left in its group.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		return nil
	default:
	}
	_ = syscall.Kill(-pgid, sig)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		return nil
	case <-timer.C:
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
	return fmt.Errorf("%s did not stop within %s after %s; killed", filepath.Base(p.cmd.Path), grace, sig)
}

// FreePort asks the kernel for a TCP port that is free on 127.0.0.1 right now.
// Another process may grab it before we use it; callers with an automatic port
// retry on a bind failure.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// checkPortFree fails with a clear message when something already listens on
// 127.0.0.1:port. Without it, a server that cannot bind exits while our readiness
// probe may be answered by whoever holds the port.
func checkPortFree(what string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("%s port %d: %w (another instance still running?)", what, port, errPortInUse)
	}
	return l.Close()
}

// openLog opens path for appending, or a fresh temp file when path is "".
// created reports whether the file is ours to remove.
func openLog(path, pattern string) (f *os.File, created bool, err error) {
	if path == "" {
		f, err = os.CreateTemp("", pattern)
		return f, err == nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, false, err
	}
	f, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	return f, false, err
}

// logTail returns the last lines of a log file, for error messages.
func logTail(path string, lines int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read log %s: %v)", path, err)
	}
	defer f.Close()
	const maxBytes = 16 << 10
	if st, err := f.Stat(); err == nil && st.Size() > maxBytes {
		_, _ = f.Seek(st.Size()-maxBytes, io.SeekStart)
	}
	data, _ := io.ReadAll(f)
	all := strings.Split(strings.TrimRight(string(bytes.ToValidUTF8(data, nil)), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// errPortInUse: the server was never started, so its log has nothing to add.
var errPortInUse = errors.New("already in use")

// withLog wraps err with the tail of the log file, so a failed start explains itself.
func withLog(err error, logPath string) error {
	if errors.Is(err, errPortInUse) {
		return err
	}
	return fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, logPath, logTail(logPath, 30))
}

// doneOf is p.Done(), or a closed channel once a server's Stop has dropped p.
func doneOf(p *Process) <-chan struct{} {
	if p == nil {
		closed := make(chan struct{})
		close(closed)
		return closed
	}
	return p.Done()
}

func exited(p *Process) bool {
	select {
	case <-p.Done():
		return true
	default:
		return false
	}
}

// exitError describes how a child ended, for "exited during start" errors.
func exitError(name string, p *Process) error {
	if err := p.Err(); err != nil {
		return fmt.Errorf("%s exited during start: %w", name, err)
	}
	return errors.New(name + " exited during start")
}
