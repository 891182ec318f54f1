package api_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

// The console's seam: a live token's ID serves requests as its principal, with the
// route's role check still in force; a revoked, expired or unknown one serves none.
func TestActingAsServesAsALiveTokenUnderItsRole(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := api.New(st, nil, "", slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	h := srv.Handler()

	past := time.Now().Add(-time.Minute)
	tokens := map[string]store.Token{
		"agent":   {Role: "agent"},
		"revoked": {Role: "admin"},
		"expired": {Role: "admin", ExpiresAt: &past},
	}
	for name, tok := range tokens {
		tok.ID, tok.Name, tok.Hash, tok.CreatedBy = uuid.NewString(), name, auth.Hash("secret-"+name), "test"
		if _, err := st.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok
	}
	if _, err := st.RevokeToken(ctx, tokens["revoked"].ID); err != nil {
		t.Fatal(err)
	}

	serve := func(ctx context.Context, method, path, body string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(body)))
		return rec.Code
	}
	for _, tc := range []struct {
		token        string
		wantErr      bool
		method, path string
		body         string
		want         int
	}{
		{token: "agent", method: "GET", path: "/v1/sla-policies", want: http.StatusOK},
		{token: "agent", method: "PUT", path: "/v1/sla-policies/high/high", body: `{"first_response":"1h"}`, want: http.StatusForbidden},
		{token: "revoked", wantErr: true},
		{token: "expired", wantErr: true},
		{token: "unknown", wantErr: true},
	} {
		id := tokens[tc.token].ID
		if id == "" {
			id = uuid.NewString()
		}
		acting, p, err := srv.ActingAs(ctx, id)
		if tc.wantErr {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: got %v, want ErrNotFound", tc.token, err)
			}
			continue
		}
		if err != nil || p.Name != tc.token {
			t.Fatalf("%s: got %+v, %v", tc.token, p, err)
		}
		if got := serve(acting, tc.method, tc.path, tc.body); got != tc.want {
			t.Errorf("%s %s %s: got %d, want %d", tc.token, tc.method, tc.path, got, tc.want)
		}
	}
	// Without the mark (an ordinary HTTP request) the bearer check applies.
	if got := serve(ctx, "GET", "/v1/sla-policies", ""); got != http.StatusUnauthorized {
		t.Errorf("unmarked request without a token: got %d, want 401", got)
	}
	signIn := httptest.NewRequestWithContext(ctx, "POST", "/console/login", nil)
	if p, err := srv.SignIn(signIn, "secret-agent"); err != nil || p.TokenID != tokens["agent"].ID {
		t.Errorf("SignIn: got %+v, %v; want the agent token", p, err)
	}
	if _, err := srv.SignIn(signIn, "secret-revoked"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SignIn with a revoked secret: got %v, want ErrNotFound", err)
	}
}
