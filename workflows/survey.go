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
	"github.com/complaintflow/complaintflow/internal/message"
)

// Defaults of the survey for policies snapshotted before it existed.
const (
	DefaultSurveyReminder = 24 * time.Hour
	DefaultSurveyTimeout  = 72 * time.Hour
)

// SurveyInput starts the survey of one resolution round of a complaint.
type SurveyInput struct {
	ComplaintID string
	Round       int
	Reminder    time.Duration // after sending, if unanswered
	Timeout     time.Duration // after sending: no answer closes the complaint unverified
	// Revision is the complaint's (ComplaintInput.Revision; 0 for surveys started
	// before it was passed on), which decides the survey's versioned changes too.
	Revision int `json:",omitempty"`
}

// versionSurveyExpiry ends the survey when its link expires (the ticket's
// ExpiresAt) instead of Timeout after the survey went out, and reminds the customer
// only of a link still valid then. The link expires Timeout after the survey was
// first asked for — or a row an earlier attempt stored says — while the workflow
// started its timers only once OpenSurvey (retried through a database outage) and
// the survey_sent event were done, so it reminded of, and waited on, a link the API
// refused. A link already expired when the survey could go out is not sent.
var versionSurveyExpiry = change{"survey-link-expiry", 5}

// SurveyOutcome is how a survey ended.
type SurveyOutcome string

// Outcomes of the survey (DOMAIN.md §2 "feed back → verify").
const (
	// The customer's answer confirms the fix: the complaint closes verified.
	OutcomeVerified SurveyOutcome = "verified"
	// CSAT ≤ 2, an NPS detractor or "not solved": the complaint reopens.
	OutcomeDissatisfied SurveyOutcome = "dissatisfied"
	// No answer before the timeout: the complaint closes unverified.
	OutcomeUnverified SurveyOutcome = "unverified"
)

// SurveyState is what the survey's query and answer update return, and its
// result.
type SurveyState struct {
	ComplaintID string
	Round       int
	SurveyID    string
	SentAt      time.Time
	ExpiresAt   time.Time
	RemindedAt  *time.Time `json:",omitempty"`
	AnsweredAt  *time.Time `json:",omitempty"`
	Answer      *complaint.SurveyAnswer
	Outcome     SurveyOutcome `json:",omitempty"` // empty while waiting
}

// SurveyAnswerRequest carries a customer's answer, sent by the API once it has
// checked the survey link's signature.
type SurveyAnswerRequest struct {
	SurveyID string
	Answer   complaint.SurveyAnswer
}

// SurveyWorkflow sends the customer a satisfaction survey with a signed,
// expiring link, reminds them once, and ends with the customer's verdict: verified,
// dissatisfied, or unverified when no answer came before the timeout. It takes
// exactly one answer (the answer_survey update). The complaint workflow acts on the
// outcome; cancelling the loop (the complaint was reopened or closed by an agent
// meanwhile) withdraws the survey.
func SurveyWorkflow(ctx workflow.Context, in SurveyInput) (SurveyState, error) {
	if in.ComplaintID == "" || in.Reminder <= 0 || in.Timeout <= in.Reminder {
		return SurveyState{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("invalid feedback input: complaint %q, reminder %s, timeout %s", in.ComplaintID, in.Reminder, in.Timeout),
			"InvalidInput", nil)
	}
	checkRevision(in.Revision)
	f := &surveyLoop{
		in:     in,
		id:     workflow.GetInfo(ctx).WorkflowExecution.ID,
		state:  SurveyState{ComplaintID: in.ComplaintID, Round: in.Round},
		logger: log.With(workflow.GetLogger(ctx), "ComplaintID", in.ComplaintID, "Round", in.Round),
	}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (SurveyState, error) { return f.state, nil }); err != nil {
		return f.state, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAnswerSurvey, f.answer,
		workflow.UpdateHandlerOptions{Validator: f.validateAnswer}); err != nil {
		return f.state, err
	}
	err := f.run(ctx)
	if temporal.IsCanceledError(err) {
		f.withdraw(ctx)
	}
	return f.state, err
}

type surveyLoop struct {
	in      SurveyInput
	id      string
	state   SurveyState
	sent    bool
	closed  bool // expired or withdrawn: no answer is taken any more
	notices []workflow.Future
	logger  log.Logger
}

