package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// PostgreSQL is the largest CPU user when breaches fall together, shared by the
// Temporal server's persistence and complaintflow's writes. What its busy
// backends are doing, sampled with the arm's progress polls, says whether a slow
// write waits for CPU or for another transaction (a lock, a buffer, the WAL).

// dbWaits counts PostgreSQL's busy backends by what they were doing, over the
// samples of a window.
type dbWaits struct {
	samples int
	// The database, then "CPU", wait_event_type:wait_event, or "idle in
	// transaction": a transaction waiting for its client's next statement (a
	// client short of CPU, or busy elsewhere between two statements).
	byWhat map[string]int
}

// sampleDBWaits adds one sample of every database's busy client backends but
// this one: running a statement, or inside a transaction between two. A failed
// query leaves the sample out: the count is a diagnosis, not the run's result.
func (b *breachBench) sampleDBWaits(ctx context.Context, w *dbWaits) {
	var rows []struct {
		What string `db:"what"`
		N    int    `db:"n"`
	}
	err := b.db.SelectContext(ctx, &rows, `
		SELECT datname || ' ' || CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU') ELSE state END AS what,
			count(*) AS n
		FROM pg_stat_activity
		WHERE state IN ('active', 'idle in transaction') AND backend_type = 'client backend' AND pid <> pg_backend_pid()
		GROUP BY 1`)
	if err != nil {
		return
	}
	if w.byWhat == nil {
		w.byWhat = map[string]int{}
	}
	w.samples++
	for _, r := range rows {
		w.byWhat[r.What] += r.N
	}
}

// describe is the mean number of busy backends and the most frequent states.
func (w dbWaits) describe() string {
	if w.samples == 0 {
		return "n/a"
	}
	type state struct {
		what string
		n    int
	}
	var states []state
	total := 0
	for what, n := range w.byWhat {
		states = append(states, state{what, n})
		total += n
	}
	sort.Slice(states, func(i, j int) bool {
		if states[i].n != states[j].n {
			return states[i].n > states[j].n
		}
		return states[i].what < states[j].what
	})
	parts := make([]string, 0, 6)
	for i, s := range states {
		if i == 6 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.1f", s.what, float64(s.n)/float64(w.samples)))
	}
	return fmt.Sprintf("%.1f backends busy on average over %d samples (%s)",
		float64(total)/float64(w.samples), w.samples, strings.Join(parts, ", "))
}
