package api

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The API's own request latencies, kept where the risk monitor reads them (002 §9.1
// 「系统故障(响应时间>5秒)」): an in-memory aggregate per minute, flushed to
// api_latency_minutes in one statement at most every latencyFlushEvery — never one
// write per request.

// latencyFlushEvery is how often the aggregates are written, at most.
const latencyFlushEvery = 15 * time.Second

// latencies aggregates request durations by minute until they are flushed.
type latencies struct {
	mu        sync.Mutex
	minutes   map[time.Time]*store.LatencyMinute
	lastFlush time.Time
	flushing  atomic.Bool
}

// observe adds one request that started at start and took elapsed, and reports
// whether a flush is due.
func (l *latencies) observe(start time.Time, elapsed time.Duration) bool {
	minute := start.UTC().Truncate(time.Minute)
	ms := elapsed.Milliseconds()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.minutes == nil {
		l.minutes, l.lastFlush = map[time.Time]*store.LatencyMinute{}, time.Now()
	}
	m := l.minutes[minute]
	if m == nil {
		m = &store.LatencyMinute{Minute: minute}
		l.minutes[minute] = m
	}
	m.Requests++
	m.TotalMS += ms
	m.MaxMS = max(m.MaxMS, ms)
	if elapsed > quality.SlowRequest {
		m.Slow++
	}
	return time.Since(l.lastFlush) >= latencyFlushEvery
}

// take empties the aggregate and returns what it held.
func (l *latencies) take() []store.LatencyMinute {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]store.LatencyMinute, 0, len(l.minutes))
	for _, m := range l.minutes {
		out = append(out, *m)
	}
	l.minutes, l.lastFlush = map[time.Time]*store.LatencyMinute{}, time.Now()
	return out
}

// putBack returns a batch that could not be written, to be tried with the next.
func (l *latencies) putBack(batch []store.LatencyMinute) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range batch {
		m := l.minutes[b.Minute]
		if m == nil {
			b := b
			l.minutes[b.Minute] = &b
			continue
		}
		m.Requests += b.Requests
		m.TotalMS += b.TotalMS
		m.MaxMS = max(m.MaxMS, b.MaxMS)
		m.Slow += b.Slow
	}
}

// FlushLatencies writes the request latencies aggregated so far; the starter calls
// it on shutdown so the last seconds are kept too.
func (s *Server) FlushLatencies(ctx context.Context) error {
	batch := s.lat.take()
	if err := s.store.AddLatencies(ctx, batch); err != nil {
		s.lat.putBack(batch)
		return err
	}
	return nil
}

// flushLatenciesSoon flushes in the background, one flush at a time.
func (s *Server) flushLatenciesSoon() {
	if !s.lat.flushing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.lat.flushing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.FlushLatencies(ctx); err != nil {
			s.log.Warn("request latencies not stored; kept for the next flush", "err", err)
		}
	}()
}
