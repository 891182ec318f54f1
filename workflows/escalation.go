package workflows

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
)

// EscalationRequest asks a manager to step in.
type EscalationRequest struct {
	Actor  string
	Reason string
}

// DecisionRequest is a manager's decision on the pending escalation Seq.
type DecisionRequest struct {
	Actor    string
	Seq      int
	Decision complaint.Decision
}

const escalationPending = "pending"

// decisionStatus is the escalation status each decision leaves.
var decisionStatus = map[complaint.DecisionKind]string{
	complaint.DecisionApprove:    "approved",
	complaint.DecisionReject:     "rejected",
	complaint.DecisionReassign:   "reassigned",
	complaint.DecisionExtend:     "extended",
	complaint.DecisionCompensate: "compensated",
}

// approvers are the people who may decide an escalation: managers and above in the
// reporting chain above the owner, nearest first.
func (w *complaintWorkflow) approvers() []complaint.Member {
	var out []complaint.Member
	for _, m := range w.above() {
		if m.Role.AtLeast(complaint.RoleManager) {
			out = append(out, m)
		}
	}
	return out
}

// versionNotOwnApprover marks executions in which nobody is the approver of an
// escalation they asked for: a manager granting over their own limit (or asking
// for a decision) leaves it to the approvers above them (approversOf). Executions
// without it routed it to the requester, who may not decide it (the API refuses
// one's own request), so it waited out the decision time before moving up.
var versionNotOwnApprover = change{"not-own-approver", 9}

// approversWithout are the approvers above requestedBy when the requester is one of
// them (shortened), else approvers.
func (w *complaintWorkflow) approversWithout(requestedBy string) (_ []complaint.Member, shortened bool) {
	all := w.approvers()
	i := slices.IndexFunc(all, func(m complaint.Member) bool { return m.ID == requestedBy })
	if i < 0 {
		return all, false
	}
	return all[i+1:], true
}

// approversOf are the approvers of an escalation requestedBy asked for: those above
// the requester when the requester is one of them (versionNotOwnApprover), else
// approvers. Asked only then, so an older execution meets GetVersion only then.
func (w *complaintWorkflow) approversOf(ctx workflow.Context, requestedBy string) (_ []complaint.Member, shortened bool) {
	above, shortened := w.approversWithout(requestedBy)
	if !shortened || !w.changed(ctx, versionNotOwnApprover) {
		return w.approvers(), false
	}
	return above, true
}

// decidersFor is who could decide a request of actor's, as a validator judges it
// (without GetVersion): from revision 9 on, nobody above a requester who is an
// approver is nobody (approversOf).
func (w *complaintWorkflow) decidersFor(actor string) []complaint.Member {
	if w.in.Revision >= versionNotOwnApprover.since {
		above, _ := w.approversWithout(actor)
		return above
	}
	return w.approvers()
}

func memberIDs(ms []complaint.Member) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

func (w *complaintWorkflow) autoEscalationReason() string {
	switch {
	case w.policy.AutoEscalateAngry && w.anger != "":
		return "angry customer (" + w.anger + "): the policy escalates at once"
	case w.policy.AutoEscalateAngry && w.state.Sentiment == "angry":
		return "angry customer: the policy escalates at once"
	case w.policy.AutoEscalateHighTier && w.state.Tier == complaint.High:
		return "high-tier customer: the policy escalates at once"
	}
	return ""
}

func (w *complaintWorkflow) decisionDue(from time.Time) *time.Time {
	d := secs(w.policy.DecisionSeconds)
	if d <= 0 {
		d = defaultDecisionTime
	}
	due := w.cal.Add(from, d)
	return &due
}

func (w *complaintWorkflow) validateRequestEscalation(_ workflow.Context, req EscalationRequest) error {
	if !w.takes(complaint.ActionEscalate) {
		return w.requireStatus("escalate", complaint.ActionEscalate)
	}
	if e := w.state.PendingEscalation(); e != nil {
		return invalidAction(fmt.Sprintf("cannot escalate: escalation %d already awaits %s", e.Seq, awaiting(e)))
	}
	if w.state.openingEscalation() {
		return invalidAction("cannot escalate: an over-limit compensation is being escalated")
	}
	if err := requireFields(map[string]string{"actor": req.Actor, "reason": req.Reason}, "actor", "reason"); err != nil {
		return err
	}
	if w.loaded && len(w.approvers()) == 0 {
		return invalidAction("cannot escalate: no manager in the reporting chain of " + w.ownerRecipient() + " (see the directory)")
	}
	if w.loaded && len(w.decidersFor(req.Actor)) == 0 {
		return invalidAction("cannot escalate: nobody above " + req.Actor + " in the reporting chain of " + w.ownerRecipient() + " may decide it")
	}
	return nil
}

