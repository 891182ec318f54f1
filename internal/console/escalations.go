package console

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// pending is an inbox entry: the escalation with its complaint's context and the
// last events of its timeline (History, oldest first).
type pending struct {
	E       apiclient.Escalation
	C       complaint
	History []apiclient.ComplaintEvent
	// HistoryRefusal is the API's refusal to list the events, shown in their place.
	HistoryRefusal *refusal
	// Request is the compensation over the requester's limit that opened the
	// escalation (a compensate decision grants it, any other declines it); nil for
	// an escalation of another kind.
	Request *apiclient.Compensation
	// Input is what was typed in this entry's form when the API refused it; for the
	// others, what the form starts with (a compensation request's decision).
	Input map[string]string
}

// Asked is the compensation request as the complaint's compensations the entry
// has, for its reason in the viewer's language (escalationReason).
func (p pending) Asked() []apiclient.Compensation {
	if p.Request == nil {
		return nil
	}
	return []apiclient.Compensation{*p.Request}
}

// Key names the entry as its form and the page's poll do.
func (p pending) Key() string { return inboxKey(p.E) }

// inboxLimit is how many escalations the inbox shows (the API's default page); it
// asks for one more, to say when more wait.
const inboxLimit = 100

// historyLen is how many of a complaint's latest events an inbox entry shows.
const historyLen = 5

// The decision form's choices, as the API's DecisionRequest names them (the
// generated enums, so a choice the document drops fails to compile); the page
// shows each in the viewer's language.
var (
	decisionKinds = []apiclient.DecisionRequestDecision{apiclient.DecisionRequestDecisionApprove,
		apiclient.DecisionRequestDecisionReject, apiclient.DecisionRequestDecisionReassign,
		apiclient.DecisionRequestDecisionExtend, apiclient.DecisionRequestDecisionCompensate}
	decisionUrgencies = []apiclient.Level{apiclient.High, apiclient.Medium, apiclient.Low}
	compensationKinds = []apiclient.DecisionRequestCompensationKind{apiclient.DecisionRequestCompensationKindCoupon,
		apiclient.DecisionRequestCompensationKindVoucher, apiclient.DecisionRequestCompensationKindRefund,
		apiclient.DecisionRequestCompensationKindUpgrade, apiclient.DecisionRequestCompensationKindGift,
		apiclient.DecisionRequestCompensationKindPoints, apiclient.DecisionRequestCompensationKindOther}
)

func (c *Console) escalations(w http.ResponseWriter, r *http.Request) {
	c.showInbox(w, r, http.StatusOK, "", nil, nil)
}

// inbox is the viewer's pending escalations as the API lists them, the first
// inboxLimit, and whether more wait: the page and its poll ask the same question,
// so they agree on what waits.
func (c *Console) inbox(r *http.Request) (page[apiclient.Escalation], bool, *refusal, error) {
	var inbox page[apiclient.Escalation]
	pending, limit := apiclient.EscalationStatusPending, inboxLimit+1
	ref, err := into(&inbox)(c.client.EscalationInbox(r.Context(), &apiclient.EscalationInboxParams{Status: &pending, Limit: &limit}))
	more := len(inbox.Items) > inboxLimit
	if more {
		inbox.Items = inbox.Items[:inboxLimit]
	}
	return inbox, more, ref, err
}

// inboxKey names an escalation on the inbox page and in its poll.
func inboxKey(e apiclient.Escalation) string { return fmt.Sprintf("%s/%d", e.ComplaintId, e.Seq) }

// inboxKeys answers the open inbox's poll with the keys of what waits now, so the
// page can say what came in and close the forms of what was decided elsewhere
// without redrawing the form a manager is typing in.
func (c *Console) inboxKeys(w http.ResponseWriter, r *http.Request) {
	inbox, _, ref, err := c.inbox(r)
	if c.refusedPlain(w, r, ref, err) {
		return
	}
	keys := make([]string, len(inbox.Items))
	for i, e := range inbox.Items {
		keys[i] = inboxKey(e)
	}
	c.pollAnswer(w, r, map[string][]string{"pending": keys})
}

// showInbox renders the manager's pending escalations; refused names the
// escalation whose form ref and input belong to.
func (c *Console) showInbox(w http.ResponseWriter, r *http.Request, status int, refused string, ref *refusal, input map[string]string) {
	inbox, more, pageRef, err := c.inbox(r)
	if c.refusedPage(w, r, "escalations", pageRef, err) {
		return
	}
	entries, err := c.withComplaints(r, inbox.Items)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	// A refusal of an escalation not in this inbox (someone who may not decide it
	// posted the form anyway) has no entry to show next to: it shows on top.
	unlisted := refused != ""
	for i, e := range entries {
		entries[i].Input = e.startInput()
		if inboxKey(e.E) == refused {
			unlisted, entries[i].Input = false, input
		}
	}
	c.render(w, r, status, "escalations", map[string]any{
		"Entries": entries, "Refused": refused, "Refusal": ref, "Input": input, "Unlisted": unlisted, "More": more,
		"Kinds": decisionKinds, "Urgencies": decisionUrgencies, "CompKinds": compensationKinds,
	})
}

