package api_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

// revocationBound is how soon every API process must refuse a token revoked,
// rotated away or expired (issue 12 §5).
const revocationBound = 5 * time.Second

// otherProcess is a second API server on a's database, as another replica would
// be, sharing a's secrets by name.
func (a *directoryAPI) otherProcess() *directoryAPI {
	a.t.Helper()
	srv := api.New(a.store, nil, "", slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	hs := httptest.NewServer(srv.Handler())
	a.t.Cleanup(hs.Close)
	return &directoryAPI{t: a.t, url: hs.URL, srv: srv, store: a.store, tokens: a.tokens}
}

// newSecret creates a token through the API and keeps its secret under name.
func (a *directoryAPI) newSecret(name, body string) response {
	a.t.Helper()
	tok := a.admin("POST", "/v1/tokens", body, http.StatusCreated)
	a.tokens[auth.Role(name)] = tok.body["token"].(string)
	return tok
}

// refusedWithin polls until the secret under name gets a 401, failing after bound.
func (a *directoryAPI) refusedWithin(name string, bound time.Duration) time.Duration {
	a.t.Helper()
	start := time.Now()
	for {
		got := a.call(auth.Role(name), "GET", "/v1/sla-policies", "")
		if got.status == http.StatusUnauthorized {
			return time.Since(start)
		}
		if got.status != http.StatusOK {
			a.t.Fatalf("%s: got %d %v while waiting for 401", name, got.status, got.body)
		}
		if time.Since(start) > bound {
			a.t.Fatalf("%s still accepted %s later, want 401 within %s", name, time.Since(start).Round(time.Millisecond), bound)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (a *directoryAPI) accepts(name string) {
	a.t.Helper()
	if got := a.call(auth.Role(name), "GET", "/v1/sla-policies", ""); got.status != http.StatusOK {
		a.t.Fatalf("%s: got %d %v, want 200", name, got.status, got.body)
	}
}

func TestRevokedRotatedAndExpiredTokensAreRefusedByEveryProcess(t *testing.T) {
	a := newDirectoryAPI(t)
	b := a.otherProcess()

	revoked := a.newSecret("revoked", `{"role":"agent","name":"to revoke"}`)
	rotated := a.newSecret("rotated", `{"role":"agent","name":"to rotate"}`)
	// Before each change the principal is in both processes' caches (a change drops
	// every cached principal, so they are filled again each time).
	cached := func(name string) {
		a.accepts(name)
		b.accepts(name)
	}

	cached("revoked")
	a.admin("DELETE", "/v1/tokens/"+revoked.body["id"].(string), "", http.StatusOK)
	t.Logf("revoked token refused by the other process after %s", b.refusedWithin("revoked", revocationBound))
	a.refusedWithin("revoked", 0) // the revoking process at once

	cached("rotated")
	oldSecret := a.tokens["rotated"]
	fresh := a.admin("POST", "/v1/tokens/"+rotated.body["id"].(string)+"/rotate", "", http.StatusOK)
	if fresh.body["id"] != rotated.body["id"] || fresh.body["token"] == oldSecret {
		t.Fatalf("rotation: got %v, want the same ID and a new secret", fresh.body)
	}
	t.Logf("rotated-away secret refused by the other process after %s", b.refusedWithin("rotated", revocationBound))
	a.tokens["rotated"] = fresh.body["token"].(string)
	a.accepts("rotated")
	b.accepts("rotated")

	// Expiring in 2 s: stored directly, as the API allows no lifetime under a minute.
	soon := time.Now().Add(2 * time.Second)
	if _, err := a.store.CreateToken(context.Background(), store.Token{ID: uuid.NewString(), Name: "expiring",
		Role: "agent", Hash: auth.Hash("expiring-secret"), CreatedBy: "test", ExpiresAt: &soon}); err != nil {
		t.Fatal(err)
	}
	a.tokens["expiring"] = "expiring-secret"
	cached("expiring")
	time.Sleep(time.Until(soon))
	b.refusedWithin("expiring", 100*time.Millisecond)
	a.refusedWithin("expiring", 100*time.Millisecond)
}

func TestTokensAreListedWithoutSecretsAndRecordTheirLastUse(t *testing.T) {
	a := newDirectoryAPI(t)
	before := time.Now()
	created := a.newSecret("worker", `{"role":"quality","name":"nightly report","expires_in":"720h"}`)
	id := created.body["id"].(string)
	exp, err := time.Parse(time.RFC3339, created.body["expires_at"].(string))
	if err != nil || exp.Before(before.Add(720*time.Hour)) || exp.After(time.Now().Add(720*time.Hour)) {
		t.Fatalf("expires_at: got %v (%v), want 720h from now", created.body["expires_at"], err)
	}
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	a.newSecret("fixed", `{"role":"intake","name":"web form","expires_at":"`+at.Format(time.RFC3339)+`"}`)
	a.accepts("worker")

	list := a.admin("GET", "/v1/tokens", "", http.StatusOK)
	items := list.body["items"].([]any)
	if len(items) != 2+len(auth.Roles) {
		t.Fatalf("got %d tokens, want %d", len(items), 2+len(auth.Roles))
	}
	for _, it := range items {
		tok := it.(map[string]any)
		for _, secret := range []string{"token", "token_hash", "hash"} {
			if _, ok := tok[secret]; ok {
				t.Errorf("listed token %v shows %s", tok["name"], secret)
			}
		}
		for _, field := range []string{"id", "name", "role", "person_id", "state", "created_at", "created_by", "last_used_at", "expires_at", "revoked_at"} {
			if _, ok := tok[field]; !ok {
				t.Errorf("listed token %v lacks %s", tok["name"], field)
			}
		}
	}
	if first := items[0].(map[string]any); first["expires_at"] != at.Format(time.RFC3339) || first["created_by"] != "admin-token" {
		t.Errorf("newest token: got %v, want expires_at %s by admin-token", first, at.Format(time.RFC3339))
	}

	// The use is recorded in the background, once: a second use within the minute
	// writes nothing.
	var used string
	for deadline := time.Now().Add(5 * time.Second); used == ""; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("last_used_at not recorded within 5 s")
		}
		used, _ = a.admin("GET", "/v1/tokens/"+id, "", http.StatusOK).body["last_used_at"].(string)
	}
	a.accepts("worker")
	time.Sleep(200 * time.Millisecond)
	if again := a.admin("GET", "/v1/tokens/"+id, "", http.StatusOK).body["last_used_at"]; again != used {
		t.Errorf("last_used_at after a second use: got %v, want %s unchanged", again, used)
	}

	// Revoking is idempotent and shows in the listing.
	first := a.admin("DELETE", "/v1/tokens/"+id, "", http.StatusOK)
	second := a.admin("DELETE", "/v1/tokens/"+id, "", http.StatusOK)
	if first.body["state"] != "revoked" || second.body["revoked_at"] != first.body["revoked_at"] {
		t.Errorf("revocations: got %v then %v, want the same revoked_at", first.body, second.body)
	}
	a.admin("POST", "/v1/tokens/"+id+"/rotate", "", http.StatusConflict)
	for _, path := range []string{"/v1/tokens/" + uuid.NewString(), "/v1/tokens/not-a-uuid"} {
		a.admin("DELETE", path, "", http.StatusNotFound)
		a.admin("POST", path+"/rotate", "", http.StatusNotFound)
		a.admin("GET", path, "", http.StatusNotFound)
	}
}

func TestBadTokenInputNamesEveryFieldAndChangesNothing(t *testing.T) {
	a := newDirectoryAPI(t)
	victim := a.newSecret("victim", `{"role":"agent","name":"victim"}`)
	rotate := "/v1/tokens/" + victim.body["id"].(string) + "/rotate"
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	far := time.Now().Add(400 * 24 * time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		method, path, body string
		want               []string
	}{
		{"POST", "/v1/tokens", `{"role":"root","name":"","expires_in":"soon"}`, []string{"role", "name", "expires_in"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","expires_in":"30s"}`, []string{"expires_in"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","expires_in":"-720h"}`, []string{"expires_in"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","expires_in":"9000h"}`, []string{"expires_in"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","expires_at":"` + past + `"}`, []string{"expires_at"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","expires_at":"` + far + `"}`, []string{"expires_at"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","expires_at":"tomorrow"}`, []string{"expires_at"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","expires_in":"1h","expires_at":"` + far + `"}`, []string{"expires_in", "expires_at"}},
		{"POST", "/v1/tokens", `{"role":"agent","name":"x","secret":"mine"}`, []string{"secret"}},
		{"POST", rotate, `{"expires_in":"1s"}`, []string{"expires_in"}},
		{"POST", rotate, `{"expires_at":"` + past + `"}`, []string{"expires_at"}},
		{"POST", rotate, `{"role":"admin"}`, []string{"role"}},
		{"GET", "/v1/tokens?limit=0&state=x", "", []string{"state"}}, // unknown: refused before the values are read
		{"GET", "/v1/tokens?limit=0", "", []string{"limit"}},
	}
	before := a.count("api_tokens")
	for _, tt := range tests {
		got := a.call(auth.RoleAdmin, tt.method, tt.path, tt.body)
		gotFields := got.fields()
		slices.Sort(gotFields)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if got.status != http.StatusBadRequest || !slices.Equal(gotFields, want) {
			t.Errorf("%s %s %s: got %d naming %v, want 400 naming %v", tt.method, tt.path, tt.body, got.status, gotFields, want)
		}
	}
	if after := a.count("api_tokens"); after != before {
		t.Errorf("tokens: got %d after bad input, want %d", after, before)
	}
	a.accepts("victim") // its secret was not rotated
}

func TestTokenRoutesAreForAdminsOnly(t *testing.T) {
	a := newDirectoryAPI(t)
	victim := a.newSecret("victim", `{"role":"agent","name":"victim"}`)
	id := victim.body["id"].(string)
	routes := [][2]string{
		{"GET", "/v1/tokens"}, {"GET", "/v1/tokens/" + id}, {"POST", "/v1/tokens"},
		{"DELETE", "/v1/tokens/" + id}, {"POST", "/v1/tokens/" + id + "/rotate"},
	}
	for _, rt := range routes {
		for _, role := range auth.Roles {
			if role == auth.RoleAdmin {
				continue
			}
			if got := a.call(role, rt[0], rt[1], `{"role":"admin","name":"escalate"}`); got.status != http.StatusForbidden {
				t.Errorf("%s %s as %s: got %d, want 403", rt[0], rt[1], role, got.status)
			}
		}
		if got := a.call("", rt[0], rt[1], ""); got.status != http.StatusUnauthorized {
			t.Errorf("%s %s without a token: got %d, want 401", rt[0], rt[1], got.status)
		}
	}
	a.accepts("victim")
}

func TestReadyzWaitsForTheDictionary(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tc, err := client.Dial(client.Options{HostPort: testenv.Temporal(t),
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)

	tests := []struct {
		name      string
		warmErr   error
		wantAfter string
	}{
		{"loaded", nil, "ok"},
		// Intake no longer waits on a dictionary that failed to load: ready, degraded.
		{"failed", errors.New("disk full"), "failed, Chinese keywords degrade: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			srv := api.New(st, tc, "readyz-test", slog.New(slog.DiscardHandler), prometheus.NewRegistry())
			srv.SetWarmup(func() (time.Duration, error) { <-release; return time.Millisecond, tt.warmErr })
			hs := httptest.NewServer(srv.Handler())
			t.Cleanup(hs.Close)
			a := &directoryAPI{t: t, url: hs.URL, store: st}

			got := a.call("", "GET", "/readyz", "")
			if got.status != http.StatusServiceUnavailable || got.body["dictionary"] != "loading" || got.body["postgres"] != "ok" || got.body["temporal"] != "ok" {
				t.Fatalf("before warm-up: got %d %v, want 503 with dictionary loading", got.status, got.body)
			}
			close(release)
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				got = a.call("", "GET", "/readyz", "")
				if got.status == http.StatusOK || time.Now().After(deadline) {
					break
				}
			}
			if got.status != http.StatusOK || got.body["dictionary"] != tt.wantAfter {
				t.Fatalf("after warm-up: got %d %v, want 200 with dictionary %q", got.status, got.body, tt.wantAfter)
			}
		})
	}
}

// A Temporal server that answers its health check but cannot serve our namespace
// (as a wedged dev server answered "namespace not found") makes the API not ready,
// naming the trouble.
func TestReadyzReportsATemporalServerThatCannotServe(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tc, err := client.Dial(client.Options{HostPort: testenv.Temporal(t), Namespace: "no-such-namespace",
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	a := warmAPI(t, st, tc)
	got := a.call("", "GET", "/readyz", "")
	if trouble, _ := got.body["temporal"].(string); got.status != http.StatusServiceUnavailable ||
		!strings.Contains(trouble, "cannot read its stores") || !strings.Contains(trouble, "no-such-namespace") || got.body["postgres"] != "ok" {
		t.Fatalf("got %d %v, want 503 naming the namespace Temporal cannot serve", got.status, got.body)
	}
}

// warmAPI serves the API on st and tc with its dictionary already loaded, so that
// /readyz answers for the stores alone.
func warmAPI(t *testing.T, st *store.Store, tc client.Client) *directoryAPI {
	t.Helper()
	srv := api.New(st, tc, "readyz-test", slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	srv.SetWarmup(func() (time.Duration, error) { return time.Millisecond, nil })
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &directoryAPI{t: t, url: hs.URL, store: st}
}

// A Temporal server that stops answering (killed, as a wedged one may as well be)
// makes the API not ready with the server's trouble named, and ready again once
// the server is back: an orchestrator sees why, not only intake's 503s.
func TestReadyzReportsAStoppedTemporalServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Its own server: the shared one must outlive this test.
	temporal, err := devenv.StartTemporal(ctx, devenv.TemporalOptions{Headless: true, SearchAttributes: workflows.SearchAttributeDefinitions()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = temporal.Stop() })
	tc, err := client.Dial(client.Options{HostPort: temporal.Address(), Namespace: "default",
		Logger: tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	a := warmAPI(t, st, tc)
	waitReadyz := func(what string, ok func(response) bool) response {
		t.Helper()
		var got response
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if got = a.call("", "GET", "/readyz", ""); ok(got) {
				return got
			}
		}
		t.Fatalf("/readyz never %s within 2 minutes; last %d %v", what, got.status, got.body)
		return got
	}
	waitReadyz("ready", func(r response) bool { return r.status == http.StatusOK })

	temporal.Kill()
	got := waitReadyz("unready", func(r response) bool { return r.status != http.StatusOK })
	if trouble, _ := got.body["temporal"].(string); got.status != http.StatusServiceUnavailable || trouble == "" || trouble == "ok" || got.body["postgres"] != "ok" {
		t.Fatalf("with Temporal killed: got %d %v, want 503 naming Temporal's trouble and postgres ok", got.status, got.body)
	}
	if err := temporal.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	waitReadyz("ready again after the restart", func(r response) bool { return r.status == http.StatusOK })
}
