package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// PDCA cycles (DOMAIN.md §3): the quality team opens cycles by hand (reviews
// propose them too), submits and decides plans, reports progress, decides the Act
// stage, or withdraws a cycle. Every action is a validated update of the cycle's
// workflow; the answer is the cycle as recorded afterwards.
func (s *Server) registerCycleRoutes(mux *serveMux) {
	readers := []auth.Role{auth.RoleQuality, auth.RoleManager, auth.RoleAdmin}
	writers := []auth.Role{auth.RoleQuality, auth.RoleAdmin}
	mux.Handle("POST /v1/pdca-cycles", s.authorize(s.openCycle, writers...))
	mux.Handle("GET /v1/pdca-cycles", s.authorize(s.listCycles, readers...))
	mux.Handle("GET /v1/pdca-cycles/{id}", s.authorize(s.getCycle, readers...))
	mux.Handle("GET /v1/pdca-cycles/{id}/events", s.authorize(s.listCycleEvents, readers...))
	mux.Handle("POST /v1/pdca-cycles/{id}/plan", s.authorize(s.submitCyclePlan, writers...))
	mux.Handle("POST /v1/pdca-cycles/{id}/decision", s.authorize(s.decideCyclePlan, writers...))
	mux.Handle("POST /v1/pdca-cycles/{id}/progress", s.authorize(s.reportCycleProgress, writers...))
	mux.Handle("POST /v1/pdca-cycles/{id}/act", s.authorize(s.actOnCycle, writers...))
	mux.Handle("POST /v1/pdca-cycles/{id}/withdraw", s.authorize(s.withdrawCycle, writers...))
	mux.Handle("POST /v1/pdca-cycles/{id}/check", s.authorize(s.checkCycleNow, writers...))
}

func (s *Server) startCycleWorkflow(ctx context.Context, c quality.Cycle) error {
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        c.WorkflowID,
		TaskQueue: s.taskQueue,
		// A retried request joins the running workflow; a finished one stays finished.
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:            "PDCA cycle: " + c.Title,
	}, workflows.PDCACycleWorkflow, workflows.PDCAInput{CycleID: c.ID})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}

var cycleStages = []string{quality.StagePlan, quality.StageDo, quality.StageAct, quality.StageClosed}

func (s *Server) listCycles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	var f store.CycleFilter
	f.Limit, f.AfterOpenedAt, f.AfterID = page(&v, q)
	if st := q.Get("stage"); st != "" {
		v.oneOf("stage", st, cycleStages)
		f.Stage = st
	}
	switch open := q.Get("open"); open {
	case "":
	case "true", "false":
		b := open == "true"
		f.Open = &b
	default:
		v.reject("open", FieldInvalidFormat, "must be true or false")
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	cs, err := s.store.Cycles(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, cs, f.Limit, func(c quality.Cycle) cycleView { return cycleViewOf(c, nil) },
		func(c quality.Cycle) (time.Time, string) { return c.OpenedAt, c.ID })
}

func (s *Server) getCycle(w http.ResponseWriter, r *http.Request) {
	c, ok := s.cycleFromPath(w, r)
	if !ok {
		return
	}
	s.writeCycle(w, r, c)
}

// writeCycle answers with the cycle and its checks.
func (s *Server) writeCycle(w http.ResponseWriter, r *http.Request, c quality.Cycle) {
	checks, err := s.store.CycleChecks(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cycleViewOf(c, checks))
}

func (s *Server) listCycleEvents(w http.ResponseWriter, r *http.Request) {
	c, ok := s.cycleFromPath(w, r)
	if !ok {
		return
	}
	es, err := s.store.CycleEvents(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, es, func(e quality.CycleEvent) cycleEventView {
		return cycleEventView{ID: e.ID, Kind: e.Kind, Iteration: e.Iteration, Actor: e.Actor,
			OccurredAt: e.OccurredAt.UTC(), RecordedAt: e.RecordedAt.UTC(), Data: json.RawMessage(e.Data)}
	})
}