func (w *complaintWorkflow) requestEscalation(ctx workflow.Context, req EscalationRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateRequestEscalation(ctx, req) }); err != nil {
		return w.state, err
	}
	err := w.openEscalation(ctx, req.Actor, req.Reason, false)
	return w.state, err
}

// versionUnroutedEscalation: an automatic escalation (an angry or high-tier
// customer, an over-limit compensation) whose reporting chain names no manager is
// requested all the same — pending, level 0, no approver yet — and the people the
// chain does name (the owner, the team lead; the team's queue when none) are told;
// the first manager a later chain names (someone takes the complaint, it is handed
// over) gets it with the full decision time (routeWaitingEscalation). Before, it was
// only logged: no event, no notice, never opened (002 §3.2 "escalated to a human at
// once"). Executions of revision 4 or older ask GetVersion, only when there is no
// manager to route to.
var versionUnroutedEscalation = change{"escalation-awaits-manager", 5}

// openEscalation records a request and routes it to the nearest approver, who has
// the policy's decision time before it moves up a level. An automatic one with no
// manager in the chain waits for one (versionUnroutedEscalation).
func (w *complaintWorkflow) openEscalation(ctx workflow.Context, actor, reason string, automatic bool) error {
	approvers, _ := w.approversOf(ctx, actor)
	if len(approvers) == 0 && !w.changed(ctx, versionUnroutedEscalation) {
		w.logger.Warn("no manager in the reporting chain; escalation not requested", "Reason", reason)
		return nil
	}
	now := workflow.Now(ctx)
	seq := len(w.state.Escalations) + 1
	w.state.Escalations = append(w.state.Escalations, complaint.EscalationRecord{
		ID: fmt.Sprintf("%s/%d", w.in.ComplaintID, seq), Seq: seq, Status: escalationPending,
		RequestedBy: actor, RequestedAt: now, Reason: reason, Automatic: automatic,
	})
	e := &w.state.Escalations[seq-1]
	if len(approvers) > 0 {
		e.Level, e.Approver, e.Eligible, e.DecisionDueAt = 1, approvers[0].ID, memberIDs(approvers), w.decisionDue(now)
	}
	snapshot := *e
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventEscalationRequest)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventEscalationRequest, Actor: actor, At: now, Reason: reason,
		Level: snapshot.Level, Escalation: &snapshot,
	}); err != nil {
		return err
	}
	if snapshot.Approver == "" {
		w.tellUnrouted(ctx, key, snapshot)
		return nil
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: complaint.EventEscalationRequest, Recipient: snapshot.Approver,
		Subject: fmt.Sprintf("Decision needed: escalation %d of complaint %s", seq, w.in.ComplaintID),
		Body: fmt.Sprintf("%s asks for a decision on complaint %s (urgency %s, tier %s, category %s, owner %s): %s. Decide by %s, or it moves up a level.",
			actor, w.in.ComplaintID, w.state.Urgency, w.state.Tier, w.state.Category, orNone(w.state.Owner),
			reason, formatTime(*snapshot.DecisionDueAt)),
	})
	return nil
}

// tellUnrouted tells the people the chain names — the owner (or, for a complaint in
// its team's queue, the team lead or the queue itself) and whoever is above them,
// none a manager — that escalation e waits for a manager.
func (w *complaintWorkflow) tellUnrouted(ctx workflow.Context, key string, e complaint.EscalationRecord) {
	told := []string{w.ownerRecipient()}
	for _, m := range w.above() {
		if !slices.Contains(told, m.ID) {
			told = append(told, m.ID)
		}
	}
	for _, to := range told {
		w.notify(ctx, activities.Notice{
			EventKey: key, EventKind: complaint.EventEscalationRequest, Recipient: to,
			Subject: fmt.Sprintf("Escalation %d of complaint %s awaits a manager", e.Seq, w.in.ComplaintID),
			Body: fmt.Sprintf("%s escalated complaint %s (urgency %s, tier %s, category %s, owner %s): %s. No manager in the reporting chain of %s can decide it (see the directory); it goes to the first manager the complaint's chain names, once someone takes the complaint or it is handed over.",
				e.RequestedBy, w.in.ComplaintID, w.state.Urgency, w.state.Tier, w.state.Category, orNone(w.state.Owner),
				e.Reason, w.ownerRecipient()),
		})
	}
}

