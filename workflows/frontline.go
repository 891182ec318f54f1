package workflows

import (
	"fmt"
	"math"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
)

// versionFrontLine marks executions that took a front-line refund or compensation
// (002 §3.1): its events, the escalation it may open and the customer notice.
var versionFrontLine = change{"comp-frontline", 1}

// versionHandover marks executions handed over inside the team (000 §7.1).
var versionHandover = change{"handover-team", 1}

// versionResolvedMeanwhile: an over-limit request whose complaint was resolved
// while its event was written is cancelled instead of opening an escalation on the
// resolved complaint (which no resolution would cancel any more: a manager asked
// to decide, the escalation pending after the close, the compensation requested
// for good). Executions of revision 4 or older ask GetVersion, only in that race.
var versionResolvedMeanwhile = change{"compensation-resolved-meanwhile", 5}

// versionInclusiveLimit: an amount at the requester's limit is within it — 002 §3.1
// 「小額退款(500元以下)」, and 以下 includes the stated number (PRC Civil Code Art.
// 1259) — so it is granted at once; before, it went to the manager
// (complaint.StrictlyWithinAuthority). Executions of revision 4 or older ask
// GetVersion, only for an amount exactly at the limit.
var versionInclusiveLimit = change{"compensation-limit-inclusive", 5}

// CompensateRequest is a front-line refund or compensation. Limit is the actor's
// limit for Kind in Currency when the request was made (nil: none), which the API
// reads from the compensation limits; the workflow applies complaint.WithinAuthority
// (withinAuthority).
type CompensateRequest struct {
	Actor    string
	Kind     complaint.RecoveryKind
	Amount   float64
	Currency string
	Note     string
	Limit    *float64
}

// HandoverRequest hands the complaint to another member of its team. TeamLead,
// ToTeam and ToActive are the directory as the API read it.
type HandoverRequest struct {
	Actor    string
	To       string
	Reason   string
	TeamLead string
	ToTeam   string
	ToActive bool
}

func (w *complaintWorkflow) validateCompensate(_ workflow.Context, req CompensateRequest) error {
	if !w.takes(complaint.ActionCompensate) {
		return w.requireStatus("compensate", complaint.ActionCompensate)
	}
	if err := requireFields(map[string]string{"actor": req.Actor, "currency": req.Currency}, "actor", "currency"); err != nil {
		return err
	}
	if !complaint.Valid(req.Kind, complaint.RecoveryKinds) {
		return invalidAction(fmt.Sprintf("kind %q is not one of %v", req.Kind, complaint.RecoveryKinds))
	}
	if req.Amount <= 0 || math.IsNaN(req.Amount) || req.Amount > complaint.MaxCompensation {
		return invalidAction("amount must be more than 0 and at most 1e9")
	}
	// At the limit an execution of revision 4 or older decides with GetVersion, which
	// a validator may not ask: it is checked as over the limit, the stricter reading.
	if complaint.StrictlyWithinAuthority(req.Amount, req.Limit) ||
		w.in.Revision >= versionInclusiveLimit.since && complaint.WithinAuthority(req.Amount, req.Limit) {
		return nil
	}
	// Over the limit: the manager decides, through an escalation.
	if e := w.state.PendingEscalation(); e != nil {
		return invalidAction(fmt.Sprintf("cannot request compensation over your limit: escalation %d already awaits %s", e.Seq, awaiting(e)))
	}
	if w.state.openingEscalation() {
		return invalidAction("cannot request compensation over your limit: another over-limit request is being escalated")
	}
	if w.loaded && len(w.approvers()) == 0 {
		return invalidAction("cannot request compensation over your limit: no manager in the reporting chain of " + w.ownerRecipient())
	}
	if w.loaded && len(w.decidersFor(req.Actor)) == 0 {
		return invalidAction("cannot request compensation over your limit: nobody above " + req.Actor + " in the reporting chain of " + w.ownerRecipient() + " may decide it")
	}
	return nil
}

