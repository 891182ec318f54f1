package workflows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// The notices a risk alert sends.
const (
	EventRiskAlertOpened    complaint.EventKind = "risk_alert_opened"
	EventRiskAlertEscalated complaint.EventKind = "risk_alert_escalated"
	EventRiskAlertOverdue   complaint.EventKind = "risk_alert_overdue"
)

// DirectorRecipient is who hears of a red alert when the owner's chain has no
// director: only the log channel reaches it.
const DirectorRecipient = "role:director"

// RiskMonitorInput is what a risk-monitor schedule starts RiskMonitorWorkflow with.
type RiskMonitorInput struct {
	ScheduleID string
}

// RiskMonitorResult is what one monitor run saw and did.
type RiskMonitorResult struct {
	At        time.Time
	Checks    []quality.RiskCheck // one per condition, held or not
	Opened    []string            // alerts this run opened (and started the workflow of)
	SeenAgain []string            // alerts already open for a condition found again
}

// RiskMonitorWorkflow checks the risk thresholds once (DOMAIN.md §4), with every
// window ending at the run's start, and opens an alert for each condition that
// holds, unless one is open for it already. Each new alert gets its own
// RiskAlertWorkflow, abandoned so it outlives the run.
func RiskMonitorWorkflow(ctx workflow.Context, in RiskMonitorInput) (RiskMonitorResult, error) {
	runID := workflow.GetInfo(ctx).WorkflowExecution.ID
	logger := log.With(workflow.GetLogger(ctx), "ScheduleID", in.ScheduleID)
	res := RiskMonitorResult{At: workflow.Now(ctx)}
	var ev quality.RiskEvaluation
	if err := workflow.ExecuteActivity(activityContext(ctx), acts.EvaluateRisks,
		activities.EvaluateRisksInput{At: res.At}).Get(ctx, &ev); err != nil {
		return res, fmt.Errorf("evaluate risks: %w", err)
	}
	res.Checks = ev.Checks
	for _, check := range ev.Findings() {
		var opened activities.OpenedAlert
		if err := workflow.ExecuteActivity(activityContext(ctx), acts.OpenAlert, activities.OpenAlertInput{
			MonitorRun: runID, Check: check, At: res.At,
		}).Get(ctx, &opened); err != nil {
			return res, fmt.Errorf("open %s alert: %w", check.Condition, err)
		}
		if !opened.Created {
			res.SeenAgain = append(res.SeenAgain, opened.AlertID)
			continue
		}
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:        RiskAlertWorkflowID(opened.AlertID),
			ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		})
		child := workflow.ExecuteChildWorkflow(cctx, RiskAlertWorkflow, RiskAlertInput{AlertID: opened.AlertID})
		// Started once is enough: a retry of this run finds it running.
		if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
			return res, fmt.Errorf("start the workflow of alert %s: %w", opened.AlertID, err)
		}
		logger.Info("risk alert opened", "AlertID", opened.AlertID, "Condition", check.Condition, "Grade", check.Grade)
		res.Opened = append(res.Opened, opened.AlertID)
	}
	return res, nil
}

// RiskAlertInput starts the handling of one risk alert.
type RiskAlertInput struct {
	AlertID string
}

// RiskAlertState is what the alert's query and updates return, and its result.
type RiskAlertState struct {
	AlertID         string
	Condition       quality.Condition
	Grade           quality.Grade
	Status          quality.RiskAlertStatus
	OwnerID         string // "" when the quality team has no lead: the team owns it
	OpenedAt        time.Time
	HandlingPeriod  time.Duration
	DueAt           *time.Time `json:",omitempty"` // the deadline running; nil once responded, closed or overdue
	EscalationLevel int        // steps up the owner's chain so far
	EscalatedTo     string     `json:",omitempty"`
	Overdue         bool       // past the top of the chain
	Response        string     `json:",omitempty"`
	RespondedBy     string     `json:",omitempty"`
	RespondedAt     *time.Time `json:",omitempty"`
	Ledger          *quality.RiskLedgerEntry
	ClosedBy        string     `json:",omitempty"`
	ClosedAt        *time.Time `json:",omitempty"`
}

