package api

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// The improvement list (002 §3.4 「建立改进清单，明确责任人和完成时限，每月跟踪进度」):
// backlog items from classified feedback and from low-urgency complaints
// (backlog_complaints.go), with an owner, a due date, the PDCA cycle that took them
// up; when one is done, the customer who suggested it is told, or the complaint it
// came from is resolved.

type backlogView struct {
	ID          string     `json:"id"`
	FeedbackID  *string    `json:"feedback_id"`
	ComplaintID *string    `json:"complaint_id"`
	Title       string     `json:"title"`
	ProblemType string     `json:"problem_type"`
	Keywords    []string   `json:"keywords"`
	Status      string     `json:"status"`
	Owner       *string    `json:"owner"`
	DueOn       *string    `json:"due_on"`
	CycleID     *string    `json:"cycle_id"`
	DoneAt      *time.Time `json:"done_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	UpdatedBy   string     `json:"updated_by"`
}

func backlogViewOf(b store.BacklogItem) backlogView {
	kw := []string(b.Keywords)
	if kw == nil {
		kw = []string{}
	}
	v := backlogView{ID: b.ID, FeedbackID: b.FeedbackID, ComplaintID: b.ComplaintID, Title: b.Title, ProblemType: b.ProblemType, Keywords: kw,
		Status: b.Status, Owner: b.Owner, DueOn: b.DueOn, CycleID: b.CycleID,
		CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(), UpdatedBy: b.UpdatedBy}
	if b.DoneAt != nil {
		at := b.DoneAt.UTC()
		v.DoneAt = &at
	}
	return v
}

func (s *Server) listBacklog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var v validator
	f := store.BacklogFilter{}
	f.Limit, f.AfterCreatedAt, f.AfterID = page(&v, q)
	if st := q.Get("status"); st != "" {
		v.oneOf("status", st, store.BacklogStatuses)
		f.Status = st
	}
	if pt := q.Get("problem_type"); pt != "" {
		v.oneOf("problem_type", pt, complaint.Categories)
		f.ProblemType = pt
	}
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	items, err := s.store.BacklogItems(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	writePage(w, items, f.Limit, backlogViewOf, func(b store.BacklogItem) (time.Time, string) { return b.CreatedAt, b.ID })
}

// backlogPatch changes an item; a field left out is kept, an empty owner, due_on
// or cycle_id clears it.
type backlogPatch struct {
	Status  *string `json:"status"`
	Owner   *string `json:"owner"`
	DueOn   *string `json:"due_on"`
	CycleID *string `json:"cycle_id"`
}

var backlogOwnerPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// patchBacklog moves an item through new → planned → done, or to rejected (any
// status may follow any other: a rejected idea may come back when it recurs), and
// sets its owner, due date and PDCA cycle. An item done starts the notice to its
// customer, or resolves its complaint; asking again is harmless (one notice, one
// resolution per item).
func (s *Server) patchBacklog(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !isUUID(id) {
		writeProblem(w, r, problem(http.StatusNotFound, "no backlog item "+id))
		return
	}
	var req backlogPatch
	var v validator
	if p := decodeBody(w, r, &req, &v); p != nil {
		writeProblem(w, r, p)
		return
	}
	if req.Status == nil && req.Owner == nil && req.DueOn == nil && req.CycleID == nil && len(v.errs) == 0 {
		v.reject("status", FieldRequired, "give at least one of status, owner, due_on, cycle_id")
	}
	if req.Status != nil {
		v.oneOf("status", *req.Status, store.BacklogStatuses)
	}
	if req.Owner != nil && *req.Owner != "" && !backlogOwnerPattern.MatchString(*req.Owner) {
		v.reject("owner", FieldInvalidFormat, "must be the ID of a person of the directory, or empty to clear it")
	}
	if req.DueOn != nil && *req.DueOn != "" {
		if _, err := time.Parse(time.DateOnly, *req.DueOn); err != nil {
			v.reject("due_on", FieldInvalidFormat, "must be a date like 2026-12-31, or empty to clear it")
		}
	}
	if req.CycleID != nil && *req.CycleID != "" {
		if !isUUID(*req.CycleID) {
			v.reject("cycle_id", FieldInvalidFormat, "must be the ID of a PDCA cycle, or empty to clear it")
		}
	}
	version := ifMatchTime(r, &v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return
	}
	was, it, err := s.store.ChangeBacklogItem(r.Context(), id, store.BacklogChange{
		Status: req.Status, Owner: req.Owner, DueOn: req.DueOn, CycleID: req.CycleID, By: principalFrom(r.Context()).Actor(),
		Version: version,
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, problem(http.StatusNotFound, "no backlog item "+id))
		return
	case errors.Is(err, store.ErrStale):
		writeStale(w, r, "backlog item "+id, *version, was.UpdatedBy, was.UpdatedAt, was.Status)
		return
	case errors.Is(err, store.ErrInvalid):
		s.storeError(w, r, err)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if it.Status == "done" {
		// Not started (Temporal down): the item stays marked and the reconciler
		// starts the customer's notice, or resolves the complaint, once Temporal is
		// back, retried or not.
		if err := s.startQualityWorkflow(r.Context(), store.QualityStart{BacklogItemID: &it.ID}, func(ctx context.Context) error {
			return s.startBacklogDone(ctx, it)
		}); err != nil {
			what := "the notice telling its customer"
			if it.ComplaintID != nil {
				what = "the resolution of its complaint"
			}
			s.startFailed(w, r, err, "the backlog item was marked done", what, "")
			return
		}
	}
	w.Header().Set("ETag", TimeETag(it.UpdatedAt))
	writeJSON(w, http.StatusOK, backlogViewOf(it))
}

// startSuggestionDone starts the notice telling the customer of the item's feedback
// it is done: once per item, however often it is marked done.
func (s *Server) startSuggestionDone(ctx context.Context, it store.BacklogItem) error {
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.SuggestionDoneWorkflowID(it.ID),
		TaskQueue:                s.taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:            "Suggestion done: " + it.Title,
	}, workflows.SuggestionDoneWorkflow, workflows.SuggestionDoneInput{BacklogID: it.ID, FeedbackID: null.Value(it.FeedbackID), Title: it.Title})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil
	}
	return err
}
