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
	total := 0
	for _, n := range w.byWhat {
		total += n
	}
	return fmt.Sprintf("%.1f backends busy on average over %d samples (%s)",
		float64(total)/float64(w.samples), w.samples, topMeans(w.byWhat, w.samples, 6))
}

// topMeans lists the n most frequent labels of counts taken over samples, each
// with its mean per sample, most frequent first (ties by label).
func topMeans(counts map[string]int, samples, n int) string {
	labels := make([]string, 0, len(counts))
	for label := range counts {
		labels = append(labels, label)
	}
	sort.Slice(labels, func(i, j int) bool {
		if counts[labels[i]] != counts[labels[j]] {
			return counts[labels[i]] > counts[labels[j]]
		}
		return labels[i] < labels[j]
	})
	parts := make([]string, 0, n)
	for _, label := range labels[:min(n, len(labels))] {
		parts = append(parts, fmt.Sprintf("%s %.1f", label, float64(counts[label])/float64(samples)))
	}
	return strings.Join(parts, ", ")
}

// sessionCounts is how many sessions each database has had since the server
// started (pg_stat_database, PostgreSQL 14 and later); nil if it cannot be read.
func (b *breachBench) sessionCounts(ctx context.Context) map[string]int64 {
	var rows []struct {
		DB       string `db:"datname"`
		Sessions int64  `db:"sessions"`
	}
	if err := b.db.SelectContext(ctx, &rows, `SELECT datname, sessions FROM pg_stat_database WHERE datname IS NOT NULL`); err != nil {
		return nil
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.DB] = r.Sessions
	}
	return out
}

// sessionsOpened describes the sessions opened between two sessionCounts, by
// database: a pool that closes connections it could keep pays PostgreSQL a new
// backend, an authentication and cold caches for each.
func sessionsOpened(before, after map[string]int64) string {
	if before == nil || after == nil {
		return "n/a"
	}
	var dbs []string
	for db := range after {
		if after[db] > before[db] {
			dbs = append(dbs, db)
		}
	}
	if len(dbs) == 0 {
		return "none"
	}
	sort.Strings(dbs)
	parts := make([]string, len(dbs))
	for i, db := range dbs {
		parts[i] = fmt.Sprintf("%s %d", db, after[db]-before[db])
	}
	return strings.Join(parts, ", ")
}
