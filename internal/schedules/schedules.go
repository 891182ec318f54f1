// Package schedules keeps review schedules in step in their two homes: a row of
// review_schedules (PostgreSQL, the source of truth for the API) and a Temporal
// Schedule that starts the reviews and risk-monitor runs (DOMAIN.md §3–4).
//
// Every write changes the row in a transaction, changes the Temporal Schedule while
// holding the row's lock, and commits only if Temporal succeeded; if the commit
// fails, the Temporal change is undone. So the two never disagree for longer than a
// failed request, and a retry repairs what a crash between the two left behind
// (create adopts a Temporal Schedule left without a row). The API's handlers and the
// starter's default risk monitor both go through here.
package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// ReviewActionTimeout and MonitorActionTimeout bound one run, so that a stuck run
// (no worker, say) does not make the schedule skip every later one. A monitor run
// takes seconds and the default cadence is 15 minutes; the alerts it opens are
// workflows of their own and outlive it.
const (
	ReviewActionTimeout  = 12 * time.Hour
	MonitorActionTimeout = 10 * time.Minute
)

// undoTimeout bounds an undo, which runs after the request that caused it may have
// ended and so has a deadline of its own.
const undoTimeout = 10 * time.Second

// DefaultRiskMonitorID is the ID of the risk-monitor schedule EnsureRiskMonitor creates.
const DefaultRiskMonitorID = "risk-monitor"

// Sync writes review schedules to PostgreSQL and Temporal together.
type Sync struct {
	store     *store.Store
	temporal  client.Client
	taskQueue string
	log       *slog.Logger
}

// New returns a Sync whose schedules start their workflows on taskQueue.
func New(st *store.Store, tc client.Client, taskQueue string, log *slog.Logger) *Sync {
	return &Sync{store: st, temporal: tc, taskQueue: taskQueue, log: log}
}

// Create stores row and creates its Temporal Schedule firing on spec. An identical
// row already there is returned with created false; one with another definition is
// store.ErrConflict.
func (s *Sync) Create(ctx context.Context, row store.ReviewSchedule, spec *cron.SpecSchedule) (saved store.ReviewSchedule, created bool, err error) {
	return s.store.CreateReviewSchedule(ctx, row, func(row store.ReviewSchedule) (func(), error) {
		return s.createTemporal(ctx, row, spec)
	})
}

// Update locks the schedule id, lets change compute its next definition from the
// current one and applies it to Temporal and the row; store.ErrNotFound for an
// unknown id, change's error (the schedule as it is with it) when it refuses. A
// change that alters nothing touches neither.
func (s *Sync) Update(ctx context.Context, id string, change func(old store.ReviewSchedule) (store.ReviewSchedule, error)) (store.ReviewSchedule, error) {
	return s.store.UpdateReviewSchedule(ctx, id, func(old store.ReviewSchedule) (store.ReviewSchedule, store.Apply, error) {
		next, err := change(old)
		if err != nil {
			return old, nil, err
		}
		if next.SameDefinition(old) {
			return next, nil, nil
		}
		return next, func(store.ReviewSchedule) (func(), error) {
			if err := s.syncTemporal(ctx, &old, next); err != nil {
				// Part of it may have been made (the update before a failed pause, or
				// a call Temporal applied whose answer was lost): the row stays as it
				// was, so Temporal goes back to it too.
				s.restoreTemporal(next, old)
				return nil, err
			}
			return func() { s.restoreTemporal(next, old) }, nil
		}, nil
	})
}

// Delete deletes the Temporal Schedule, then the row; store.ErrNotFound for an
// unknown id, store.ErrStale (nothing deleted) when it is no longer version.
// Reviews already started run on and keep their rows.
func (s *Sync) Delete(ctx context.Context, id string, version *time.Time) error {
	return s.store.DeleteReviewSchedule(ctx, id, version, func(row store.ReviewSchedule) (func(), error) {
		err := s.handle(ctx, id).Delete(ctx)
		var notFound *serviceerror.NotFound
		if err != nil && !errors.As(err, &notFound) {
			return nil, fmt.Errorf("delete Temporal schedule: %w", err)
		}
		return func() { s.recreateTemporal(row) }, nil
	})
}

// Trigger starts a run of schedule id now, whatever its spec says; it may overlap a
// run under way (a manual run is deliberate).
func (s *Sync) Trigger(ctx context.Context, id string) error {
	return s.handle(ctx, id).Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL})
}

// Describe is Temporal's view of schedule id: its state, next and recent runs.
func (s *Sync) Describe(ctx context.Context, id string) (*client.ScheduleDescription, error) {
	return s.handle(ctx, id).Describe(ctx)
}

// EnsureRiskMonitor creates the default risk-monitor schedule (DOMAIN.md §4 asks for
// continuous monitoring) with spec in UTC, unless a risk-monitor schedule exists
// already — paused counts, so pausing it is how a team turns it off for good.
func (s *Sync) EnsureRiskMonitor(ctx context.Context, spec string) error {
	rows, err := s.store.ReviewSchedules(ctx)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if row.Kind == quality.RiskMonitor {
			return nil
		}
	}
	parsed, err := quality.ParseSpec(spec, "UTC")
	if err != nil {
		return fmt.Errorf("risk monitor spec %q: %w", spec, err)
	}
	row := store.ReviewSchedule{ID: DefaultRiskMonitorID, Kind: quality.RiskMonitor, CronSpec: spec, TimeZone: "UTC",
		Note: "default risk monitor", CreatedBy: "RISK_MONITOR_SCHEDULE"}
	_, created, err := s.Create(ctx, row, parsed)
	if errors.Is(err, store.ErrConflict) {
		return nil // a schedule of another kind took the ID; the team chose
	}
	if created {
		s.log.InfoContext(ctx, "default risk monitor scheduled", "id", row.ID, "cron_spec", spec)
	}
	return err
}

