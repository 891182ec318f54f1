package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
)

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

// PauseRequest stops the resolution clock while the agent waits on the customer.
type PauseRequest struct {
	Actor  string
	Reason string
}

// ResumeRequest restarts the resolution clock.
type ResumeRequest struct {
	Actor string
	Note  string
}

// ReopenRequest reopens a resolved complaint the customer says is not solved; a new
// resolution clock runs on the policy's follow-up SLA.
type ReopenRequest struct {
	Actor  string
	Reason string
}

// CustomerProgressRequest is an agent's progress update to the customer, with why
// it is not resolved yet and when they now expect to resolve it, both optional
// (002 §9.3). ExpectedBy is only shown: it moves no deadline.
type CustomerProgressRequest struct {
	Actor      string
	Message    string
	Reason     string     `json:",omitempty"`
	ExpectedBy *time.Time `json:",omitempty"`
}

// MaxExpectedAhead bounds how far ahead a progress update may expect the resolution.
const MaxExpectedAhead = 90 * 24 * time.Hour

func (w *complaintWorkflow) validateAcknowledge(_ workflow.Context, req AcknowledgeRequest) error {
	if err := w.requireStatus("acknowledge", complaint.ActionAcknowledge); err != nil {
		return err
	}
	return requireFields(map[string]string{"actor": req.Actor, "message": req.Message}, "actor", "message")
}

func (w *complaintWorkflow) acknowledge(ctx workflow.Context, req AcknowledgeRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateAcknowledge(ctx, req) }); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	tmpl := message.Acknowledgement
	if w.awaitingResponse() {
		tmpl = message.Progress // the customer was told of the reopening already
	}
	w.fireDueBeforeAction(ctx, now)
	w.stopClock(w.clock(complaint.ClockFirstResponse), now)
	w.state.Status = complaint.StatusInProgress
	if w.clock(complaint.ClockResolution) == nil {
		// No resolution clock in the policy: the complaint joins the improvement backlog.
		w.state.Status = complaint.StatusBacklog
	}
	loadChain := w.claimOwnership(ctx, req.Actor)
	if w.state.FirstResponseAt == nil { // a reopened round's response is not the complaint's first
		w.state.FirstResponseAt = &now
	}
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventAcknowledged)
	err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventAcknowledged, Actor: req.Actor, At: now, Status: w.state.Status,
		Owner: w.state.Owner, Message: req.Message,
	})
	if err == nil {
		w.tellCustomer(ctx, key, complaint.EventAcknowledged, tmpl, w.withDue(map[string]string{"message": req.Message}))
	}
	loadChain()
	return w.state, err
}

func (w *complaintWorkflow) validateResolve(_ workflow.Context, req ResolveRequest) error {
	if err := w.requireStatus("resolve", complaint.ActionResolve); err != nil {
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
	w.fireDueBeforeAction(ctx, now)
	// Resolving at first contact is also the first response.
	w.stopClock(w.clock(complaint.ClockFirstResponse), now)
	w.stopClock(w.clock(complaint.ClockResolution), now)
	paused := w.endWaiting(now) // resolved while waiting on the customer: that wait counts as paused
	if w.state.FirstResponseAt == nil {
		w.state.FirstResponseAt = &now
	}
	loadChain := w.claimOwnership(ctx, req.Actor)
	w.state.Status = complaint.StatusResolved
	w.state.ResolvedAt = &now
	if err := w.cancelPendingEscalation(ctx, now); err != nil {
		loadChain()
		return w.state, err
	}
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventResolved)
	err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventResolved, Actor: req.Actor, At: now, Status: complaint.StatusResolved,
		Owner: w.state.Owner, Summary: req.Summary, RootCause: req.RootCause, PausedSeconds: paused.Seconds(),
	})
	if err == nil {
		w.tellCustomer(ctx, key, complaint.EventResolved, message.Resolution, map[string]string{"summary": req.Summary})
	}
	loadChain()
	return w.state, err
}

