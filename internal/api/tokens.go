package api

import (
	"errors"
	"net/http"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

type createTokenBody struct {
	Role string `json:"role"`
	Name string `json:"name"`
	// PersonID makes the token act for an active person of the directory: their ID is
	// recorded on its actions and decides which escalations it may approve.
	PersonID string `json:"person_id,omitempty"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var body createTokenBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	roles := make([]string, len(auth.Roles))
	for i, role := range auth.Roles {
		roles[i] = string(role)
	}
	v.oneOf("role", body.Role, roles)
	v.required("name", body.Name, 200)
	if body.PersonID != "" {
		reason, err := s.unusablePerson(r.Context(), body.PersonID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if reason != "" {
			v.reject("person_id", codeOfReason(reason), reason)
		}
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	secret := auth.NewSecret()
	t, err := s.store.CreateToken(r.Context(), store.Token{
		ID: newID(), Name: body.Name, Role: body.Role, Hash: auth.Hash(secret),
		CreatedBy: principalFrom(r.Context()).Actor(),
		PersonID:  null.IfEmpty(body.PersonID),
	})
	if errors.Is(err, store.ErrConflict) {
		writeProblem(w, r, problem(http.StatusConflict, "token collision; try again"))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": t.ID, "name": t.Name, "role": t.Role, "created_at": t.CreatedAt.UTC(),
		"person_id": t.PersonID,
		// Shown once: only its hash is stored.
		"token": secret,
	})
}