func (s *Sync) handle(ctx context.Context, id string) client.ScheduleHandle {
	return s.temporal.ScheduleClient().GetHandle(ctx, workflows.ReviewScheduleID(id))
}

// action is what the Temporal Schedule of row starts: the review workflow, the
// risk monitor or the QA sampling run, with workflow ID "review:<id>" (Temporal appends the scheduled time).
func (s *Sync) action(row store.ReviewSchedule) *client.ScheduleWorkflowAction {
	a := &client.ScheduleWorkflowAction{ID: "review:" + row.ID, TaskQueue: s.taskQueue}
	if row.Kind == quality.RiskMonitor {
		a.Workflow, a.Args = workflows.RiskMonitorWorkflow, []any{workflows.RiskMonitorInput{ScheduleID: row.ID}}
		a.WorkflowExecutionTimeout = MonitorActionTimeout
		return a
	}
	if row.Kind == quality.QASampling {
		a.Workflow, a.Args = workflows.QASamplingWorkflow, []any{workflows.QASamplingInput{ScheduleID: row.ID, TimeZone: row.TimeZone}}
		a.WorkflowExecutionTimeout = ReviewActionTimeout
		return a
	}
	a.Workflow = workflows.ReviewWorkflow
	a.Args = []any{workflows.ReviewInput{ScheduleID: row.ID, Kind: row.Kind, TimeZone: row.TimeZone}}
	a.WorkflowExecutionTimeout = ReviewActionTimeout
	return a
}

// createTemporal creates the Temporal Schedule of a new row, or adopts one a failed
// earlier attempt left behind; undo deletes it, and so does a failure.
func (s *Sync) createTemporal(ctx context.Context, row store.ReviewSchedule, spec *cron.SpecSchedule) (func(), error) {
	_, err := s.temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:      workflows.ReviewScheduleID(row.ID),
		Spec:    quality.ScheduleSpec(spec, row.TimeZone),
		Action:  s.action(row),
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		Paused:  row.Paused,
		Note:    row.Note,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		err = s.syncTemporal(ctx, nil, row)
	}
	if err != nil {
		// Temporal may have made it all the same (a create whose answer was lost):
		// the row does not commit, so no schedule may stay without one — under a
		// random ID no later create would adopt it.
		s.deleteTemporal(row.ID)
		return nil, fmt.Errorf("create Temporal schedule: %w", err)
	}
	return func() { s.deleteTemporal(row.ID) }, nil
}

// syncTemporal makes the Temporal Schedule of from (nil: unknown) match to: the
// spec, action and note through Update, a change of the paused state through Pause
// or Unpause. Update carries the paused state too: the server applies a pause
// before an update that arrives with it, so an update carrying the old state would
// undo the pause.
func (s *Sync) syncTemporal(ctx context.Context, from *store.ReviewSchedule, to store.ReviewSchedule) error {
	h := s.handle(ctx, to.ID)
	if from == nil || from.CronSpec != to.CronSpec || from.TimeZone != to.TimeZone || from.Note != to.Note {
		spec, err := quality.ParseSpec(to.CronSpec, to.TimeZone)
		if err != nil {
			return err
		}
		err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			sched := in.Description.Schedule
			newSpec := quality.ScheduleSpec(spec, to.TimeZone)
			sched.Spec = &newSpec
			sched.Action = s.action(to)
			if sched.Policy == nil {
				sched.Policy = &client.SchedulePolicies{}
			}
			sched.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
			if sched.State == nil {
				sched.State = &client.ScheduleState{}
			}
			sched.State.Paused, sched.State.Note = to.Paused, to.Note
			return &client.ScheduleUpdate{Schedule: &sched}, nil
		}})
		if err != nil {
			return fmt.Errorf("update Temporal schedule: %w", err)
		}
	}
	if from == nil || from.Paused == to.Paused {
		return nil
	}
	var err error
	note := to.Note
	if to.Paused {
		if note == "" {
			note = "paused by " + to.UpdatedBy
		}
		err = h.Pause(ctx, client.SchedulePauseOptions{Note: note})
	} else {
		if note == "" {
			note = "unpaused by " + to.UpdatedBy
		}
		err = h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: note})
	}
	if err != nil {
		return fmt.Errorf("pause or unpause Temporal schedule: %w", err)
	}
	return nil
}

// deleteTemporal undoes a create whose row did not commit.
func (s *Sync) deleteTemporal(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), undoTimeout)
	defer cancel()
	err := s.handle(ctx, id).Delete(ctx)
	var notFound *serviceerror.NotFound
	if err != nil && !errors.As(err, &notFound) {
		s.log.Error("undoing a Temporal schedule failed; the next create of the same id adopts it", "id", id, "error", err)
	}
}

// restoreTemporal undoes a change whose row did not commit.
func (s *Sync) restoreTemporal(next, old store.ReviewSchedule) {
	ctx, cancel := context.WithTimeout(context.Background(), undoTimeout)
	defer cancel()
	if err := s.syncTemporal(ctx, &next, old); err != nil {
		s.log.Error("restoring a Temporal schedule failed; PATCH it again to repair", "id", old.ID, "error", err)
	}
}

// recreateTemporal undoes a delete whose row did not go.
func (s *Sync) recreateTemporal(row store.ReviewSchedule) {
	ctx, cancel := context.WithTimeout(context.Background(), undoTimeout)
	defer cancel()
	spec, err := quality.ParseSpec(row.CronSpec, row.TimeZone)
	if err == nil {
		_, err = s.createTemporal(ctx, row, spec)
	}
	if err != nil {
		s.log.Error("recreating a Temporal schedule failed", "id", row.ID, "error", err)
	}
}
