package service

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/store"
)

// WorkerReadiness answers the worker's /readyz: ready when PostgreSQL and Temporal
// answer and the worker polls its task queue, a 503 naming each check that is not
// "ok" otherwise — the same shape as the API's.
type WorkerReadiness struct {
	Store    *store.Store
	Temporal client.Client
	// Polling is set once the worker has started.
	Polling atomic.Bool
}

func (rd *WorkerReadiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"postgres": "ok", "temporal": "ok", "worker": "ok"}
	status := http.StatusOK
	if err := rd.Store.Ping(ctx); err != nil {
		checks["postgres"], status = err.Error(), http.StatusServiceUnavailable
	}
	if _, err := rd.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		checks["temporal"], status = err.Error(), http.StatusServiceUnavailable
	}
	if !rd.Polling.Load() {
		checks["worker"], status = "starting", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(checks)
}

// WorkerEndpoints serves the worker's three endpoints, as the API serves its own:
// /metrics (Prometheus), /readyz (ready) and /healthz (the process answers);
// any other path is a 404, so a probe aimed at a wrong one fails instead of
// downloading the metrics.
func WorkerEndpoints(metrics http.Handler, ready http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.Handle("GET /readyz", ready)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	return mux
}
