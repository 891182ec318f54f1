package main

import (
	"context"
	"fmt"
	"time"
)

// openSLA is the first-response SLA of -breach-open's complaints: far beyond any run,
// so they neither warn nor breach while the arms are measured.
const openSLA = 7 * 24 * time.Hour

// fileOpen files -breach-open complaints under openSLA before the arms, so every arm
// meets a server and database that hold them open (their workflows asleep on
// durable timers, their rows in the tables the cron arm's neighbours share), and
// waits for the worker to go quiet after them.
func (b *breachBench) fileOpen(ctx context.Context) error {
	if err := setPolicy(ctx, b.db, openSLA, 2*openSLA, b.cfg.breachWarnings); err != nil {
		return err
	}
	n := b.cfg.breachOpen
	b.s.say("open complaints: %d filed at %g/s with a %s first-response SLA…", n, b.cfg.breachOpenRate, openSLA)
	load := pace(ctx, n, b.cfg.breachOpenRate, b.cfg.maxInFlight, b.cfg.timeout, b.fileComplaint(b.runID+"-open"))
	if err := ctx.Err(); err != nil {
		return err
	}
	if load.errors > 0 || load.sent != n {
		return fmt.Errorf("open complaints: %d of %d sent, %d failed; first error: %s", load.sent, n, load.errors, load.firstErr)
	}
	if _, err := b.s.quiesce(ctx); err != nil && ctx.Err() == nil {
		b.s.say("open complaints: %v; going on", err)
	}
	b.s.say("open complaints: %d filed in %.1fs", n, load.elapsed.Seconds())
	return ctx.Err()
}

// openComplaints counts the complaints not yet resolved, as each arm starts.
func (b *breachBench) openComplaints(ctx context.Context) (int64, error) {
	var n int64
	err := b.db.GetContext(ctx, &n, `SELECT count(*) FROM complaints WHERE status NOT IN ('resolved', 'closed')`)
	return n, err
}
