package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// Front-line authority (002 §3.1) and hand-over inside the team (000 §7.1).

// compensationView is the API representation of a front-line compensation.
type compensationView struct {
	ComplaintID   string     `json:"complaint_id"`
	Seq           int        `json:"seq"`
	Kind          string     `json:"kind"`
	Amount        float64    `json:"amount"`
	Currency      string     `json:"currency"`
	Note          *string    `json:"note"`
	Status        string     `json:"status"`
	RequestedBy   string     `json:"requested_by"`
	RequestedAt   time.Time  `json:"requested_at"`
	Limit         *float64   `json:"limit"`
	EscalationSeq *int       `json:"escalation_seq"`
	DecidedBy     *string    `json:"decided_by"`
	DecidedAt     *time.Time `json:"decided_at"`
}

func compensationViewOf(c store.Compensation) compensationView {
	return compensationView{
		ComplaintID: c.ComplaintID, Seq: c.Seq, Kind: string(c.Kind), Amount: c.Amount, Currency: c.Currency,
		Note: c.Note, Status: c.Status, RequestedBy: c.RequestedBy, RequestedAt: c.RequestedAt.UTC(),
		Limit: c.Limit, EscalationSeq: c.EscalationSeq, DecidedBy: c.DecidedBy, DecidedAt: utc(c.DecidedAt),
	}
}

type compensateBody struct {
	Kind     string   `json:"kind"`
	Amount   *float64 `json:"amount"`
	Currency string   `json:"currency"`
	Note     string   `json:"note"`
}

func recoveryKinds() []string {
	out := make([]string, len(complaint.RecoveryKinds))
	for i, k := range complaint.RecoveryKinds {
		out[i] = string(k)
	}
	return out
}

func (v *validator) currency(field, value string) {
	switch {
	case value == "":
		v.reject(field, FieldRequired, "is required, e.g. CNY")
	case !complaint.CurrencyCode(value):
		v.reject(field, FieldInvalidFormat, "must be an ISO 4217 code such as CNY")
	}
}

func (v *validator) amount(field string, value *float64) {
	switch {
	case value == nil:
		v.reject(field, FieldRequired, "is required")
	case !(*value > 0) || *value > complaint.MaxCompensation || math.Abs(math.Round(*value*100)-*value*100) > 1e-6:
		v.reject(field, FieldOutOfRange, "must be more than 0 and at most 1e9, in cents at most")
	}
}

// compensate records a refund or compensation: granted at once under the caller's
// limit (201, status granted), else an escalation to the manager (201, status
// requested). The limit is the one of the caller's role in the directory. The 201
// answers the compensation this request made (its retry's too, after others were
// made); Location reads it.
func (s *Server) compensate(w http.ResponseWriter, r *http.Request) {
	var body compensateBody
	var limit *float64
	var state workflows.ComplaintState
	actor := principalFrom(r.Context()).Actor()
	c, ok := s.update(w, r, &body, func(v *validator) {
		v.oneOf("kind", body.Kind, recoveryKinds())
		v.amount("amount", body.Amount)
		v.currency("currency", body.Currency)
		v.optional("note", body.Note, 500)
		if len(v.errs) == 0 {
			var err error
			if limit, err = s.limitOf(r, complaint.RecoveryKind(body.Kind), body.Currency); err != nil {
				v.add("kind", "the caller's limit could not be read: "+err.Error())
			}
		}
	}, workflows.UpdateCompensate, func(actor string) any {
		return workflows.CompensateRequest{Actor: actor, Kind: complaint.RecoveryKind(body.Kind), Amount: *body.Amount,
			Currency: body.Currency, Note: body.Note, Limit: limit}
	}, &state)
	if !ok {
		return
	}
	// The update's outcome is the state as the request left it (a retry's, as its
	// first attempt left it): the last compensation asked for as this request asks;
	// else (a retry whose body differs from its first attempt's) the last one then.
	seq := 0
	if n := len(state.Compensations); n > 0 {
		seq = state.Compensations[n-1].Seq
	}
	for _, rec := range state.Compensations {
		if rec.RequestedBy == actor && rec.Kind == complaint.RecoveryKind(body.Kind) && rec.Amount == *body.Amount &&
			rec.Currency == body.Currency && rec.Note == body.Note {
			seq = rec.Seq
		}
	}
	comp, err := s.compensation(r, c.ID, seq)
	if err != nil {
		s.serverError(w, r, fmt.Errorf("compensation %d of %s not recorded: %w", seq, c.ID, err))
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/complaints/%s/compensations/%d", c.ID, comp.Seq))
	writeJSON(w, http.StatusCreated, compensationViewOf(comp))
}

// compensation is compensation seq of the complaint as recorded; store.ErrNotFound
// when there is none.
func (s *Server) compensation(r *http.Request, complaintID string, seq int) (store.Compensation, error) {
	cs, err := s.store.Compensations(r.Context(), complaintID)
	if err != nil {
		return store.Compensation{}, err
	}
	for _, c := range cs {
		if c.Seq == seq {
			return c, nil
		}
	}
	return store.Compensation{}, store.ErrNotFound
}

// getCompensation reads one compensation of a complaint, by its number.
func (s *Server) getCompensation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	var v validator
	seq := seqParam(&v, r, "a compensation")
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	comp, err := s.compensation(r, c.ID, seq)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, fmt.Sprintf("no compensation %d of complaint %s", seq, c.ID)))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, compensationViewOf(comp))
}

