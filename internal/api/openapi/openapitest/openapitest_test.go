package openapitest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/api/openapi/openapitest"
)

// spy is a testing.TB that records failures instead of failing.
type spy struct {
	testing.TB
	errors []string
}

func (s *spy) Errorf(format string, args ...any) {
	s.errors = append(s.errors, fmt.Sprintf(format, args...))
}

func TestHandlerFailsOnWhatTheDocumentDoesNotSay(t *testing.T) {
	tests := []struct {
		name                  string
		method, path, body    string
		status                int
		contentType, response string
		wantFailure           string // "" when the exchange matches the document
	}{
		{"a documented answer", "GET", "/healthz", "", 200, "application/json", `{"status":"ok"}`, ""},
		{"a field the document lacks", "GET", "/healthz", "", 200, "application/json", `{"status":"ok","uptime":3}`, "does not match"},
		{"a wrong type", "GET", "/readyz", "", 200, "application/json", `{"postgres":"ok","temporal":1}`, "does not match"},
		{"an undocumented status", "GET", "/healthz", "", 418, "application/json", `{"status":"ok"}`, "does not match"},
		{"a problem with field errors", "POST", "/v1/tokens", `{"role":"x","name":"n"}`, 400, "application/problem+json",
			`{"type":"about:blank","title":"Bad Request","status":400,"code":"invalid_request","errors":[{"pointer":"/role","field":"role","code":"not_allowed","message":"no"}]}`, ""},
		{"a problem without a code", "POST", "/v1/tokens", `{"role":"x","name":"n"}`, 400, "application/problem+json",
			`{"type":"about:blank","title":"Bad Request","status":400}`, "does not match"},
		{"a problem with a code codes.go lacks", "POST", "/v1/tokens", `{"role":"x","name":"n"}`, 400, "application/problem+json",
			`{"type":"about:blank","title":"Bad Request","status":400,"code":"bad"}`, "does not match"},
		{"a field error of the old shape", "POST", "/v1/tokens", `{"role":"x","name":"n"}`, 400, "application/problem+json",
			`{"type":"about:blank","title":"Bad Request","status":400,"code":"invalid_request","errors":[{"field":"role","pointer":"/role","detail":"no"}]}`, "does not match"},
		{"a forbidden request refused", "POST", "/v1/tokens", `{"role":"nobody","name":"n"}`, 400, "application/problem+json",
			`{"type":"about:blank","title":"Bad Request","status":400,"code":"invalid_request"}`, ""},
		{"a forbidden request accepted", "POST", "/v1/tokens", `{"role":"nobody","name":"n"}`, 201, "application/json",
			`{"id":"5f0c6f0e-8b0a-4d4e-9c39-8f1d0c7a8e11","name":"n","role":"admin","created_at":"2026-01-01T00:00:00Z","person_id":null,"token":"s"}`, "accepted a request the document forbids"},
		{"an undocumented route answered", "GET", "/v1/nothing", "", 200, "application/json", `{}`, "no such operation"},
		{"an undocumented route refused", "GET", "/v1/nothing", "", 404, "application/problem+json", `{"type":"about:blank","title":"Not Found","status":404,"code":"not_found"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.response))
			})
			s := &spy{TB: t}
			hs := httptest.NewServer(openapitest.Handler(s, api))
			defer hs.Close()
			req, _ := http.NewRequest(tt.method, hs.URL+tt.path, strings.NewReader(tt.body))
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.StatusCode; got != tt.status {
				t.Errorf("status passed through: got %d, want %d", got, tt.status)
			}
			got := strings.Join(s.errors, "\n")
			switch {
			case tt.wantFailure == "" && got != "":
				t.Errorf("got failures:\n%s\nwant none", got)
			case tt.wantFailure != "" && !strings.Contains(got, tt.wantFailure):
				t.Errorf("got failures %q, want one saying %q", got, tt.wantFailure)
			}
		})
	}
}
