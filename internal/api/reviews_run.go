package api

import (
	"net/http"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// Reviews on demand (issue 15): a quality team runs a review of any period when
// they need it, not only the period before a schedule fires.

func reviewKindNames() []string {
	names := make([]string, len(quality.ReviewKinds))
	for i, k := range quality.ReviewKinds {
		names[i] = string(k)
	}
	return names
}

type runReviewRequest struct {
	Kind     string  `json:"kind"`
	Period   string  `json:"period"`
	TimeZone *string `json:"time_zone"`
}

type runReviewView struct {
	ID         string               `json:"id"`
	Kind       quality.ScheduleKind `json:"kind"`
	TimeZone   string               `json:"time_zone"`
	PeriodFrom time.Time            `json:"period_from"`
	PeriodTo   time.Time            `json:"period_to"`
	StartedAt  time.Time            `json:"started_at"`
}

// runReview starts a review of the period named (quality.ParsePeriod) in its time
// zone: a planning kind proposes cycles for what it finds, weekly tracking reports.
// The review's row appears under its ID once the workflow has judged the period.
func (s *Server) runReview(w http.ResponseWriter, r *http.Request) {
	var req runReviewRequest
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	v.oneOf("kind", req.Kind, reviewKindNames())
	zone := "UTC"
	if req.TimeZone != nil {
		zone = *req.TimeZone
	}
	zoneOK := checkReviewZone(&v, "time_zone", zone)
	if zoneOK && zone == "" {
		zone = "UTC" // as LoadZone reads it, and as the review's row then says
	}
	var from, to time.Time
	req.Period = strings.TrimSpace(req.Period)
	if req.Period == "" {
		v.reject("period", FieldRequired, "name the period: a month 2026-10, a quarter 2026-Q3, an ISO week 2026-W42 or days 2026-10-01/2026-10-15")
	} else {
		loc, _ := quality.LoadZone(reviewZoneIf(zoneOK, zone))
		var err error
		if from, to, err = quality.ParsePeriod(req.Period, loc); err != nil {
			v.reject("period", FieldInvalidFormat, err.Error())
		} else if !from.Before(time.Now()) {
			v.reject("period", FieldOutOfRange, "the period has not begun")
		}
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	from, to = from.UTC(), to.UTC()
	id := "review:" + workflows.OnDemandScheduleID + "-" + newID()
	run, err := s.temporal.ExecuteWorkflow(r.Context(), client.StartWorkflowOptions{
		ID: id, TaskQueue: s.taskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:         "Review on demand: " + req.Kind + " " + req.Period,
	}, workflows.ReviewWorkflow, workflows.ReviewInput{
		ScheduleID: workflows.OnDemandScheduleID, Kind: quality.ScheduleKind(req.Kind), TimeZone: zone, From: &from, To: &to,
	})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "review started on demand", "id", run.GetID(), "kind", req.Kind,
		"period", req.Period, "time_zone", zone, "by", principalFrom(r.Context()).Actor())
	w.Header().Set("Location", "/v1/reviews/"+id)
	writeJSON(w, http.StatusAccepted, runReviewView{
		ID: id, Kind: quality.ScheduleKind(req.Kind), TimeZone: zone, PeriodFrom: from, PeriodTo: to, StartedAt: time.Now().UTC(),
	})
}