// routeWaitingEscalation gives a pending escalation that waits for a manager
// (versionUnroutedEscalation) to the nearest one the chain names now, with the
// policy's decision time from now: recorded as its move up to level 1. Only
// executions that opened one have one, so older histories meet nothing here.
func (w *complaintWorkflow) routeWaitingEscalation(ctx workflow.Context) {
	e := w.state.PendingEscalation()
	if e == nil || e.Approver != "" {
		return
	}
	approvers, _ := w.approversOf(ctx, e.RequestedBy)
	if len(approvers) == 0 {
		return
	}
	now := workflow.Now(ctx)
	e.Level, e.Approver, e.Eligible, e.DecisionDueAt = 1, approvers[0].ID, memberIDs(approvers), w.decisionDue(now)
	snapshot := *e
	key := w.eventKey(complaint.EventEscalationMovedUp)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: complaint.EventEscalationMovedUp, Actor: complaint.ActorSystem, At: now, Level: 1, Escalation: &snapshot,
	}); err != nil {
		w.logger.Error("recording the escalation's approver failed", "Error", err)
		return
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: complaint.EventEscalationMovedUp, Recipient: snapshot.Approver,
		Subject: fmt.Sprintf("Decision needed: escalation %d of complaint %s", e.Seq, w.in.ComplaintID),
		Body: fmt.Sprintf("%s asked for a decision on complaint %s (urgency %s, tier %s, category %s, owner %s) when its reporting chain named no manager: %s. You are the first it names. Decide by %s, or it moves up a level.",
			snapshot.RequestedBy, w.in.ComplaintID, w.state.Urgency, w.state.Tier, w.state.Category, orNone(w.state.Owner),
			snapshot.Reason, formatTime(*snapshot.DecisionDueAt)),
	})
}

// awaiting words who a pending escalation waits for, for a refusal.
func awaiting(e *complaint.EscalationRecord) string {
	if e.Approver == "" {
		return "a manager in the reporting chain"
	}
	return "a decision by " + e.Approver
}

// moveUpOverdue moves a pending escalation whose decision deadline passed to the
// next approver up the chain; at the top it stays there, marked overdue.
func (w *complaintWorkflow) moveUpOverdue(ctx workflow.Context, now time.Time) {
	e := w.state.PendingEscalation()
	if e == nil || e.DecisionDueAt == nil || now.Before(*e.DecisionDueAt) {
		return
	}
	approvers, shortened := w.approversOf(ctx, e.RequestedBy)
	next := e.Level // the index of the next approver up
	if shortened {
		// From the current approver's place: an escalation opened before the change
		// went to its requester, who is not in the list (-1: the first above them).
		next = slices.IndexFunc(approvers, func(m complaint.Member) bool { return m.ID == e.Approver }) + 1
	}
	kind := complaint.EventEscalationOverdue
	if next < len(approvers) {
		kind = complaint.EventEscalationMovedUp
		e.Level = next + 1
		e.Approver = approvers[next].ID
		e.Eligible = memberIDs(approvers[next:])
		e.DecisionDueAt = w.decisionDue(now)
	} else {
		e.DecisionDueAt = nil
	}
	snapshot := *e
	key := w.eventKey(kind)
	if err := w.record(ctx, complaint.Event{
		Key: key, Kind: kind, Actor: complaint.ActorSystem, At: now, Level: e.Level, Escalation: &snapshot,
	}); err != nil {
		w.logger.Error("recording escalation move failed", "Error", err)
		return
	}
	body := fmt.Sprintf("Escalation %d of complaint %s was not decided in time and is now yours (level %d): %s.",
		e.Seq, w.in.ComplaintID, e.Level, e.Reason)
	if kind == complaint.EventEscalationOverdue {
		body = fmt.Sprintf("Escalation %d of complaint %s is overdue and there is no one above you in the chain: %s.",
			e.Seq, w.in.ComplaintID, e.Reason)
	}
	w.notify(ctx, activities.Notice{
		EventKey: key, EventKind: kind, Recipient: e.Approver,
		Subject: fmt.Sprintf("Overdue decision: escalation %d of complaint %s", e.Seq, w.in.ComplaintID),
		Body:    body,
	})
}