func (s *Server) cycleFromPath(w http.ResponseWriter, r *http.Request) (quality.Cycle, bool) {
	return fromPath(s, w, r, "PDCA cycle", true, s.store.Cycle)
}

// --- actions ---------------------------------------------------------------------

type cycleMeasureBody struct {
	Description string `json:"description"`
	Owner       string `json:"owner"`
	Due         string `json:"due"`
}

type cyclePlanBody struct {
	Measures  []cycleMeasureBody `json:"measures"`
	Target    *float64           `json:"target"`
	Due       string             `json:"due"`
	Baseline  *float64           `json:"baseline"`
	Resources string             `json:"resources"`
	Risks     string             `json:"risks"`
	Approvers []string           `json:"approvers"`
}

// maxCycleApprovers bounds a plan's committee.
const maxCycleApprovers = 10

// request checks the plan's fields — the times are RFC 3339, the measures' owners
// active people — then the SMART rules the workflow applies (workflows.CheckPlan),
// each problem named under prefix.
func (s *Server) planRequest(ctx context.Context, v *validator, prefix string, b cyclePlanBody, c quality.Cycle, actor string) (workflows.PlanRequest, error) {
	req := workflows.PlanRequest{By: actor, Target: b.Target, Baseline: b.Baseline,
		Resources: b.Resources, Risks: b.Risks}
	v.optional(prefix+"resources", b.Resources, 5000)
	v.optional(prefix+"risks", b.Risks, 5000)
	if len(b.Approvers) > maxCycleApprovers {
		v.reject(prefix+"approvers", FieldOutOfRange, fmt.Sprintf("must name at most %d people", maxCycleApprovers))
	}
	for i, a := range b.Approvers {
		a = strings.TrimSpace(a)
		req.Approvers = append(req.Approvers, a)
		if a == "" {
			continue // CheckPlan names it as required
		}
		if err := s.activePerson(ctx, v, fmt.Sprintf("%sapprovers[%d]", prefix, i), a); err != nil {
			return req, err
		}
	}
	unparsed := map[string]bool{}
	parseTime := func(field, value string) time.Time {
		if value == "" {
			return time.Time{} // CheckPlan names it as required
		}
		t, err := time.Parse(time.RFC3339, value)
		if err != nil {
			unparsed[field] = true
			v.reject(prefix+field, FieldInvalidFormat, "must be an RFC 3339 time, e.g. 2026-01-31T09:00:00+08:00")
		}
		return t
	}
	req.Due = parseTime("due", b.Due)
	for i, m := range b.Measures {
		field := fmt.Sprintf("measures[%d]", i)
		v.optional(prefix+field+".description", m.Description, 2000)
		req.Measures = append(req.Measures, workflows.PlanMeasure{
			Description: m.Description, Owner: strings.TrimSpace(m.Owner), Due: parseTime(field+".due", m.Due),
		})
		if owner := strings.TrimSpace(m.Owner); owner != "" {
			if err := s.activePerson(ctx, v, prefix+field+".owner", owner); err != nil {
				return req, err
			}
		}
	}
	for _, p := range workflows.CheckPlan(req, c.Metric, c.Baseline, time.Now()) {
		if !unparsed[p.Field] { // an unparseable time is named once
			v.reject(prefix+p.Field, codeOfReason(p.Detail), p.Detail)
		}
	}
	return req, nil
}

// activePerson names field unless id is an active person of the directory.
func (s *Server) activePerson(ctx context.Context, v *validator, field, id string) error {
	p, err := s.store.Person(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && !p.Active):
		v.reject(field, FieldNotFound, fmt.Sprintf("%q is not an active person of the directory", id))
	case err != nil:
		return err
	}
	return nil
}

func (s *Server) submitCyclePlan(w http.ResponseWriter, r *http.Request) {
	var body cyclePlanBody
	var req workflows.PlanRequest
	s.cycleAction(w, r, &body, func(v *validator, c quality.Cycle, actor string) error {
		var err error
		req, err = s.planRequest(r.Context(), v, "", body, c, actor)
		return err
	}, workflows.UpdateSubmitPlan, func() any { return req })
}

