package api_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/migrations"
)

// The event log records the customer's own steps (the survey's answer, the close or
// reopening it decides) as complaint.ActorCustomer, and the workflows' own (SLA
// warnings and breaches, escalations moving up) as complaint.ActorSystem: a person
// may not take either ID, or their actions would pass for the customer's or the
// system's.
func TestAPersonCannotTakeAReservedActorsID(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, id := range []string{complaint.ActorCustomer, complaint.ActorSystem} {
		got := a.call(auth.RoleAdmin, http.MethodPut, "/v1/people/"+id, `{"name":"Cass","role":"agent"}`)
		if got.status != http.StatusBadRequest || strings.Join(got.fields(), ",") != "id" {
			t.Fatalf("PUT /v1/people/%s: got %d naming %v, want 400 naming id", id, got.status, got.fields())
		}
		e := got.body["errors"].([]any)[0].(map[string]any)
		if e["code"] != "invalid" || !strings.Contains(e["message"].(string), "reserved") {
			t.Errorf("PUT /v1/people/%s: error %v", id, e)
		}
		a.admin("GET", "/v1/people/"+id, "", http.StatusNotFound)
		a.admin("PUT", "/v1/people/"+id+"-care", `{"name":"Cass","role":"agent"}`, http.StatusCreated)
	}
}

// A token for no person acts under its name: it may not be a reserved actor's
// either. A token acting for a person acts as them, whatever its name.
func TestATokenForNoPersonCannotActAsAReservedActor(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/people/cass", `{"name":"Cass","role":"agent"}`, http.StatusCreated)
	for _, name := range []string{complaint.ActorCustomer, complaint.ActorSystem} {
		before := a.count("api_tokens")
		got := a.call(auth.RoleAdmin, http.MethodPost, "/v1/tokens", `{"role":"agent","name":"`+name+`"}`)
		if got.status != http.StatusBadRequest || strings.Join(got.fields(), ",") != "name" {
			t.Fatalf("POST /v1/tokens named %s: got %d naming %v, want 400 naming name", name, got.status, got.fields())
		}
		if n := a.count("api_tokens"); n != before {
			t.Errorf("POST /v1/tokens named %s: %d tokens stored, want %d", name, n, before)
		}
		a.admin("POST", "/v1/tokens", `{"role":"agent","name":"`+name+`","person_id":"cass"}`, http.StatusCreated)
	}
}

// A token for no person named as a reserved actor before the API refused the name
// (migration 00044 leaves it, and checks no token) authenticates as nothing, as a
// revoked token does, on the API and through the console's seam alike: nothing is
// done under the customer's or the system's name.
func TestALegacyTokenNamedAsAReservedActorAuthenticatesAsNothing(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	const legacy, revoked = "00000000-0000-0000-0000-0000000000a1", "00000000-0000-0000-0000-0000000000a2"
	for id, secret := range map[string]string{legacy: "legacy-system", revoked: "revoked-token"} {
		if _, err := a.store.DB().Exec(`INSERT INTO api_tokens (id, name, role, token_hash, created_by, revoked_at)
			VALUES ($1::uuid, 'system', 'admin', $2, 'test', CASE WHEN $1::uuid = $3::uuid THEN now() END)`,
			id, auth.Hash(secret), revoked); err != nil {
			t.Fatal(err)
		}
		a.tokens[auth.Role(id)] = secret
	}
	want := a.call(auth.Role(revoked), http.MethodPut, "/v1/people/zed", `{"name":"Zed","role":"agent"}`)
	for range 2 { // the second from the process's cache of refused secrets
		got := a.call(auth.Role(legacy), http.MethodPut, "/v1/people/zed", `{"name":"Zed","role":"agent"}`)
		if got.status != http.StatusUnauthorized || got.status != want.status || got.body["detail"] != want.body["detail"] ||
			got.header.Get("WWW-Authenticate") != want.header.Get("WWW-Authenticate") {
			t.Errorf("PUT /v1/people/zed with the legacy token: %d %v, want %d %v as with a revoked one",
				got.status, got.body, want.status, want.body)
		}
	}
	var recorded int
	if err := a.store.DB().Get(&recorded, `SELECT (SELECT count(*) FROM people WHERE updated_by = 'system') +
		(SELECT count(*) FROM api_tokens WHERE id = $1 AND last_used_at IS NOT NULL)`, legacy); err != nil || recorded != 0 {
		t.Errorf("rows written as the system or marking its use: %d (%v), want 0", recorded, err)
	}
	var log bytes.Buffer
	srv := api.New(a.store, nil, "", slog.New(slog.NewTextHandler(&log, nil)), prometheus.NewRegistry())
	for range 3 {
		if _, _, err := srv.ActingAs(ctx, legacy); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("console session on the legacy token: %v, want not found", err)
		}
	}
	if n := strings.Count(log.String(), "token_id="+legacy); n != 1 || !strings.Contains(log.String(), "revoke it") {
		t.Errorf("the refusal logged %d times naming the token, want once with the fix:\n%s", n, log.String())
	}
}

// A person with a reserved actor's ID written before migration 00044 may only be
// deactivated: a change its check refuses is a 409 naming id, not a server error.
func TestALegacyPersonWithAReservedIDCannotBeGivenAWebhookKey(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	db := a.store.DB().DB
	if err := migrations.DownTo(ctx, db, 43); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO people (id, name, role, webhook_url, updated_by)
		VALUES ('system', 'Old', 'agent', 'https://hooks.example.com/system', 'test')`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	got := a.call(auth.RoleAdmin, http.MethodPost, "/v1/people/system/webhook-secret", "")
	if got.status != http.StatusConflict || strings.Join(got.fields(), ",") != "id" {
		t.Fatalf("POST /v1/people/system/webhook-secret: got %d %v, want 409 naming id", got.status, got.body)
	}
	if a.storedWebhookSecret("system") != "" {
		t.Error("a key was stored")
	}
	a.admin("DELETE", "/v1/people/system", "", http.StatusOK)
}

// A token for a person whose ID is a reserved actor's, both written before migration
// 00044, acts as that actor (Principal.Actor is the person): it authenticates as
// nothing, as a token so named does.
func TestALegacyTokenForAPersonWithAReservedIDAuthenticatesAsNothing(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	db := a.store.DB().DB
	if err := migrations.DownTo(ctx, db, 43); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO people (id, name, role, updated_by) VALUES ('system', 'Old', 'manager', 'test')`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(ctx, db); err != nil {
		t.Fatal(err)
	}
	const legacy, secret = "00000000-0000-0000-0000-0000000000b1", "legacy-for-system"
	if _, err := db.ExecContext(ctx, `INSERT INTO api_tokens (id, name, role, token_hash, created_by, person_id)
		VALUES ($1::uuid, 'old manager', 'manager', $2, 'test', 'system')`, legacy, auth.Hash(secret)); err != nil {
		t.Fatal(err)
	}
	a.tokens[auth.Role(legacy)] = secret
	if got := a.call(auth.Role(legacy), http.MethodGet, "/v1/people", ""); got.status != http.StatusUnauthorized {
		t.Errorf("GET /v1/people with a token for the person system: %d %v, want 401", got.status, got.body)
	}
	if _, _, err := a.srv.ActingAs(ctx, legacy); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("console session on it: %v, want not found", err)
	}
}
