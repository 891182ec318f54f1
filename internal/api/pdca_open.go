package api

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// Opening a PDCA cycle by hand (the other cycle routes are in pdca.go).

// maxCycleIterations bounds the spiral (the column's CHECK agrees).
const maxCycleIterations = 24

type cycleBody struct {
	Title         string   `json:"title"`
	Metric        string   `json:"metric"`
	Category      string   `json:"category"`
	Keyword       string   `json:"keyword"`
	Baseline      *float64 `json:"baseline"`
	Target        *float64 `json:"target"`
	TimeZone      string   `json:"time_zone"`
	CheckSpec     string   `json:"check_spec"`
	MaxIterations *int     `json:"max_iterations"`
	RiskAlertID   string   `json:"risk_alert_id"`
}

func (b *cycleBody) check(v *validator) {
	v.required("title", b.Title, 200)
	names := make([]string, len(quality.Metrics))
	for i, m := range quality.Metrics {
		names[i] = string(m)
	}
	v.oneOf("metric", b.Metric, names)
	metric := quality.Metric(b.Metric)
	v.optional("category", b.Category, 100)
	switch {
	case metric == quality.KeywordVolume:
		v.required("keyword", b.Keyword, 100)
	case b.Keyword != "":
		v.reject("keyword", FieldNotApplicable, "applies to keyword_volume only")
	}
	if _, err := quality.LoadZone(b.TimeZone); err != nil {
		v.reject("time_zone", FieldInvalidFormat, err.Error())
	} else if b.CheckSpec != "" {
		if _, err := quality.ParseSpec(b.CheckSpec, b.TimeZone); err != nil {
			v.reject("check_spec", FieldInvalidFormat, err.Error())
		}
	}
	if b.MaxIterations != nil && (*b.MaxIterations < 1 || *b.MaxIterations > maxCycleIterations) {
		v.reject("max_iterations", FieldOutOfRange, fmt.Sprintf("must be from 1 to %d", maxCycleIterations))
	}
	if b.Baseline != nil && b.Target != nil && metric.Valid() && !metric.Improves(*b.Baseline, *b.Target) {
		v.reject("target", FieldOutOfRange, fmt.Sprintf("%g does not improve on the baseline %g", *b.Target, *b.Baseline))
	}
}

// openCycle opens a cycle by hand and starts its workflow. With an Idempotency-Key
// it is opened once under the key, which is the caller's (scoped to its token): a
// retry answers 200 with the cycle opened first, open or closed by now; the key
// sent with another body is a 409 naming the cycle.
func (s *Server) openCycle(w http.ResponseWriter, r *http.Request) {
	var body cycleBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	body.check(&v)
	s.checkRiskAlert(r, &v, body.RiskAlertID)
	key := openingKey(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	id := uuid.NewString()
	maxIterations := 0
	if body.MaxIterations != nil {
		maxIterations = *body.MaxIterations
	}
	// A cycle opened by hand is an opportunity of its own.
	c, created, err := s.store.OpenManualCycle(r.Context(), quality.NewCycle{
		ID: id, WorkflowID: workflows.PDCAWorkflowID(id), OpportunityKey: "manual/" + id,
		Title: strings.TrimSpace(body.Title), Rule: "manual", Metric: quality.Metric(body.Metric),
		Category: body.Category, Keyword: body.Keyword, Baseline: body.Baseline, Target: body.Target,
		TimeZone: body.TimeZone, CheckSpec: strings.TrimSpace(body.CheckSpec), MaxIterations: maxIterations,
		OpenedAt: time.Now().UTC(), RiskAlertID: body.RiskAlertID, Actor: principalFrom(r.Context()).Actor(), StartPending: true,
	}, keyedOpening(r, key, body))
	if errors.Is(err, store.ErrConflict) {
		writeProblem(w, r, problem(http.StatusConflict,
			"Idempotency-Key "+key+" was already used with a different body (cycle "+c.ID+")"))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Not started (Temporal down): the cycle stays marked and the reconciler starts
	// its workflow once Temporal is back, whether or not the caller retries. A
	// closed cycle's workflow has ended: starting it again is refused, and harmless.
	if err := s.startQualityWorkflow(r.Context(), store.QualityStart{CycleID: &c.ID}, func(ctx context.Context) error {
		return s.startCycleWorkflow(ctx, c)
	}); err != nil {
		s.startFailed(w, r, err, "the cycle was recorded", "its workflow", "/v1/pdca-cycles/"+c.ID)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/pdca-cycles/"+c.ID)
	}
	writeJSON(w, status, cycleViewOf(c, nil))
}

// checkRiskAlert refuses a cycle opened for a risk alert that does not exist.
func (s *Server) checkRiskAlert(r *http.Request, v *validator, id string) {
	if id == "" {
		return
	}
	if !isUUID(id) {
		v.reject("risk_alert_id", FieldInvalidFormat, "must be a risk alert's ID")
		return
	}
	_, err := s.store.RiskAlert(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		v.reject("risk_alert_id", FieldNotFound, "no risk alert "+id)
	case err != nil:
		v.add("risk_alert_id", "could not be checked: "+err.Error())
	}
}

// keyedOpening is what a resource opened by hand (a PDCA cycle, a risk alert) is
// opened once under: the request's Idempotency-Key scoped to the caller's token —
// two callers' keys never meet — and the SHA-256 of its body as decoded, so a
// retry is told from another request under the same key (409). No key: the zero
// store.Keyed, opened every time.
func keyedOpening(r *http.Request, key string, body any) store.Keyed {
	if key == "" {
		return store.Keyed{}
	}
	raw, _ := json.Marshal(body)
	sum := sha256.Sum256(raw)
	p := principalFrom(r.Context())
	return store.Keyed{Key: cmp.Or(p.TokenID, p.Actor()) + ":" + key, RequestHash: hex.EncodeToString(sum[:])}
}

// openingKey is the Idempotency-Key of a POST that opens something by hand (a PDCA
// cycle, a risk alert), named in v when it is longer than the column keeps.
func openingKey(r *http.Request, v *validator) string {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 200 {
		v.reject("Idempotency-Key", FieldTooLong, "must be at most 200 characters")
	}
	return key
}
