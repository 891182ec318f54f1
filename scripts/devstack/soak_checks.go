package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lib/pq"
	"go.temporal.io/api/workflowservice/v1"
)

// The soak's checks: what it asks the stack while it files, and what it
// counts once intake is over.

// monitor probes the stack every soakProbeEvery and reports a wedge once.
func (r *soakRun) monitor(ctx context.Context) {
	tick := time.NewTicker(soakProbeEvery)
	defer tick.Stop()
	var unreadySince, temporalSince, stalledSince time.Time
	lastOpened := -1
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		p := r.probe(ctx)
		if ctx.Err() != nil {
			return
		}
		since := func(bad bool, t *time.Time) time.Duration {
			if !bad {
				*t = time.Time{}
				return 0
			}
			if t.IsZero() {
				*t = p.at
			}
			return p.at.Sub(*t) + soakProbeEvery
		}
		p.unreadyFor = since(!p.ready, &unreadySince)
		p.temporalFor = since(p.temporalErr != "", &temporalSince)
		p.stalledFor = since(p.opened == lastOpened && p.opened < p.complaints, &stalledSince)
		lastOpened = p.opened
		r.mu.Lock()
		r.last = p
		r.mu.Unlock()
		var why []string
		if p.unreadyFor >= r.cfg.grace {
			why = append(why, fmt.Sprintf("/readyz unready for %s: %s", p.unreadyFor, p.readyz))
		}
		if p.temporalFor >= r.cfg.grace {
			why = append(why, fmt.Sprintf("the Temporal server failing for %s: %s", p.temporalFor, p.temporalErr))
		}
		if p.stalledFor >= r.cfg.grace {
			why = append(why, fmt.Sprintf("no workflow opened for %s with %d of %d recorded complaints waiting", p.stalledFor, p.complaints-p.opened, p.complaints))
		}
		if len(why) > 0 {
			select {
			case r.wedge <- errors.New(strings.Join(why, "; ")):
			default:
			}
			return
		}
	}
}

// probe asks the API's /readyz, the Temporal server (its namespace and a
// visibility list: what the wedged server failed) and PostgreSQL how they are.
func (r *soakRun) probe(ctx context.Context) soakProbe {
	p := soakProbe{at: time.Now(), accepted: r.accepted.Load()}
	defer func() { p.probeDuration = time.Since(p.at) }()
	pctx, cancel := context.WithTimeout(ctx, soakProbeEvery)
	defer cancel()
	if req, err := http.NewRequestWithContext(pctx, http.MethodGet, r.s.cfg.apiURL(0)+"/readyz", nil); err == nil {
		if resp, err := http.DefaultClient.Do(req); err != nil {
			p.readyz = err.Error()
		} else {
			raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			p.ready = resp.StatusCode == http.StatusOK
			if !p.ready {
				p.readyz = fmt.Sprintf("HTTP %d %s", resp.StatusCode, strings.TrimSpace(string(raw)))
			}
		}
	}
	if _, err := r.tc.WorkflowService().DescribeNamespace(pctx, &workflowservice.DescribeNamespaceRequest{Namespace: r.s.cfg.namespace}); err != nil {
		p.temporalErr = "describe namespace: " + err.Error()
	} else if _, err := r.tc.ListWorkflow(pctx, &workflowservice.ListWorkflowExecutionsRequest{
		PageSize: 1, Query: "WorkflowType = 'ComplaintWorkflow'",
	}); err != nil {
		p.temporalErr = "list workflows: " + err.Error()
	}
	if err := r.st.DB().QueryRowContext(pctx, `SELECT (SELECT count(*) FROM complaints),
		(SELECT count(*) FROM complaint_events WHERE kind = 'opened')`).Scan(&p.complaints, &p.opened); err != nil {
		p.opened = -1
	}
	p.sqliteBytes = r.sqliteSize()
	return p
}

func (r *soakRun) snapshot() soakProbe {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// sqliteSize is the dev server's database file and its write-ahead log.
func (r *soakRun) sqliteSize() int64 {
	if r.dbFile == "" {
		return 0
	}
	var n int64
	for _, f := range []string{r.dbFile, r.dbFile + "-wal"} {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// waitOpened waits until every complaint PostgreSQL holds has its workflow's
// 'opened' event (those answered 503 too: the reconciler starts their workflows)
// and returns how many complaints that is.
func (r *soakRun) waitOpened(ctx context.Context, timeout time.Duration) (int64, time.Duration, error) {
	start := time.Now()
	for {
		var recorded, opened int64
		if err := r.st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM complaints),
			(SELECT count(*) FROM complaint_events WHERE kind = 'opened')`).Scan(&recorded, &opened); err != nil {
			return 0, 0, err
		}
		if opened >= recorded {
			return recorded, time.Since(start), nil
		}
		if time.Since(start) > timeout {
			return recorded, 0, fmt.Errorf("%d of %d recorded complaints had no workflow-opened event %s after intake", recorded-opened, recorded, timeout)
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// checkOpened checks each accepted complaint of the open loop by id: it has
// exactly one 'opened' event.
func (r *soakRun) checkOpened(ctx context.Context, all []soakResult) error {
	var ids []string
	for _, res := range all {
		if res.id != "" {
			ids = append(ids, res.id)
		}
	}
	var good int
	err := r.st.DB().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT complaint_id FROM complaint_events
		WHERE kind = 'opened' AND complaint_id = ANY($1::uuid[]) GROUP BY complaint_id HAVING count(*) = 1) x`, pq.Array(ids)).Scan(&good)
	if err != nil {
		return err
	}
	if good != len(ids) {
		return fmt.Errorf("%d of %d accepted complaints lack exactly one workflow-opened event", len(ids)-good, len(ids))
	}
	return nil
}

// countWorkflows is the number of complaint workflows Temporal's visibility lists,
// once it has caught up with want (or a minute has passed).
func (r *soakRun) countWorkflows(ctx context.Context, want int64) (int64, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res, err := r.tc.CountWorkflow(cctx, &workflowservice.CountWorkflowExecutionsRequest{Query: "WorkflowType = 'ComplaintWorkflow'"})
		cancel()
		if err != nil {
			return 0, fmt.Errorf("count workflows: %w", err)
		}
		if res.GetCount() == want || time.Now().After(deadline) {
			return res.GetCount(), nil
		}
		time.Sleep(2 * time.Second)
	}
}

// wedged describes a wedge with what the soak saw last and the dev server's log.
func (r *soakRun) wedged(err error) error {
	p := r.snapshot()
	r.s.out.Say("soak: WEDGED after %d accepted complaints: %v", r.accepted.Load(), err)
	r.s.out.Say("soak: last probe: complaints %d, opened %d, sqlite %s, readyz %s, temporal %q",
		p.complaints, p.opened, mib(p.sqliteBytes), readyWord(p), p.temporalErr)
	if r.logFile != "" {
		r.s.out.Say("soak: %s", logSummary(r.logFile))
	}
	return fmt.Errorf("soak wedged: %w", err)
}
