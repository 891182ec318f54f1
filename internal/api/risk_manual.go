package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// Manual risk alerts (002 §9.1 「红色风险(如系统宕机、重大客诉)需1小时内启动应急预案」) and
// the standing KPI targets (000 §3.1, 002 §2.1).

type openRiskAlertBody struct {
	Grade       string `json:"grade"`
	Description string `json:"description"`
}

// openRiskAlert opens an alert by hand with a grade and a description and starts its
// workflow, which tells the owner (the quality lead) and, of a red alert, the
// nearest director at once. With an Idempotency-Key it is opened once under the
// key, which is the caller's (keyedOpening): a retry answers 200 with the alert
// opened first, whatever its status by now; the key sent with another body is a
// 409 naming the alert.
func (s *Server) openRiskAlert(w http.ResponseWriter, r *http.Request) {
	var body openRiskAlertBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	v.required("grade", body.Grade, 20)
	if body.Grade != "" {
		v.oneOf("grade", body.Grade, riskGrades)
	}
	v.required("description", body.Description, 10000)
	key := openingKey(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	ctx := r.Context()
	t, err := s.store.RiskThresholds(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	owner, _, err := s.store.TeamRoster(ctx, s.qualityTeam)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	grade := quality.Grade(body.Grade)
	a, created, err := s.store.OpenManualRiskAlertKeyed(ctx, quality.NewManualRiskAlert{
		ID: uuid.NewString(), Grade: grade, Description: strings.TrimSpace(body.Description),
		HandlingSeconds: t.HandlingSeconds(grade), At: time.Now(), By: principalFrom(ctx).Actor(), OwnerID: owner,
	}, keyedOpening(r, key, body))
	if errors.Is(err, store.ErrConflict) {
		writeProblem(w, r, problem(http.StatusConflict,
			"Idempotency-Key "+key+" was already used with a different body (risk alert "+a.ID+")"))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// After the commit, so the workflow reads the row; again on a retry (starting
	// twice is harmless). Not started (Temporal down): the alert stays marked and the
	// reconciler starts its workflow once Temporal is back, retried or not.
	if err := s.startQualityWorkflow(ctx, store.QualityStart{RiskAlertID: &a.ID}, func(ctx context.Context) error {
		if a.Status == quality.RiskClosed {
			return nil // its workflow ran to the end
		}
		return s.startRiskAlertWorkflow(ctx, a)
	}); err != nil {
		s.startFailed(w, r, err, "the risk alert was recorded", "its workflow", "/v1/risk-alerts/"+a.ID)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/risk-alerts/"+a.ID)
		s.log.InfoContext(ctx, "risk alert opened by hand", "alert", a.ID, "grade", a.Grade, "by", a.OpenedBy)
	}
	writeJSON(w, status, riskAlertViewOf(a))
}

// startRiskAlertWorkflow starts the alert's workflow; one already started is fine.
func (s *Server) startRiskAlertWorkflow(ctx context.Context, a quality.RiskAlert) error {
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.RiskAlertWorkflowID(a.ID),
		TaskQueue:                s.taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:            fmt.Sprintf("Risk alert (%s, %s)", a.Grade, a.Condition), // the reconciler starts the monitor's too
	}, workflows.RiskAlertWorkflow, workflows.RiskAlertInput{AlertID: a.ID})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("start the workflow of risk alert %s: %w", a.ID, err)
	}
	return nil
}

// --- KPI targets ----------------------------------------------------------------------

type kpiTargetsView struct {
	Targets   []quality.KPITarget `json:"targets"`
	UpdatedAt *time.Time          `json:"updated_at"` // null: the seeds' defaults
	UpdatedBy *string             `json:"updated_by"`
}

func kpiTargetsViewOf(r quality.KPITargets) kpiTargetsView {
	v := kpiTargetsView{Targets: r.Targets}
	if v.Targets == nil {
		v.Targets = []quality.KPITarget{}
	}
	if r.UpdatedAt != nil {
		at := r.UpdatedAt.UTC()
		v.UpdatedAt, v.UpdatedBy = &at, &r.UpdatedBy
	}
	return v
}

func (s *Server) getKPITargets(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.KPITargets(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(null.Value(t.UpdatedAt)))
	writeJSON(w, http.StatusOK, kpiTargetsViewOf(t))
}

type putKPITargetsBody struct {
	Targets []struct {
		KPI     string   `json:"kpi"`
		Target  *float64 `json:"target"`
		Enabled *bool    `json:"enabled"`
		Note    string   `json:"note"`
	} `json:"targets"`
}

var kpiNames = func() []string {
	out := make([]string, len(quality.KPIs))
	for i, k := range quality.KPIs {
		out[i] = string(k)
	}
	return out
}()

// putKPITargets replaces the register: one target per figure, each named, with a
// target in the figure's range; a bad one is a 400 naming targets[i].field.
func (s *Server) putKPITargets(w http.ResponseWriter, r *http.Request) {
	var body putKPITargetsBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	if body.Targets == nil {
		v.reject("targets", FieldRequired, "is required")
	}
	out := quality.KPITargets{Targets: []quality.KPITarget{}}
	seen := map[string]bool{}
	for i, t := range body.Targets {
		field := func(name string) string { return fmt.Sprintf("targets[%d].%s", i, name) }
		v.required(field("kpi"), t.KPI, 60)
		if t.KPI != "" {
			v.oneOf(field("kpi"), t.KPI, kpiNames)
			if seen[t.KPI] {
				v.reject(field("kpi"), FieldInvalid, "appears twice; one target per figure")
			}
			seen[t.KPI] = true
		}
		v.optional(field("note"), t.Note, 500)
		switch {
		case t.Target == nil:
			v.reject(field("target"), FieldRequired, "is required")
		case quality.KPI(t.KPI) == quality.KPI(quality.NPS) && (*t.Target < -100 || *t.Target > 100):
			v.reject(field("target"), FieldOutOfRange, "must be from -100 up to 100")
		case quality.KPI(t.KPI) == quality.FirstResponseMinutes && (*t.Target <= 0 || *t.Target > 100000):
			v.reject(field("target"), FieldOutOfRange, "must be above 0 up to 100000")
		case quality.KPI(t.KPI) == quality.WaitSeconds && (*t.Target <= 0 || *t.Target > complaint.MaxWaitSeconds):
			v.reject(field("target"), FieldOutOfRange, fmt.Sprintf("must be above 0 up to %d", complaint.MaxWaitSeconds))
		case !slices.Contains([]quality.KPI{quality.KPI(quality.NPS), quality.FirstResponseMinutes, quality.WaitSeconds}, quality.KPI(t.KPI)) &&
			(*t.Target < 0 || *t.Target > 100):
			v.reject(field("target"), FieldOutOfRange, "must be from 0 up to 100")
		}
		if v.problem() != nil || t.Target == nil {
			continue
		}
		enabled := t.Enabled == nil || *t.Enabled
		out.Targets = append(out.Targets, quality.KPITarget{KPI: quality.KPI(t.KPI), Target: *t.Target, Enabled: enabled,
			Note: strings.TrimSpace(t.Note)})
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	stored, err := s.store.PutKPITargets(r.Context(), out, principalFrom(r.Context()).Actor(), time.Now(), version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "the KPI targets", *version, stored.UpdatedBy, null.Value(stored.UpdatedAt), "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "KPI targets changed", "by", stored.UpdatedBy)
	w.Header().Set("ETag", TimeETag(null.Value(stored.UpdatedAt)))
	writeJSON(w, http.StatusOK, kpiTargetsViewOf(stored))
}