func (w *complaintWorkflow) validateDecideEscalation(ctx workflow.Context, req DecisionRequest) error {
	e := w.state.PendingEscalation()
	if e == nil || e.Seq != req.Seq {
		return w.notPending(req.Seq)
	}
	if err := w.checkDecider(e, req.Actor); err != nil {
		return err
	}
	d := req.Decision
	if err := decisionRefusal(d); err != nil {
		return err
	}
	// What is left depends on the complaint. CheckDecision lets an urgency through
	// only on approve, an owner only on approve and reassign.
	if d.Urgency != "" && levelRank(d.Urgency) <= levelRank(w.state.Urgency) {
		return invalidAction(fmt.Sprintf("urgency must be higher than the current %s", w.state.Urgency))
	}
	if d.Owner != "" && d.Owner == w.state.Owner {
		return invalidAction(d.Owner + " already owns the complaint")
	}
	if d.Kind == complaint.DecisionExtend {
		return w.checkExtension(workflow.Now(ctx), d.ExtensionSeconds)
	}
	return nil
}

// notPending refuses a decision on escalation seq, which awaits none.
func (w *complaintWorkflow) notPending(seq int) error {
	if seq >= 1 && seq <= len(w.state.Escalations) {
		done := w.state.Escalations[seq-1]
		return invalidAction(fmt.Sprintf("escalation %d was already %s by %s", seq, done.Status, orNone(done.DecidedBy)))
	}
	return invalidAction(fmt.Sprintf("escalation %d is not pending", seq))
}

// decisionRefusal refuses a decision complaint.CheckDecision finds fault with, as
// the workflow always has: one reason, an owner or urgency where it does not apply
// named first, in the workflow's own words.
func decisionRefusal(d complaint.Decision) error {
	var first string
	for _, p := range complaint.CheckDecision(d) {
		reason := refusalOf(p, d)
		switch {
		case reason == "":
		case p.Rule == complaint.RuleApplies:
			return invalidAction(reason)
		case first == "":
			first = reason
		}
	}
	if first == "" {
		return nil
	}
	return invalidAction(first)
}

// refusalOf words problem p of decision d as the workflow always has; "" for the
// rules the API alone enforces (lengths, the currency's form, the amount's upper
// bound). The workflow never refused those, and the handler validates again when
// it replays: refusing them now could fail a decision a history recorded.
func refusalOf(p complaint.DecisionProblem, d complaint.Decision) string {
	switch p.Rule {
	case complaint.RuleApplies, complaint.RuleUrgency, complaint.RuleReason, complaint.RuleOwner:
		return p.String()
	case complaint.RuleKind:
		return fmt.Sprintf("decision %q is not one of %v", d.Kind, complaint.Decisions)
	case complaint.RuleApproveChanges:
		return "approve needs a raised urgency, a senior owner, or both"
	case complaint.RuleExtension:
		return "extension must be positive"
	case complaint.RuleCompensation:
		return "compensation is required"
	case complaint.RuleCompensationKind:
		return fmt.Sprintf("compensation kind %q is not one of %v", d.Compensation.Kind, complaint.CompensationKinds)
	case complaint.RuleAmount:
		return "compensation amount must be zero or more"
	}
	return ""
}

// checkDecider accepts only the escalation's current approver or a manager above
// them in the owner's reporting chain (complaint's DeciderRefusal, the API's rule too).
func (w *complaintWorkflow) checkDecider(e *complaint.EscalationRecord, actor string) error {
	if why := e.DeciderRefusal(actor, w.state.Chain, w.ownerRecipient()); why != "" {
		return invalidAction(why)
	}
	return nil
}

