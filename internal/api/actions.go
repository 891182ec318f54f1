package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/workflows"
)

type acknowledgeBody struct {
	Message string `json:"message"`
}

type resolveBody struct {
	Summary   string `json:"summary"`
	RootCause string `json:"root_cause"`
}

type closeBody struct {
	Reason string `json:"reason"`
}

type reasonBody struct {
	Reason string `json:"reason"`
}

type resumeBody struct {
	Note string `json:"note"`
}

func (s *Server) acknowledge(w http.ResponseWriter, r *http.Request) {
	var body acknowledgeBody
	s.act(w, r, &body, func(v *validator) {
		v.required("message", body.Message, 5000)
	}, workflows.UpdateAcknowledge, func(actor string) any {
		return workflows.AcknowledgeRequest{Actor: actor, Message: body.Message}
	})
}

func (s *Server) resolve(w http.ResponseWriter, r *http.Request) {
	var body resolveBody
	s.act(w, r, &body, func(v *validator) {
		v.required("summary", body.Summary, 5000)
		v.required("root_cause", body.RootCause, 5000)
	}, workflows.UpdateResolve, func(actor string) any {
		return workflows.ResolveRequest{Actor: actor, Summary: body.Summary, RootCause: body.RootCause}
	})
}

func (s *Server) closeComplaint(w http.ResponseWriter, r *http.Request) {
	var body closeBody
	s.act(w, r, &body, func(v *validator) {
		v.optional("reason", body.Reason, 2000)
	}, workflows.UpdateClose, func(actor string) any {
		return workflows.CloseRequest{Actor: actor, Reason: body.Reason}
	})
}

// pause stops the resolution clock while the agent waits on the customer.
func (s *Server) pause(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	s.act(w, r, &body, func(v *validator) {
		v.required("reason", body.Reason, 2000)
	}, workflows.UpdatePause, func(actor string) any {
		return workflows.PauseRequest{Actor: actor, Reason: body.Reason}
	})
}

func (s *Server) resume(w http.ResponseWriter, r *http.Request) {
	var body resumeBody
	s.act(w, r, &body, func(v *validator) {
		v.optional("note", body.Note, 2000)
	}, workflows.UpdateResume, func(actor string) any {
		return workflows.ResumeRequest{Actor: actor, Note: body.Note}
	})
}

// reopen reopens a resolved complaint the customer says is not solved.
func (s *Server) reopen(w http.ResponseWriter, r *http.Request) {
	var body reasonBody
	s.act(w, r, &body, func(v *validator) {
		v.required("reason", body.Reason, 2000)
	}, workflows.UpdateReopen, func(actor string) any {
		return workflows.ReopenRequest{Actor: actor, Reason: body.Reason}
	})
}

// act runs an agent action as a workflow update and answers with the complaint as
// recorded afterwards.
func (s *Server) act(w http.ResponseWriter, r *http.Request, body any, check func(*validator), update string, args func(actor string) any) {
	if c, ok := s.update(w, r, body, check, update, args, nil); ok {
		writeJSON(w, http.StatusOK, viewOf(c, principalFrom(r.Context())))
	}
}

// update checks the caller may act on the complaint (acting.go), decodes and checks the body, then runs the workflow update and returns the
// complaint as recorded afterwards; on failure it has written the problem. The
// workflow's validator has the last word: a rejected action is a 409 with its reason
// and leaves no trace in the workflow history. An Idempotency-Key header names the
// update (actionUpdateID), so a retried request is applied once; the update's
// outcome is decoded into result (nil: not needed).
func (s *Server) update(w http.ResponseWriter, r *http.Request, body any, check func(*validator), update string,
	args func(actor string) any, result any) (store.Complaint, bool) {
	c, ok := s.complaintFromPath(w, r)
	if !ok || !s.mayAct(w, r, c, update) {
		return c, false
	}
	var v validator
	if p := decodeBody(w, r, body, &v); p != nil {
		writeProblem(w, r, p)
		return c, false
	}
	check(&v)
	if p := v.problem(); p != nil {
		writeProblem(w, r, p)
		return c, false
	}
	if c.Status == complaint.StatusClosed &&
		refusedUnlessKeyed(w, r, problem(http.StatusConflict, "cannot "+update+": the complaint is closed")) {
		return c, false
	}
	// A workflow that finished between our read and the update has closed.
	if !s.runUpdate(w, r, client.UpdateWorkflowOptions{
		WorkflowID: c.WorkflowID, UpdateName: update, Args: []any{args(principalFrom(r.Context()).Actor())},
	}, result, problem(http.StatusConflict, "cannot "+update+": the complaint is closed")) {
		return c, false
	}
	id := c.ID
	c, err := s.store.Complaint(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, problem(http.StatusNotFound, "no complaint "+id))
		return c, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return c, false
	}
	return c, true
}

