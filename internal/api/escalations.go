package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// escalationView is the API representation of an escalation request.
type escalationView struct {
	ID            string          `json:"id"`
	ComplaintID   string          `json:"complaint_id"`
	Seq           int             `json:"seq"`
	Status        string          `json:"status"`
	RequestedBy   string          `json:"requested_by"`
	RequestedAt   time.Time       `json:"requested_at"`
	Reason        string          `json:"reason"`
	Automatic     bool            `json:"automatic"`
	Level         int             `json:"level"`
	Approver      *string         `json:"approver"`
	Eligible      []string        `json:"eligible"`
	DecisionDueAt *time.Time      `json:"decision_due_at"`
	DecidedBy     *string         `json:"decided_by"`
	DecidedAt     *time.Time      `json:"decided_at"`
	Decision      json.RawMessage `json:"decision"`
}

func escalationViewOf(e store.Escalation) escalationView {
	v := escalationView{
		ID: e.ID, ComplaintID: e.ComplaintID, Seq: e.Seq, Status: e.Status, RequestedBy: e.RequestedBy,
		RequestedAt: e.RequestedAt.UTC(), Reason: e.Reason, Automatic: e.Automatic, Level: e.Level,
		Approver: nullString(e.ApproverID), Eligible: e.Eligible, DecisionDueAt: nullTime(e.DecisionDueAt),
		DecidedBy: nullString(e.DecidedBy), DecidedAt: nullTime(e.DecidedAt), Decision: e.Decision,
	}
	if v.Eligible == nil {
		v.Eligible = []string{}
	}
	if len(v.Decision) == 0 {
		v.Decision = json.RawMessage("null")
	}
	return v
}

// requestEscalation asks a manager to step in: 201 with the escalation, routed to
// the nearest manager in the owner's chain.
func (s *Server) requestEscalation(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	c, ok := s.update(w, r, &body, func(v *validator) {
		v.required("reason", body.Reason, 2000)
	}, workflows.UpdateRequestEscalation, func(actor string) any {
		return workflows.EscalationRequest{Actor: actor, Reason: body.Reason}
	})
	if !ok {
		return
	}
	es, err := s.store.Escalations(r.Context(), c.ID)
	if err != nil || len(es) == 0 {
		s.serverError(w, r, fmt.Errorf("escalation of %s not recorded: %w", c.ID, err))
		return
	}
	latest := es[len(es)-1]
	w.Header().Set("Location", fmt.Sprintf("/v1/complaints/%s/escalations/%d", c.ID, latest.Seq))
	writeJSON(w, http.StatusCreated, escalationViewOf(latest))
}

func (s *Server) listComplaintEscalations(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	es, err := s.store.Escalations(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, es, escalationViewOf)
}

// decisionBody is a manager's decision. extend_by uses Go duration syntax ("6h").
type decisionBody struct {
	Decision     string        `json:"decision"`
	Reason       string        `json:"reason"`
	Urgency      string        `json:"urgency"`
	Owner        string        `json:"owner"`
	ExtendBy     string        `json:"extend_by"`
	Compensation *compensation `json:"compensation"`
}

type compensation struct {
	Kind     string   `json:"kind"`
	Amount   *float64 `json:"amount"`
	Currency string   `json:"currency"`
	Note     string   `json:"note"`
}