// withComplaints fetches each escalation's complaint, for its subject, customer
// and SLA state, and its event log, for the history: two in-process calls per
// entry (docs/console.md says what that costs).
func (c *Console) withComplaints(r *http.Request, es []apiclient.Escalation) ([]pending, error) {
	out := make([]pending, 0, len(es))
	for _, e := range es {
		p := pending{E: e}
		if ref, err := into(&p.C.Complaint)(c.client.GetComplaint(r.Context(), e.ComplaintId)); err != nil {
			return nil, err
		} else if ref != nil {
			p.C.Subject = "(not visible: " + ref.Detail + ")"
		}
		var events page[apiclient.ComplaintEvent]
		ref, err := into(&events)(c.client.ListComplaintEvents(r.Context(), e.ComplaintId))
		if err != nil {
			return nil, err
		}
		p.HistoryRefusal, p.History = ref, latest(events.Items, historyLen)
		if ref == nil {
			p.C.Run = runOf(events.Items)
		}
		if p.Request, err = c.compensationRequest(r, e); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// latest is the last n of a timeline the API lists oldest first.
func latest(events []apiclient.ComplaintEvent, n int) []apiclient.ComplaintEvent {
	return events[max(0, len(events)-n):]
}

// decisionFields are the decision form's fields, sent as the API's names.
var decisionFields = []string{"decision", "urgency", "owner", "reason", "extend_by", "kind", "amount", "currency", "note"}

// decide sends a decision form to the API, which decides whether this person may.
func (c *Console) decide(w http.ResponseWriter, r *http.Request) {
	id, err := api.ParseID(r.PathValue("id"))
	seq, serr := strconv.Atoi(r.PathValue("seq"))
	if err != nil || serr != nil {
		http.Error(w, "no such escalation", http.StatusNotFound)
		return
	}
	input := map[string]string{}
	for _, f := range decisionFields {
		input[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	// Every field filled is sent, whatever the decision: the API names those the
	// decision does not take (an amount typed with Approve would otherwise be
	// dropped, and the compensation asked for silently declined). The compensation
	// the form started with (requested) is no one's typing: another decision
	// leaves it out, and so declines it, as the form says.
	comp := strings.Join([]string{input["kind"], input["amount"], input["currency"]}, "|")
	typed := input["note"] != "" || (comp != "||" && comp != r.PostFormValue("requested"))
	body := map[string]any{"decision": input["decision"]}
	for _, f := range []string{"urgency", "owner", "reason", "extend_by"} {
		if input[f] != "" {
			body[f] = input[f]
		}
	}
	if input["decision"] == "compensate" || typed {
		comp := map[string]any{"kind": input["kind"]}
		number(comp, "amount", input["amount"])
		for _, f := range []string{"currency", "note"} {
			if input[f] != "" {
				comp[f] = input[f]
			}
		}
		body["compensation"] = comp
	}
	keepKey(r, input)
	ref, err := into(nil)(c.client.DecideEscalationWithBody(r.Context(), id, seq, nil, "application/json", jsonBody(body), withKey(r)))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if ref != nil {
		c.showInbox(w, r, ref.Status, r.PathValue("id")+"/"+r.PathValue("seq"), ref, input)
		return
	}
	http.Redirect(w, r, "/console/escalations", http.StatusSeeOther)
}

// compensationRequest is the compensation over its requester's limit that opened
// escalation e, as the complaint's compensations name it (escalation_seq, still
// requested); nil for any other escalation. Such escalations are automatic, so
// only those cost the call.
func (c *Console) compensationRequest(r *http.Request, e apiclient.Escalation) (*apiclient.Compensation, error) {
	if !e.Automatic {
		return nil, nil
	}
	var comps page[apiclient.Compensation]
	ref, err := into(&comps)(c.client.ListCompensations(r.Context(), e.ComplaintId))
	if err != nil || ref != nil {
		return nil, err
	}
	for _, cp := range comps.Items {
		if cp.EscalationSeq != nil && *cp.EscalationSeq == e.Seq && cp.Status == apiclient.CompensationStatusRequested {
			return &cp, nil
		}
	}
	return nil, nil
}

// startInput is what an entry's form starts with: for a compensation request, the
// decision that grants it, with the amount, currency and kind asked for (a
// refund is granted as one, any other compensation as "other"), for the manager
// to grant as asked or change; nothing for other escalations.
func (p pending) startInput() map[string]string {
	if p.Request == nil {
		return map[string]string{}
	}
	in := p.requestInput()
	in["decision"] = string(apiclient.DecisionRequestDecisionCompensate)
	return in
}

// Requested is the compensation fields the form starts with, as its hidden field
// "requested" sends them back (kind|amount|currency); "" for other escalations.
func (p pending) Requested() string {
	if p.Request == nil {
		return ""
	}
	in := p.requestInput()
	return strings.Join([]string{in["kind"], in["amount"], in["currency"]}, "|")
}

// requestInput is the compensation request as the form's fields.
func (p pending) requestInput() map[string]string {
	kind := apiclient.DecisionRequestCompensationKindOther
	if p.Request.Kind == apiclient.RecoveryKindRefund {
		kind = apiclient.DecisionRequestCompensationKindRefund
	}
	return map[string]string{"kind": string(kind), "amount": trimFloat(p.Request.Amount), "currency": p.Request.Currency}
}
