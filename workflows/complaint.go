package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/calendar"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// DefaultCloseAfterResolved is how long a resolved complaint filed before the
// survey existed waits for an explicit close before it closes itself.
const DefaultCloseAfterResolved = 72 * time.Hour

// versionLadder marks executions started once the escalation ladder existed.
// Executions without the marker (filed before) keep the exact commands they were
// recorded with: synchronous notices and the original search attributes.
var versionLadder = change{"escalation-ladder", 1}

// versionSurvey marks executions that run the survey after a resolution
// instead of closing themselves after DefaultCloseAfterResolved.
var versionSurvey = change{"feedback-loop", 1}

// versionPauseNotice marks executions that tell the customer (and so the intake
// system's callback) when work waits on them and when it resumes; executions
// without the marker paused and resumed silently.
var versionPauseNotice = change{"pause-notice", 1}

// versionAngerRaise marks executions that record an angry customer's urgency raise
// (done at intake, 002 §3.2) as an event and escalate for anger found in the text
// as for an angry sentiment; executions without the marker escalated only for the
// intake system's "angry" sentiment and recorded no raise.
var versionAngerRaise = change{"policy-anger-raise", 1}

// versionExtensionNotice marks executions that tell the customer the new
// resolution time when an extension is approved; executions without the marker
// told only staff.
var versionExtensionNotice = change{"notices-extension", 1}

// Defaults for policies snapshotted without a value.
const (
	defaultDecisionTime = 4 * time.Hour
	defaultFollowUp     = 24 * time.Hour
)

// ComplaintInput starts a complaint workflow. One struct, so fields can be added
// without breaking running workflows.
type ComplaintInput struct {
	ComplaintID string
	// Revision is the CurrentRevision of the code that started the execution (0:
	// started before revisions existed); see changed.
	Revision int `json:",omitempty"`
	// CloseAfterResolved overrides DefaultCloseAfterResolved when positive (only
	// executions without the survey use it).
	CloseAfterResolved time.Duration
}

// Breach is a missed SLA deadline.
type Breach struct {
	Clock   complaint.Clock
	Round   int `json:",omitempty"`
	DueAt   time.Time
	FiredAt time.Time
}

// Warning is a pre-breach warning that fired.
type Warning struct {
	Clock   complaint.Clock
	Round   int `json:",omitempty"`
	Percent int
	DueAt   time.Time
	FiredAt time.Time
	// Superseded: recorded but not told, a later mark of its clock fired with it
	// (see superseded).
	Superseded bool `json:",omitempty"`
}

// LadderStep is a breach level of the escalation ladder that fired.
type LadderStep struct {
	Clock     complaint.Clock
	Round     int `json:",omitempty"`
	Level     int
	Recipient string
	FiredAt   time.Time
}

// ComplaintState is what the state query and every update return.
type ComplaintState struct {
	ComplaintID        string
	Status             complaint.Status
	Urgency            complaint.Level
	Tier               complaint.Level
	Category           string
	Sentiment          string `json:",omitempty"`
	Team               string `json:",omitempty"`
	Owner              string
	Chain              []complaint.Member `json:",omitempty"`
	OpenedAt           time.Time
	FirstResponseDueAt time.Time
	FirstResponseAt    *time.Time
	ResolutionDueAt    *time.Time
	ResolvedAt         *time.Time
	ClosedAt           *time.Time
	WaitingSince       *time.Time    `json:",omitempty"`
	PausedFor          time.Duration `json:",omitempty"` // wall time waiting on the customer
	Reopened           int           `json:",omitempty"`
	Extended           time.Duration `json:",omitempty"`
	EscalationLevel    int           `json:",omitempty"`
	Breaches           []Breach
	Warnings           []Warning                    `json:",omitempty"`
	Ladder             []LadderStep                 `json:",omitempty"`
	Escalations        []complaint.EscalationRecord `json:",omitempty"`
	// Front-line refunds and compensation (002 §3.1), in the order recorded.
	Compensations []complaint.CompensationRecord `json:",omitempty"`
	// The latest survey, and how the closing was verified.
	Survey       *SurveyRound           `json:",omitempty"`
	Verification complaint.Verification `json:",omitempty"`
}