func (w *complaintWorkflow) validateClose(_ workflow.Context, req CloseRequest) error {
	if err := w.requireStatus("close", complaint.ActionClose); err != nil {
		return err
	}
	return requireFields(map[string]string{"actor": req.Actor}, "actor")
}

func (w *complaintWorkflow) close(ctx workflow.Context, req CloseRequest) (ComplaintState, error) {
	if err := w.validateClose(ctx, req); err != nil {
		return w.state, err
	}
	// Closed by an agent: whatever the survey would have said, the customer did not
	// confirm the fix.
	key, err := w.closeAs(ctx, req.Actor, complaint.Unverified, req.Reason)
	if err == nil && !w.legacy && w.changed(ctx, versionStaffCloseNotice) {
		var vars map[string]string
		if w.state.Survey != nil {
			vars = map[string]string{"survey": "closed"} // its link now answers 410
		}
		w.tellCustomer(ctx, key, complaint.EventClosed, message.ClosedByStaff, vars)
	}
	return w.state, err
}

// versionStaffCloseNotice marks executions in which staff closing a resolved
// complaint tells the customer, and so the intake system (closed_by_staff, the
// closed callback); executions without it told no one: the intake system stayed
// at "resolved" holding a survey link that had stopped working.
var versionStaffCloseNotice = change{"staff-close-notice", 9}

// closeAs closes the complaint with the given verification and returns the event key.
func (w *complaintWorkflow) closeAs(ctx workflow.Context, actor string, v complaint.Verification, reason string) (string, error) {
	now := workflow.Now(ctx)
	w.state.Status = complaint.StatusClosed
	w.state.ClosedAt = &now
	w.state.Verification = v
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventClosed)
	return key, w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventClosed, Actor: actor, At: now, Status: complaint.StatusClosed,
		Reason: reason, Verification: v,
	})
}

func (w *complaintWorkflow) validatePause(_ workflow.Context, req PauseRequest) error {
	if err := w.requireStatus("pause", complaint.ActionPause); err != nil {
		return err
	}
	if c := w.clock(complaint.ClockResolution); c == nil || c.stopped {
		return invalidAction("cannot pause: the complaint has no resolution clock")
	}
	return requireFields(map[string]string{"actor": req.Actor, "reason": req.Reason}, "actor", "reason")
}

// pause stops the resolution clock while the agent waits on the customer; the time
// waited counts toward neither the SLA nor the resolution time.
func (w *complaintWorkflow) pause(ctx workflow.Context, req PauseRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validatePause(ctx, req) }); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	w.fireDueBeforeAction(ctx, now)
	w.pauseClock(w.clock(complaint.ClockResolution), now)
	w.state.Status = complaint.StatusWaitingOnCustomer
	w.state.WaitingSince = &now
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventPaused)
	err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventPaused, Actor: req.Actor, At: now, Status: w.state.Status, Reason: req.Reason,
	})
	if err == nil && w.changed(ctx, versionPauseNotice) {
		w.tellCustomer(ctx, key, complaint.EventPaused, message.Paused, map[string]string{"reason": req.Reason})
	}
	return w.state, err
}

func (w *complaintWorkflow) validateResume(_ workflow.Context, req ResumeRequest) error {
	if err := w.requireStatus("resume", complaint.ActionResume); err != nil {
		return err
	}
	return requireFields(map[string]string{"actor": req.Actor}, "actor")
}

func (w *complaintWorkflow) resume(ctx workflow.Context, req ResumeRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateResume(ctx, req) }); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	paused := w.endWaiting(now)
	w.clock(complaint.ClockResolution).resume(now)
	w.state.Status = complaint.StatusInProgress
	w.state.ResolutionDueAt = w.resolutionDue()
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventResumed)
	err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventResumed, Actor: req.Actor, At: now, Status: w.state.Status, Reason: req.Note,
		PausedSeconds: paused.Seconds(), ResolutionDueAt: *w.state.ResolutionDueAt,
	})
	if err == nil && w.changed(ctx, versionPauseNotice) {
		w.tellCustomer(ctx, key, complaint.EventResumed, message.Resumed, w.withDue(nil))
	}
	return w.state, err
}

