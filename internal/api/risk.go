package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// The risk monitor (DOMAIN.md §4): its thresholds, the alerts it opens, their
// handling (respond, close with a ledger entry) and the risk ledger.

func (s *Server) registerRiskRoutes(mux *serveMux) {
	readers := auth.AlertHandlers
	handlers := auth.AlertHandlers
	// An alert is also its owner's, whatever their token's role: the role admits
	// an agent, riskAlertFromPath refuses one who is not the owner, and an agent's
	// list and ledger hold only the alerts they own (listedOwner).
	owned := append(slices.Clone(handlers), auth.RoleAgent)

	mux.Handle("GET /v1/risk-thresholds", s.authorize(s.getRiskThresholds, readers...))
	mux.Handle("PUT /v1/risk-thresholds", s.authorize(s.putRiskThresholds, auth.RoleQuality, auth.RoleAdmin))
	mux.Handle("GET /v1/risk-alerts", s.authorize(s.listRiskAlerts, owned...))
	mux.Handle("POST /v1/risk-alerts", s.authorize(s.openRiskAlert, handlers...))
	mux.Handle("GET /v1/kpi-targets", s.authorize(s.getKPITargets, readers...))
	mux.Handle("PUT /v1/kpi-targets", s.authorize(s.putKPITargets, auth.RoleQuality, auth.RoleAdmin))
	mux.Handle("GET /v1/risk-alerts/{id}", s.authorize(s.getRiskAlert, owned...))
	mux.Handle("POST /v1/risk-alerts/{id}/respond", s.authorize(s.respondRiskAlert, owned...))
	mux.Handle("POST /v1/risk-alerts/{id}/close", s.authorize(s.closeRiskAlert, owned...))
	mux.Handle("GET /v1/risk-ledger", s.authorize(s.riskLedger, owned...))
}

// --- thresholds ---------------------------------------------------------------------

// riskThresholdsView shows handling periods in Go's duration syntax and in seconds.
type riskThresholdsView struct {
	CSATDropPoints        float64    `json:"csat_drop_points"`
	CSATDropRedPoints     float64    `json:"csat_drop_red_points"`
	CSATMinAnswers        int64      `json:"csat_min_answers"`
	VolumeSpikePct        float64    `json:"volume_spike_pct"`
	VolumeSpikeRedPct     float64    `json:"volume_spike_red_pct"`
	VolumeTrailingDays    int        `json:"volume_trailing_days"`
	VolumeMinDailyAverage float64    `json:"volume_min_daily_average"`
	SLATargetPct          float64    `json:"sla_target_pct"`
	SLARedPoints          float64    `json:"sla_red_points"`
	SLAMinKnown           int64      `json:"sla_min_known"`
	SlowWindowMinutes     int        `json:"slow_window_minutes"`
	SlowPct               float64    `json:"slow_pct"`
	SlowRedPct            float64    `json:"slow_red_pct"`
	SlowMinRequests       int64      `json:"slow_min_requests"`
	TurnoverPct           float64    `json:"turnover_pct"`
	TurnoverMinHeadcount  int64      `json:"turnover_min_headcount"`
	KPIWindowDays         int        `json:"kpi_window_days"`
	KPIMinVolume          int64      `json:"kpi_min_volume"`
	RedHandling           string     `json:"red_handling"`
	RedHandlingSeconds    int64      `json:"red_handling_seconds"`
	YellowHandling        string     `json:"yellow_handling"`
	YellowHandlingSeconds int64      `json:"yellow_handling_seconds"`
	BlueHandling          string     `json:"blue_handling"`
	BlueHandlingSeconds   int64      `json:"blue_handling_seconds"`
	UpdatedAt             *time.Time `json:"updated_at"` // null: the defaults
	UpdatedBy             *string    `json:"updated_by"`
	knowledgeThresholds
	trainingThresholds
}

