package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/robfig/cron/v3"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The three arms of the breach benchmark — complaintflow, a bare Temporal timer, a
// cron poller — and how each one's breaches are filed and measured.

// BreachTimerInput starts the bare timer workflow.
type BreachTimerInput struct {
	RunID string
	Seq   int64
	DueAt time.Time
}

// BreachRecord is what the bare workflow's activity inserts.
type BreachRecord struct {
	RunID   string
	Seq     int64
	DueAt   time.Time
	FiredAt time.Time
}

// BreachTimerWorkflow is a breach minus complaintflow: one durable timer until the
// deadline, then one activity that records the breach in PostgreSQL.
func BreachTimerWorkflow(ctx workflow.Context, in BreachTimerInput) error {
	if err := workflow.Sleep(ctx, max(in.DueAt.Sub(workflow.Now(ctx)), 0)); err != nil {
		return err
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		// As complaintflow's activities: retried with backoff, no attempt cap.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	return workflow.ExecuteActivity(ctx, breachActivityName, BreachRecord{
		RunID: in.RunID, Seq: in.Seq, DueAt: in.DueAt, FiredAt: workflow.Now(ctx),
	}).Get(ctx, nil)
}

type breachActivities struct{ db *sqlx.DB }

// RecordBreach inserts the timer arm's breach row, once.
func (a *breachActivities) RecordBreach(ctx context.Context, r BreachRecord) error {
	_, err := a.db.ExecContext(ctx, `INSERT INTO bench_breaches (arm, run_id, seq, due_at, fired_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, armTimer, r.RunID, r.Seq, r.DueAt, r.FiredAt)
	return err
}

// registerBreachTimer puts the timer arm's workflow and activity on the bench worker,
// next to the real ones; they use the store's connection pool.
func registerBreachTimer(w worker.Worker, st interface{ DB() *sqlx.DB }) {
	w.RegisterWorkflowWithOptions(BreachTimerWorkflow, workflow.RegisterOptions{Name: BreachTimerWorkflowName})
	w.RegisterActivityWithOptions((&breachActivities{db: st.DB()}).RecordBreach, activity.RegisterOptions{Name: breachActivityName})
}

// fileComplaint files complaint seq of the run through POST /v1/complaints.
func (b *breachBench) fileComplaint(runID string) func(context.Context, int64) error {
	url := b.s.baseURL + "/v1/complaints"
	auth := "Bearer " + b.s.intakeToken
	return func(ctx context.Context, seq int64) error {
		return postComplaint(ctx, b.http, url, auth, complaintBody(runID, seq))
	}
}

// dueRange is the first and last of the deadlines handed out.
type dueRange struct {
	mu          sync.Mutex
	first, last time.Time
}

func (d *dueRange) add(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.first.IsZero() || t.Before(d.first) {
		d.first = t
	}
	if t.After(d.last) {
		d.last = t
	}
}

// startTimer starts bare timer workflow seq, due sla from now.
func (b *breachBench) startTimer(runID string, sla time.Duration, dues *dueRange) func(context.Context, int64) error {
	return func(ctx context.Context, seq int64) error {
		due := time.Now().Add(sla).Truncate(time.Microsecond) // PostgreSQL's precision
		dues.add(due)
		id := "bench-breach-timer-" + runID + "-" + strconv.FormatInt(seq, 10)
		_, err := b.s.tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: b.cfg.taskQueue},
			BreachTimerWorkflowName, BreachTimerInput{RunID: runID, Seq: seq, DueAt: due})
		var started *serviceerror.WorkflowExecutionAlreadyStarted
		if errors.As(err, &started) {
			return nil // an internal retry of a start that got through
		}
		return err
	}
}

// insertItem inserts open item seq, due one first-response SLA from now.
func (b *breachBench) insertItem(runID string) func(context.Context, int64) error {
	secs := b.cfg.breachFirstResponse.Seconds()
	return func(ctx context.Context, seq int64) error {
		_, err := b.db.ExecContext(ctx, `INSERT INTO bench_breach_items (run_id, seq, due_at)
			VALUES ($1, $2, now() + make_interval(secs => $3))`, runID, seq, secs)
		return err
	}
}

// startCron starts the poller; the returned function stops it and waits for a scan
// in progress.
func (b *breachBench) startCron(r *armResult) (func(), error) {
	c := cron.New() // standard 5-field parser, local time
	var mu sync.Mutex
	_, err := c.AddFunc(cronSpec, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
		defer cancel()
		at := time.Now()
		res, err := b.db.ExecContext(ctx, cronScan)
		scan := scanResult{at: at, took: time.Since(at), err: err}
		if err == nil {
			scan.rows, _ = res.RowsAffected()
		}
		mu.Lock()
		r.scans = append(r.scans, scan)
		mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	c.Start()
	var once sync.Once
	return func() { once.Do(func() { <-c.Stop().Done() }) }, nil
}

// spanQuery counts an arm's deadlines stored under the breach SLA, with the first
// and last of them and PostgreSQL's now().
func (b *breachBench) spanQuery(arm string) string {
	switch arm {
	case armComplaintflow:
		return `SELECT count(*) AS n, min(first_response_due_at) AS first, max(first_response_due_at) AS last, now() AS now
			FROM complaints WHERE external_id LIKE $1 AND sla_first_response_seconds = $2`
	}
	return `SELECT count(*) AS n, min(due_at) AS first, max(due_at) AS last, now() AS now
			FROM bench_breach_items WHERE run_id = $1`
}

func (b *breachBench) spanArgs(arm, runID string) []any {
	if arm == armComplaintflow {
		return []any{"bench-" + runID + "-%", int64(b.cfg.breachFirstResponse / time.Second)}
	}
	return []any{runID}
}

// countBreaches is how many breaches of the arm's run are recorded so far. It runs
// while an arm is measured, on the PostgreSQL the arm loads, so it reads as little
// as it can: complaintflow's counts the run's complaints whose first-response
// breach flag is set, which the statement recording the breach event sets
// (store.RecordMarks), instead of joining the run's breach events to their
// complaints. Saturated at 5,000 deadlines that was 57 ms a time and this 49: both
// read every breach so far, so the arm's loop also counts less often.
// readLateness then reads the events.
func (b *breachBench) countBreaches(ctx context.Context, arm, runID string) (int, error) {
	var n int
	var err error
	if arm == armComplaintflow {
		err = b.db.GetContext(ctx, &n, `SELECT count(*) FROM complaints WHERE external_id LIKE $1 AND first_response_breached`,
			"bench-"+runID+"-%")
	} else {
		err = b.db.GetContext(ctx, &n, `SELECT count(*) FROM bench_breaches WHERE arm = $1 AND run_id = $2`, arm, runID)
	}
	if err != nil {
		return 0, fmt.Errorf("count breaches: %w", err)
	}
	return n, nil
}

// readLateness reads every breach of the arm's run back, with its deadline as the
// system stored it.
func (b *breachBench) readLateness(ctx context.Context, r *armResult) error {
	type row struct {
		Key        string     `db:"key"`
		StoredDue  time.Time  `db:"stored_due"` // complaintflow: the complaint's first_response_due_at
		Due        *time.Time `db:"due"`        // the breach's own due time
		FiredAt    *time.Time `db:"fired_at"`
		RecordedAt time.Time  `db:"recorded_at"`
	}
	var rows []row
	var err error
	if r.arm == armComplaintflow {
		err = b.db.SelectContext(ctx, &rows, `SELECT c.id::text AS key, c.first_response_due_at AS stored_due,
				(e.data->>'due_at')::timestamptz AS due, (e.data->>'fired_at')::timestamptz AS fired_at, e.recorded_at
			FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
			WHERE c.external_id LIKE $1 AND e.kind = 'sla_breached' AND e.data->>'clock' = 'first_response'`,
			"bench-"+r.runID+"-%")
	} else {
		err = b.db.SelectContext(ctx, &rows, `SELECT seq::text AS key, due_at AS stored_due, due_at AS due, fired_at, recorded_at
			FROM bench_breaches WHERE arm = $1 AND run_id = $2`, r.arm, r.runID)
	}
	if err != nil {
		return fmt.Errorf("read breaches: %w", err)
	}
	seen := map[string]bool{}
	for _, x := range rows {
		if seen[x.Key] {
			return fmt.Errorf("%s breached twice", x.Key)
		}
		seen[x.Key] = true
		if x.Due == nil || !x.Due.Equal(x.StoredDue) {
			return fmt.Errorf("%s: the breach's due time %v is not the stored deadline %v", x.Key, x.Due, x.StoredDue)
		}
		due := *x.Due
		var fired time.Time // zero: not known
		if x.FiredAt != nil {
			fired = *x.FiredAt
			r.toTask = append(r.toTask, fired.Sub(due))
			r.toRecorded = append(r.toRecorded, x.RecordedAt.Sub(fired))
		}
		r.lateness = append(r.lateness, x.RecordedAt.Sub(due))
		r.rows = append(r.rows, breachRow{key: x.Key, due: due, fired: fired, recorded: x.RecordedAt})
	}
	r.breaches = len(rows)
	if r.arm == armCron {
		var items int
		if err := b.db.GetContext(ctx, &items, `SELECT count(*) FROM bench_breach_items WHERE run_id = $1`, r.runID); err != nil {
			return err
		}
		if items != b.cfg.n {
			return fmt.Errorf("%d open items, want %d", items, b.cfg.n)
		}
	}
	return nil
}
