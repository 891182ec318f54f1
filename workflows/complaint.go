package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// DefaultCloseAfterResolved is how long a resolved complaint waits for an explicit
// close before it closes itself (the customer-feedback window).
const DefaultCloseAfterResolved = 72 * time.Hour

// ErrTypeInvalidAction is the application-error type of a rejected agent action, so
// callers can tell a business rejection from an infrastructure failure.
const ErrTypeInvalidAction = "InvalidAction"

// ComplaintInput starts a complaint workflow. One struct, so fields can be added
// without breaking running workflows.
type ComplaintInput struct {
	ComplaintID string
	// CloseAfterResolved overrides DefaultCloseAfterResolved when positive.
	CloseAfterResolved time.Duration
}

// Breach is a missed SLA deadline.
type Breach struct {
	Clock   complaint.Clock
	DueAt   time.Time
	FiredAt time.Time
}

// ComplaintState is what the state query and every update return.
type ComplaintState struct {
	ComplaintID        string
	Status             complaint.Status
	Urgency            complaint.Level
	Tier               complaint.Level
	Category           string
	Owner              string
	OpenedAt           time.Time
	FirstResponseDueAt time.Time
	FirstResponseAt    *time.Time
	ResolutionDueAt    *time.Time
	ResolvedAt         *time.Time
	ClosedAt           *time.Time
	Breaches           []Breach
}

// Breached reports whether any SLA deadline was missed.
func (s ComplaintState) Breached() bool { return len(s.Breaches) > 0 }

// AcknowledgeRequest is an agent's first response to the customer.
type AcknowledgeRequest struct {
	Actor   string
	Message string
}

// ResolveRequest resolves a complaint; summary and root cause are required, so every
// resolution feeds systematic improvement.
type ResolveRequest struct {
	Actor     string
	Summary   string
	RootCause string
}

// CloseRequest closes a resolved complaint.
type CloseRequest struct {
	Actor  string
	Reason string
}

// ComplaintWorkflow runs one complaint from filing to closure: it loads the SLA the
// complaint was filed under, runs the first-response and resolution clocks as durable
// timers, records breaches and notifies the owner, and takes agent actions as
// validated updates.
func ComplaintWorkflow(ctx workflow.Context, in ComplaintInput) (ComplaintState, error) {
	w, err := newComplaintWorkflow(ctx, in)
	if err != nil {
		return ComplaintState{}, err
	}
	return w.run(ctx)
}

type complaintWorkflow struct {
	in     ComplaintInput
	id     string
	state  ComplaintState
	loaded bool
	// Clocks in the order breaches are handled when they fire together.
	clocks      []*slaClock
	eventCounts map[complaint.EventKind]int
	logger      log.Logger
}

// slaClock is one SLA deadline. The workflow keeps a single durable timer, for the
// nearest deadline of the clocks still running, rather than one per clock.
type slaClock struct {
	name    complaint.Clock
	due     time.Time
	running bool // neither met nor breached yet
	fired   bool // the deadline passed while the clock ran
	handled bool // breach recorded
}

func newComplaintWorkflow(ctx workflow.Context, in ComplaintInput) (*complaintWorkflow, error) {
	if in.ComplaintID == "" {
		return nil, temporal.NewNonRetryableApplicationError("ComplaintID is required", "InvalidInput", nil)
	}
	if in.CloseAfterResolved <= 0 {
		in.CloseAfterResolved = DefaultCloseAfterResolved
	}
	w := &complaintWorkflow{
		in:          in,
		id:          workflow.GetInfo(ctx).WorkflowExecution.ID,
		state:       ComplaintState{ComplaintID: in.ComplaintID, Status: complaint.StatusOpen},
		eventCounts: map[complaint.EventKind]int{},
		logger:      log.With(workflow.GetLogger(ctx), "ComplaintID", in.ComplaintID),
	}
	// Handlers are registered before the first blocking call so that an action sent
	// right after filing is not lost; handlers wait for the SLA to load.
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (ComplaintState, error) {
		return w.state, nil
	}); err != nil {
		return nil, err
	}
	handlers := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateAcknowledge, w.acknowledge, w.validateAcknowledge},
		{UpdateResolve, w.resolve, w.validateResolve},
		{UpdateClose, w.close, w.validateClose},
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler,
			workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *complaintWorkflow) run(ctx workflow.Context) (ComplaintState, error) {
	if err := w.open(ctx); err != nil {
		return w.state, err
	}
	for w.state.Status != complaint.StatusClosed {
		// A deadline that passed is recorded even if an action raced it.
		w.recordBreaches(ctx)
		if w.state.Status == complaint.StatusResolved {
			if err := w.awaitClose(ctx); err != nil {
				return w.state, err
			}
			continue
		}
		if err := w.awaitNextDeadline(ctx); err != nil {
			return w.state, err
		}
	}
	w.recordBreaches(ctx)
	// Let an update that is still recording its event finish before completing.
	err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return w.state, err
}