// SurveyRound is the survey of one resolution round.
type SurveyRound struct {
	Round      int
	WorkflowID string
	Outcome    SurveyOutcome `json:",omitempty"` // empty while it runs or if withdrawn
}

// Breached reports whether any SLA deadline was missed.
func (s ComplaintState) Breached() bool { return len(s.Breaches) > 0 }

// PendingEscalation returns the escalation awaiting a decision, if any.
func (s ComplaintState) PendingEscalation() *complaint.EscalationRecord {
	if n := len(s.Escalations); n > 0 && s.Escalations[n-1].Status == "pending" {
		return &s.Escalations[n-1]
	}
	return nil
}

// openingEscalation reports whether an over-limit compensation's escalation is
// still being opened: the compensation is requested and names an escalation not
// appended yet (its handler waits on recording the request). It is as good as
// pending — a second over-limit request or an escalation request in that moment
// would open another and orphan the first. Only validators ask, and they do not
// run on replay, so recorded histories replay as before.
func (s ComplaintState) openingEscalation() bool {
	n := len(s.Compensations)
	return n > 0 && s.Compensations[n-1].Status == complaint.CompensationRequested &&
		s.Compensations[n-1].EscalationSeq > len(s.Escalations)
}

// ComplaintWorkflow runs one complaint from filing to closure: it loads the SLA the
// complaint was filed under, runs the first-response and resolution clocks (on the
// policy's business-hours calendar) with one durable timer for the nearest warning,
// breach or ladder level, routes escalation requests to the right manager, and takes
// agent and manager actions as validated updates.
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
	legacy bool // started before the escalation ladder; see versionLadder
	state  ComplaintState
	loaded bool
	policy complaint.Policy
	cal    *calendar.Calendar // nil: around the clock
	// Clocks in the order their marks are handled when they fire together.
	clocks []*slaClock
	// Marks that fired and still need their events and notices.
	fired   []firedMark
	notices []workflow.Future
	// batch, while set, collects notices to send together in one activity; marks,
	// while set, the events of fired marks to record together (versionMarkEvents).
	batch       *[]activities.Notice
	marks       *[]complaint.Event
	eventCounts map[complaint.EventKind]int
	// recording hands out turns to write events (versionOrderedEvents).
	recording turns
	// anger is why intake took the customer as angry; set only on executions with
	// versionAngerRaise.
	anger string
	// reopening: a dissatisfied answer's round is loading its policy (dissatisfiedFollowUp).
	reopening bool
	logger    log.Logger
}

func newComplaintWorkflow(ctx workflow.Context, in ComplaintInput) (*complaintWorkflow, error) {
	if in.ComplaintID == "" {
		return nil, temporal.NewNonRetryableApplicationError("ComplaintID is required", "InvalidInput", nil)
	}
	checkRevision(in.Revision)
	if in.CloseAfterResolved <= 0 {
		in.CloseAfterResolved = DefaultCloseAfterResolved
	}
	w := &complaintWorkflow{
		in:          in,
		id:          workflow.GetInfo(ctx).WorkflowExecution.ID,
		legacy:      !changed(ctx, in.Revision, versionLadder),
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
		{UpdatePause, w.pause, w.validatePause},
		{UpdateResume, w.resume, w.validateResume},
		{UpdateReopen, w.reopen, w.validateReopen},
		{UpdateRequestEscalation, w.requestEscalation, w.validateRequestEscalation},
		{UpdateDecideEscalation, w.decideEscalation, w.validateDecideEscalation},
		{UpdateCompensate, w.compensate, w.validateCompensate},
		{UpdateHandover, w.handover, w.validateHandover},

		{UpdateSendProgress, w.sendProgress, w.validateSendProgress},
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
		w.handleFired(ctx)
		if w.state.Status == complaint.StatusResolved {
			if err := w.afterResolution(ctx); err != nil {
				return w.state, err
			}
			continue
		}
		if err := w.awaitNextWake(ctx); err != nil {
			return w.state, err
		}
	}
	w.handleFired(ctx)
	// Let updates still recording their events, and notices still being delivered,
	// finish before completing.
	err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	for _, f := range w.notices {
		_ = f.Get(ctx, nil) // failures are logged by the activity and kept in PostgreSQL
	}
	return w.state, err
}