// RespondAlertRequest is the owner's response: a contingency plan (red), an
// analysis report (yellow) or a rectification plan (blue).
type RespondAlertRequest struct {
	By       string
	Response string
}

// CloseAlertRequest closes an alert with its risk-ledger entry; every field is required.
type CloseAlertRequest struct {
	By             string
	RootCause      string
	Solution       string
	Executor       string
	ActionDeadline time.Time
	Verification   string
}

// RiskAlertWorkflow enforces a risk alert's handling deadline (DOMAIN.md §4). The
// owner (the quality lead, or the quality team without one) hears of the alert at
// once, and of a red alert so does the nearest director of the owner's chain: an
// executive leads. Unanswered by the deadline (1 h red, 4 h yellow, 24 h blue by
// default, fixed when the alert opened), it escalates one step up the owner's
// chain per handling period, telling that person and the owner; past the top of
// the chain it is recorded overdue once and escalates no further. A response
// (respond_alert) stops the escalation; closing (close_alert, with the ledger
// entry) ends the workflow.
func RiskAlertWorkflow(ctx workflow.Context, in RiskAlertInput) (RiskAlertState, error) {
	if in.AlertID == "" {
		return RiskAlertState{}, temporal.NewNonRetryableApplicationError("invalid risk alert input: no alert ID", "InvalidInput", nil)
	}
	w := &riskAlert{
		id:     workflow.GetInfo(ctx).WorkflowExecution.ID,
		state:  RiskAlertState{AlertID: in.AlertID},
		mu:     workflow.NewMutex(ctx),
		logger: log.With(workflow.GetLogger(ctx), "AlertID", in.AlertID),
	}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (RiskAlertState, error) { return w.state, nil }); err != nil {
		return w.state, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRespondAlert, w.respond,
		workflow.UpdateHandlerOptions{Validator: w.validateRespond}); err != nil {
		return w.state, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCloseAlert, w.close,
		workflow.UpdateHandlerOptions{Validator: w.validateClose}); err != nil {
		return w.state, err
	}
	err := w.run(ctx)
	return w.state, err
}

type riskAlert struct {
	id      string
	state   RiskAlertState
	loaded  bool
	figures quality.RiskAlert // observed, baseline and threshold at opening
	team    activities.QualityTeam
	chain   []complaint.Member // the owner, then upward; empty without an owner
	mu      workflow.Mutex     // one alert write at a time, in the order they were decided
	notices []workflow.Future
	logger  log.Logger
}

func (w *riskAlert) run(ctx workflow.Context) error {
	var alert quality.RiskAlert
	if err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadAlert, w.state.AlertID).Get(ctx, &alert); err != nil {
		return fmt.Errorf("load alert: %w", err)
	}
	w.state.Condition, w.state.Grade, w.state.Status = alert.Condition, alert.Grade, alert.Status
	w.state.OpenedAt, w.state.HandlingPeriod = alert.OpenedAt, time.Duration(alert.HandlingSeconds)*time.Second
	w.state.EscalationLevel = alert.EscalationLevel
	if alert.OwnerID != nil {
		w.state.OwnerID = *alert.OwnerID
	}
	if alert.EscalatedTo != nil {
		w.state.EscalatedTo = *alert.EscalatedTo
	}
	w.figures, w.loaded = alert, true
	if w.state.Status == quality.RiskClosed {
		return nil
	}
	if err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadQualityTeam).Get(ctx, &w.team); err != nil {
		return fmt.Errorf("load the quality team: %w", err)
	}
	if w.state.OwnerID != "" {
		err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadChain, w.state.OwnerID).Get(ctx, &w.chain)
		var appErr *temporal.ApplicationError
		switch {
		case errors.As(err, &appErr) && appErr.Type() == activities.ErrTypeNotFound:
			// The lead left the directory since: nobody above to escalate to.
			w.chain = []complaint.Member{{ID: w.state.OwnerID}}
		case err != nil:
			return fmt.Errorf("load the owner's chain: %w", err)
		}
	}

	if w.state.Status == quality.RiskOpen {
		if err := w.announce(ctx); err != nil {
			return err
		}
		if err := w.escalateUntilAnswered(ctx, alert.HandlingDueAt); err != nil {
			return err
		}
	}
	if err := workflow.Await(ctx, func() bool { return w.state.Status == quality.RiskClosed }); err != nil {
		return err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	for _, n := range w.notices {
		_ = n.Get(ctx, nil) // failures are kept in the notification's row
	}
	return nil
}