func riskThresholdsViewOf(t quality.RiskThresholds) riskThresholdsView {
	v := riskThresholdsView{
		CSATDropPoints: t.CSATDropPoints, CSATDropRedPoints: t.CSATDropRedPoints, CSATMinAnswers: t.CSATMinAnswers,
		VolumeSpikePct: t.VolumeSpikePct, VolumeSpikeRedPct: t.VolumeSpikeRedPct, VolumeTrailingDays: t.VolumeTrailingDays,
		VolumeMinDailyAverage: t.VolumeMinDailyAverage,
		SLATargetPct:          t.SLATargetPct, SLARedPoints: t.SLARedPoints, SLAMinKnown: t.SLAMinKnown,
		SlowWindowMinutes: t.SlowWindowMinutes, SlowPct: t.SlowPct, SlowRedPct: t.SlowRedPct, SlowMinRequests: t.SlowMinRequests,
		TurnoverPct: t.TurnoverPct, TurnoverMinHeadcount: t.TurnoverMinHeadcount,
		KPIWindowDays: t.KPIWindowDays, KPIMinVolume: t.KPIMinVolume, trainingThresholds: trainingThresholdsOf(t),
		RedHandling: seconds(t.RedHandlingSeconds), RedHandlingSeconds: t.RedHandlingSeconds,
		YellowHandling: seconds(t.YellowHandlingSeconds), YellowHandlingSeconds: t.YellowHandlingSeconds,
		BlueHandling: seconds(t.BlueHandlingSeconds), BlueHandlingSeconds: t.BlueHandlingSeconds, knowledgeThresholds: knowledgeThresholdsOf(t),
	}
	if t.UpdatedAt != nil {
		at := t.UpdatedAt.UTC()
		v.UpdatedAt, v.UpdatedBy = &at, &t.UpdatedBy
	}
	return v
}

func (s *Server) getRiskThresholds(w http.ResponseWriter, r *http.Request) {
	t, err := s.store.RiskThresholds(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(null.Value(t.UpdatedAt)))
	writeJSON(w, http.StatusOK, riskThresholdsViewOf(t))
}

// putRiskThresholdsBody changes thresholds; a field left out keeps its value.
// Handling periods use Go's duration syntax ("1h", "90m").
type putRiskThresholdsBody struct {
	CSATDropPoints        *float64 `json:"csat_drop_points"`
	CSATDropRedPoints     *float64 `json:"csat_drop_red_points"`
	CSATMinAnswers        *int64   `json:"csat_min_answers"`
	VolumeSpikePct        *float64 `json:"volume_spike_pct"`
	VolumeSpikeRedPct     *float64 `json:"volume_spike_red_pct"`
	VolumeTrailingDays    *int     `json:"volume_trailing_days"`
	VolumeMinDailyAverage *float64 `json:"volume_min_daily_average"`
	SLATargetPct          *float64 `json:"sla_target_pct"`
	SLARedPoints          *float64 `json:"sla_red_points"`
	SLAMinKnown           *int64   `json:"sla_min_known"`
	SlowWindowMinutes     *int     `json:"slow_window_minutes"`
	SlowPct               *float64 `json:"slow_pct"`
	SlowRedPct            *float64 `json:"slow_red_pct"`
	SlowMinRequests       *int64   `json:"slow_min_requests"`
	TurnoverPct           *float64 `json:"turnover_pct"`
	TurnoverMinHeadcount  *int64   `json:"turnover_min_headcount"`
	KPIWindowDays         *int     `json:"kpi_window_days"`
	KPIMinVolume          *int64   `json:"kpi_min_volume"`
	RedHandling           *string  `json:"red_handling"`
	YellowHandling        *string  `json:"yellow_handling"`
	BlueHandling          *string  `json:"blue_handling"`
	knowledgeThresholds
	trainingThresholds
}