// endWaiting ends a wait on the customer and returns how long it lasted.
func (w *complaintWorkflow) endWaiting(now time.Time) time.Duration {
	if w.state.WaitingSince == nil {
		return 0
	}
	paused := now.Sub(*w.state.WaitingSince)
	w.state.PausedFor += paused
	w.state.WaitingSince = nil
	return paused
}

func (w *complaintWorkflow) validateReopen(_ workflow.Context, req ReopenRequest) error {
	if err := w.requireStatus("reopen", complaint.ActionReopen); err != nil {
		return err
	}
	return requireFields(map[string]string{"actor": req.Actor, "reason": req.Reason}, "actor", "reason")
}

// reopen starts a new resolution clock on the policy's follow-up SLA.
func (w *complaintWorkflow) reopen(ctx workflow.Context, req ReopenRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateReopen(ctx, req) }); err != nil {
		return w.state, err
	}
	_, err := w.reopenWith(ctx, req.Actor, req.Reason, message.Reopened, nil, w.followUpSLA())
	return w.state, err
}

// reopenWith reopens the complaint on the round's SLA f, tells the owner and tells
// the customer (the text tmpl, with vars and the new deadline). It returns the event key.
func (w *complaintWorkflow) reopenWith(ctx workflow.Context, actor, reason string, tmpl message.Key, vars map[string]string, f followUp) (string, error) {
	now := workflow.Now(ctx)
	w.state.Reopened++
	var responseDue time.Time // zero: the round has no first-response clock
	if f.firstResponse > 0 {
		c := w.newClock(complaint.ClockFirstResponse, w.state.Reopened, now, f.firstResponse)
		w.clocks = append(w.clocks, c)
		responseDue = c.due(w.cal)
		w.state.FirstResponseDueAt = responseDue
	}
	w.clocks = append(w.clocks, w.newClock(complaint.ClockResolution, w.state.Reopened, now, f.resolution))
	w.state.Status = complaint.StatusInProgress
	w.state.ResolvedAt = nil
	w.state.ResolutionDueAt = w.resolutionDue()
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventReopened)
	err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventReopened, Actor: actor, At: now, Status: w.state.Status,
		Reason: reason, Round: w.state.Reopened, ResolutionDueAt: *w.state.ResolutionDueAt,
		FirstResponseDueAt: responseDue, RoundSLA: f.record(),
	})
	if err != nil {
		return key, err
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: complaint.EventReopened, Recipient: w.ownerRecipient(),
		Subject: "Complaint " + w.in.ComplaintID + " was reopened",
		Body: fmt.Sprintf("Complaint %s was reopened by %s: %s. The new resolution deadline is %s.%s",
			w.in.ComplaintID, actor, reason, formatTime(*w.state.ResolutionDueAt), w.responseDueText()),
	})
	w.tellCustomer(ctx, key, complaint.EventReopened, tmpl, w.withDue(vars))
	return key, nil
}

// versionChainAfterDecision: an action that makes its actor the owner of an
// unassigned complaint (acknowledge, resolve) loads the owner's chain after its
// events are written instead of before deciding. The load blocked between the
// validation and the decision, so a second resolution was accepted meanwhile (two
// resolved events, two notices), and a pause accepted meanwhile was written before
// the acknowledgement, which then carried the pause's status.
var versionChainAfterDecision = change{"owner-chain-after-decision", 5}

// claimOwnership makes the actor the owner of an unassigned complaint, and returns
// what loads their reporting chain, to run once the action's events are written;
// nothing blocks before then, so the action is decided, and takes its write turn,
// in the moment it was validated. Executions of revision 4 or older load the chain
// here, first, as they were recorded (and ask GetVersion only for an unassigned
// complaint, the only one that loads).
func (w *complaintWorkflow) claimOwnership(ctx workflow.Context, owner string) (loadChain func()) {
	loadChain = func() {}
	if w.state.Owner != "" {
		return loadChain
	}
	if w.legacy || !w.changed(ctx, versionChainAfterDecision) {
		w.takeOwnership(ctx, owner)
		return loadChain
	}
	w.state.Owner = owner
	return func() {
		// Handed over meanwhile: the new owner's chain stays. An escalation waiting
		// for a manager goes to the first the new chain names.
		if chain, err := w.loadChain(ctx, owner); err == nil && w.state.Owner == owner {
			w.state.Chain = chain
			w.routeWaitingEscalation(ctx)
		}
	}
}