// owners are whom the alert's notices go to: the owner, or the quality team.
func (w *riskAlert) owners() []string {
	if w.state.OwnerID != "" {
		return []string{w.state.OwnerID}
	}
	return w.team.Recipients()
}

// director is the nearest director-rank person of the owner's chain.
func (w *riskAlert) director() string {
	for _, m := range w.chain {
		if m.Role.AtLeast(complaint.RoleDirector) {
			return m.ID
		}
	}
	return DirectorRecipient
}

// announce tells the owner, and of a red alert the director, at once.
func (w *riskAlert) announce(ctx workflow.Context) error {
	to := w.owners()
	if w.state.Grade == quality.Red {
		to = riskAppendNew(to, w.director())
	}
	key, err := w.record(ctx, quality.RiskAlertEvent{Kind: quality.RiskEventNotified, Actor: complaint.ActorSystem,
		At: workflow.Now(ctx), Data: quality.RiskEventData{Recipients: to}})
	if err != nil {
		return err
	}
	due := w.state.OpenedAt.Add(w.state.HandlingPeriod)
	w.tell(ctx, key, EventRiskAlertOpened, to, "Risk alert: "+w.title(),
		fmt.Sprintf("%s\nThe owner must answer with %s by %s (%s).", w.summary(), w.demand(), formatTime(due), w.state.HandlingPeriod))
	return nil
}

// escalateUntilAnswered waits for a response until each deadline; a missed one
// moves the alert a step up the owner's chain and sets the next deadline a
// handling period later, until the chain's top is passed.
func (w *riskAlert) escalateUntilAnswered(ctx workflow.Context, due time.Time) error {
	answered := func() bool { return w.state.Status != quality.RiskOpen }
	for !answered() {
		current := due
		w.state.DueAt = &current
		if wait := due.Sub(workflow.Now(ctx)); wait > 0 {
			ok, err := workflow.AwaitWithOptions(ctx, workflow.AwaitOptions{
				Timeout: wait, TimerOptions: workflow.TimerOptions{Summary: "risk alert handling deadline"},
			}, answered)
			if err != nil {
				return err
			}
			if ok {
				break
			}
		}
		done, err := w.missed(ctx, due)
		if err != nil || done {
			return err
		}
		due = due.Add(w.state.HandlingPeriod)
	}
	w.state.DueAt = nil
	return nil
}

// missed escalates after the deadline due passed unanswered, or records the alert
// overdue when nobody is left above; done reports that escalation is over.
func (w *riskAlert) missed(ctx workflow.Context, due time.Time) (done bool, err error) {
	if err := w.mu.Lock(ctx); err != nil {
		return true, err
	}
	defer w.mu.Unlock()
	if w.state.Status != quality.RiskOpen { // answered while waiting for the lock
		return true, nil
	}
	now := workflow.Now(ctx)
	level := w.state.EscalationLevel + 1
	if level >= len(w.chain) {
		to := w.owners()
		if w.state.EscalatedTo != "" {
			to = riskAppendNew(to, w.state.EscalatedTo)
		}
		key, err := w.recordLocked(ctx, quality.RiskAlertEvent{Kind: quality.RiskEventOverdue, Actor: complaint.ActorSystem, At: now,
			Data: quality.RiskEventData{Recipients: to, Reason: "no response by " + formatTime(due) + " and nobody left to escalate to"}})
		if err != nil {
			return true, err
		}
		w.state.Overdue, w.state.DueAt = true, nil
		w.tell(ctx, key, EventRiskAlertOverdue, to, "Risk alert overdue: "+w.title(), fmt.Sprintf(
			"%s\nNo response by %s, and the escalation has reached the top of the chain. Still due: %s.",
			w.summary(), formatTime(due), w.demand()))
		return true, nil
	}
	next := due.Add(w.state.HandlingPeriod)
	up := w.chain[level].ID
	to := riskAppendNew([]string{up}, w.owners()...)
	key, err := w.recordLocked(ctx, quality.RiskAlertEvent{Kind: quality.RiskEventEscalated, Actor: complaint.ActorSystem, At: now,
		Data: quality.RiskEventData{Level: level, To: up, NextDueAt: &next, Recipients: to}})
	if err != nil {
		return true, err
	}
	w.state.EscalationLevel, w.state.EscalatedTo = level, up
	w.tell(ctx, key, EventRiskAlertEscalated, to, fmt.Sprintf("Risk alert escalated to %s: %s", up, w.title()), fmt.Sprintf(
		"%s\nNo response by %s: escalated to %s (level %d). Now due by %s: %s.",
		w.summary(), formatTime(due), up, level, formatTime(next), w.demand()))
	return false, nil
}