type cycleDecisionBody struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (s *Server) decideCyclePlan(w http.ResponseWriter, r *http.Request) {
	if why := principalFrom(r.Context()).MayDecidePlan(); why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return
	}
	var body cycleDecisionBody
	var req workflows.DecidePlanRequest
	s.cycleAction(w, r, &body, func(v *validator, _ quality.Cycle, actor string) error {
		v.oneOf("decision", body.Decision, []string{workflows.PlanApprove, workflows.PlanSendBack})
		v.optional("reason", body.Reason, 2000)
		if body.Decision == workflows.PlanSendBack && strings.TrimSpace(body.Reason) == "" {
			v.reject("reason", FieldRequired, "is required to send a plan back")
		}
		req = workflows.DecidePlanRequest{By: actor, Decision: body.Decision, Reason: body.Reason}
		return nil
	}, workflows.UpdateDecidePlan, func() any { return req })
}

type cycleProgressBody struct {
	Note    string `json:"note"`
	Measure *int   `json:"measure"`
	Percent *int   `json:"percent"`
}

func (s *Server) reportCycleProgress(w http.ResponseWriter, r *http.Request) {
	var body cycleProgressBody
	var req workflows.ProgressRequest
	s.cycleAction(w, r, &body, func(v *validator, c quality.Cycle, actor string) error {
		v.required("note", body.Note, 2000)
		if body.Measure != nil {
			var plan quality.CyclePlan
			if c.Plan != nil { // no plan: no measures
				_ = json.Unmarshal([]byte(*c.Plan), &plan)
			}
			if n := len(plan.Measures); *body.Measure < 0 || *body.Measure >= n {
				v.reject("measure", FieldNotFound, fmt.Sprintf("must be the index of one of the plan's %d measures, from 0", n))
			}
		}
		if body.Percent != nil {
			if *body.Percent < 0 || *body.Percent > 100 {
				v.reject("percent", FieldOutOfRange, "must be from 0 to 100")
			}
			if body.Measure == nil {
				v.reject("measure", FieldRequired, "is required with percent")
			}
		}
		req = workflows.ProgressRequest{By: actor, Note: body.Note, Measure: body.Measure, Percent: body.Percent}
		return nil
	}, workflows.UpdateReportProgress, func() any { return req })
}

type cycleActBody struct {
	SOPChange         string         `json:"sop_change"`
	RootCause         string         `json:"root_cause"`
	RootCauseCategory string         `json:"root_cause_category"`
	AdjustedPlan      *cyclePlanBody `json:"adjusted_plan"`
}

// actOnCycle decides the Act stage. What is required follows the final check: the
// SOP change when it met the target; the root cause, and below the iteration limit
// an adjusted plan, when it did not.
func (s *Server) actOnCycle(w http.ResponseWriter, r *http.Request) {
	var body cycleActBody
	var req workflows.ActRequest
	s.cycleAction(w, r, &body, func(v *validator, c quality.Cycle, actor string) error {
		v.optional("sop_change", body.SOPChange, 5000)
		v.optional("root_cause", body.RootCause, 5000)
		if body.RootCauseCategory != "" {
			v.oneOf("root_cause_category", body.RootCauseCategory, quality.RootCauseCategories)
		}
		req = workflows.ActRequest{By: actor, SOPChange: body.SOPChange, RootCause: body.RootCause,
			RootCauseCategory: body.RootCauseCategory}
		if body.AdjustedPlan != nil {
			plan, err := s.planRequest(r.Context(), v, "adjusted_plan.", *body.AdjustedPlan, c, actor)
			if err != nil {
				return err
			}
			req.AdjustedPlan = &plan
		}
		if c.Stage != quality.StageAct {
			return nil // the workflow refuses it for the stage: 409
		}
		final, err := s.finalCheck(r.Context(), c)
		if err != nil || final == nil {
			return err
		}
		// The workflow's rule (quality.CheckAct), each field named: a final check on
		// too few samples takes sop_change or adjusted_plan with its root cause.
		for _, f := range quality.CheckAct(final.Met, final.Samples, final.MinSamples, strings.TrimSpace(body.SOPChange),
			strings.TrimSpace(body.RootCause), body.AdjustedPlan != nil, c.Iteration >= c.MaxIterations) {
			if f.Required {
				v.reject(f.Field, FieldRequired, "is required: "+f.Why)
			} else {
				v.reject(f.Field, FieldNotApplicable, "is not taken: "+f.Why)
			}
		}
		return nil
	}, workflows.UpdateAct, func() any { return req })
}