// takeOwnership makes the actor the owner and loads their reporting chain, which
// escalations then follow. An actor missing from the directory keeps the chain the
// complaint was routed with.
func (w *complaintWorkflow) takeOwnership(ctx workflow.Context, owner string) {
	w.state.Owner = owner
	if w.legacy {
		return
	}
	if chain, err := w.loadChain(ctx, owner); err == nil {
		w.state.Chain = chain
	}
}

func (w *complaintWorkflow) loadChain(ctx workflow.Context, person string) ([]complaint.Member, error) {
	var chain []complaint.Member
	err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadChain, person).Get(ctx, &chain)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == activities.ErrTypeNotFound {
		w.logger.Info("owner is not in the directory; keeping the routed chain", "Owner", person)
	}
	return chain, err
}

// tellCustomer keeps the customer informed (LESCANT "notify"): the notice names
// the customer text and its variables, which the activity renders in the
// customer's language when it delivers (internal/message).
func (w *complaintWorkflow) tellCustomer(ctx workflow.Context, key string, kind complaint.EventKind, tmpl message.Key, vars map[string]string) {
	if w.legacy {
		return
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: kind, Recipient: activities.CustomerRecipient, Template: string(tmpl), Vars: vars,
	})
}

// withDue adds the committed resolution time, when there is one, to vars.
func (w *complaintWorkflow) withDue(vars map[string]string) map[string]string {
	if vars == nil {
		vars = map[string]string{}
	}
	if w.state.ResolutionDueAt != nil {
		vars["resolution_due_at"] = message.Time(*w.state.ResolutionDueAt)
	}
	return vars
}

// awaitLoaded waits for the SLA to load, then validates again: another action may
// have been accepted while this one waited.
func (w *complaintWorkflow) awaitLoaded(ctx workflow.Context, validate func() error) error {
	if err := workflow.Await(ctx, func() bool { return w.loaded }); err != nil {
		return err
	}
	return validate()
}

// takes reports whether the complaint's status takes action a now: the rule the
// console offers its forms by (complaint.Allows).
func (w *complaintWorkflow) takes(a complaint.Action) bool {
	return complaint.Allows(w.state.Status, a, w.awaitingResponse())
}