// refusedUnlessKeyed is the shortcut of an action whose target the record already
// shows it cannot apply to (a closed complaint, an alert responded to, a closed PDCA
// cycle): without an Idempotency-Key it writes p (a 409) and returns true. With one
// it returns false and the action goes to its workflow: the request may be the
// retry of the very action that brought that state, which only the workflow can
// tell by the update's ID, and a retry with the same key is answered with its
// outcome, never a 409 for itself. A first attempt is refused by the workflow
// (its validator's 409, or the 409 for a workflow that has ended).
func refusedUnlessKeyed(w http.ResponseWriter, r *http.Request, p *Problem) bool {
	if r.Header.Get("Idempotency-Key") != "" {
		return false
	}
	writeProblem(w, r, p)
	return true
}

// actionUpdateID is the ID of the workflow update an action sent with an
// Idempotency-Key runs: the action and the key, "resolve:K" ("decide_escalation/2:K"
// for a decision on escalation 2); "" without a key, each request then being a new
// update. Temporal runs an update ID once per workflow whatever the update's name
// and arguments, so the key alone would make an acknowledge with K and then a
// resolve with K one update: the resolve answered with the acknowledgement's
// outcome and never applied. Scoped to the action, the same key on the same action
// is its retry and on another action is that action. The workflows record their
// events under keys of their own and never read an update's ID.
func actionUpdateID(r *http.Request, update string) string {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return ""
	}
	if seq := r.PathValue("seq"); seq != "" {
		update += "/" + seq
	}
	return update + ":" + key
}

// updateWhenReady runs the update, and again while the workflow refuses it as not
// ready (workflows.ErrTypeNotReady: a cycle created a moment ago is still loading)
// until ctx ends, pausing 50 ms, then twice as long up to 1 s. A refused update is
// not recorded by Temporal, so its ID is free for the next try.
func (s *Server) updateWhenReady(ctx context.Context, opts client.UpdateWorkflowOptions, result any) error {
	pause := 50 * time.Millisecond
	for {
		handle, err := s.temporal.UpdateWorkflow(ctx, opts)
		if err == nil {
			err = handle.Get(ctx, result)
		}
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrTypeNotReady {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// runUpdate runs a workflow update (its ID from the action and the Idempotency-Key
// header, actionUpdateID, unless opts sets one), waits for its outcome and decodes it into result (nil: not
// needed). On failure it has written the problem: the workflow's validator refusing
// the action is a 409 with its reason (the action leaves no trace in the history),
// a workflow that has already ended is ended, no worker running the update within
// updateWait (or Temporal down), or the workflow still not ready for it when the wait
// ends, a 503 with Retry-After, anything else a 500.
//
// The 503 for a missing worker is honest about what happened: Temporal may still
// run the update when a worker returns. A retry with the same Idempotency-Key
// is the same update, so it is answered with that update's outcome — applied once —
// and never refused as a repeat of itself.
func (s *Server) runUpdate(w http.ResponseWriter, r *http.Request, opts client.UpdateWorkflowOptions, result any, ended *Problem) bool {
	if opts.UpdateID == "" {
		opts.UpdateID = actionUpdateID(r, opts.UpdateName)
	}
	opts.WaitForStage = client.WorkflowUpdateStageCompleted
	ctx, cancel := context.WithTimeout(r.Context(), updateWait)
	defer cancel()
	err := s.updateWhenReady(ctx, opts, result)
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &appErr) && appErr.Type() == workflows.ErrTypeInvalidAction:
		writeProblem(w, r, problemWithCode(http.StatusConflict, CodeInvalidAction, appErr.Message()))
		return false
	case errors.As(err, &appErr) && appErr.Type() == workflows.ErrTypeNotReady:
		// Still not ready when the wait ran out (a cycle whose first load is held up):
		// the refusal is about the moment, not the action, so the caller is told to
		// come back, not that the action is wrong.
		s.writeUnavailable(w, r, err, appErr.Message()+" (still so after "+updateWait.String()+
			"); nothing was recorded: retry the same request")
		return false
	case errors.As(err, &notFound):
		writeProblem(w, r, ended)
		return false
	case unavailable(err):
		detail := "the action was not confirmed within " + updateWait.String() + " (no worker, or Temporal unavailable); " +
			"it may still be applied: retry with the same Idempotency-Key to learn its outcome"
		if opts.UpdateID == "" {
			detail += " (this request had none, so a retry is a new action)"
		}
		s.writeUnconfirmed(w, r, err, detail)
		return false
	case err != nil:
		s.serverError(w, r, err)
		return false
	}
	return true
}