// checkExtension accepts an extension (positive: CheckDecision saw to that) only of
// a running resolution clock not yet breached (missedBy), within the policy's bound.
func (w *complaintWorkflow) checkExtension(now time.Time, seconds int64) error {
	c := w.clock(complaint.ClockResolution)
	switch {
	case c == nil || c.stopped:
		return invalidAction("cannot extend: the complaint has no running resolution clock")
	case w.missedBy(c, now):
		return invalidAction("cannot extend: the resolution deadline was already missed")
	}
	bound := secs(w.policy.MaxExtensionSeconds)
	if left := bound - w.state.Extended; secs(seconds) > left {
		return invalidAction(fmt.Sprintf("extension of %s exceeds the policy's bound: %s of %s left", secs(seconds), left, bound))
	}
	return nil
}

func levelRank(l complaint.Level) int {
	return len(complaint.Levels) - slices.Index(complaint.Levels, l)
}

func (w *complaintWorkflow) decideEscalation(ctx workflow.Context, req DecisionRequest) (ComplaintState, error) {
	if err := w.awaitLoaded(ctx, func() error { return w.validateDecideEscalation(ctx, req) }); err != nil {
		return w.state, err
	}
	d := req.Decision
	// Everything that can fail runs before the state changes, so a failed decision
	// leaves the complaint as it was.
	var chain []complaint.Member
	if d.Owner != "" {
		var err error
		if chain, err = w.loadChain(ctx, d.Owner); err != nil {
			return w.state, invalidAction(fmt.Sprintf("cannot assign %s: %v", d.Owner, err))
		}
	}
	var raised *complaint.Policy
	if d.Urgency != "" {
		// The raised urgency's policy for the complaint's source and tier, by the
		// precedence of intake (activities.LoadPolicy). The input is not part of the
		// command Temporal compares on replay, so every execution passes the ID.
		var p complaint.Policy
		err := workflow.ExecuteActivity(activityContext(ctx), acts.LoadPolicy,
			activities.LoadPolicyInput{ComplaintID: w.in.ComplaintID, Urgency: d.Urgency, Tier: w.state.Tier}).Get(ctx, &p)
		if err != nil {
			return w.state, err
		}
		raised = &p
	}
	// Marks already due fire first (an extension or a raised urgency moves them): so a
	// breach that came due refuses an extension below, also in an older revision that
	// meets this live. Another decision may have been accepted while this one loaded.
	w.fireDueBeforeAction(ctx, workflow.Now(ctx))
	if err := w.validateDecideEscalation(ctx, req); err != nil {
		return w.state, err
	}
	now := workflow.Now(ctx)
	responseDue := w.state.FirstResponseDueAt
	if chain != nil {
		w.state.Owner, w.state.Chain = d.Owner, chain
	}
	if d.Kind == complaint.DecisionExtend {
		w.clock(complaint.ClockResolution).budget += secs(d.ExtensionSeconds)
		w.state.Extended += secs(d.ExtensionSeconds)
	}
	if raised != nil {
		w.raiseUrgency(d.Urgency, *raised, now)
	}
	w.state.ResolutionDueAt = w.resolutionDue()
	e := w.state.PendingEscalation()
	e.Status, e.DecidedBy, e.DecidedAt, e.Decision, e.DecisionDueAt = decisionStatus[d.Kind], req.Actor, &now, &d, nil
	snapshot := *e
	w.upsertSearchAttributes(ctx)
	key := w.eventKey(complaint.EventEscalationDecision)
	event := complaint.Event{
		Key: key, Kind: complaint.EventEscalationDecision, Actor: req.Actor, At: now, Reason: d.Reason,
		Status: w.state.Status, Level: e.Level, Escalation: &snapshot, Urgency: d.Urgency,
		ExtendedSeconds: int64(w.state.Extended / time.Second),
	}
	if chain != nil {
		event.Owner = d.Owner
	}
	if w.state.ResolutionDueAt != nil {
		event.ResolutionDueAt = *w.state.ResolutionDueAt
	}
	// A raised urgency may tighten a running first-response clock: the complaint
	// row, its listings and countdowns must show the deadline the timer now keeps.
	// Only an activity's input changes, which replay does not compare.
	if !w.state.FirstResponseDueAt.Equal(responseDue) {
		event.FirstResponseDueAt = w.state.FirstResponseDueAt
	}
	grant := w.decisionGrant(ctx, snapshot)
	event.Compensation = grant // granted with the decision: its row, and one callback (the grant's)
	if grant != nil && w.compensationOf(snapshot.Seq) == nil {
		// One of its own takes its seq now: a compensate update handled while the
		// decision's event is written must not take the same.
		w.state.Compensations = append(w.state.Compensations, *grant)
	}
	if err := w.record(ctx, event); err != nil {
		return w.state, err
	}
	w.announceDecision(ctx, key, snapshot, grant != nil)
	// A front-line compensation over the limit is settled by the decision.
	return w.state, w.settleCompensation(ctx, snapshot, grant)
}