// requireStatus refuses action a, worded verb, in a status that does not take it.
func (w *complaintWorkflow) requireStatus(verb string, a complaint.Action) error {
	if w.reopening {
		return notReady(fmt.Sprintf("cannot %s yet: the customer's survey answer is reopening the complaint; try again", verb))
	}
	if w.takes(a) {
		return nil
	}
	reason := fmt.Sprintf("cannot %s a complaint that is %s", verb, w.state.Status)
	switch {
	case w.state.Status == complaint.StatusClosed:
		reason = fmt.Sprintf("cannot %s: the complaint is closed", verb)
	case a == complaint.ActionAcknowledge && w.state.FirstResponseAt != nil:
		reason = "cannot acknowledge: the complaint was already acknowledged"
	case a == complaint.ActionResolve && w.state.Status == complaint.StatusResolved:
		reason = "cannot resolve: the complaint is already resolved"
	case a == complaint.ActionPause && w.state.Status == complaint.StatusWaitingOnCustomer:
		reason = "cannot pause: the complaint is already waiting on the customer"
	case a == complaint.ActionPause && w.awaitingResponse():
		reason = "cannot pause: the customer's dissatisfied survey answer awaits a first response; acknowledge it first"
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

func (w *complaintWorkflow) validateSendProgress(ctx workflow.Context, req CustomerProgressRequest) error {
	if err := w.requireStatus("send progress on", complaint.ActionProgress); err != nil {
		return err
	}
	if err := requireFields(map[string]string{"actor": req.Actor, "message": req.Message}, "actor", "message"); err != nil {
		return err
	}
	if req.ExpectedBy == nil {
		return nil
	}
	now := workflow.Now(ctx)
	switch due := w.committedDue(now); {
	case !req.ExpectedBy.After(now) || req.ExpectedBy.After(now.Add(MaxExpectedAhead)):
		return invalidAction(fmt.Sprintf("expected_by must be in the future and within %d days", MaxExpectedAhead/(24*time.Hour)))
	case !w.overdue(now) && due != nil && req.ExpectedBy.After(*due):
		// Only a manager's extension moves the committed time (and tells the customer).
		return invalidAction(fmt.Sprintf("expected_by is after the committed resolution time %s: ask a manager for an extension", formatTime(*due)))
	}
	return nil
}

// committedDue is the resolution time an expected time must stay within: the
// committed one, or, while the clock is paused, the one resuming now would set (as
// resume computes it), since the paused time moves the deadline; the committed one
// may already have passed without a breach, none firing while paused.
func (w *complaintWorkflow) committedDue(now time.Time) *time.Time {
	c := w.clock(complaint.ClockResolution)
	if c == nil || c.stopped || c.running {
		return w.state.ResolutionDueAt
	}
	resumed := *c
	resumed.resume(now)
	due := resumed.due(w.cal)
	return &due
}

// versionOverdueNotices marks executions that tell the customer when the resolution
// deadline passes, and whose progress updates after it say we are late instead of
// promising the missed time; executions without it did neither.
var versionOverdueNotices = change{"overdue-notices", 7}

// sendProgress records an agent's progress update and tells the customer, with the
// resolution time still committed to or, once it has passed, that we are late, why
// and when we now expect to resolve (001 LESCANT "Notify"). It changes no clock.
func (w *complaintWorkflow) sendProgress(ctx workflow.Context, req CustomerProgressRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateSendProgress(ctx, req) }); err != nil {
		return w.state, err
	}
	key := w.eventKey(complaint.EventProgressSent)
	event := complaint.Event{
		Key: key, Kind: complaint.EventProgressSent, Actor: req.Actor, At: workflow.Now(ctx), Message: req.Message,
		Reason: req.Reason,
	}
	if req.ExpectedBy != nil {
		// What the customer was promised, for staff and the intake system to see.
		// Only the local activity's input changes, which replay does not compare.
		event.ExpectedBy = *req.ExpectedBy
	}
	if err := w.record(ctx, event); err != nil {
		return w.state, err
	}
	vars := map[string]string{"message": req.Message, "reason": req.Reason}
	if req.ExpectedBy != nil {
		vars["expected_by"] = message.Time(*req.ExpectedBy)
	}
	if w.overdue(workflow.Now(ctx)) && w.changed(ctx, versionOverdueNotices) {
		w.tellCustomer(ctx, key, complaint.EventProgressSent, message.ProgressOverdue, vars)
	} else {
		vars = w.withDue(vars)
		if due := w.committedDue(workflow.Now(ctx)); req.ExpectedBy != nil && due != nil {
			vars["resolution_due_at"] = message.Time(*due) // the time the expected one was checked within
		}
		w.tellCustomer(ctx, key, complaint.EventProgressSent, message.Progress, vars)
	}
	return w.state, nil
}

// overdue reports whether the latest resolution round missed its deadline by now: its
// breach fired (on the policy's calendar, paused time excluded) — or, from revision 8
// on, came due (missedBy) — and a missed deadline is not extended, so it stays
// missed until the round is resolved.
func (w *complaintWorkflow) overdue(now time.Time) bool {
	c := w.clock(complaint.ClockResolution)
	if c == nil || c.stopped {
		return false
	}
	if w.in.Revision >= versionMarksBeforeActions.since {
		return w.missedBy(c, now)
	}
	return slices.ContainsFunc(w.state.Breaches, func(b Breach) bool { return b.Clock == c.name && b.Round == c.round })
}