func (f *surveyLoop) run(ctx workflow.Context) error {
	var ticket activities.SurveyTicket
	err := workflow.ExecuteActivity(activityContext(ctx), acts.OpenSurvey, activities.OpenSurveyInput{
		ComplaintID: f.in.ComplaintID, Round: f.in.Round, WorkflowID: f.id,
		SentAt: workflow.Now(ctx), Timeout: f.in.Timeout,
	}).Get(ctx, &ticket)
	if err != nil {
		return fmt.Errorf("open survey: %w", err)
	}
	f.state.SurveyID, f.state.SentAt, f.state.ExpiresAt = ticket.SurveyID, workflow.Now(ctx), ticket.ExpiresAt
	// expiring: the link's expiry ends the wait (versionSurveyExpiry).
	expiring := changed(ctx, f.in.Revision, versionSurveyExpiry)
	ok := false
	if !expiring || ticket.ExpiresAt.After(f.state.SentAt) {
		if ok, err = f.send(ctx, ticket, expiring); err != nil {
			return err
		}
	}
	if !ok {
		f.closed = true
		f.state.Outcome = OutcomeUnverified
		reason := "no answer within " + f.in.Timeout.String()
		switch {
		case expiring && !f.sent:
			reason = "the survey link expired at " + message.Time(ticket.ExpiresAt) + ", before the survey could be sent"
		case expiring:
			reason = "no answer before the survey link expired at " + message.Time(ticket.ExpiresAt)
		}
		if _, err := f.record(ctx, complaint.Event{
			Kind: complaint.EventSurveyExpired, Actor: complaint.ActorSystem, At: workflow.Now(ctx), Reason: reason,
		}); err != nil {
			return err
		}
	}
	// The answer's handler may still be recording it.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	for _, n := range f.notices {
		_ = n.Get(ctx, nil) // failures are kept in the notification's row
	}
	return nil
}

// send sends the survey, reminds the customer once and waits for the answer; it
// reports whether one came. Expiring, the wait ends when the link expires, and the
// reminder is sent only if it is due before then; otherwise after Timeout from
// sending, as executions of revision 4 or older were recorded.
func (f *surveyLoop) send(ctx workflow.Context, ticket activities.SurveyTicket, expiring bool) (bool, error) {
	key, err := f.record(ctx, complaint.Event{Kind: complaint.EventSurveySent, Actor: complaint.ActorSystem, At: f.state.SentAt})
	if err != nil {
		return false, err
	}
	f.sent = true
	// The link itself is signed by Notify (Notice.SurveyID): it is in no history.
	link := map[string]string{"expires_at": message.Time(ticket.ExpiresAt)}
	f.tellCustomer(ctx, key, complaint.EventSurveySent, message.Survey, link)

	answered := func() bool { return f.state.Answer != nil }
	await := func(d time.Duration, summary string) (bool, error) {
		if d <= 0 {
			return answered(), nil
		}
		return workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
			Timeout: d, TimerOptions: workflow.TimerOptions{Summary: summary},
		}, answered)
	}
	left := func() time.Duration { return ticket.ExpiresAt.Sub(workflow.Now(ctx)) }
	if expiring && left() <= f.in.Reminder {
		return await(left(), "survey timeout")
	}
	ok, err := await(f.in.Reminder, "survey reminder")
	if err != nil || ok {
		return ok, err
	}
	now := workflow.Now(ctx)
	f.state.RemindedAt = &now
	key, err = f.record(ctx, complaint.Event{Kind: complaint.EventSurveyReminded, Actor: complaint.ActorSystem, At: now})
	if err != nil {
		return false, err
	}
	f.tellCustomer(ctx, key, complaint.EventSurveyReminded, message.SurveyReminder, link)
	if expiring {
		return await(left(), "survey timeout")
	}
	return await(f.in.Timeout-f.in.Reminder, "survey timeout")
}

func (f *surveyLoop) validateAnswer(_ workflow.Context, req SurveyAnswerRequest) error {
	switch {
	case !f.sent || req.SurveyID != f.state.SurveyID:
		return invalidAction("survey " + req.SurveyID + " is not the open survey of this feedback loop")
	case f.state.Answer != nil:
		return invalidAction("the survey was already answered")
	case f.closed:
		return invalidAction("the survey is closed: " + orNone(string(f.state.Outcome)))
	}
	return validateSurveyAnswer(req.Answer)
}

