package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// PostgreSQL shows the Temporal server's transactions sitting idle between
// statements under a burst, waiting for the server (breach_pgwait.go). What the
// server's goroutines inside those transactions are doing — waiting for the
// database's answer, for a connection, for a lock, or runnable and waiting for a
// processor — is in the server's own goroutine dump, taken every few seconds of
// a complaintflow arm with -temporal-goroutines.

// txGoroutineEvery is how often a dump is taken: a dump of a few thousand
// goroutines stops the server's world for milliseconds.
const txGoroutineEvery = 5 * time.Second

// txGoroutines counts the server's goroutines inside a persistence transaction,
// over the dumps of a window, by their state and what they wait in; and every
// goroutine waiting for a lock, by the code that takes it.
type txGoroutines struct {
	dumps, all, inTx int
	byWhat           map[string]int
	locks            map[string]int
	last             time.Time
}

// sampleTxGoroutines takes a dump of the server's goroutines if one is due,
// appends it to -temporal-goroutines and counts it. A failed fetch leaves the
// dump out: the count is a diagnosis, not the run's result.
func (b *breachBench) sampleTxGoroutines(ctx context.Context, arm string, round int, g *txGoroutines) {
	if b.s.serverGoroutinesURL == "" || arm != armComplaintflow || time.Since(g.last) < txGoroutineEvery {
		return
	}
	g.last = time.Now()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.s.serverGoroutinesURL, nil)
	if err != nil {
		return
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return
	}
	if f, err := os.OpenFile(b.cfg.serverGoroutines, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		fmt.Fprintf(f, "### round %d %s, %s\n\n%s\n", round, arm, g.last.UTC().Format(time.RFC3339Nano), raw)
		f.Close()
	}
	g.add(string(raw))
}

// add counts one dump in pprof's debug=2 format: goroutines separated by blank
// lines, each a "goroutine N [state, wait]:" line and its frames, innermost first.
func (g *txGoroutines) add(dump string) {
	if g.byWhat == nil {
		g.byWhat, g.locks = map[string]int{}, map[string]int{}
	}
	g.dumps++
	for _, block := range strings.Split(dump, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if !strings.HasPrefix(lines[0], "goroutine ") {
			continue
		}
		g.all++
		if state := goroutineState(lines[0]); strings.HasPrefix(state, "sync.") || state == "semacquire" {
			g.locks[waitingIn(lines[1:])]++
		}
		// Every transaction of the SQL persistence runs inside txExecute, from
		// BeginTx to Commit.
		if !strings.Contains(block, "persistence/sql.(*SqlStore).txExecute") {
			continue
		}
		g.inTx++
		g.byWhat[goroutineState(lines[0])+" in "+waitingIn(lines[1:])]++
	}
}

// goroutineState is the state of a "goroutine N [state, 2 minutes]:" line.
func goroutineState(header string) string {
	_, rest, _ := strings.Cut(header, "[")
	state, _, _ := strings.Cut(rest, "]")
	state, _, _ = strings.Cut(state, ",")
	return state
}

// waitingIn names the innermost frame outside the runtime and the standard
// library's plumbing (network reads, locks, timers): the code that waits.
func waitingIn(frames []string) string {
	for _, f := range frames {
		if strings.HasPrefix(f, "\t") || strings.HasPrefix(f, "created by ") {
			continue // a file:line line, or the creator
		}
		fn := f
		if i := strings.LastIndexByte(fn, '('); i > 0 && strings.HasSuffix(fn, ")") {
			fn = fn[:i] // the arguments
		}
		if plumbing(fn) {
			continue
		}
		return fn[strings.LastIndexByte(fn, '/')+1:]
	}
	return "?"
}

func plumbing(fn string) bool {
	for _, p := range []string{"runtime.", "internal/", "sync.", "net.", "bufio.", "io.", "syscall.", "os.", "time.", "context.", "crypto/"} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// describe is the mean number of goroutines inside a transaction per dump and
// the most frequent things they were doing.
func (g txGoroutines) describe() string {
	if g.dumps == 0 {
		return "n/a"
	}
	locked := 0
	for _, n := range g.locks {
		locked += n
	}
	return fmt.Sprintf("%.1f of %.0f goroutines inside a persistence transaction on average over %d dumps (%s); %.1f waiting for a lock (%s)",
		float64(g.inTx)/float64(g.dumps), float64(g.all)/float64(g.dumps), g.dumps, topMeans(g.byWhat, g.dumps, 6),
		float64(locked)/float64(g.dumps), topMeans(g.locks, g.dumps, 3))
}
