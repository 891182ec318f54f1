package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// warm loads the Chinese dictionary off the request path and records the outcome
// for readyz. Until it has loaded, the first text to classify — any complaint or
// feedback filed — would wait for it (8–21 s on a busy machine), so the API says it
// is not ready rather than accept intake it cannot serve promptly.
func (s *Server) warm() {
	go func() {
		took, err := s.warmup()
		state := "ok"
		if err != nil {
			// Intake no longer waits (classify degrades to whole runs of Han
			// characters as keywords), so the API is ready all the same.
			state = "failed, Chinese keywords degrade: " + err.Error()
			s.log.Error("loading the Chinese dictionary failed; Chinese keywords degrade", "error", err)
		} else {
			s.log.Info("Chinese dictionary loaded", "duration", took)
		}
		s.dictionary.Store(&state)
	}()
}

// temporalServes checks the frontend's health and then that the server can read
// its stores for our namespace: a dev server whose SQLite file is wedged still
// answers the health check while every operation fails ("interrupted",
// "namespace not found"). The read is one indexed visibility lookup of a workflow
// ID that never exists, so its cost does not grow with the number of complaints.
func (s *Server) temporalServes(ctx context.Context) error {
	if _, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return err
	}
	if _, err := s.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		PageSize: 1, Query: "WorkflowId = 'complaintflow-readyz-probe'",
	}); err != nil {
		return fmt.Errorf("server answers but cannot read its stores: %w", err)
	}
	return nil
}

// readyz reports ready only when PostgreSQL and Temporal answer and the Chinese
// dictionary has been loaded, so intake is served without waiting on it; a 503 names
// each check that is not "ok".
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"postgres": "ok", "temporal": "ok", "dictionary": "loading"}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		checks["postgres"], status = err.Error(), http.StatusServiceUnavailable
	}
	if err := s.temporalServes(ctx); err != nil {
		checks["temporal"], status = err.Error(), http.StatusServiceUnavailable
	}
	s.startup.Range(func(name, _ any) bool {
		checks[name.(string)], status = "starting", http.StatusServiceUnavailable
		return true
	})
	if d := s.dictionary.Load(); d != nil {
		checks["dictionary"] = *d
	} else {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, checks)
}

// Starting marks a start-up step (seeding the admin token, say) that waits for a
// dependency: readyz names it "starting" and stays unready until done is called.
func (s *Server) Starting(name string) (done func()) {
	s.startup.Store(name, true)
	return func() { s.startup.Delete(name) }
}