// raiseUrgency applies the tighter policy from now on: no deadline moves later, and
// a complaint in the backlog gets a resolution clock.
func (w *complaintWorkflow) raiseUrgency(urgency complaint.Level, p complaint.Policy, now time.Time) {
	w.state.Urgency = urgency
	tighten := func(c *slaClock, budget time.Duration) {
		if c == nil || c.stopped {
			return
		}
		if used := c.usedAt(now, w.cal); budget < c.budget-used {
			c.budget = used + budget
		}
	}
	if c := w.clock(complaint.ClockFirstResponse); c != nil && !c.stopped {
		tighten(c, secs(p.FirstResponseSeconds))
		w.state.FirstResponseDueAt = c.due(w.cal)
	}
	if p.ResolutionSeconds == nil {
		return
	}
	if c := w.clock(complaint.ClockResolution); c != nil {
		tighten(c, secs(*p.ResolutionSeconds))
	} else {
		w.clocks = append(w.clocks, w.newClock(complaint.ClockResolution, w.state.Reopened, now, secs(*p.ResolutionSeconds)))
		if w.state.Status == complaint.StatusBacklog {
			w.state.Status = complaint.StatusInProgress
		}
	}
}

// announceDecision tells the requester and the owner; the customer hears of
// compensation granted (service recovery).
func (w *complaintWorkflow) announceDecision(ctx workflow.Context, key string, e complaint.EscalationRecord, granted bool) {
	d := e.Decision
	body := fmt.Sprintf("%s decided escalation %d of complaint %s: %s.", e.DecidedBy, e.Seq, w.in.ComplaintID, d.Kind)
	if d.Reason != "" {
		body += " Reason: " + d.Reason + "."
	}
	if w.state.ResolutionDueAt != nil {
		body += " Resolution deadline: " + formatTime(*w.state.ResolutionDueAt) + "."
	}
	var told []string
	for _, to := range []string{e.RequestedBy, w.state.Owner} {
		if to == "" || to == complaint.ActorSystem || slices.Contains(told, to) {
			continue
		}
		told = append(told, to)
		w.notify(ctx, activities.Notice{
			EventKey: key, EventKind: complaint.EventEscalationDecision, Recipient: to,
			Subject: fmt.Sprintf("Escalation %d of complaint %s: %s", e.Seq, w.in.ComplaintID, e.Status),
			Body:    body,
		})
	}
	// A compensation recorded is told by settleCompensation: the one a front-line
	// request asked for, and (revision 8 on) any the decision grants.
	if c := d.Compensation; d.Kind == complaint.DecisionCompensate && c != nil && w.compensationOf(e.Seq) == nil && !granted {
		w.tellCustomer(ctx, key, complaint.EventEscalationDecision, message.Compensation, map[string]string{
			"amount": strconv.FormatFloat(c.Amount, 'f', -1, 64), "currency": c.Currency, "kind": c.Kind,
			"status": "granted", "note": c.Note,
		})
	}
	if d.Kind == complaint.DecisionExtend && w.state.ResolutionDueAt != nil &&
		w.changed(ctx, versionExtensionNotice) {
		// 001 "give a concrete time commitment": the customer hears the new time.
		w.tellCustomer(ctx, key, complaint.EventEscalationDecision, message.Extension,
			w.withDue(map[string]string{"reason": d.Reason}))
	}
}

// cancelPendingEscalation closes a request that resolving the complaint made moot.
func (w *complaintWorkflow) cancelPendingEscalation(ctx workflow.Context, now time.Time) error {
	e := w.state.PendingEscalation()
	if e == nil {
		return nil
	}
	e.Status, e.DecisionDueAt = "cancelled", nil
	snapshot := *e
	if err := w.record(ctx, complaint.Event{
		Kind: complaint.EventEscalationCancelled, Actor: complaint.ActorSystem, At: now, Level: e.Level,
		Reason: "the complaint was resolved", Escalation: &snapshot,
	}); err != nil {
		return err
	}
	return w.cancelCompensation(ctx, snapshot.Seq)
}