func (w *riskAlert) validateRespond(_ workflow.Context, req RespondAlertRequest) error {
	switch {
	case !w.loaded:
		return notReady("the alert is still loading; try again")
	case w.state.Status != quality.RiskOpen:
		return invalidAction("the alert is " + string(w.state.Status) + " already")
	case strings.TrimSpace(req.By) == "":
		return invalidAction("by is required")
	case strings.TrimSpace(req.Response) == "":
		return invalidAction("response is required")
	}
	return nil
}

// respond records the owner's response; the escalation stops.
func (w *riskAlert) respond(ctx workflow.Context, req RespondAlertRequest) (RiskAlertState, error) {
	if err := w.validateRespond(ctx, req); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	w.state.Status, w.state.DueAt = quality.RiskResponded, nil
	w.state.Response, w.state.RespondedBy, w.state.RespondedAt = req.Response, req.By, &now
	_, err := w.record(ctx, quality.RiskAlertEvent{Kind: quality.RiskEventResponded, Actor: req.By, At: now,
		Data: quality.RiskEventData{Response: req.Response}})
	return w.state, err
}

func (w *riskAlert) validateClose(_ workflow.Context, req CloseAlertRequest) error {
	if !w.loaded {
		return notReady("the alert is still loading; try again")
	}
	if w.state.Status == quality.RiskClosed {
		return invalidAction("the alert is closed already")
	}
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"by", req.By}, {"root_cause", req.RootCause}, {"solution", req.Solution}, {"executor", req.Executor},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	if req.ActionDeadline.IsZero() {
		missing = append(missing, "action_deadline")
	}
	if strings.TrimSpace(req.Verification) == "" {
		missing = append(missing, "verification")
	}
	if len(missing) > 0 {
		return invalidAction("the risk ledger needs " + strings.Join(missing, ", "))
	}
	return nil
}

// close writes the ledger entry and closes the alert; the workflow then ends.
func (w *riskAlert) close(ctx workflow.Context, req CloseAlertRequest) (RiskAlertState, error) {
	if err := w.validateClose(ctx, req); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	ledger := quality.RiskLedgerEntry{RootCause: req.RootCause, Solution: req.Solution, Executor: req.Executor,
		ActionDeadline: req.ActionDeadline.UTC(), Verification: req.Verification}
	w.state.Status, w.state.DueAt, w.state.Ledger = quality.RiskClosed, nil, &ledger
	w.state.ClosedBy, w.state.ClosedAt = req.By, &now
	if w.state.RespondedAt == nil { // closing implies a response
		w.state.Response, w.state.RespondedBy, w.state.RespondedAt = req.Solution, req.By, &now
	}
	_, err := w.record(ctx, quality.RiskAlertEvent{Kind: quality.RiskEventClosed, Actor: req.By, At: now,
		Data: quality.RiskEventData{Ledger: &ledger}})
	return w.state, err
}

// record writes an alert event under the alert's write lock.
func (w *riskAlert) record(ctx workflow.Context, e quality.RiskAlertEvent) (string, error) {
	if err := w.mu.Lock(ctx); err != nil {
		return "", err
	}
	defer w.mu.Unlock()
	return w.recordLocked(ctx, e)
}

