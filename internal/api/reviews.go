package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// Review schedules (DOMAIN.md §3–4): the handlers check the request and answer;
// internal/schedules keeps the row and its Temporal Schedule in step.

func (s *Server) registerReviewRoutes(mux *serveMux) {
	readers := []auth.Role{auth.RoleQuality, auth.RoleManager, auth.RoleAdmin}
	writers := []auth.Role{auth.RoleQuality, auth.RoleAdmin}

	mux.Handle("POST /v1/review-schedules", s.authorize(s.createReviewSchedule, writers...))
	mux.Handle("GET /v1/review-schedules", s.authorize(s.listReviewSchedules, readers...))
	mux.Handle("GET /v1/review-schedules/{id}", s.authorize(s.getReviewSchedule, readers...))
	mux.Handle("PATCH /v1/review-schedules/{id}", s.authorize(s.patchReviewSchedule, writers...))
	mux.Handle("DELETE /v1/review-schedules/{id}", s.authorize(s.deleteReviewSchedule, writers...))
	mux.Handle("POST /v1/review-schedules/{id}/trigger", s.authorize(s.triggerReviewSchedule, writers...))
	mux.Handle("GET /v1/review-rules", s.authorize(s.getReviewRules, readers...))
	mux.Handle("PUT /v1/review-rules", s.authorize(s.putReviewRules, writers...))
	mux.Handle("GET /v1/reviews", s.authorize(s.listReviews, readers...))
	mux.Handle("POST /v1/reviews", s.authorize(s.runReview, writers...))
	mux.Handle("GET /v1/insight-report", s.authorize(s.getInsightReport, readers...))
	mux.Handle("GET /v1/reviews/{id}", s.authorize(s.getReview, readers...))
}

// reviewNextRunCount is how many upcoming runs a schedule's answer previews.
const reviewNextRunCount = 5

var reviewScheduleIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

type reviewScheduleView struct {
	ID                 string               `json:"id"`
	Kind               quality.ScheduleKind `json:"kind"`
	CronSpec           string               `json:"cron_spec"`
	TimeZone           string               `json:"time_zone"`
	Paused             bool                 `json:"paused"`
	Note               string               `json:"note"`
	TemporalScheduleID string               `json:"temporal_schedule_id"`
	NextRuns           []time.Time          `json:"next_runs"`
	CreatedAt          time.Time            `json:"created_at"`
	CreatedBy          string               `json:"created_by"`
	UpdatedAt          time.Time            `json:"updated_at"`
	UpdatedBy          string               `json:"updated_by"`
	Temporal           *reviewTemporalView  `json:"temporal,omitempty"`
}

// reviewTemporalView is what Temporal says of the schedule (GET one only).
type reviewTemporalView struct {
	Paused           bool               `json:"paused"`
	Note             string             `json:"note"`
	NextActionTimes  []time.Time        `json:"next_action_times"`
	RecentActions    []reviewActionView `json:"recent_actions"`
	RunningWorkflows []string           `json:"running_workflows"`
}

type reviewActionView struct {
	ScheduledAt time.Time `json:"scheduled_at"`
	StartedAt   time.Time `json:"started_at"`
	WorkflowID  string    `json:"workflow_id"`
}

func reviewScheduleViewOf(rs store.ReviewSchedule) reviewScheduleView {
	v := reviewScheduleView{
		ID: rs.ID, Kind: rs.Kind, CronSpec: rs.CronSpec, TimeZone: rs.TimeZone, Paused: rs.Paused, Note: rs.Note,
		TemporalScheduleID: workflows.ReviewScheduleID(rs.ID), NextRuns: []time.Time{},
		CreatedAt: rs.CreatedAt.UTC(), CreatedBy: rs.CreatedBy, UpdatedAt: rs.UpdatedAt.UTC(), UpdatedBy: rs.UpdatedBy,
	}
	if spec, err := quality.ParseSpec(rs.CronSpec, rs.TimeZone); err == nil {
		v.NextRuns = quality.NextRuns(spec, time.Now(), reviewNextRunCount)
	}
	return v
}

type reviewScheduleRequest struct {
	ID       *string `json:"id"`
	Kind     string  `json:"kind"`
	CronSpec *string `json:"cron_spec"`
	TimeZone *string `json:"time_zone"`
	Paused   bool    `json:"paused"`
	Note     string  `json:"note"`
}

// checkReviewZone validates a time zone as Temporal will load it: an IANA name
// ("Local" would mean the server's own zone, which the API cannot see).
func checkReviewZone(v *validator, field, zone string) bool {
	if zone == "Local" {
		v.reject(field, FieldInvalidFormat, `"Local" is not an IANA time zone; name one, like Asia/Shanghai`)
		return false
	}
	if _, err := quality.LoadZone(zone); err != nil {
		v.reject(field, FieldInvalidFormat, err.Error()+"; use an IANA name like Asia/Shanghai or UTC")
		return false
	}
	return true
}