// open loads the SLA, records `opened` and starts the clocks.
func (w *complaintWorkflow) open(ctx workflow.Context) error {
	var sla complaint.SLA
	// A local activity: one short read and one insert, run inside the first workflow
	// task, so filing a complaint costs the server no activity task round trip.
	err := workflow.ExecuteLocalActivity(localActivityContext(ctx), acts.OpenComplaint, activities.OpenComplaintInput{
		ComplaintID: w.in.ComplaintID,
		EventKey:    w.eventKey(complaint.EventOpened),
		At:          workflow.Now(ctx),
	}).Get(ctx, &sla)
	if err != nil {
		return fmt.Errorf("open complaint: %w", err)
	}
	w.state.Urgency, w.state.Tier, w.state.Category = sla.Urgency, sla.Tier, sla.Category
	w.state.OpenedAt = sla.OpenedAt
	w.state.FirstResponseDueAt = sla.FirstResponseDue
	w.state.ResolutionDueAt = sla.ResolutionDue
	w.clocks = append(w.clocks, &slaClock{name: complaint.ClockFirstResponse, due: sla.FirstResponseDue, running: true})
	if sla.ResolutionDue != nil {
		w.clocks = append(w.clocks, &slaClock{name: complaint.ClockResolution, due: *sla.ResolutionDue, running: true})
	}
	w.loaded = true
	// The API sets the search attributes when it starts the workflow; set them here
	// only for a workflow started without them.
	if _, ok := workflow.GetTypedSearchAttributes(ctx).GetKeyword(SearchAttrStatus); !ok {
		w.upsertSearchAttributes(ctx)
	}
	return nil
}

// awaitNextDeadline sleeps on a durable timer until the nearest running deadline, or
// until an action stops that clock or settles the complaint; the timer is cancelled
// if it did not fire.
func (w *complaintWorkflow) awaitNextDeadline(ctx workflow.Context) error {
	var next *slaClock
	for _, c := range w.clocks {
		if c.running && (next == nil || c.due.Before(next.due)) {
			next = c
		}
	}
	if next == nil {
		return workflow.Await(ctx, func() bool { return !w.state.Status.Active() })
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	wait := max(next.due.Sub(workflow.Now(ctx)), 0)
	timer := workflow.NewTimerWithOptions(timerCtx, wait, workflow.TimerOptions{Summary: string(next.name) + " SLA"})
	if err := workflow.Await(ctx, func() bool {
		return timer.IsReady() || !next.running || !w.state.Status.Active()
	}); err != nil {
		return err
	}
	if timer.IsReady() && timer.Get(ctx, nil) == nil {
		w.expireClocks(workflow.Now(ctx))
	}
	return nil
}

// expireClocks marks every running clock whose deadline has passed as breached.
func (w *complaintWorkflow) expireClocks(now time.Time) {
	for _, c := range w.clocks {
		if c.running && !now.Before(c.due) {
			c.running, c.fired = false, true
		}
	}
}

// stop ends the clock with an action taken at the given time: met when before the
// deadline, breached when the action came after it (whether or not the timer had
// been processed yet), so the outcome never depends on event ordering.
func (c *slaClock) stop(at time.Time) {
	if c == nil || !c.running {
		return
	}
	c.running = false
	c.fired = !at.Before(c.due)
}

func (w *complaintWorkflow) clock(name complaint.Clock) *slaClock {
	for _, c := range w.clocks {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (w *complaintWorkflow) firedClock() *slaClock {
	for _, c := range w.clocks {
		if c.fired && !c.handled {
			return c
		}
	}
	return nil
}

func (w *complaintWorkflow) recordBreaches(ctx workflow.Context) {
	for c := w.firedClock(); c != nil; c = w.firedClock() {
		w.breach(ctx, c)
	}
}

// breach records a missed deadline and tells the owner.
func (w *complaintWorkflow) breach(ctx workflow.Context, c *slaClock) {
	c.handled = true
	firedAt := workflow.Now(ctx)
	w.state.Breaches = append(w.state.Breaches, Breach{Clock: c.name, DueAt: c.due, FiredAt: firedAt})
	w.logger.Warn("SLA breached", "Clock", c.name, "DueAt", c.due, "FiredAt", firedAt)
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventSLABreached)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventSLABreached, Actor: "system", At: firedAt, Clock: c.name, DueAt: c.due,
	}); err != nil {
		w.logger.Error("recording breach failed", "Error", err)
		return
	}
	recipient := w.state.Owner
	if recipient == "" {
		recipient = "unassigned:" + w.state.Category
	}
	err := workflow.ExecuteActivity(activityContext(ctx), acts.Notify, activities.Notice{
		ComplaintID: w.in.ComplaintID,
		EventKey:    key,
		EventKind:   complaint.EventSLABreached,
		Recipient:   recipient,
		Subject:     fmt.Sprintf("SLA breached: %s deadline of complaint %s", strings.ReplaceAll(string(c.name), "_", "-"), w.in.ComplaintID),
		Body: fmt.Sprintf("Complaint %s (urgency %s, tier %s, category %s) missed its %s deadline due %s; the timer fired at %s.",
			w.in.ComplaintID, w.state.Urgency, w.state.Tier, w.state.Category, c.name,
			c.due.UTC().Format(time.RFC3339), firedAt.UTC().Format(time.RFC3339)),
	}).Get(ctx, nil)
	if err != nil {
		w.logger.Error("breach notification failed", "Error", err)
	}
}

