package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// console serialises output from devstack and its children line by line, so
// concurrent writers never interleave within a line.
type console struct {
	mu      sync.Mutex
	w       io.Writer
	writers []*prefixWriter
}

func newConsole() *console { return &console{w: os.Stdout} }

// Say prints a devstack message.
func (c *console) Say(format string, args ...any) {
	msg := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, line := range strings.Split(msg, "\n") {
		if line == "" {
			fmt.Fprintln(c.w)
			continue
		}
		fmt.Fprintln(c.w, "[devstack] "+line)
	}
}

// Prefixed returns a writer that prints each line it is given behind prefix.
func (c *console) Prefixed(prefix string) io.Writer {
	c.mu.Lock()
	defer c.mu.Unlock()
	pw := &prefixWriter{c: c, prefix: prefix}
	c.writers = append(c.writers, pw)
	return pw
}

// Flush prints the unterminated last lines children left behind.
func (c *console) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, pw := range c.writers {
		if len(pw.partial) > 0 {
			fmt.Fprintf(c.w, "%s%s\n", pw.prefix, pw.partial)
			pw.partial = nil
		}
	}
}

type prefixWriter struct {
	c       *console
	prefix  string
	partial []byte // a line not yet ended by '\n'
}

func (pw *prefixWriter) Write(p []byte) (int, error) {
	pw.c.mu.Lock()
	defer pw.c.mu.Unlock()
	data := append(pw.partial, p...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		fmt.Fprintf(pw.c.w, "%s%s\n", pw.prefix, data[:i])
		data = data[i+1:]
	}
	pw.partial = append([]byte(nil), data...)
	return len(p), nil
}
