package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"database/sql"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// policyView shows durations in Go's duration syntax ("2h0m0s") and in seconds.
type policyView struct {
	Urgency              string    `json:"urgency"`
	Tier                 string    `json:"tier"`
	FirstResponse        string    `json:"first_response"`
	FirstResponseSeconds int64     `json:"first_response_seconds"`
	Resolution           *string   `json:"resolution"`
	ResolutionSeconds    *int64    `json:"resolution_seconds"`
	UpdatedAt            time.Time `json:"updated_at"`
	UpdatedBy            string    `json:"updated_by"`
}

func policyViewOf(p store.Policy) policyView {
	v := policyView{
		Urgency: string(p.Urgency), Tier: string(p.Tier),
		FirstResponse:        (time.Duration(p.FirstResponseSeconds) * time.Second).String(),
		FirstResponseSeconds: p.FirstResponseSeconds,
		UpdatedAt:            p.UpdatedAt.UTC(), UpdatedBy: p.UpdatedBy,
	}
	if p.ResolutionSeconds.Valid {
		d := (time.Duration(p.ResolutionSeconds.Int64) * time.Second).String()
		v.Resolution, v.ResolutionSeconds = &d, &p.ResolutionSeconds.Int64
	}
	return v
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.Policies(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	items := make([]policyView, len(ps))
	for i, p := range ps {
		items[i] = policyViewOf(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// putPolicyBody sets one cell of the SLA matrix. Durations use Go syntax ("90s",
// "2h", "48h"); a null resolution means no resolution clock (the backlog).
type putPolicyBody struct {
	FirstResponse *string `json:"first_response"`
	Resolution    *string `json:"resolution"`
}

const maxSLA = 366 * 24 * time.Hour

func parseSLA(v *validator, field string, value *string, required bool) (sql.NullInt64, bool) {
	if value == nil {
		if required {
			v.add(field, "is required, e.g. \"2h\"")
		}
		return sql.NullInt64{}, false
	}
	d, err := time.ParseDuration(*value)
	switch {
	case err != nil:
		v.add(field, fmt.Sprintf("%q is not a duration like \"90s\", \"2h\" or \"48h\"", *value))
	case d < time.Second || d > maxSLA:
		v.add(field, "must be between 1s and 8784h")
	case d%time.Second != 0:
		v.add(field, "must be a whole number of seconds")
	default:
		return sql.NullInt64{Int64: int64(d / time.Second), Valid: true}, true
	}
	return sql.NullInt64{}, false
}

func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request) {
	var v validator
	urgency, tier := r.PathValue("urgency"), r.PathValue("tier")
	v.oneOf("urgency", urgency, levelNames)
	v.oneOf("tier", tier, levelNames)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	var body putPolicyBody
	if p := decodeJSON(w, r, &body); p != nil {
		writeProblem(w, r, p)
		return
	}
	first, _ := parseSLA(&v, "first_response", body.FirstResponse, true)
	resolution, ok := parseSLA(&v, "resolution", body.Resolution, false)
	if ok && resolution.Int64 < first.Int64 {
		v.add("resolution", "must not be shorter than first_response")
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	p, err := s.store.PutPolicy(r.Context(), store.Policy{
		Urgency: complaint.Level(urgency), Tier: complaint.Level(tier),
		FirstResponseSeconds: first.Int64, ResolutionSeconds: resolution,
		UpdatedBy: principalFrom(r.Context()).Name,
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "SLA policy changed", "urgency", urgency, "tier", tier, "by", p.UpdatedBy)
	writeJSON(w, http.StatusOK, policyViewOf(p))
}

type createTokenBody struct {
	Role string `json:"role"`
	Name string `json:"name"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var body createTokenBody
	if p := decodeJSON(w, r, &body); p != nil {
		writeProblem(w, r, p)
		return
	}
	var v validator
	roles := make([]string, len(auth.Roles))
	for i, role := range auth.Roles {
		roles[i] = string(role)
	}
	v.oneOf("role", body.Role, roles)
	v.required("name", body.Name, 200)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	secret := auth.NewSecret()
	t, err := s.store.CreateToken(r.Context(), store.Token{
		ID: newID(), Name: body.Name, Role: body.Role, Hash: auth.Hash(secret),
		CreatedBy: principalFrom(r.Context()).Name,
	})
	if errors.Is(err, store.ErrConflict) {
		writeProblem(w, r, problem(http.StatusConflict, "token collision; try again"))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": t.ID, "name": t.Name, "role": t.Role, "created_at": t.CreatedAt.UTC(),
		// Shown once: only its hash is stored.
		"token": secret,
	})
}