// validateSurveyAnswer checks the scales (DOMAIN.md §2): CSAT 1–5, NPS 0–10, CES 1–7.
func validateSurveyAnswer(a complaint.SurveyAnswer) error {
	switch {
	case a.CSAT < 1 || a.CSAT > 5:
		return invalidAction(fmt.Sprintf("csat %d is not from 1 to 5", a.CSAT))
	case a.NPS != nil && (*a.NPS < 0 || *a.NPS > 10):
		return invalidAction(fmt.Sprintf("nps %d is not from 0 to 10", *a.NPS))
	case a.CES != nil && (*a.CES < 1 || *a.CES > 7):
		return invalidAction(fmt.Sprintf("ces %d is not from 1 to 7", *a.CES))
	}
	return nil
}

// answer takes the customer's answer; the outcome is decided at once, the event
// recorded before the update returns.
func (f *surveyLoop) answer(ctx workflow.Context, req SurveyAnswerRequest) (SurveyState, error) {
	if err := f.validateAnswer(ctx, req); err != nil {
		return f.state, err
	}
	now := workflow.Now(ctx)
	answer := req.Answer
	f.state.Answer, f.state.AnsweredAt = &answer, &now
	f.state.Outcome = OutcomeVerified
	if answer.Dissatisfied() {
		f.state.Outcome = OutcomeDissatisfied
	}
	_, err := f.record(ctx, complaint.Event{
		Kind: complaint.EventSurveyAnswered, Actor: complaint.ActorCustomer, At: now, Survey: &answer,
		Reason: strings.Join(answer.Reasons(), "; "),
	})
	return f.state, err
}

// withdraw marks the survey cancelled after the loop was cancelled; it runs on a
// disconnected context because the loop's own context is already done.
func (f *surveyLoop) withdraw(ctx workflow.Context) {
	f.closed = true
	if !f.sent || f.state.Answer != nil {
		return
	}
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if _, err := f.record(dctx, complaint.Event{
		Kind: complaint.EventSurveyCancelled, Actor: complaint.ActorSystem, At: workflow.Now(dctx),
		Reason: "the complaint was reopened or closed before the customer answered",
	}); err != nil {
		f.logger.Error("recording the withdrawn survey failed", "Error", err)
	}
}

// record writes a survey event to the complaint's history, keyed by this loop's ID
// (one per complaint round) and the kind: each kind happens once per loop.
func (f *surveyLoop) record(ctx workflow.Context, e complaint.Event) (string, error) {
	e.ComplaintID, e.SurveyID, e.Round = f.in.ComplaintID, f.state.SurveyID, f.in.Round
	e.Key = fmt.Sprintf("%s/%s", f.id, e.Kind)
	err := workflow.ExecuteLocalActivity(localActivityContext(ctx), acts.RecordEvent, e).Get(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("record %s: %w", e.Kind, err)
	}
	return e.Key, nil
}

func (f *surveyLoop) tellCustomer(ctx workflow.Context, key string, kind complaint.EventKind, tmpl message.Key, vars map[string]string) {
	f.notices = append(f.notices, workflow.ExecuteActivity(noticeContext(ctx), acts.Notify, activities.Notice{
		ComplaintID: f.in.ComplaintID, EventKey: key, EventKind: kind, Recipient: activities.CustomerRecipient,
		Template: string(tmpl), Vars: vars, SurveyID: f.state.SurveyID,
	}))
}

