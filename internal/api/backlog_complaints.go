package api

import (
	"context"
	"errors"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

// A low-urgency complaint joins the improvement backlog when acknowledged (002 §9.3
// 「需納入產品迭代計劃」; internal/store writes its item). Its item done in the
// product resolves it through the complaint workflow's own resolve update: the
// customer is told with the resolution notice, and the normal feedback survey
// verifies the fix, as for any complaint.

// startBacklogDone starts what an item marked done sets off: the resolution of the
// complaint it came from, or the notice to the customer whose feedback it came
// from. Once per item, however often it is marked done.
func (s *Server) startBacklogDone(ctx context.Context, it store.BacklogItem) error {
	if it.ComplaintID != nil {
		return s.resolveBacklogComplaint(ctx, it)
	}
	return s.startSuggestionDone(ctx, it)
}

// backlogDoneUpdateID is the ID of the resolve update an item done sends its
// complaint: one per item, so Temporal answers a repeat with the first outcome.
func backlogDoneUpdateID(itemID string) string { return "backlog:" + itemID + "/done" }

// resolveBacklogComplaint resolves the item's complaint if it is still in the
// backlog, in the name of whoever marked the item done. A complaint no longer in
// the backlog — resolved or closed meanwhile, or given a resolution clock by an
// escalation — is left as it is, as is one whose workflow has ended: the item is
// done all the same.
func (s *Server) resolveBacklogComplaint(ctx context.Context, it store.BacklogItem) error {
	c, err := s.store.Complaint(ctx, *it.ComplaintID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	case c.Status != complaint.StatusBacklog:
		return nil
	}
	summary, rootCause := backlogDoneResolution(c, it)
	err = s.updateWhenReady(ctx, client.UpdateWorkflowOptions{
		WorkflowID: c.WorkflowID, UpdateID: backlogDoneUpdateID(it.ID), UpdateName: workflows.UpdateResolve,
		WaitForStage: client.WorkflowUpdateStageCompleted,
		Args:         []any{workflows.ResolveRequest{Actor: it.UpdatedBy, Summary: summary, RootCause: rootCause}},
	}, nil)
	var appErr *temporal.ApplicationError
	var ended *serviceerror.NotFound
	switch {
	case errors.As(err, &appErr) && appErr.Type() == workflows.ErrTypeInvalidAction:
		return nil // no longer in the backlog by the workflow's own state
	case errors.As(err, &ended):
		return nil
	}
	return err
}

// backlogDoneResolution is the resolution of a complaint whose item was done: the
// summary, which the customer reads in the resolution notice, in the complaint's
// locale, and the root cause, which staff read.
func backlogDoneResolution(c store.Complaint, it store.BacklogItem) (summary, rootCause string) {
	rootCause = "A product improvement (low urgency): done through the improvement backlog (item " + it.ID + ")."
	locale, ok := message.ParseLocale(c.CustomerLocale)
	if !ok {
		locale = message.DefaultLocale
	}
	return message.ImprovementDone(locale, it.Title), rootCause
}