// compensate grants a refund or compensation within the actor's limit at once, and
// tells the customer; over it, it opens an escalation to the manager, whose
// "compensate" decision grants it.
func (w *complaintWorkflow) compensate(ctx workflow.Context, req CompensateRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateCompensate(ctx, req) }); err != nil {
		return w.state, err
	}
	if !w.changed(ctx, versionFrontLine) {
		return w.state, invalidAction("cannot compensate: this complaint predates front-line compensation")
	}
	now := workflow.Now(ctx)
	rec := complaint.CompensationRecord{
		Seq: len(w.state.Compensations) + 1, Kind: req.Kind, Amount: req.Amount, Currency: req.Currency,
		Note: req.Note, RequestedBy: req.Actor, RequestedAt: now, Limit: req.Limit,
	}
	if w.withinAuthority(ctx, req.Amount, req.Limit) {
		rec.Status, rec.DecidedBy, rec.DecidedAt = complaint.CompensationGranted, req.Actor, &now
		w.state.Compensations = append(w.state.Compensations, rec)
		return w.state, w.grantCompensation(ctx, req.Actor, rec, nil)
	}
	rec.Status, rec.EscalationSeq = complaint.CompensationRequested, len(w.state.Escalations)+1
	w.state.Compensations = append(w.state.Compensations, rec)
	key := w.eventKey(complaint.EventCompensationRequested)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventCompensationRequested, Actor: req.Actor, At: now, Compensation: &rec,
	}); err != nil {
		return w.state, err
	}
	// Resolved (or closed) while the request was written: resolving cancels a pending
	// request, and this one is as good as pending (versionResolvedMeanwhile).
	if !w.state.Status.Active() && w.changed(ctx, versionResolvedMeanwhile) {
		if err := w.cancelCompensation(ctx, rec.EscalationSeq); err != nil {
			return w.state, err
		}
		return w.state, invalidAction("cannot request compensation over your limit: the complaint was resolved while the request was recorded; it is cancelled")
	}
	limit := "none"
	if req.Limit != nil {
		limit = fmt.Sprintf("%g %s", *req.Limit, req.Currency)
	}
	reason := fmt.Sprintf("compensation %d: %s of %g %s asks for approval (the requester's limit: %s)",
		rec.Seq, rec.Kind, rec.Amount, rec.Currency, limit)
	if rec.Note != "" {
		reason += ": " + rec.Note
	}
	return w.state, w.openEscalation(ctx, req.Actor, reason, true)
}

// withinAuthority applies complaint.WithinAuthority (an amount at the limit is
// within it) or, for an execution of revision 4 or older that recorded otherwise,
// the strict rule; only an amount exactly at the limit asks (versionInclusiveLimit).
func (w *complaintWorkflow) withinAuthority(ctx workflow.Context, amount float64, limit *float64) bool {
	if complaint.StrictlyWithinAuthority(amount, limit) || !complaint.WithinAuthority(amount, limit) {
		return complaint.WithinAuthority(amount, limit)
	}
	return w.changed(ctx, versionInclusiveLimit)
}

// grantCompensation records a granted compensation and tells the customer. named,
// when a decision granted a compensation of its own (decisionGrant), is what the
// decision named: the customer hears its finer kind (a coupon) and note, not the
// record's two kinds.
func (w *complaintWorkflow) grantCompensation(ctx workflow.Context, actor string, rec complaint.CompensationRecord, named *complaint.Compensation) error {
	key := w.eventKey(complaint.EventCompensationGranted)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventCompensationGranted, Actor: actor, At: *rec.DecidedAt, Compensation: &rec,
	}); err != nil {
		return err
	}
	vars := rec.CompensationFields()
	if named != nil {
		vars["kind"], vars["note"] = named.Kind, named.Note
	}
	w.tellCustomer(ctx, key, complaint.EventCompensationGranted, message.Compensation, vars)
	return nil
}

// compensationOf returns the compensation awaiting escalation seq, if any.
func (w *complaintWorkflow) compensationOf(seq int) *complaint.CompensationRecord {
	for i := range w.state.Compensations {
		if c := &w.state.Compensations[i]; c.EscalationSeq == seq && c.Status == complaint.CompensationRequested {
			return c
		}
	}
	return nil
}

// versionDecisionCompensation marks executions in which a "compensate" decision
// records the compensation it grants with the decision (decisionGrant): the
// decision's event carries it, so its row is granted with the decision and the
// intake system hears of it once, by the grant's callback; and a decision on an
// escalation that asked for no compensation records one of its own. Executions
// without it only told the customer of that one: it was in no listing and not in
// the metrics' recovery cost.
var versionDecisionCompensation = change{"decision-compensation", 8}