// limitOf is the caller's limit for kind in currency: the limit of their role in
// the directory; nil (no authority) for a token acting for no person.
func (s *Server) limitOf(r *http.Request, kind complaint.RecoveryKind, currency string) (*float64, error) {
	id := principalFrom(r.Context()).PersonID
	if id == "" {
		return nil, nil
	}
	p, err := s.store.Person(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Active) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.store.CompensationLimit(r.Context(), p.Role, kind, currency)
}

func (s *Server) listCompensations(w http.ResponseWriter, r *http.Request) {
	c, ok := s.complaintFromPath(w, r)
	if !ok {
		return
	}
	cs, err := s.store.Compensations(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, cs, compensationViewOf)
}

// limitView is the API representation of a compensation limit.
type limitView struct {
	Role      string    `json:"role"`
	Kind      string    `json:"kind"`
	Currency  string    `json:"currency"`
	Amount    float64   `json:"amount"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func limitViewOf(l store.CompensationLimit) limitView {
	return limitView{Role: string(l.Role), Kind: string(l.Kind), Currency: l.Currency, Amount: l.Amount,
		UpdatedAt: l.UpdatedAt.UTC(), UpdatedBy: l.UpdatedBy}
}

func (s *Server) listCompensationLimits(w http.ResponseWriter, r *http.Request) {
	ls, err := s.store.CompensationLimits(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(store.LimitsVersion(ls)))
	writeItems(w, ls, limitViewOf)
}

type limitsBody struct {
	Items []struct {
		Role     string   `json:"role"`
		Kind     string   `json:"kind"`
		Currency string   `json:"currency"`
		Amount   *float64 `json:"amount"`
	} `json:"items"`
}

// putCompensationLimits replaces every limit; a role, kind and currency left out
// has no authority (its requests go to the manager).
func (s *Server) putCompensationLimits(w http.ResponseWriter, r *http.Request) {
	var body limitsBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	if body.Items == nil {
		v.reject("items", FieldRequired, "is required: the whole set of limits, [] for none")
	}
	roles := make([]string, len(complaint.Roles))
	for i, role := range complaint.Roles {
		roles[i] = string(role)
	}
	seen := map[string]bool{}
	ls := make([]store.CompensationLimit, 0, len(body.Items))
	for i, it := range body.Items {
		at := func(f string) string { return fmt.Sprintf("items[%d].%s", i, f) }
		n := len(v.errs)
		v.oneOf(at("role"), it.Role, roles)
		v.oneOf(at("kind"), it.Kind, recoveryKinds())
		v.currency(at("currency"), it.Currency)
		v.amount(at("amount"), it.Amount)
		if len(v.errs) > n {
			continue
		}
		key := it.Role + "/" + it.Kind + "/" + it.Currency
		if seen[key] {
			v.reject(at("currency"), FieldConflict, "a second limit for "+key)
			continue
		}
		seen[key] = true
		ls = append(ls, store.CompensationLimit{Role: complaint.Role(it.Role), Kind: complaint.RecoveryKind(it.Kind),
			Currency: it.Currency, Amount: *it.Amount})
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	saved, err := s.store.ReplaceCompensationLimits(r.Context(), ls, principalFrom(r.Context()).Actor(), version)
	if errors.Is(err, store.ErrStale) {
		by := "" // the set is replaced whole: every limit has the same
		if len(saved) > 0 {
			by = saved[0].UpdatedBy
		}
		writeStale(w, r, "the compensation limits", *version, by, store.LimitsVersion(saved), "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(store.LimitsVersion(saved)))
	writeItems(w, saved, limitViewOf)
}

type handoverBody struct {
	ToPersonID string `json:"to_person_id"`
	Reason     string `json:"reason"`
}

// handover hands the complaint to another member of its team: the team's lead, or
// the owner, may do so without an escalation (complaint.CheckHandover, in the
// workflow: a refusal is a 409). The clocks are untouched.
func (s *Server) handover(w http.ResponseWriter, r *http.Request) {
	var body handoverBody
	var req workflows.HandoverRequest
	s.act(w, r, &body, func(v *validator) {
		v.id("to_person_id", body.ToPersonID)
		v.required("reason", body.Reason, 2000)
		if v.ok("to_person_id") {
			req = s.handoverFacts(r, v, body)
		}
	}, workflows.UpdateHandover, func(actor string) any {
		req.Actor = actor
		return req
	})
}

// handoverFacts reads what the hand-over rule needs of the directory: the person
// it goes to and the lead of the complaint's team.
func (s *Server) handoverFacts(r *http.Request, v *validator, body handoverBody) workflows.HandoverRequest {
	req := workflows.HandoverRequest{To: body.ToPersonID, Reason: body.Reason}
	p, err := s.store.Person(r.Context(), body.ToPersonID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		v.reject("to_person_id", FieldNotFound, "no person "+body.ToPersonID+" in the directory")
		return req
	case err != nil:
		v.add("to_person_id", "could not be checked: "+err.Error())
		return req
	case !p.Active:
		v.reject("to_person_id", FieldInactive, body.ToPersonID+" is not active")
		return req
	}
	req.ToTeam, req.ToActive = null.Value(p.TeamID), p.Active
	c, err := s.store.Complaint(r.Context(), r.PathValue("id"))
	if err == nil && c.TeamID != nil {
		req.TeamLead, err = s.store.TeamLead(r.Context(), *c.TeamID)
	}
	if err != nil {
		v.add("to_person_id", "could not be checked: "+err.Error())
	}
	return req
}
