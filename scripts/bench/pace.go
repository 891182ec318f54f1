package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// pace drives a bounded, rate-limited stream of requests for the benchmarks.

// paceResult is one open-loop load.
type paceResult struct {
	sent, errors int
	firstErr     string
	elapsed      time.Duration
	maxLag       time.Duration // how late the schedule sent a request
}

// pace calls do n times on a fixed schedule of rate per second, whatever the
// answers do (at most maxInFlight outstanding), so the deadlines it creates are
// spread the same way in every arm.
func pace(ctx context.Context, n int, rate float64, maxInFlight int, timeout time.Duration, do func(context.Context, int64) error) paceResult {
	var errs errCounter
	var wg sync.WaitGroup
	var sent atomic.Int64
	sem := make(chan struct{}, maxInFlight)
	interval := float64(time.Second) / rate
	start := time.Now()
	var maxLag time.Duration
	for i := range n {
		sched := start.Add(time.Duration(float64(i) * interval))
		if wait := time.Until(sched); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		maxLag = max(maxLag, time.Since(sched))
		sent.Add(1)
		wg.Add(1)
		go func(seq int64) {
			defer wg.Done()
			defer func() { <-sem }()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			if err := do(cctx, seq); err != nil {
				errs.add(fmt.Errorf("#%d: %w", seq, err))
			}
		}(int64(i + 1))
	}
	wg.Wait()
	return paceResult{sent: int(sent.Load()), errors: int(errs.n.Load()), firstErr: errs.first, elapsed: time.Since(start), maxLag: maxLag}
}
