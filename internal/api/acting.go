package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// mayAct checks, before any workflow update on complaint c, that the caller may take
// the action at all (ActingRefusal, and for a decision auth.MayDecide and then
// mayDecide); on refusal it has written a 403 and returns false.
func (s *Server) mayAct(w http.ResponseWriter, r *http.Request, c store.Complaint, update string) bool {
	caller := principalFrom(r.Context())
	why, err := s.ActingRefusal(r.Context(), caller, auth.Assignment{Owner: null.Value(c.Owner), Team: null.Value(c.TeamID)})
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	if why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return false
	}
	if update != workflows.UpdateDecideEscalation {
		return true
	}
	var e *store.Escalation
	if seq, err := strconv.Atoi(r.PathValue("seq")); err == nil && seq >= 1 {
		es, err := s.store.Escalations(r.Context(), c.ID)
		if err != nil {
			s.serverError(w, r, err)
			return false
		}
		if seq <= len(es) {
			e = &es[seq-1]
		}
	}
	var requestedBy string
	if e != nil {
		requestedBy = e.RequestedBy
	}
	if why := caller.MayDecide(requestedBy); why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return false
	}
	return s.mayDecide(w, r, c, e, caller.PersonID)
}

// ActingRefusal says why caller may not act on a complaint with assignment a at
// all — "" when it may: auth.MayActOn, with the team the directory holds for the
// caller's person. Every complaint action asks it first (mayAct); the console asks
// it too, to offer a complaint's forms only to who may send them.
func (s *Server) ActingRefusal(ctx context.Context, caller auth.Principal, a auth.Assignment) (string, error) {
	var personTeam string
	if caller.Role == auth.RoleAgent && caller.PersonID != "" {
		p, err := s.store.Person(ctx, caller.PersonID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		personTeam = null.Value(p.TeamID)
	}
	return caller.MayActOn(a, personTeam), nil
}

// mayDecide refuses with 403 not_approver a decision on pending escalation e by a
// person who is not one of its eligible approvers, by the workflow's own rule
// (complaint.EscalationRecord.DeciderRefusal) on the escalation as recorded. What
// else stands in the way — an escalation no longer pending, a decision that does not
// fit the complaint — stays the workflow validator's 409, and so does the moment
// after the escalation moved up in the workflow and before its new approvers were
// recorded.
func (s *Server) mayDecide(w http.ResponseWriter, r *http.Request, c store.Complaint, e *store.Escalation, actor string) bool {
	if e == nil || e.Status != "pending" {
		return true
	}
	rec := complaint.EscalationRecord{Seq: e.Seq, Level: e.Level, Eligible: e.Eligible}
	if rec.DeciderRefusal(actor, nil, "") == "" {
		return true
	}
	// Refused: the owner's chain, as the directory holds it now, says why.
	chain, err := s.store.RoutedChain(r.Context(), null.Value(c.Owner), null.Value(c.TeamID))
	if err != nil {
		s.serverError(w, r, err)
		return false
	}
	owner := null.Value(c.Owner)
	switch {
	case owner != "":
	case len(chain) > 0:
		owner = chain[0].ID
	default:
		owner = "unassigned:" + c.Category
	}
	writeProblem(w, r, problemWithCode(http.StatusForbidden, CodeNotApprover,
		fmt.Sprintf("%s may not decide escalation %d: %s", actor, e.Seq, rec.DeciderRefusal(actor, chain, owner))))
	return false
}