// afterResolution runs the survey of the resolution round and acts on its
// outcome; executions filed before the loop existed close themselves after
// CloseAfterResolved as they always did.
func (w *complaintWorkflow) afterResolution(ctx workflow.Context) error {
	if w.legacy || !w.changed(ctx, versionSurvey) {
		return w.awaitClose(ctx)
	}
	round := w.state.Reopened
	reminder, timeout := w.surveyTimes()
	loopCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	loopCtx = workflow.WithChildOptions(loopCtx, workflow.ChildWorkflowOptions{
		WorkflowID: SurveyWorkflowID(w.in.ComplaintID, round),
		// Wait for a withdrawn survey to be marked so before the complaint moves on.
		WaitForCancellation: true,
		StaticSummary:       fmt.Sprintf("feedback loop of complaint %s, round %d", w.in.ComplaintID, round),
	})
	loop := workflow.ExecuteChildWorkflow(loopCtx, SurveyWorkflowName, SurveyInput{
		ComplaintID: w.in.ComplaintID, Round: round, Reminder: reminder, Timeout: timeout, Revision: w.in.Revision,
	})
	w.state.Survey = &SurveyRound{Round: round, WorkflowID: SurveyWorkflowID(w.in.ComplaintID, round)}
	if err := workflow.Await(ctx, func() bool {
		return loop.IsReady() || w.state.Status != complaint.StatusResolved
	}); err != nil {
		return err
	}
	if w.state.Status != complaint.StatusResolved {
		// An agent reopened or closed the complaint first: withdraw the survey.
		cancel()
		_ = loop.Get(ctx, nil)
		return nil
	}
	var result SurveyState
	if err := loop.Get(ctx, &result); err != nil {
		// The loop's activities retry without end, so this is a bug or an operator
		// terminating it; the fix cannot be verified, but the complaint must not hang.
		w.logger.Error("feedback loop failed; closing unverified", "Error", err)
		_, err := w.closeAs(ctx, complaint.ActorSystem, complaint.Unverified, "the feedback loop failed: "+err.Error())
		return err
	}
	w.state.Survey.Outcome = result.Outcome
	return w.actOnFeedback(ctx, result)
}

// actOnFeedback closes the complaint or reopens it, as the customer's verdict says,
// and tells the customer the result (DOMAIN.md §2 "feed back").
func (w *complaintWorkflow) actOnFeedback(ctx workflow.Context, r SurveyState) error {
	switch r.Outcome {
	case OutcomeVerified:
		key, err := w.closeAs(ctx, complaint.ActorCustomer, complaint.Verified,
			fmt.Sprintf("the customer confirmed the fix (CSAT %d/5)", r.Answer.CSAT))
		if err == nil {
			w.tellCustomer(ctx, key, complaint.EventClosed, message.ClosedVerified, nil)
		}
		return err
	case OutcomeDissatisfied:
		reason := "customer dissatisfied: " + strings.Join(r.Answer.Reasons(), "; ")
		if c := strings.TrimSpace(r.Answer.Comment); c != "" {
			reason += ` ("` + c + `")`
		}
		round := w.followUpSLA()
		if w.changed(ctx, versionDissatisfiedResponse) {
			round = w.dissatisfiedFollowUp(ctx)
		}
		key, err := w.reopenWith(ctx, complaint.ActorCustomer, reason, message.ReopenedDissatisfied,
			map[string]string{"reasons": strings.Join(r.Answer.Reasons(), "; ")}, round)
		if err != nil {
			return err
		}
		w.notify(ctx, activities.Notice{
			EventKey: key, EventKind: complaint.EventReopened, Recipient: w.ladderRecipient(complaint.RoleManager),
			Subject: "Customer dissatisfied: complaint " + w.in.ComplaintID + " reopened",
			Body: fmt.Sprintf("The customer's survey sent complaint %s (owner %s) back: %s. Follow-up deadline %s.%s",
				w.in.ComplaintID, orNone(w.state.Owner), reason, formatTime(*w.state.ResolutionDueAt), w.responseDueText()),
		})
		return nil
	default:
		_, timeout := w.surveyTimes()
		key, err := w.closeAs(ctx, complaint.ActorSystem, complaint.Unverified,
			fmt.Sprintf("no answer to the satisfaction survey within %s", timeout))
		if err == nil {
			w.tellCustomer(ctx, key, complaint.EventClosed, message.ClosedUnverified, nil)
		}
		return err
	}
}

// surveyTimes are the policy's reminder delay and timeout, or the defaults for a
// snapshot taken before the survey existed.
func (w *complaintWorkflow) surveyTimes() (reminder, timeout time.Duration) {
	reminder, timeout = secs(w.policy.SurveyReminderSeconds), secs(w.policy.SurveyTimeoutSeconds)
	if reminder <= 0 || timeout <= reminder {
		return DefaultSurveyReminder, DefaultSurveyTimeout
	}
	return reminder, timeout
}