// awaitClose waits for an explicit close, or closes the complaint itself when the
// feedback window passes.
func (w *complaintWorkflow) awaitClose(ctx workflow.Context) error {
	changed, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
		Timeout:      w.in.CloseAfterResolved,
		TimerOptions: workflow.TimerOptions{Summary: "close after resolution"},
	}, func() bool { return w.state.Status != complaint.StatusResolved })
	if err != nil || changed {
		return err
	}
	now := workflow.Now(ctx)
	w.state.Status = complaint.StatusClosed
	w.state.ClosedAt = &now
	w.upsertSearchAttributes(ctx)
	return w.record(ctx, complaint.Event{
		Kind: complaint.EventClosed, Actor: "system", At: now, Status: complaint.StatusClosed,
		Reason: "no objection within " + w.in.CloseAfterResolved.String() + " of resolution",
	})
}

func (w *complaintWorkflow) validateAcknowledge(_ workflow.Context, req AcknowledgeRequest) error {
	if err := w.requireStatus("acknowledge", complaint.StatusOpen); err != nil {
		return err
	}
	return requireFields(map[string]string{"actor": req.Actor, "message": req.Message}, "actor", "message")
}

func (w *complaintWorkflow) acknowledge(ctx workflow.Context, req AcknowledgeRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateAcknowledge(ctx, req) }); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	w.clock(complaint.ClockFirstResponse).stop(now)
	w.state.Status = complaint.StatusInProgress
	if w.clock(complaint.ClockResolution) == nil {
		// No resolution clock in the policy: the complaint joins the improvement backlog.
		w.state.Status = complaint.StatusBacklog
	}
	if w.state.Owner == "" {
		w.state.Owner = req.Actor
	}
	w.state.FirstResponseAt = &now
	w.upsertSearchAttributes(ctx)
	err := w.record(ctx, complaint.Event{
		Kind: complaint.EventAcknowledged, Actor: req.Actor, At: now, Status: w.state.Status,
		Owner: w.state.Owner, Message: req.Message,
	})
	return w.state, err
}

func (w *complaintWorkflow) validateResolve(_ workflow.Context, req ResolveRequest) error {
	if err := w.requireStatus("resolve", complaint.StatusOpen, complaint.StatusInProgress, complaint.StatusBacklog); err != nil {
		return err
	}
	return requireFields(map[string]string{"actor": req.Actor, "summary": req.Summary, "root_cause": req.RootCause},
		"actor", "summary", "root_cause")
}

func (w *complaintWorkflow) resolve(ctx workflow.Context, req ResolveRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateResolve(ctx, req) }); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	// Resolving at first contact is also the first response.
	w.clock(complaint.ClockFirstResponse).stop(now)
	w.clock(complaint.ClockResolution).stop(now)
	if w.state.FirstResponseAt == nil {
		w.state.FirstResponseAt = &now
	}
	if w.state.Owner == "" {
		w.state.Owner = req.Actor
	}
	w.state.Status = complaint.StatusResolved
	w.state.ResolvedAt = &now
	w.upsertSearchAttributes(ctx)
	err := w.record(ctx, complaint.Event{
		Kind: complaint.EventResolved, Actor: req.Actor, At: now, Status: complaint.StatusResolved,
		Owner: w.state.Owner, Summary: req.Summary, RootCause: req.RootCause,
	})
	return w.state, err
}