// apply merges the body into t, naming every value out of range.
func (b putRiskThresholdsBody) apply(v *validator, t *quality.RiskThresholds) {
	set := func(dst *float64, src *float64) {
		if src != nil {
			*dst = *src
		}
	}
	set(&t.CSATDropPoints, b.CSATDropPoints)
	set(&t.CSATDropRedPoints, b.CSATDropRedPoints)
	set(&t.VolumeSpikePct, b.VolumeSpikePct)
	set(&t.VolumeSpikeRedPct, b.VolumeSpikeRedPct)
	set(&t.VolumeMinDailyAverage, b.VolumeMinDailyAverage)
	set(&t.SLATargetPct, b.SLATargetPct)
	set(&t.SLARedPoints, b.SLARedPoints)
	set(&t.SlowPct, b.SlowPct)
	set(&t.SlowRedPct, b.SlowRedPct)
	set(&t.TurnoverPct, b.TurnoverPct)
	setInt := func(dst *int64, src *int64) {
		if src != nil {
			*dst = *src
		}
	}
	setInt(&t.SlowMinRequests, b.SlowMinRequests)
	setInt(&t.TurnoverMinHeadcount, b.TurnoverMinHeadcount)
	setInt(&t.KPIMinVolume, b.KPIMinVolume)
	if b.SlowWindowMinutes != nil {
		t.SlowWindowMinutes = *b.SlowWindowMinutes
	}
	if b.KPIWindowDays != nil {
		t.KPIWindowDays = *b.KPIWindowDays
	}
	if b.CSATMinAnswers != nil {
		t.CSATMinAnswers = *b.CSATMinAnswers
	}
	if b.VolumeTrailingDays != nil {
		t.VolumeTrailingDays = *b.VolumeTrailingDays
	}
	if b.SLAMinKnown != nil {
		t.SLAMinKnown = *b.SLAMinKnown
	}

	between := func(field string, value, least, most float64, leastIncluded bool) {
		if value < least || (!leastIncluded && value == least) || value > most {
			bound := "from"
			if !leastIncluded {
				bound = "above"
			}
			v.reject(field, FieldOutOfRange, fmt.Sprintf("must be %s %g up to %g", bound, least, most))
		}
	}
	between("csat_drop_points", t.CSATDropPoints, 0, 100, false)
	between("csat_drop_red_points", t.CSATDropRedPoints, t.CSATDropPoints, 100, true)
	between("csat_min_answers", float64(t.CSATMinAnswers), 1, 1e6, true)
	between("volume_spike_pct", t.VolumeSpikePct, 0, 10000, false)
	between("volume_spike_red_pct", t.VolumeSpikeRedPct, t.VolumeSpikePct, 10000, true)
	between("volume_trailing_days", float64(t.VolumeTrailingDays), 1, 90, true)
	// 0 would make any count a spike over an empty week.
	between("volume_min_daily_average", t.VolumeMinDailyAverage, 0, 1e6, false)
	between("sla_target_pct", t.SLATargetPct, 0, 100, false)
	between("sla_red_points", t.SLARedPoints, 0, 100, false)
	between("slow_window_minutes", float64(t.SlowWindowMinutes), 1, 1440, true)
	between("slow_pct", t.SlowPct, 0, 100, false)
	between("slow_red_pct", t.SlowRedPct, t.SlowPct, 100, true)
	between("slow_min_requests", float64(t.SlowMinRequests), 1, 1e9, true)
	between("turnover_pct", t.TurnoverPct, 0, 100, true)
	between("turnover_min_headcount", float64(t.TurnoverMinHeadcount), 1, 1e6, true)
	between("kpi_window_days", float64(t.KPIWindowDays), 1, 366, true)
	between("kpi_min_volume", float64(t.KPIMinVolume), 1, 1e6, true)
	between("sla_min_known", float64(t.SLAMinKnown), 1, 1e6, true)
	b.knowledgeThresholds.apply(v, t)
	b.trainingThresholds.apply(v, t)
	for _, d := range []struct {
		field string
		value *string
		dst   *int64
	}{
		{"red_handling", b.RedHandling, &t.RedHandlingSeconds},
		{"yellow_handling", b.YellowHandling, &t.YellowHandlingSeconds},
		{"blue_handling", b.BlueHandling, &t.BlueHandlingSeconds},
	} {
		if n := parseSeconds(v, d.field, d.value, false, time.Minute); n != nil {
			*d.dst = *n
		}
	}
}