// open loads the SLA, records `opened`, starts the clocks and, when the policy says
// so, requests an escalation for an angry or high-tier customer.
func (w *complaintWorkflow) open(ctx workflow.Context) error {
	var sla complaint.SLA
	// A local activity: short reads and one insert, run inside the first workflow
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
	w.state.Sentiment, w.state.Team, w.state.Owner, w.state.Chain = sla.Sentiment, sla.Team, sla.Owner, sla.Chain
	w.state.OpenedAt = sla.OpenedAt
	w.policy = legacyPolicy(sla)
	if sla.Policy != nil {
		w.policy = *sla.Policy
	}
	if w.policy.Calendar != nil {
		if w.cal, err = calendar.Compile(*w.policy.Calendar); err != nil {
			// Validated when saved; a zone missing from this worker's tzdata must not
			// stall the complaint, so its clocks run around the clock instead.
			w.logger.Error("calendar unusable; clocks run around the clock", "Error", err)
		}
	}
	w.clocks = append(w.clocks, w.newClock(complaint.ClockFirstResponse, 0, sla.OpenedAt, secs(w.policy.FirstResponseSeconds)))
	if w.policy.ResolutionSeconds != nil {
		w.clocks = append(w.clocks, w.newClock(complaint.ClockResolution, 0, sla.OpenedAt, secs(*w.policy.ResolutionSeconds)))
	}
	w.state.FirstResponseDueAt = w.clock(complaint.ClockFirstResponse).due(w.cal)
	w.state.ResolutionDueAt = w.resolutionDue()
	w.loaded = true
	// The API sets the search attributes when it starts the workflow; set them here
	// only for a workflow started without them.
	if _, ok := workflow.GetTypedSearchAttributes(ctx).GetKeyword(SearchAttrStatus); !ok {
		w.upsertSearchAttributes(ctx)
	}
	if w.changed(ctx, versionAngerRaise) && sla.Anger != "" {
		w.anger = sla.Anger
		if sla.RaisedFrom != "" {
			if err := w.record(ctx, complaint.Event{
				Kind: complaint.EventUrgencyRaised, Actor: complaint.ActorSystem, At: workflow.Now(ctx), Urgency: sla.Urgency,
				Reason: fmt.Sprintf("urgency raised from %s to %s: %s", sla.RaisedFrom, sla.Urgency, sla.Anger),
			}); err != nil {
				return err
			}
		}
	}
	if reason := w.autoEscalationReason(); reason != "" {
		w.openEscalation(ctx, complaint.ActorSystem, reason, true)
	}
	return nil
}

// legacyPolicy is the policy of a complaint filed before policies were snapshotted:
// the two deadlines stamped at filing, no warnings and no ladder.
func legacyPolicy(sla complaint.SLA) complaint.Policy {
	p := complaint.Policy{FirstResponseSeconds: int64(sla.FirstResponseDue.Sub(sla.OpenedAt) / time.Second)}
	if sla.ResolutionDue != nil {
		r := int64(sla.ResolutionDue.Sub(sla.OpenedAt) / time.Second)
		p.ResolutionSeconds = &r
	}
	return p
}

func secs(n int64) time.Duration { return time.Duration(n) * time.Second }