func (w *complaintWorkflow) validateClose(_ workflow.Context, req CloseRequest) error {
	if err := w.requireStatus("close", complaint.StatusResolved); err != nil {
		return err
	}
	return requireFields(map[string]string{"actor": req.Actor}, "actor")
}

func (w *complaintWorkflow) close(ctx workflow.Context, req CloseRequest) (ComplaintState, error) {
	if err := w.validateClose(ctx, req); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	w.state.Status = complaint.StatusClosed
	w.state.ClosedAt = &now
	w.upsertSearchAttributes(ctx)
	err := w.record(ctx, complaint.Event{
		Kind: complaint.EventClosed, Actor: req.Actor, At: now, Status: complaint.StatusClosed, Reason: req.Reason,
	})
	return w.state, err
}

// awaitLoaded waits for the SLA to load, then validates again: another action may
// have been accepted while this one waited.
func (w *complaintWorkflow) awaitLoaded(ctx workflow.Context, validate func() error) error {
	if err := workflow.Await(ctx, func() bool { return w.loaded }); err != nil {
		return err
	}
	return validate()
}

func (w *complaintWorkflow) requireStatus(action string, allowed ...complaint.Status) error {
	if complaint.Valid(w.state.Status, allowed) {
		return nil
	}
	reason := fmt.Sprintf("cannot %s a complaint that is %s", action, w.state.Status)
	switch {
	case w.state.Status == complaint.StatusClosed:
		reason = fmt.Sprintf("cannot %s: the complaint is closed", action)
	case action == "acknowledge" && w.state.FirstResponseAt != nil:
		reason = "cannot acknowledge: the complaint was already acknowledged"
	case action == "resolve" && w.state.Status == complaint.StatusResolved:
		reason = "cannot resolve: the complaint is already resolved"
	}
	return invalidAction(reason)
}

func requireFields(values map[string]string, order ...string) error {
	for _, name := range order {
		if strings.TrimSpace(values[name]) == "" {
			return invalidAction(name + " is required")
		}
	}
	return nil
}

func invalidAction(reason string) error {
	return temporal.NewNonRetryableApplicationError(reason, ErrTypeInvalidAction, nil)
}

// record writes an event through the RecordEvent activity. The key is derived from
// the workflow ID and the event's ordinal, so replays and retries reuse it.
func (w *complaintWorkflow) record(ctx workflow.Context, e complaint.Event) error {
	e.ComplaintID = w.in.ComplaintID
	if e.Key == "" {
		e.Key = w.eventKey(e.Kind)
	}
	return workflow.ExecuteActivity(activityContext(ctx), acts.RecordEvent, e).Get(ctx, nil)
}

func (w *complaintWorkflow) eventKey(kind complaint.EventKind) string {
	w.eventCounts[kind]++
	return fmt.Sprintf("%s/%s/%d", w.id, kind, w.eventCounts[kind])
}

func (w *complaintWorkflow) upsertSearchAttributes(ctx workflow.Context) {
	err := workflow.UpsertTypedSearchAttributes(ctx,
		SearchAttrStatus.ValueSet(string(w.state.Status)),
		SearchAttrUrgency.ValueSet(string(w.state.Urgency)),
		SearchAttrTier.ValueSet(string(w.state.Tier)),
		SearchAttrCategory.ValueSet(w.state.Category),
		SearchAttrBreached.ValueSet(w.state.Breached()),
	)
	if err != nil {
		w.logger.Error("upserting search attributes failed", "Error", err)
	}
}

// acts is only used to name activity methods; the worker registers the real ones.
var acts *activities.Activities

// localActivityContext is activityContext for local activities: retried in the
// worker with the same backoff, so a database blip delays opening, never loses it.
func localActivityContext(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         activityRetryPolicy,
	})
}

var activityRetryPolicy = &temporal.RetryPolicy{
	InitialInterval:        time.Second,
	BackoffCoefficient:     2,
	MaximumInterval:        time.Minute,
	NonRetryableErrorTypes: []string{activities.ErrTypeNotFound},
}

// activityContext applies the activity options all complaint activities share: a
// short start-to-close timeout and retries without a cap, so a database outage delays
// an event but never loses it. A missing complaint is not retried.
func activityContext(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         activityRetryPolicy,
	})
}