// recordLocked writes an alert event keyed by this workflow, the kind and, for an
// escalation, its level: each happens once per alert.
func (w *riskAlert) recordLocked(ctx workflow.Context, e quality.RiskAlertEvent) (string, error) {
	e.AlertID = w.state.AlertID
	e.Key = w.id + "/" + string(e.Kind)
	if e.Kind == quality.RiskEventEscalated {
		e.Key += fmt.Sprintf("/%d", e.Data.Level)
	}
	if err := workflow.ExecuteLocalActivity(localActivityContext(ctx), acts.RecordAlertEvent, e).Get(ctx, nil); err != nil {
		return "", fmt.Errorf("record %s: %w", e.Kind, err)
	}
	return e.Key, nil
}

func (w *riskAlert) tell(ctx workflow.Context, key string, kind complaint.EventKind, to []string, subject, body string) {
	for _, r := range to {
		w.notices = append(w.notices, workflow.ExecuteActivity(noticeContext(ctx), acts.Notify, activities.Notice{
			EventKey: key, EventKind: kind, Recipient: r, AlertID: w.state.AlertID,
			Subject: fmt.Sprintf("[%s] %s", strings.ToUpper(string(w.state.Grade)), subject), Body: body,
		}))
	}
}

func (w *riskAlert) title() string {
	switch w.state.Condition {
	case quality.CSATDrop:
		return "customer satisfaction dropped"
	case quality.VolumeSpike:
		return "complaint volume spiked"
	case quality.SLAShortfall:
		return "SLA compliance under target"
	case quality.SlowResponse:
		return "system responding slowly"
	case quality.StaffTurnover:
		return "staff turnover over the monthly limit"
	case quality.KPIMissed:
		return "KPI target missed"
	case quality.TrainingGap:
		return "training gap of " + strings.Replace(w.figures.Subject, ":", " ", 1)
	case quality.StaleKnowledge:
		return "knowledge base articles past their review, kept by " + strings.TrimPrefix(w.figures.Subject, "agent:")
	case quality.Manual:
		title, _, _ := strings.Cut(w.figures.Description, "\n")
		return title
	}
	return string(w.state.Condition)
}

// summary is the alert's figures, as the monitor saw them at opening.
func (w *riskAlert) summary() string {
	a, at := w.figures, formatTime(w.state.OpenedAt)
	var what string
	switch w.state.Condition {
	case quality.CSATDrop:
		n := a.Details.Counts
		if _, rated := n["ratings"]; !rated {
			// Evidence of an alert opened before touch-point ratings counted: answers alone.
			what = fmt.Sprintf("%g%% of survey answers were satisfied (4-5 of 5) in the 7 days to %s (%d of %d answers), "+
				"against %g%% the week before (%d of %d answers); the alert is at %g%% or less.", a.Observed, at,
				n["satisfied"], n["answers"], a.Baseline, n["previous_satisfied"], n["previous_answers"], a.Threshold)
			break
		}
		what = fmt.Sprintf("%g%% of survey answers and touch-point ratings were satisfied (4-5 of 5) in the 7 days to %s "+
			"(%d of %d answers, %d of %d ratings), against %g%% the week before (%d of %d answers, %d of %d ratings); "+
			"the alert is at %g%% or less.", a.Observed, at, n["satisfied"], n["answers"], n["ratings_satisfied"], n["ratings"],
			a.Baseline, n["previous_satisfied"], n["previous_answers"], n["previous_ratings_satisfied"], n["previous_ratings"], a.Threshold)
	case quality.VolumeSpike:
		what = fmt.Sprintf("%g complaints were opened in the 24 h to %s, against a daily average of %g; the alert is at %g or more.",
			a.Observed, at, a.Baseline, a.Threshold)
	case quality.SLAShortfall:
		what = fmt.Sprintf("SLA compliance was %g%% in the 24 h to %s, against the target %g%%; the %s grade is at %g%%.",
			a.Observed, at, a.Baseline, w.state.Grade, a.Threshold)
	case quality.SlowResponse:
		what = fmt.Sprintf("%g%% of the API's requests took over 5 s in the window to %s (%d of %d); the %s grade is at %g%%.",
			a.Observed, at, a.Details.Counts["slow"], a.Details.Counts["requests"], w.state.Grade, a.Threshold)
	case quality.StaffTurnover:
		what = fmt.Sprintf("%d of %d people left in the 30 days to %s (%g%%), over the %g%% limit.",
			a.Details.Counts["departed"], a.Details.Counts["headcount"], at, a.Observed, a.Threshold)
	case quality.KPIMissed:
		what = fmt.Sprintf("%g of %g KPI targets judged were missed in the window to %s.", a.Observed, a.Baseline, at)
		var missed []string
		for _, m := range quality.MissedKPIs(a.Details.Counts) {
			missed = append(missed, m.String())
		}
		if len(missed) > 0 { // the figures and their targets; replay compares no notice text
			what += " Missed: " + strings.Join(missed, ", ") + "."
		}
	case quality.Manual:
		what = fmt.Sprintf("Opened by hand by %s at %s: %s", a.OpenedBy, at, a.Description)
	case quality.TrainingGap:
		what = trainingSummary(a, at)
	case quality.StaleKnowledge:
		what = knowledgeSummary(a, at)
	}
	return fmt.Sprintf("Risk alert %s (%s, %s). %s", w.state.AlertID, w.state.Condition, w.state.Grade, what)
}