// awaitNextWake sleeps on one durable timer until the nearest warning, breach, ladder
// level or decision deadline, or until an action changes what that is; the timer is
// cancelled if it did not fire.
func (w *complaintWorkflow) awaitNextWake(ctx workflow.Context) error {
	next, ok := w.nextWake()
	if !ok {
		return workflow.Await(ctx, func() bool {
			_, ok := w.nextWake()
			return ok || !w.state.Status.Active() || len(w.fired) > 0
		})
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	wait := max(next.at.Sub(workflow.Now(ctx)), 0)
	timer := workflow.NewTimerWithOptions(timerCtx, wait, workflow.TimerOptions{Summary: next.what})
	if err := workflow.Await(ctx, func() bool {
		now, ok := w.nextWake()
		return timer.IsReady() || !ok || !now.same(next) || !w.state.Status.Active() || len(w.fired) > 0
	}); err != nil {
		return err
	}
	if timer.IsReady() && timer.Get(ctx, nil) == nil {
		now := workflow.Now(ctx)
		for _, c := range w.clocks {
			w.fireDue(c, now)
		}
		w.moveUpOverdue(ctx, now)
	}
	return nil
}

// wake is the next moment the workflow has something to do.
type wake struct {
	at   time.Time
	what string
}

func (a wake) same(b wake) bool { return a.at.Equal(b.at) && a.what == b.what }

func (w *complaintWorkflow) nextWake() (wake, bool) {
	var best wake
	found := false
	consider := func(at time.Time, what string) {
		if !found || at.Before(best.at) {
			best, found = wake{at: at, what: what}, true
		}
	}
	for _, c := range w.clocks {
		if m := c.nextMark(); c.running && m != nil {
			consider(c.timeOf(m, w.cal), c.describe(m))
		}
	}
	if e := w.state.PendingEscalation(); e != nil && e.DecisionDueAt != nil {
		consider(*e.DecisionDueAt, fmt.Sprintf("escalation %d decision, level %d", e.Seq, e.Level))
	}
	return best, found
}

// fireDue marks every mark of the clock whose time has come as fired.
func (w *complaintWorkflow) fireDue(c *slaClock, now time.Time) {
	due := c.due(w.cal)
	for m := c.markDue(now, w.cal); m != nil; m = c.markDue(now, w.cal) {
		m.fired = true
		w.fired = append(w.fired, firedMark{clock: c, mark: m, at: now, due: due, to: w.markRecipient(m)})
	}
}

// stopClock ends a clock with an action taken at the given time: met when before
// the deadline, breached when the action came after it (whether or not the timer had
// been processed yet), so the outcome never depends on event ordering. Warnings and
// ladder levels still to come are dropped.
func (w *complaintWorkflow) stopClock(c *slaClock, at time.Time) {
	if c == nil || c.stopped {
		return
	}
	if b := c.breachMark(); !b.fired && c.usedAt(at, w.cal) >= c.budget {
		b.fired = true
		w.fired = append(w.fired, firedMark{clock: c, mark: b, at: at, due: c.due(w.cal), to: w.markRecipient(b)})
	}
	c.running, c.stopped = false, true
}

// pauseClock stops the clock consuming time; marks whose time has come fire first.
func (w *complaintWorkflow) pauseClock(c *slaClock, now time.Time) {
	if c == nil || !c.running {
		return
	}
	w.fireDue(c, now)
	c.pause(now, w.cal)
}

func (w *complaintWorkflow) clock(name complaint.Clock) *slaClock {
	var found *slaClock
	for _, c := range w.clocks {
		if c.name == name {
			found = c // the latest round
		}
	}
	return found
}

func (w *complaintWorkflow) resolutionDue() *time.Time {
	c := w.clock(complaint.ClockResolution)
	if c == nil || c.stopped {
		return w.state.ResolutionDueAt
	}
	due := c.due(w.cal)
	return &due
}

// awaitClose waits for an explicit close or a reopening, or closes the complaint
// itself when the feedback window passes.
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
		Kind: complaint.EventClosed, Actor: complaint.ActorSystem, At: now, Status: complaint.StatusClosed,
		Reason: "no objection within " + w.in.CloseAfterResolved.String() + " of resolution",
	})
}

// record writes an event through the RecordEvent activity. The key is derived from
// the workflow ID and the event's ordinal, so replays and retries reuse it.
func (w *complaintWorkflow) record(ctx workflow.Context, e complaint.Event) error {
	e.ComplaintID = w.in.ComplaintID
	if e.Key == "" {
		e.Key = w.eventKey(e.Kind)
	}
	if w.legacy {
		return workflow.ExecuteActivity(activityContext(ctx), acts.RecordEvent, e).Get(ctx, nil)
	}
	if w.marks != nil && isMarkEvent(e.Kind) {
		*w.marks = append(*w.marks, e)
		return nil
	}
	// One event at a time, in the order they were decided (versionOrderedEvents).
	done, err := w.recording.take(ctx, func() bool { return w.changed(ctx, versionOrderedEvents) })
	if err != nil {
		return err
	}
	defer done()
	// A local activity: the event is written within the workflow task that decided
	// it, with no activity task round trip through the server — a breach lands in
	// PostgreSQL as soon as its timer's task runs.
	return workflow.ExecuteLocalActivity(localActivityContext(ctx), acts.RecordEvent, e).Get(ctx, nil)
}

