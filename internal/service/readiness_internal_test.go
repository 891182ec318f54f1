package service

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The worker's port serves /metrics, /readyz and /healthz, each its own; another
// path is a 404 (it answered every path with the whole metrics text).
func TestWorkerEndpoints(t *testing.T) {
	says := func(body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) })
	}
	mux := WorkerEndpoints(says("# HELP metrics"), says(`{"worker":"ok"}`))
	for path, want := range map[string]struct {
		status int
		body   string
	}{
		"/metrics": {200, "# HELP metrics"}, "/readyz": {200, `"worker":"ok"`}, "/healthz": {200, `{"status":"ok"}`},
		"/": {404, ""}, "/nonexistent": {404, ""}, "/metricsx": {404, ""},
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != want.status || !strings.Contains(w.Body.String(), want.body) || (want.status == 404 && strings.Contains(w.Body.String(), "HELP")) {
			t.Errorf("GET %s: %d %.60q, want %d with %q", path, w.Code, w.Body.String(), want.status, want.body)
		}
	}
}