// checkReviewCronSpec parses spec with robfig, naming field with the parser's reason;
// a spec that never fires (0 0 30 2 *) is refused too.
func checkReviewCronSpec(v *validator, field, spec, zone string) *cron.SpecSchedule {
	parsed, err := quality.ParseSpec(spec, zone)
	if err != nil {
		v.reject(field, FieldInvalidFormat, "invalid cron spec: "+err.Error())
		return nil
	}
	if len(quality.NextRuns(parsed, time.Now(), 1)) == 0 {
		v.reject(field, FieldOutOfRange, "the spec never fires within five years")
		return nil
	}
	return parsed
}

func (s *Server) createReviewSchedule(w http.ResponseWriter, r *http.Request) {
	var req reviewScheduleRequest
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	row := store.ReviewSchedule{ID: newID(), Kind: quality.ScheduleKind(req.Kind), TimeZone: "UTC",
		Paused: req.Paused, Note: req.Note, CreatedBy: principalFrom(r.Context()).Actor()}
	if req.ID != nil {
		row.ID = *req.ID
		if !reviewScheduleIDPattern.MatchString(row.ID) {
			v.reject("id", FieldInvalidFormat, "must be a slug matching "+reviewScheduleIDPattern.String())
		}
	}
	kinds := make([]string, len(quality.ScheduleKinds))
	for i, k := range quality.ScheduleKinds {
		kinds[i] = string(k)
	}
	v.oneOf("kind", req.Kind, kinds)
	if req.TimeZone != nil {
		row.TimeZone = *req.TimeZone
	}
	zoneOK := checkReviewZone(&v, "time_zone", row.TimeZone)
	row.CronSpec = row.Kind.DefaultSpec()
	if req.CronSpec != nil {
		row.CronSpec = strings.TrimSpace(*req.CronSpec)
	}
	var spec *cron.SpecSchedule
	if req.CronSpec != nil || row.Kind.Valid() {
		spec = checkReviewCronSpec(&v, "cron_spec", row.CronSpec, reviewZoneIf(zoneOK, row.TimeZone))
	}
	v.optional("note", req.Note, 500)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	saved, created, err := s.schedules.Create(r.Context(), row, spec)
	switch {
	case errors.Is(err, store.ErrConflict):
		writeProblem(w, r, problem(http.StatusConflict,
			fmt.Sprintf("review schedule %q exists with another definition; PATCH it or choose another id", row.ID)))
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.log.InfoContext(r.Context(), "review schedule created", "id", saved.ID, "kind", saved.Kind,
			"cron_spec", saved.CronSpec, "time_zone", saved.TimeZone, "by", saved.CreatedBy)
	}
	writeJSON(w, status, reviewScheduleViewOf(saved))
}

func reviewZoneIf(ok bool, zone string) string {
	if ok {
		return zone
	}
	return "UTC" // the zone is blamed on its own; judge the spec alone
}