// changed reports whether this execution runs the behaviour the change introduced.
func (w *complaintWorkflow) changed(ctx workflow.Context, c change) bool {
	return changed(ctx, w.in.Revision, c)
}

// isMarkEvent reports whether the event is a fired mark's, which RecordMarks writes.
func isMarkEvent(k complaint.EventKind) bool {
	return k == complaint.EventSLAWarning || k == complaint.EventSLABreached || k == complaint.EventSLAEscalated
}

func (w *complaintWorkflow) eventKey(kind complaint.EventKind) string {
	w.eventCounts[kind]++
	return fmt.Sprintf("%s/%s/%d", w.id, kind, w.eventCounts[kind])
}

func (w *complaintWorkflow) upsertSearchAttributes(ctx workflow.Context) {
	updates := []temporal.SearchAttributeUpdate{
		SearchAttrStatus.ValueSet(string(w.state.Status)),
		SearchAttrUrgency.ValueSet(string(w.state.Urgency)),
		SearchAttrTier.ValueSet(string(w.state.Tier)),
		SearchAttrCategory.ValueSet(w.state.Category),
		SearchAttrBreached.ValueSet(w.state.Breached()),
	}
	if !w.legacy {
		// Executions filed before these attributes existed keep their recorded set.
		updates = append(updates,
			SearchAttrEscalationLevel.ValueSet(int64(w.state.EscalationLevel)),
			SearchAttrEscalationPending.ValueSet(w.state.PendingEscalation() != nil),
			SearchAttrOwner.ValueSet(w.state.Owner),
		)
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		w.logger.Error("upserting search attributes failed", "Error", err)
	}
}

// notify sends a notice. Newer executions do not wait for delivery; the futures are
// awaited before the workflow completes.
func (w *complaintWorkflow) notify(ctx workflow.Context, n activities.Notice) {
	n.ComplaintID = w.in.ComplaintID
	if w.batch != nil {
		*w.batch = append(*w.batch, n)
		return
	}
	if w.legacy {
		if err := workflow.ExecuteActivity(activityContext(ctx), acts.Notify, n).Get(ctx, nil); err != nil {
			w.logger.Error("notification failed", "Error", err, "Recipient", n.Recipient)
		}
		return
	}
	w.track(workflow.ExecuteActivity(noticeContext(ctx), acts.Notify, n))
}

// sendNow delivers notices from within the workflow task (a local activity: no
// activity task round trip through the server, which is what a burst of breaches
// would queue on). If that does not get them all out within seconds, a regular
// activity takes over and retries with backoff, not awaited; deliveries already
// sent are not repeated. When all that is left is to wait for deliveries another
// attempt holds (activities.ErrTypeNotificationInFlight: a redo of a timed-out task
// whose first attempt still runs, or a begun delivery not yet stale), the activity
// takes over at once: waiting within the task would hold it, and under overload
// make more tasks time out.
func (w *complaintWorkflow) sendNow(ctx workflow.Context, notices []activities.Notice) {
	fast := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 12 * time.Second,
		StartToCloseTimeout:    11 * time.Second, // channels give up after 10 s
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 500 * time.Millisecond, MaximumInterval: 2 * time.Second,
			NonRetryableErrorTypes: []string{activities.ErrTypeNotificationInFlight}},
	})
	err := workflow.ExecuteLocalActivity(fast, acts.NotifyAll, notices).Get(ctx, nil)
	var appErr *temporal.ApplicationError
	if err == nil || (errors.As(err, &appErr) && appErr.NonRetryable()) {
		return
	}
	w.track(workflow.ExecuteActivity(noticeContext(ctx), acts.NotifyAll, notices))
}

func (w *complaintWorkflow) track(f workflow.Future) {
	w.notices = slices.DeleteFunc(w.notices, func(f workflow.Future) bool { return f.IsReady() })
	w.notices = append(w.notices, f)
}