func (s *Server) putRiskThresholds(w http.ResponseWriter, r *http.Request) {
	var body putRiskThresholdsBody
	var v validator
	if p := decodeBody(w, r, &body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	ifMatch := ifMatchTime(r, &v)
	for tries := 1; ; tries++ { // a read-merge-write (retryMerge)
		t, err := s.store.RiskThresholds(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		version := mergedAgainst(ifMatch, null.Value(t.UpdatedAt))
		body.apply(&v, &t)
		if p := v.problem(); p != nil {
			writeProblem(w, r, p)
			return
		}
		stored, err := s.store.PutRiskThresholds(r.Context(), t, principalFrom(r.Context()).Actor(), time.Now(), version)
		switch {
		case retryMerge(err, ifMatch, tries):
			continue
		case errors.Is(err, store.ErrStale):
			writeStale(w, r, "the risk thresholds", *version, stored.UpdatedBy, null.Value(stored.UpdatedAt), "")
		case err != nil:
			s.serverError(w, r, err)
		default:
			s.log.InfoContext(r.Context(), "risk thresholds changed", "by", stored.UpdatedBy)
			w.Header().Set("ETag", TimeETag(null.Value(stored.UpdatedAt)))
			writeJSON(w, http.StatusOK, riskThresholdsViewOf(stored))
		}
		return
	}
}

// --- alerts ---------------------------------------------------------------------------

type riskLedgerView struct {
	RootCause      string    `json:"root_cause"`
	Solution       string    `json:"solution"`
	Executor       string    `json:"executor"`
	ActionDeadline time.Time `json:"action_deadline"`
	Verification   string    `json:"verification"`
}

type riskAlertView struct {
	ID              string              `json:"id"`
	WorkflowID      string              `json:"workflow_id"`
	Condition       string              `json:"condition"`
	Subject         string              `json:"subject"`
	Grade           string              `json:"grade"`
	Status          string              `json:"status"`
	OpenedAt        time.Time           `json:"opened_at"`
	Handling        string              `json:"handling"`
	HandlingSeconds int64               `json:"handling_seconds"`
	HandlingDueAt   time.Time           `json:"handling_due_at"`
	EscalationLevel int                 `json:"escalation_level"`
	EscalatedTo     *string             `json:"escalated_to"`
	Observed        float64             `json:"observed"`
	Baseline        float64             `json:"baseline"`
	Threshold       float64             `json:"threshold"`
	Details         quality.RiskDetails `json:"details"`
	MonitorRun      string              `json:"monitor_run"`
	OwnerID         *string             `json:"owner_id"`
	Response        *string             `json:"response"`
	RespondedAt     *time.Time          `json:"responded_at"`
	RespondedBy     *string             `json:"responded_by"`
	Ledger          *riskLedgerView     `json:"ledger"` // null until closed
	ClosedAt        *time.Time          `json:"closed_at"`
	ClosedBy        *string             `json:"closed_by"`
	LastSeenAt      time.Time           `json:"last_seen_at"`
	SeenCount       int                 `json:"seen_count"`
	Description     string              `json:"description"`
	OpenedBy        string              `json:"opened_by"`
	CycleIDs        []string            `json:"cycle_ids"` // the PDCA cycles opened for it
}

func riskAlertViewOf(a quality.RiskAlert) riskAlertView {
	v := riskAlertView{
		ID: a.ID, WorkflowID: workflows.RiskAlertWorkflowID(a.ID), Condition: string(a.Condition),
		Subject: a.Subject, Grade: string(a.Grade), Status: string(a.Status), OpenedAt: a.OpenedAt.UTC(),
		Handling: seconds(a.HandlingSeconds), HandlingSeconds: a.HandlingSeconds, HandlingDueAt: a.HandlingDueAt.UTC(),
		EscalationLevel: a.EscalationLevel, EscalatedTo: a.EscalatedTo,
		Observed: a.Observed, Baseline: a.Baseline, Threshold: a.Threshold, Details: a.Details,
		MonitorRun: a.MonitorRun, OwnerID: a.OwnerID,
		Response: a.Response, RespondedAt: utc(a.RespondedAt), RespondedBy: a.RespondedBy,
		ClosedAt: utc(a.ClosedAt), ClosedBy: a.ClosedBy, LastSeenAt: a.LastSeenAt.UTC(), SeenCount: a.SeenCount,
		Description: a.Description, OpenedBy: a.OpenedBy, CycleIDs: append([]string{}, a.CycleIDs...),
	}
	if v.Details.Counts == nil {
		v.Details.Counts = map[string]int64{}
	}
	if a.Status == quality.RiskClosed && a.ActionDeadline != nil {
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		v.Ledger = &riskLedgerView{RootCause: str(a.RootCause), Solution: str(a.Solution), Executor: str(a.Executor),
			ActionDeadline: a.ActionDeadline.UTC(), Verification: str(a.Verification)}
	}
	return v
}

type riskEventView struct {
	Kind  string                `json:"kind"`
	At    time.Time             `json:"at"`
	Actor string                `json:"actor"`
	Data  quality.RiskEventData `json:"data"`
}

type riskAlertDetailView struct {
	riskAlertView
	Events []riskEventView `json:"events"`
}

var riskAlertStatuses = func() []string {
	out := make([]string, len(quality.RiskAlertStatuses))
	for i, st := range quality.RiskAlertStatuses {
		out[i] = string(st)
	}
	return out
}()

var riskGrades = func() []string {
	out := make([]string, len(quality.Grades))
	for i, g := range quality.Grades {
		out[i] = string(g)
	}
	return out
}()

var riskConditions = func() []string {
	out := make([]string, len(quality.Conditions), len(quality.Conditions)+1)
	for i, c := range quality.Conditions {
		out[i] = string(c)
	}
	return append(out, string(quality.Manual))
}()

// listRiskAlerts lists alerts newest first, filtered by status, grade, condition and
// owner.
func (s *Server) listRiskAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.RiskAlertFilter{}
	f.Limit, f.AfterOpenedAt, f.AfterID = page(&v, q)
	for _, p := range []struct {
		name    string
		allowed []string
		dst     *string
	}{
		{"status", riskAlertStatuses, &f.Status},
		{"grade", riskGrades, &f.Grade},
		{"condition", riskConditions, &f.Condition},
	} {
		if value := q.Get(p.name); value != "" {
			v.oneOf(p.name, value, p.allowed)
			*p.dst = value
		}
	}
	var ok bool
	if f.OwnerID, ok = listedOwner(w, r, &v); !ok {
		return
	}
	alerts, err := s.store.RiskAlerts(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, alerts, f.Limit, riskAlertViewOf, func(a quality.RiskAlert) (time.Time, string) { return a.OpenedAt, a.ID })
}

// riskAlertFromPath reads the alert the path names and checks the caller may handle
// it (auth.Principal.MayHandleAlert); on failure it has written the problem.
func (s *Server) riskAlertFromPath(w http.ResponseWriter, r *http.Request) (quality.RiskAlert, bool) {
	a, ok := fromPath(s, w, r, "risk alert", true, s.store.RiskAlert)
	if !ok {
		return a, false
	}
	if why := principalFrom(r.Context()).MayHandleAlert(null.Value(a.OwnerID)); why != "" {
		writeProblem(w, r, problem(http.StatusForbidden, why))
		return a, false
	}
	return a, true
}

func (s *Server) getRiskAlert(w http.ResponseWriter, r *http.Request) {
	a, ok := s.riskAlertFromPath(w, r)
	if !ok {
		return
	}
	evs, err := s.store.RiskAlertEvents(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := riskAlertDetailView{riskAlertView: riskAlertViewOf(a), Events: make([]riskEventView, len(evs))}
	for i, e := range evs {
		out.Events[i] = riskEventView{Kind: string(e.Kind), At: e.At.UTC(), Actor: e.Actor, Data: e.Data}
	}
	writeJSON(w, http.StatusOK, out)
}

type respondRiskAlertBody struct {
	Response string `json:"response"`
}

// respondRiskAlert records the owner's response (contingency plan, analysis report
// or rectification plan); the escalation stops.
func (s *Server) respondRiskAlert(w http.ResponseWriter, r *http.Request) {
	var body respondRiskAlertBody
	s.riskUpdate(w, r, &body, func(v *validator) {
		v.required("response", body.Response, 10000)
	}, func(a quality.RiskAlert) string {
		if a.Status != quality.RiskOpen {
			return "the alert is " + string(a.Status) + " already"
		}
		return ""
	}, workflows.UpdateRespondAlert, func(actor string) any {
		return workflows.RespondAlertRequest{By: actor, Response: body.Response}
	})
}

type closeRiskAlertBody struct {
	RootCause      string `json:"root_cause"`
	Solution       string `json:"solution"`
	Executor       string `json:"executor"`
	ActionDeadline string `json:"action_deadline"`
	Verification   string `json:"verification"`
}

// closeRiskAlert closes an alert with its risk-ledger entry.
func (s *Server) closeRiskAlert(w http.ResponseWriter, r *http.Request) {
	var body closeRiskAlertBody
	var deadline time.Time
	s.riskUpdate(w, r, &body, func(v *validator) {
		v.required("root_cause", body.RootCause, 5000)
		v.required("solution", body.Solution, 5000)
		v.required("executor", body.Executor, 200)
		if body.ActionDeadline == "" {
			v.reject("action_deadline", FieldRequired, "is required, an RFC 3339 time like 2026-04-01T00:00:00Z")
		} else if t, err := time.Parse(time.RFC3339, body.ActionDeadline); err != nil {
			v.reject("action_deadline", FieldInvalidFormat, "must be an RFC 3339 time like 2026-04-01T00:00:00Z")
		} else {
			deadline = t.UTC()
		}
		v.required("verification", body.Verification, 5000)
	}, func(a quality.RiskAlert) string {
		if a.Status == quality.RiskClosed {
			return "the alert is closed already"
		}
		return ""
	}, workflows.UpdateCloseAlert, func(actor string) any {
		return workflows.CloseAlertRequest{By: actor, RootCause: body.RootCause, Solution: body.Solution,
			Executor: body.Executor, ActionDeadline: deadline, Verification: body.Verification}
	})
}

// riskUpdate reads the alert (404), decodes and checks the body (400), checks the
// alert's recorded status (409, but not for a request with an Idempotency-Key:
// refusedUnlessKeyed), then runs the workflow update and answers with the alert as
// recorded afterwards. The workflow's validator has the last word: a rejection is a
// 409 with its reason. An Idempotency-Key header names the update
// (actionUpdateID), so a retried request is applied once.
func (s *Server) riskUpdate(w http.ResponseWriter, r *http.Request, body any, check func(*validator),
	conflict func(quality.RiskAlert) string, update string, args func(actor string) any) {
	a, ok := s.riskAlertFromPath(w, r)
	if !ok {
		return
	}
	var v validator
	if p := decodeBody(w, r, body, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	check(&v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	if reason := conflict(a); reason != "" && refusedUnlessKeyed(w, r, problem(http.StatusConflict, reason)) {
		return
	}
	// A workflow that ended between our read and the update: the alert closed.
	if !s.runUpdate(w, r, client.UpdateWorkflowOptions{
		WorkflowID: workflows.RiskAlertWorkflowID(a.ID), UpdateName: update, Args: []any{args(principalFrom(r.Context()).Actor())},
	}, nil, problem(http.StatusConflict, "cannot "+update+": the alert's handling has ended")) {
		return
	}
	a, err := s.store.RiskAlert(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, riskAlertViewOf(a))
}

// --- the ledger -------------------------------------------------------------------------

// riskLedgerEntryView is one line of the risk ledger (风险处置台账).
type riskLedgerEntryView struct {
	ID              string            `json:"id"`
	Condition       string            `json:"condition"`
	Subject         string            `json:"subject"`
	Grade           string            `json:"grade"`
	OpenedAt        time.Time         `json:"opened_at"`
	Observed        float64           `json:"observed"`
	Baseline        float64           `json:"baseline"`
	Threshold       float64           `json:"threshold"`
	MissedKPIs      []quality.KPIMiss `json:"missed_kpis"`
	EscalationLevel int               `json:"escalation_level"`
	Response        *string           `json:"response"`
	RespondedBy     *string           `json:"responded_by"`
	RespondedAt     *time.Time        `json:"responded_at"`
	riskLedgerView
	ClosedAt time.Time `json:"closed_at"`
	ClosedBy string    `json:"closed_by"`
	// The PDCA cycles opened for it: where its solution was carried out and checked
	// (002 §9.1 「验证结果」).
	CycleIDs []string `json:"cycle_ids"`
}

func riskLedgerEntryViewOf(a quality.RiskAlert) riskLedgerEntryView {
	v := riskAlertViewOf(a)
	out := riskLedgerEntryView{
		ID: a.ID, Condition: v.Condition, Subject: a.Subject, Grade: v.Grade, OpenedAt: v.OpenedAt, Observed: a.Observed, Baseline: a.Baseline,
		Threshold: a.Threshold, EscalationLevel: a.EscalationLevel,
		Response: a.Response, RespondedBy: a.RespondedBy, RespondedAt: v.RespondedAt,
		MissedKPIs: append([]quality.KPIMiss{}, quality.MissedKPIs(a.Details.Counts)...), CycleIDs: v.CycleIDs,
	}
	if v.Ledger != nil {
		out.riskLedgerView = *v.Ledger
	}
	if v.ClosedAt != nil {
		out.ClosedAt = *v.ClosedAt
	}
	if a.ClosedBy != nil {
		out.ClosedBy = *a.ClosedBy
	}
	return out
}

// riskLedger lists the closed alerts opened in [from, to), oldest first; either
// bound may be left out. An owner filters it as it does the list.
func (s *Server) riskLedger(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	var bounds [2]time.Time
	for i, name := range []string{"from", "to"} {
		if raw := q.Get(name); raw != "" {
			t, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				v.reject(name, FieldInvalidFormat, "must be an RFC 3339 time like 2026-03-01T00:00:00Z")
			}
			bounds[i] = t
		}
	}
	if !bounds[0].IsZero() && !bounds[1].IsZero() && !bounds[0].Before(bounds[1]) {
		v.reject("from", FieldOutOfRange, "must be before to ("+bounds[1].UTC().Format(time.RFC3339)+")")
	}
	owner, ok := listedOwner(w, r, &v)
	if !ok {
		return
	}
	alerts, err := s.store.RiskLedger(r.Context(), bounds[0], bounds[1], owner)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, alerts, riskLedgerEntryViewOf)
}