// trainingSummary is a training gap's evidence for the team lead, a sentence per
// signal that fired: the criteria under the threshold, everyone's averages beside
// them, and the scorecards; the customers' reopenings and the complaints reopened.
func trainingSummary(a quality.RiskAlert, at string) string {
	tr := a.Details.Training
	if tr == nil {
		return ""
	}
	first10 := func(ids []string) string {
		if len(ids) > 10 {
			ids = append(ids[:10:10], "…")
		}
		return strings.Join(ids, ", ")
	}
	var says []string
	if len(tr.Below) > 0 {
		below := make([]string, len(tr.Below))
		for i, k := range tr.Below {
			below[i] = fmt.Sprintf("%s %g%% (all agents %g%%)", k, tr.Averages[k], tr.Everyone[k])
		}
		says = append(says, fmt.Sprintf("The %d QA scorecards scored from %s to %s average under %g%% of the points on: %s. "+
			"Scorecards (QA samples): %s.", a.Details.Counts["scorecards"], formatTime(a.Details.From), at, a.Threshold,
			strings.Join(below, ", "), first10(tr.Scorecards)))
	}
	if r := tr.Reopens; r != nil && slices.Contains(tr.Signals, quality.TrainingSignalReopens) {
		says = append(says, fmt.Sprintf("Customers reopened %d of the %d resolutions they had judged, resolved from %s to %s (%g%%, all agents %g%%), "+
			"at or over %g%%. Reopened complaints: %s.", r.Reopened, r.Resolved, formatTime(a.Details.From), at, r.RatePct,
			r.Everyone, r.Threshold, first10(r.Complaints)))
	}
	return strings.Join(says, " ")
}

// knowledgeSummary is stale knowledge's evidence for the articles' owner: the
// articles past their review date and the update rates.
func knowledgeSummary(a quality.RiskAlert, at string) string {
	kb := a.Details.Knowledge
	if kb == nil {
		return ""
	}
	articles := make([]string, 0, min(len(kb.Articles), 11))
	for i, x := range kb.Articles {
		if i == 10 {
			articles = append(articles, "…")
			break
		}
		articles = append(articles, fmt.Sprintf("%q (%s, due %s)", x.Title, x.ID, formatTime(x.DueAt)))
	}
	return fmt.Sprintf("%d of the %d live knowledge base articles kept by %s were past their review date at %s; "+
		"their update rate is %g%% (everyone's %g%%). Review or edit them: %s.", a.Details.Counts["stale"],
		a.Details.Counts["live"], kb.Owner, at, kb.UpdateRatePct, kb.OverallUpdateRatePct, strings.Join(articles, ", "))
}

// demand is the response the grade asks for (DOMAIN.md §4).
func (w *riskAlert) demand() string {
	switch w.state.Grade {
	case quality.Red:
		return "a contingency plan, led by an executive"
	case quality.Yellow:
		return "an analysis report"
	}
	return "a rectification plan"
}

// riskAppendNew appends the names not in list yet, keeping the order.
func riskAppendNew(list []string, names ...string) []string {
	for _, n := range names {
		found := false
		for _, have := range list {
			if have == n {
				found = true
				break
			}
		}
		if !found {
			list = append(list, n)
		}
	}
	return list
}