// finalCheck is the final check of the cycle's current iteration, if it has one.
func (s *Server) finalCheck(ctx context.Context, c quality.Cycle) (*quality.CycleCheck, error) {
	checks, err := s.store.CycleChecks(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for i := len(checks) - 1; i >= 0; i-- {
		if checks[i].Iteration == c.Iteration && checks[i].Final {
			return &checks[i], nil
		}
	}
	return nil, nil
}

func (s *Server) withdrawCycle(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	var req workflows.WithdrawRequest
	s.cycleAction(w, r, &body, func(v *validator, _ quality.Cycle, actor string) error {
		v.required("reason", body.Reason, 2000)
		req = workflows.WithdrawRequest{By: actor, Reason: body.Reason}
		return nil
	}, workflows.UpdateWithdraw, func() any { return req })
}

type cycleCheckNowBody struct{}

// checkCycleNow runs a check of the Do stage now (the check_now update); the
// schedule's checks keep their times.
func (s *Server) checkCycleNow(w http.ResponseWriter, r *http.Request) {
	var body cycleCheckNowBody
	var req workflows.CheckNowRequest
	s.cycleAction(w, r, &body, func(_ *validator, _ quality.Cycle, actor string) error {
		req = workflows.CheckNowRequest{By: actor}
		return nil
	}, workflows.UpdateCheckNow, func() any { return req })
}

// cycleAction reads the cycle, decodes and checks the body (400 naming each bad
// field, nothing changed), refuses a closed cycle (409, but not for a request with
// an Idempotency-Key: refusedUnlessKeyed), then runs the workflow update: its
// validator has the last word, a refusal for the cycle's state being a 409 with its
// reason. The Idempotency-Key header names the update (actionUpdateID). The answer
// is the cycle as recorded afterwards.
func (s *Server) cycleAction(w http.ResponseWriter, r *http.Request, body any,
	check func(v *validator, c quality.Cycle, actor string) error, update string, args func() any) {
	c, ok := s.cycleFromPath(w, r)
	if !ok {
		return
	}
	var v validator
	if p := decodeBody(w, r, body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	if err := check(&v, c, principalFrom(r.Context()).Actor()); err != nil {
		s.serverError(w, r, err)
		return
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	if c.ClosedAt != nil && refusedUnlessKeyed(w, r, problem(http.StatusConflict, "the cycle is closed: "+null.Value(c.Outcome))) {
		return
	}
	if !s.runUpdate(w, r, client.UpdateWorkflowOptions{WorkflowID: c.WorkflowID, UpdateName: update, Args: []any{args()}},
		nil, problem(http.StatusConflict, "the cycle's workflow is not running")) {
		return
	}
	c, err := s.store.Cycle(r.Context(), c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.writeCycle(w, r, c)
}

// --- views -----------------------------------------------------------------------

type cycleView struct {
	ID             string          `json:"id"`
	WorkflowID     string          `json:"workflow_id"`
	Title          string          `json:"title"`
	Metric         string          `json:"metric"`
	Category       string          `json:"category"`
	Keyword        string          `json:"keyword,omitempty"`
	OpportunityKey string          `json:"opportunity_key"`
	ReviewID       string          `json:"review_id,omitempty"`
	Rule           string          `json:"rule"`
	Evidence       string          `json:"evidence,omitempty"`
	Baseline       *float64        `json:"baseline"`
	Target         *float64        `json:"target"`
	TimeZone       string          `json:"time_zone"`
	CheckSpec      string          `json:"check_spec"`
	MaxIterations  int             `json:"max_iterations"`
	Stage          string          `json:"stage"`
	Iteration      int             `json:"iteration"`
	PlanStatus     string          `json:"plan_status"`
	Plan           json.RawMessage `json:"plan"`
	DueAt          *time.Time      `json:"due_at"`
	LastProgressAt *time.Time      `json:"last_progress_at"`
	SOPChange      *string         `json:"sop_change"`
	RootCause      *string         `json:"root_cause"`
	// The root cause's fishbone category; when the Do stage checks next.
	RootCauseCategory *string          `json:"root_cause_category"`
	NextCheckAt       *time.Time       `json:"next_check_at"`
	History           json.RawMessage  `json:"history"`
	OpenedAt          time.Time        `json:"opened_at"`
	ClosedAt          *time.Time       `json:"closed_at"`
	Outcome           *string          `json:"outcome"`
	UpdatedAt         time.Time        `json:"updated_at"`
	RiskAlertID       *string          `json:"risk_alert_id"`
	Checks            []cycleCheckView `json:"checks,omitempty"` // the detail view only
}

type cycleCheckView struct {
	Iteration  int       `json:"iteration"`
	CheckedAt  time.Time `json:"checked_at"`
	WindowFrom time.Time `json:"window_from"`
	WindowTo   time.Time `json:"window_to"`
	Value      *float64  `json:"value"`
	Baseline   *float64  `json:"baseline"`
	Target     float64   `json:"target"`
	Met        bool      `json:"met"`
	Final      bool      `json:"final"`
	Samples    *int64    `json:"samples"`
	MinSamples *int64    `json:"min_samples"`
	Judged     bool      `json:"judged"`
}

type cycleEventView struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Iteration  int             `json:"iteration"`
	Actor      string          `json:"actor"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
	Data       json.RawMessage `json:"data"`
}

func cycleViewOf(c quality.Cycle, checks []quality.CycleCheck) cycleView {
	v := cycleView{
		ID: c.ID, WorkflowID: c.WorkflowID, Title: c.Title, Metric: string(c.Metric), Category: c.Category,
		Keyword: c.Keyword, OpportunityKey: c.OpportunityKey, ReviewID: c.ReviewID, Rule: c.Rule, Evidence: c.Evidence,
		Baseline: c.Baseline, Target: c.Target, TimeZone: c.TimeZone, CheckSpec: c.CheckSpec,
		MaxIterations: c.MaxIterations, Stage: c.Stage, Iteration: c.Iteration, PlanStatus: c.PlanStatus,
		Plan: json.RawMessage("null"), DueAt: utc(c.DueAt), LastProgressAt: utc(c.LastProgressAt),
		SOPChange: c.SOPChange, RootCause: c.RootCause, History: json.RawMessage(c.History),
		RootCauseCategory: c.RootCauseCategory, NextCheckAt: utc(c.NextCheckAt),
		OpenedAt: c.OpenedAt.UTC(), ClosedAt: utc(c.ClosedAt), Outcome: c.Outcome, UpdatedAt: c.UpdatedAt.UTC(),
		RiskAlertID: c.RiskAlertID,
	}
	if c.Plan != nil {
		v.Plan = json.RawMessage(*c.Plan)
	}
	if c.History == "" {
		v.History = json.RawMessage("[]")
	}
	for _, k := range checks {
		v.Checks = append(v.Checks, cycleCheckView{
			Iteration: k.Iteration, CheckedAt: k.CheckedAt.UTC(), WindowFrom: k.WindowFrom.UTC(), WindowTo: k.WindowTo.UTC(),
			Value: k.Value, Baseline: k.Baseline, Target: k.Target, Met: k.Met, Final: k.Final,
			Samples: k.Samples, MinSamples: k.MinSamples, Judged: k.Judged(),
		})
	}
	return v
}
