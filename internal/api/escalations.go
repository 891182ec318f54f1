package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

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
		Approver: e.ApproverID, Eligible: e.Eligible, DecisionDueAt: utc(e.DecisionDueAt),
		DecidedBy: e.DecidedBy, DecidedAt: utc(e.DecidedAt), Decision: e.Decision,
	}
	if v.Eligible == nil {
		v.Eligible = []string{}
	}
	if len(v.Decision) == 0 {
		v.Decision = json.RawMessage("null")
	}
	return v
}

// requestEscalation asks a manager to step in: 201 with the escalation this request
// opened (its retry's too, after others were opened), routed to the nearest manager
// in the owner's chain; Location reads it.
func (s *Server) requestEscalation(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	var state workflows.ComplaintState
	actor := principalFrom(r.Context()).Actor()
	c, ok := s.update(w, r, &body, func(v *validator) {
		v.required("reason", body.Reason, 2000)
	}, workflows.UpdateRequestEscalation, func(actor string) any {
		return workflows.EscalationRequest{Actor: actor, Reason: body.Reason}
	}, &state)
	if !ok {
		return
	}
	// The update's outcome is the state as the request left it (a retry's, as its
	// first attempt left it): the last escalation asked for as this request asks;
	// else (a retry whose body differs from its first attempt's) the last one then.
	seq := 0
	if n := len(state.Escalations); n > 0 {
		seq = state.Escalations[n-1].Seq
	}
	for _, e := range state.Escalations {
		if !e.Automatic && e.RequestedBy == actor && e.Reason == body.Reason {
			seq = e.Seq
		}
	}
	e, err := s.escalation(r, c.ID, seq)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("escalation %d of %s not recorded: %w", seq, c.ID, err))
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/complaints/%s/escalations/%d", c.ID, e.Seq))
	writeJSON(w, http.StatusCreated, escalationViewOf(e))
}

// escalation is escalation seq of the complaint as recorded; store.ErrNotFound
// when there is none.
func (s *Server) escalation(r *http.Request, complaintID string, seq int) (store.Escalation, error) {
	es, err := s.store.Escalations(r.Context(), complaintID)
	if err != nil {
		return store.Escalation{}, err
	}
	for _, e := range es {
		if e.Seq == seq {
			return e, nil
		}
	}
	return store.Escalation{}, store.ErrNotFound
}

// seqParam is the path's {seq}, an escalation's or a compensation's number from 1;
// a malformed one is named in v.
func seqParam(v *validator, r *http.Request, what string) int {
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 1 {
		v.reject("seq", FieldInvalidFormat, "is not "+what+" number (1, 2, …)")
	}
	return seq
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

// getEscalation reads one escalation of a complaint, by its number.
func (s *Server) getEscalation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	var v validator
	seq := seqParam(&v, r, "an escalation")
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	e, err := s.escalation(r, c.ID, seq)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, fmt.Sprintf("no escalation %d of complaint %s", seq, c.ID)))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, escalationViewOf(e))
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

// check adds what is wrong with the body to v (complaint.CheckDecision's rules,
// worded for the JSON form) and returns the decision it describes.
func (b *decisionBody) check(v *validator) complaint.Decision {
	d, why := b.decision()
	for _, p := range complaint.CheckDecision(d) {
		code := decisionCodes[p.Rule]
		if w, ok := why[p.Rule]; ok {
			p.Detail, code = w.message, w.code
		}
		if code == FieldNotAllowed && p.Detail != "" && strings.HasPrefix(p.Detail, "is required") {
			code = FieldRequired // an enum left out
		}
		v.reject(p.Field, code, p.Detail)
	}
	// The Decision holds only its kind's fields; another kind's, sent, is refused
	// rather than dropped — a manager who sent extend_by with a reject would believe
	// the deadline moved.
	if b.ExtendBy != "" && d.Kind != complaint.DecisionExtend {
		v.reject("extend_by", FieldNotApplicable, "applies only to extend")
	}
	if b.Compensation != nil && d.Kind != complaint.DecisionCompensate {
		v.reject("compensation", FieldNotApplicable, "applies only to compensate")
	}
	// The grant is recorded (workflow revision 8) and summed per currency in the
	// cost of recovery: an amount in no currency would be a bucket of its own.
	if b.Compensation != nil && d.Kind == complaint.DecisionCompensate && b.Compensation.Currency == "" {
		v.reject("compensation.currency", FieldRequired, `is required, e.g. "CNY": the compensation is recorded in it`)
	}
	return d
}

