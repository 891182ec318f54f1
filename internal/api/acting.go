package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// mayAct checks, before any workflow update on complaint c, that the caller may take
// the action at all (auth.MayActOn, and auth.MayDecide for a decision); on refusal
// it has written a 403 and returns false. The workflow's validator still has the
// last word on the decider's place in the reporting chain.
func (s *Server) mayAct(w http.ResponseWriter, r *http.Request, c store.Complaint, update string) bool {
	caller := principalFrom(r.Context())
	var personTeam string
	if caller.Role == auth.RoleAgent && caller.PersonID != "" {
		p, err := s.store.Person(r.Context(), caller.PersonID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.serverError(w, r, err)
			return false
		}
		personTeam = null.Value(p.TeamID)
	}
	why := caller.MayActOn(auth.Assignment{Owner: null.Value(c.Owner), Team: null.Value(c.TeamID)}, personTeam)
	if why == "" && update == workflows.UpdateDecideEscalation {
		var requestedBy string
		if seq, err := strconv.Atoi(r.PathValue("seq")); err == nil && seq >= 1 {
			es, err := s.store.Escalations(r.Context(), c.ID)
			if err != nil {
				s.serverError(w, r, err)
				return false
			}
			if seq <= len(es) {
				requestedBy = es[seq-1].RequestedBy
			}
		}
		why = caller.MayDecide(requestedBy)
	}
	if why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return false
	}
	return true
}