// decisionGrant is the compensation e's "compensate" decision grants, as recorded
// (versionDecisionCompensation): the one a front-line request asked for, at the
// amount the manager granted, or one of its own, requested and decided by the
// decider. Nil for any other decision, and for an execution without the change.
func (w *complaintWorkflow) decisionGrant(ctx workflow.Context, e complaint.EscalationRecord) *complaint.CompensationRecord {
	d := e.Decision
	if d == nil || d.Kind != complaint.DecisionCompensate || d.Compensation == nil || !w.changed(ctx, versionDecisionCompensation) {
		return nil
	}
	granted := d.Compensation
	if c := w.compensationOf(e.Seq); c != nil {
		rec := *c
		rec.Status, rec.Amount, rec.DecidedBy, rec.DecidedAt = complaint.CompensationGranted, granted.Amount, e.DecidedBy, e.DecidedAt
		if granted.Currency != "" {
			rec.Currency = granted.Currency
		}
		// What the manager granted, in their words: a partial refund is not told
		// as the agent's "full refund". Data only (the record and the notice).
		rec.Kind, rec.Note = recordedAs(*granted, keptNote(*c, *granted))
		return &rec
	}
	kind, note := recordedAs(*granted, "")
	return &complaint.CompensationRecord{
		Seq: len(w.state.Compensations) + 1, Kind: kind, Amount: granted.Amount, Currency: granted.Currency, Note: note,
		Status: complaint.CompensationGranted, RequestedBy: e.DecidedBy, RequestedAt: *e.DecidedAt,
		EscalationSeq: e.Seq, DecidedBy: e.DecidedBy, DecidedAt: e.DecidedAt,
	}
}

// recordedAs is what a decision grants as a compensation record's kind and note. A
// decision names it more finely (a coupon, points…) than the record's two kinds: a
// refund stays one, the rest are compensation, with the decision's kind kept in the
// note. The decision's note, or kept (the request's) when the decision gives none.
func recordedAs(granted complaint.Compensation, kept string) (complaint.RecoveryKind, string) {
	note := granted.Note
	if note == "" {
		note = kept
	}
	if granted.Kind == string(complaint.RecoveryRefund) {
		return complaint.RecoveryRefund, note
	}
	if note == "" {
		return complaint.RecoveryCompensation, granted.Kind
	}
	return complaint.RecoveryCompensation, granted.Kind + ": " + note
}

// keptNote is the note of the request c a decision granting g keeps when it gives
// none: the request's, only if g grants what was asked (amount, currency, kind) — a
// partial refund is not told as the agent's "全额退款".
func keptNote(c complaint.CompensationRecord, g complaint.Compensation) string {
	kind, _ := recordedAs(g, "")
	if g.Amount != c.Amount || (g.Currency != "" && g.Currency != c.Currency) || kind != c.Kind {
		return ""
	}
	return c.Note
}

// spokenAs is what the customer hears a decision granted: its kind, and the note
// the record keeps (recordedAs) in the decision's words.
func spokenAs(granted complaint.Compensation, kept string) *complaint.Compensation {
	if granted.Note == "" {
		granted.Note = kept
	}
	return &granted
}

// settleCompensation ends the compensation escalation e asked for: a "compensate"
// decision grants it (at the amount the manager granted), any other declines it.
// grant is what the decision grants (decisionGrant): for an escalation that asked
// for none, a compensation of its own, told the customer in the decision's words.
func (w *complaintWorkflow) settleCompensation(ctx workflow.Context, e complaint.EscalationRecord, grant *complaint.CompensationRecord) error {
	if grant != nil && w.compensationOf(e.Seq) == nil { // in the state already (decideEscalation)
		return w.grantCompensation(ctx, e.DecidedBy, *grant, e.Decision.Compensation)
	}
	c := w.compensationOf(e.Seq)
	if c == nil || e.Decision == nil {
		return nil
	}
	if grant != nil {
		kept := keptNote(*c, *e.Decision.Compensation)
		*c = *grant
		return w.grantCompensation(ctx, e.DecidedBy, *c, spokenAs(*e.Decision.Compensation, kept))
	}
	c.DecidedBy, c.DecidedAt = e.DecidedBy, e.DecidedAt
	if d := e.Decision; d.Kind == complaint.DecisionCompensate && d.Compensation != nil {
		c.Status, c.Amount = complaint.CompensationGranted, d.Compensation.Amount
		if d.Compensation.Currency != "" {
			c.Currency = d.Compensation.Currency
		}
		return w.grantCompensation(ctx, e.DecidedBy, *c, nil)
	}
	c.Status = complaint.CompensationDeclined
	snapshot := *c
	return w.record(ctx, complaint.Event{
		Kind: complaint.EventCompensationDeclined, Actor: e.DecidedBy, At: *e.DecidedAt,
		Reason: e.Decision.Reason, Compensation: &snapshot,
	})
}