// decisionCodes is the field code of each rule of complaint.CheckDecision.
var decisionCodes = map[complaint.DecisionRule]string{
	complaint.RuleKind:             FieldNotAllowed,
	complaint.RuleReasonLength:     FieldTooLong,
	complaint.RuleUrgency:          FieldNotAllowed,
	complaint.RuleApplies:          FieldNotApplicable,
	complaint.RuleApproveChanges:   FieldRequired,
	complaint.RuleReason:           FieldRequired,
	complaint.RuleOwner:            FieldRequired,
	complaint.RuleOwnerLength:      FieldTooLong,
	complaint.RuleExtension:        FieldOutOfRange,
	complaint.RuleCompensation:     FieldRequired,
	complaint.RuleCompensationKind: FieldNotAllowed,
	complaint.RuleAmount:           FieldOutOfRange,
	complaint.RuleAmountLimit:      FieldOutOfRange,
	complaint.RuleCurrency:         FieldInvalidFormat,
	complaint.RuleNoteLength:       FieldTooLong,
}

// rewording is how the API words a rule's problem where the JSON form says more
// than the Decision can: its message and field code.
type rewording struct{ code, message string }

// decision is the Decision the body describes, with only the fields of its kind.
// Where the JSON form leaves out or misspells what the Decision cannot show as
// missing, the decision holds a value CheckDecision refuses and why says how to
// word that problem: no extend_by or one that is not a duration, no amount.
func (b *decisionBody) decision() (complaint.Decision, map[complaint.DecisionRule]rewording) {
	d := complaint.Decision{Kind: complaint.DecisionKind(b.Decision), Reason: b.Reason,
		Urgency: complaint.Level(b.Urgency), Owner: b.Owner}
	why := map[complaint.DecisionRule]rewording{}
	switch d.Kind {
	case complaint.DecisionExtend:
		ext, err := time.ParseDuration(b.ExtendBy)
		switch {
		case b.ExtendBy == "":
			why[complaint.RuleExtension] = rewording{FieldRequired, `is required, e.g. "6h"`}
		case err != nil:
			why[complaint.RuleExtension] = rewording{FieldInvalidFormat, fmt.Sprintf("%q is not a duration like \"90m\" or \"6h\"", b.ExtendBy)}
		case ext%time.Second == 0:
			d.ExtensionSeconds = int64(ext / time.Second) // 0 or less: CheckDecision refuses it
		}
	case complaint.DecisionCompensate:
		if c := b.Compensation; c != nil {
			d.Compensation = &complaint.Compensation{Kind: c.Kind, Amount: math.NaN(), Currency: c.Currency, Note: c.Note}
			if c.Amount != nil {
				d.Compensation.Amount = *c.Amount
			} else {
				why[complaint.RuleAmount] = rewording{FieldRequired, "is required"}
			}
		}
	}
	return d, why
}

// decideEscalation is a manager's decision. The workflow's validator accepts only
// the current approver or a manager above them in the owner's chain.
// A malformed {seq} is bad input, named with the body's problems.
func (s *Server) decideEscalation(w http.ResponseWriter, r *http.Request) {
	var seq int
	var body decisionBody
	var decision complaint.Decision
	c, ok := s.update(w, r, &body, func(v *validator) {
		seq = seqParam(v, r, "an escalation")
		decision = body.check(v)
		if body.Owner != "" && v.ok("owner") {
			s.checkOwner(r, v, body.Owner)
		}
	}, workflows.UpdateDecideEscalation, func(actor string) any {
		return workflows.DecisionRequest{Actor: actor, Seq: seq, Decision: decision}
	}, nil)
	if !ok {
		return
	}
	e, err := s.escalation(r, c.ID, seq)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("escalation %d of %s not recorded: %w", seq, c.ID, err))
		return
	}
	writeJSON(w, http.StatusOK, escalationViewOf(e))
}

// checkOwner makes sure a new owner is an active person of the directory.
func (s *Server) checkOwner(r *http.Request, v *validator, id string) {
	p, err := s.store.Person(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		v.reject("owner", FieldNotFound, "no person "+id+" in the directory")
	case err != nil:
		v.add("owner", "could not be checked: "+err.Error())
	case !p.Active:
		v.reject("owner", FieldInactive, id+" is not active")
	}
}

// escalationInbox lists the escalations the caller may decide (an admin sees all).
func (s *Server) escalationInbox(w http.ResponseWriter, r *http.Request) {
	var v validator
	q := r.URL.Query()
	status := once(&v, q, "status", 64)
	if status == "" {
		status = "pending"
	}
	v.oneOf("status", status, []string{"pending", "approved", "rejected", "reassigned", "extended", "compensated", "cancelled"})
	limit := 100
	if l := once(&v, q, "limit", 64); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			v.reject("limit", FieldOutOfRange, "must be a number from 1 to 500")
		}
		limit = n
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	person, why := principalFrom(r.Context()).Inbox()
	if why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return
	}
	filter := store.EscalationFilter{Status: status, Person: person, Limit: limit}
	es, err := s.store.EscalationInbox(r.Context(), filter)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, es, escalationViewOf)
}