func (b *decisionBody) check(v *validator) complaint.Decision {
	kinds := make([]string, len(complaint.Decisions))
	for i, k := range complaint.Decisions {
		kinds[i] = string(k)
	}
	v.oneOf("decision", b.Decision, kinds)
	v.optional("reason", b.Reason, 2000)
	d := complaint.Decision{Kind: complaint.DecisionKind(b.Decision), Reason: b.Reason, Owner: b.Owner}
	if b.Urgency != "" {
		v.oneOf("urgency", b.Urgency, levelNames)
		d.Urgency = complaint.Level(b.Urgency)
	}
	if b.Owner != "" && d.Kind != complaint.DecisionApprove && d.Kind != complaint.DecisionReassign {
		v.add("owner", "applies only to approve and reassign")
	}
	if b.Urgency != "" && d.Kind != complaint.DecisionApprove {
		v.add("urgency", "applies only to approve")
	}
	switch d.Kind {
	case complaint.DecisionApprove:
		if b.Urgency == "" && b.Owner == "" {
			v.add("urgency", "approve needs urgency, owner, or both")
		}
	case complaint.DecisionReject:
		v.required("reason", b.Reason, 2000)
	case complaint.DecisionReassign:
		v.required("owner", b.Owner, 64)
	case complaint.DecisionExtend:
		ext, err := time.ParseDuration(b.ExtendBy)
		switch {
		case b.ExtendBy == "":
			v.add("extend_by", `is required, e.g. "6h"`)
		case err != nil:
			v.add("extend_by", fmt.Sprintf("%q is not a duration like \"90m\" or \"6h\"", b.ExtendBy))
		case ext < time.Second || ext%time.Second != 0:
			v.add("extend_by", "must be a positive whole number of seconds")
		default:
			d.ExtensionSeconds = int64(ext / time.Second)
		}
	case complaint.DecisionCompensate:
		c := b.Compensation
		if c == nil {
			v.add("compensation", "is required: kind, amount and optionally currency and note")
			break
		}
		v.oneOf("compensation.kind", c.Kind, complaint.CompensationKinds)
		switch {
		case c.Amount == nil:
			v.add("compensation.amount", "is required")
		case *c.Amount < 0 || math.IsInf(*c.Amount, 0) || *c.Amount > 1e9:
			v.add("compensation.amount", "must be between 0 and 1e9")
		}
		if c.Currency != "" && !isCurrencyCode(c.Currency) {
			v.add("compensation.currency", "must be an ISO 4217 code such as CNY")
		}
		v.optional("compensation.note", c.Note, 500)
		if c.Amount != nil {
			d.Compensation = &complaint.Compensation{Kind: c.Kind, Amount: *c.Amount, Currency: c.Currency, Note: c.Note}
		}
	}
	return d
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// decideEscalation is a manager's decision. The workflow's validator accepts only
// the current approver or a manager above them in the owner's chain.
func (s *Server) decideEscalation(w http.ResponseWriter, r *http.Request) {
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 1 {
		writeProblem(w, r, fieldProblem(http.StatusNotFound, FieldError{Field: "seq", Detail: "is not an escalation number"}))
		return
	}
	var body decisionBody
	var decision complaint.Decision
	c, ok := s.update(w, r, &body, func(v *validator) {
		decision = body.check(v)
		if body.Owner != "" && len(v.errs) == 0 {
			s.checkOwner(r, v, body.Owner)
		}
	}, workflows.UpdateDecideEscalation, func(actor string) any {
		return workflows.DecisionRequest{Actor: actor, Seq: seq, Decision: decision}
	})
	if !ok {
		return
	}
	es, err := s.store.Escalations(r.Context(), c.ID)
	if err != nil || len(es) < seq {
		s.serverError(w, r, fmt.Errorf("escalation %d of %s not recorded: %w", seq, c.ID, err))
		return
	}
	writeJSON(w, http.StatusOK, escalationViewOf(es[seq-1]))
}

// checkOwner makes sure a new owner is an active person of the directory.
func (s *Server) checkOwner(r *http.Request, v *validator, id string) {
	p, err := s.store.Person(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		v.add("owner", "no person "+id+" in the directory")
	case err != nil:
		v.add("owner", "could not be checked: "+err.Error())
	case !p.Active:
		v.add("owner", id+" is not active")
	}
}

// escalationInbox lists the escalations the caller may decide (an admin sees all).
func (s *Server) escalationInbox(w http.ResponseWriter, r *http.Request) {
	var v validator
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "pending"
	}
	v.oneOf("status", status, []string{"pending", "approved", "rejected", "reassigned", "extended", "compensated", "cancelled"})
	limit := 100
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			v.add("limit", "must be a number from 1 to 500")
		}
		limit = n
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	caller := principalFrom(r.Context())
	filter := store.EscalationFilter{Status: status, Person: caller.PersonID, Limit: limit}
	if caller.Role != auth.RoleAdmin && caller.PersonID == "" {
		writeProblem(w, r, problem(http.StatusForbidden,
			"this token does not act for a person of the directory, so it has no inbox; create one with person_id"))
		return
	}
	if caller.Role == auth.RoleAdmin && caller.PersonID == "" {
		filter.Person = ""
	}
	es, err := s.store.EscalationInbox(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, es, escalationViewOf)
}