func (s *Server) listReviewSchedules(w http.ResponseWriter, r *http.Request) {
	rows, err := s.store.ReviewSchedules(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writeItems(w, rows, reviewScheduleViewOf)
}

func (s *Server) getReviewSchedule(w http.ResponseWriter, r *http.Request) {
	row, ok := s.reviewScheduleFromPath(w, r)
	if !ok {
		return
	}
	view := reviewScheduleViewOf(row)
	w.Header().Set("ETag", TimeETag(row.UpdatedAt))
	desc, err := s.schedules.Describe(r.Context(), row.ID)
	if err != nil {
		// The row still answers; "temporal" is left out and the reason logged.
		s.log.WarnContext(r.Context(), "describing the Temporal schedule failed", "id", row.ID, "error", err)
		writeJSON(w, http.StatusOK, view)
		return
	}
	t := &reviewTemporalView{NextActionTimes: []time.Time{}, RecentActions: []reviewActionView{}, RunningWorkflows: []string{}}
	if st := desc.Schedule.State; st != nil {
		t.Paused, t.Note = st.Paused, st.Note
	}
	for _, at := range desc.Info.NextActionTimes {
		t.NextActionTimes = append(t.NextActionTimes, at.UTC())
	}
	for _, a := range desc.Info.RecentActions {
		av := reviewActionView{ScheduledAt: a.ScheduleTime.UTC(), StartedAt: a.ActualTime.UTC()}
		if a.StartWorkflowResult != nil {
			av.WorkflowID = a.StartWorkflowResult.WorkflowID
		}
		t.RecentActions = append(t.RecentActions, av)
	}
	for _, wf := range desc.Info.RunningWorkflows {
		t.RunningWorkflows = append(t.RunningWorkflows, wf.WorkflowID)
	}
	view.Temporal = t
	writeJSON(w, http.StatusOK, view)
}

func (s *Server) reviewScheduleFromPath(w http.ResponseWriter, r *http.Request) (store.ReviewSchedule, bool) {
	return fromPath(s, w, r, "review schedule", false, s.store.ReviewSchedule)
}

type reviewSchedulePatch struct {
	CronSpec *string `json:"cron_spec"`
	TimeZone *string `json:"time_zone"`
	Paused   *bool   `json:"paused"`
	Note     *string `json:"note"`
}

// patchReviewSchedule changes the spec, the zone, the note or the paused state, in
// the row and in Temporal (see the top of this file).
func (s *Server) patchReviewSchedule(w http.ResponseWriter, r *http.Request) {
	var req reviewSchedulePatch
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	// A field of the wrong type was given, even if decoding left it out.
	if req.CronSpec == nil && req.TimeZone == nil && req.Paused == nil && req.Note == nil && len(v.errs) == 0 {
		v.reject("cron_spec", FieldRequired, "give at least one of cron_spec, time_zone, paused, note")
	}
	zoneOK := true
	if req.TimeZone != nil {
		zoneOK = checkReviewZone(&v, "time_zone", *req.TimeZone)
	}
	if req.CronSpec != nil {
		zone := "UTC"
		if req.TimeZone != nil {
			zone = reviewZoneIf(zoneOK, *req.TimeZone)
		}
		checkReviewCronSpec(&v, "cron_spec", strings.TrimSpace(*req.CronSpec), zone)
	}
	if req.Note != nil {
		v.optional("note", *req.Note, 500)
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	actor := principalFrom(r.Context()).Actor()
	id := r.PathValue("id")
	row, err := s.schedules.Update(r.Context(), id, func(old store.ReviewSchedule) (store.ReviewSchedule, error) {
		if version != nil && !version.Equal(old.UpdatedAt) {
			return old, store.ErrStale
		}
		next := old
		if req.CronSpec != nil {
			next.CronSpec = strings.TrimSpace(*req.CronSpec)
		}
		if req.TimeZone != nil {
			next.TimeZone = *req.TimeZone
		}
		if req.Paused != nil {
			next.Paused = *req.Paused
		}
		if req.Note != nil {
			next.Note = *req.Note
		}
		next.UpdatedBy = actor
		return next, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no review schedule "+id))
		return
	}
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "review schedule "+id, *version, row.UpdatedBy, row.UpdatedAt, "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "review schedule changed", "id", row.ID, "cron_spec", row.CronSpec,
		"time_zone", row.TimeZone, "paused", row.Paused, "by", actor)
	w.Header().Set("ETag", TimeETag(row.UpdatedAt))
	writeJSON(w, http.StatusOK, reviewScheduleViewOf(row))
}

// deleteReviewSchedule deletes the Temporal Schedule, then the row. Reviews already
// started run on and keep their rows.
func (s *Server) deleteReviewSchedule(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	answered, err := deleteAt(w, r, "review schedule "+id, func(version *time.Time) error {
		return s.schedules.Delete(r.Context(), id, version)
	}, func() (string, time.Time, error) {
		rs, err := s.store.ReviewSchedule(r.Context(), id)
		return rs.UpdatedBy, rs.UpdatedAt, err
	})
	if answered {
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no review schedule "+id))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "review schedule deleted", "id", id, "by", principalFrom(r.Context()).Actor())
	w.WriteHeader(http.StatusNoContent)
}

// triggerReviewSchedule starts a run now, whatever the spec says; it may overlap a
// run under way (a manual run is deliberate).
func (s *Server) triggerReviewSchedule(w http.ResponseWriter, r *http.Request) {
	row, ok := s.reviewScheduleFromPath(w, r)
	if !ok {
		return
	}
	at := time.Now().UTC()
	err := s.schedules.Trigger(r.Context(), row.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "review schedule triggered", "id", row.ID, "by", principalFrom(r.Context()).Actor())
	writeJSON(w, http.StatusAccepted, map[string]any{
		"id": row.ID, "temporal_schedule_id": workflows.ReviewScheduleID(row.ID),
		"workflow_id_prefix": "review:" + row.ID, "triggered_at": at,
	})
}

// --- opportunity rules ----------------------------------------------------------

func (s *Server) getReviewRules(w http.ResponseWriter, r *http.Request) {
	rules, version, err := s.store.VersionedReviewRules(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("ETag", TimeETag(version.At))
	writeJSON(w, http.StatusOK, rules)
}

// putReviewRules replaces the rules; a field left out takes its default.
func (s *Server) putReviewRules(w http.ResponseWriter, r *http.Request) {
	rules := quality.DefaultReviewRules()
	var v validator
	if p := decodeBody(w, r, &rules, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	percent := func(field string, x float64) {
		if x <= 0 || x > 100 {
			v.reject(field, FieldOutOfRange, "must be a percentage above 0 and at most 100")
		}
	}
	between := func(field string, x, lo, hi int) {
		if x < lo || x > hi {
			v.reject(field, FieldOutOfRange, fmt.Sprintf("must be an integer from %d to %d", lo, hi))
		}
	}
	percent("resolution_rate_target_pct", rules.ResolutionRateTargetPct)
	percent("sla_compliance_target_pct", rules.SLAComplianceTargetPct)
	percent("csat_drop_points", rules.CSATDropPoints)
	between("keyword_cluster_min", rules.KeywordClusterMin, 2, 1_000_000)
	between("min_volume", rules.MinVolume, 1, 1_000_000)
	between("max_iterations", rules.MaxIterations, 1, 24)
	rules.CheckSpec = strings.TrimSpace(rules.CheckSpec)
	checkReviewCronSpec(&v, "check_spec", rules.CheckSpec, "UTC")
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	saved, err := s.store.PutReviewRules(r.Context(), rules, principalFrom(r.Context()).Actor(), time.Now(), version)
	if errors.Is(err, store.ErrStale) {
		writeStale(w, r, "the review rules", *version, saved.By, saved.At, "")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "review rules replaced", "by", principalFrom(r.Context()).Actor())
	w.Header().Set("ETag", TimeETag(saved.At))
	writeJSON(w, http.StatusOK, rules)
}

// --- reviews --------------------------------------------------------------------

type reviewView struct {
	ID            string               `json:"id"`
	ScheduleID    string               `json:"schedule_id"`
	Kind          quality.ScheduleKind `json:"kind"`
	TimeZone      string               `json:"time_zone"`
	PeriodFrom    time.Time            `json:"period_from"`
	PeriodTo      time.Time            `json:"period_to"`
	StartedAt     time.Time            `json:"started_at"`
	FinishedAt    *time.Time           `json:"finished_at"`
	Opportunities json.RawMessage      `json:"opportunities"`
	Cycles        json.RawMessage      `json:"cycles"`
	Summary       string               `json:"summary"`
	Metrics       json.RawMessage      `json:"metrics,omitempty"` // GET one only: it is large
}

func reviewViewOf(rv quality.Review) reviewView {
	v := reviewView{
		ID: rv.ID, ScheduleID: rv.ScheduleID, Kind: rv.Kind, TimeZone: rv.TimeZone,
		PeriodFrom: rv.PeriodFrom.UTC(), PeriodTo: rv.PeriodTo.UTC(), StartedAt: rv.StartedAt.UTC(),
		Opportunities: json.RawMessage(reviewJSONOr(rv.Opportunities, "[]")), Cycles: json.RawMessage(reviewJSONOr(rv.Cycles, "[]")),
		Summary: rv.Summary,
	}
	if rv.FinishedAt != nil {
		at := rv.FinishedAt.UTC()
		v.FinishedAt = &at
	}
	return v
}

func reviewJSONOr(doc, empty string) string {
	if doc == "" {
		return empty
	}
	return doc
}

func (s *Server) listReviews(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.ReviewFilter{}
	// Review IDs are workflow IDs, not UUIDs, which page's cursor check expects.
	rest := url.Values{}
	for k, vs := range q {
		if k != "cursor" {
			rest[k] = vs
		}
	}
	f.Limit, _, _ = page(&v, rest)
	if cur := q.Get("cursor"); cur != "" {
		var ok bool
		if f.AfterStarted, f.AfterID, ok = decodeReviewCursor(cur); !ok {
			v.reject("cursor", FieldInvalidFormat, "is not a cursor this API returned")
		}
	}
	if k := q.Get("kind"); q.Has("kind") {
		v.oneOf("kind", k, reviewKindNames())
		f.Kind = k
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	rows, err := s.store.Reviews(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, rows, f.Limit, reviewViewOf, func(rv quality.Review) (time.Time, string) { return rv.StartedAt, rv.ID })
}

// decodeReviewCursor reads a cursor writePage wrote (encodeCursor's format).
func decodeReviewCursor(cur string) (time.Time, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(cur)
	if err != nil {
		return time.Time{}, "", false
	}
	ts, id, ok := strings.Cut(string(b), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	return at, id, ok && err == nil && id != ""
}

func (s *Server) getReview(w http.ResponseWriter, r *http.Request) {
	rv, ok := fromPath(s, w, r, "review", false, s.store.Review)
	if !ok {
		return
	}
	view := reviewViewOf(rv)
	view.Metrics = json.RawMessage(reviewJSONOr(rv.Metrics, "{}"))
	writeJSON(w, http.StatusOK, view)
}