// cancelCompensation cancels the compensation escalation seq asked for, which
// resolving the complaint made moot.
func (w *complaintWorkflow) cancelCompensation(ctx workflow.Context, seq int) error {
	c := w.compensationOf(seq)
	if c == nil {
		return nil
	}
	c.Status = complaint.CompensationCancelled
	snapshot := *c
	return w.record(ctx, complaint.Event{
		Kind: complaint.EventCompensationCancelled, Actor: complaint.ActorSystem, At: workflow.Now(ctx),
		Reason: "the complaint was resolved", Compensation: &snapshot,
	})
}

func (w *complaintWorkflow) validateHandover(_ workflow.Context, req HandoverRequest) error {
	if !w.takes(complaint.ActionHandover) {
		return w.requireStatus("hand over", complaint.ActionHandover)
	}
	if err := requireFields(map[string]string{"actor": req.Actor, "to_person_id": req.To, "reason": req.Reason},
		"actor", "to_person_id", "reason"); err != nil {
		return err
	}
	if why := complaint.CheckHandover(complaint.Handover{
		Actor: req.Actor, Owner: w.state.Owner, Team: w.state.Team, TeamLead: req.TeamLead,
		To: req.To, ToTeam: req.ToTeam, ToActive: req.ToActive,
	}); why != "" {
		return invalidAction("cannot hand over: " + why)
	}
	return nil
}

// handover makes another member of the team the owner, with their reporting chain;
// the clocks run on untouched. The new owner is told, and the previous one when
// someone else handed their complaint over.
func (w *complaintWorkflow) handover(ctx workflow.Context, req HandoverRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateHandover(ctx, req) }); err != nil {
		return w.state, err
	}
	if !w.changed(ctx, versionHandover) {
		return w.state, invalidAction("cannot hand over: this complaint predates hand-over")
	}
	chain, err := w.loadChain(ctx, req.To)
	if err != nil {
		return w.state, invalidAction(fmt.Sprintf("cannot hand over to %s: %v", req.To, err))
	}
	// Another action may have been accepted while the chain loaded.
	if err := w.validateHandover(ctx, req); err != nil {
		return w.state, err
	}
	now, previous := workflow.Now(ctx), w.state.Owner
	w.state.Owner, w.state.Chain = req.To, chain
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventHandedOver)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventHandedOver, Actor: req.Actor, At: now,
		Owner: req.To, PreviousOwner: previous, Reason: req.Reason,
	}); err != nil {
		return w.state, err
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: complaint.EventHandedOver, Recipient: req.To,
		Subject: "Complaint " + w.in.ComplaintID + " was handed over to you",
		Body: fmt.Sprintf("%s handed complaint %s (urgency %s, category %s) over to you from %s: %s.%s",
			req.Actor, w.in.ComplaintID, w.state.Urgency, w.state.Category, orNone(previous), req.Reason, w.dueText()),
	})
	if previous != "" && previous != req.Actor {
		w.notify(ctx, activities.Notice{
			EventKey: key, EventKind: complaint.EventHandedOver, Recipient: previous,
			Subject: "Complaint " + w.in.ComplaintID + " was handed over to " + req.To,
			Body:    fmt.Sprintf("%s handed complaint %s over to %s: %s.", req.Actor, w.in.ComplaintID, req.To, req.Reason),
		})
	}
	w.routeWaitingEscalation(ctx)
	return w.state, nil
}

// dueText words the deadlines still running, for the new owner.
func (w *complaintWorkflow) dueText() string {
	out := ""
	if c := w.clock(complaint.ClockFirstResponse); c != nil && !c.stopped {
		out += " First response due " + formatTime(w.state.FirstResponseDueAt) + "."
	}
	if w.state.ResolutionDueAt != nil && w.state.ResolvedAt == nil {
		out += " Resolution due " + formatTime(*w.state.ResolutionDueAt) + "."
	}
	return out
}
