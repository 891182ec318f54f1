package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/api/openapi"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/null"
)

// storedWebhookSecret is the key the store holds for a person ("" for none).
func (a *directoryAPI) storedWebhookSecret(id string) string {
	a.t.Helper()
	p, err := a.store.Person(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return null.Value(p.WebhookSecret)
}

// A person given a webhook gets a signing key of their own, shown in that answer
// only, as an integration's secret is; an admin rotates it; no read shows it.
func TestPersonWebhookSecretIsShownOnceAndRotated(t *testing.T) {
	a := newDirectoryAPI(t)
	created := a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusCreated)
	secret, _ := created.body["webhook_secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") || a.storedWebhookSecret("ann") != secret {
		t.Fatalf("created: %v, want the person's own key shown once", created.body)
	}
	for _, r := range []response{
		a.admin("GET", "/v1/people/ann", "", http.StatusOK),
		a.call(auth.RoleAgent, "GET", "/v1/people/ann", ""),
		// Kept while the person keeps a webhook, whatever its URL.
		a.admin("PUT", "/v1/people/ann", `{"name":"Ann L","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusOK),
		a.admin("PUT", "/v1/people/ann", `{"name":"Ann L","role":"agent","webhook_url":"https://hooks.example.com/v2/ann"}`, http.StatusOK),
	} {
		if _, shown := r.body["webhook_secret"]; shown || r.body["id"] != "ann" {
			t.Errorf("%v: the key is shown again", r.body)
		}
	}
	if got := a.storedWebhookSecret("ann"); got != secret {
		t.Errorf("after updates the key is %q, want %q kept", got, secret)
	}
	for _, item := range a.admin("GET", "/v1/people", "", http.StatusOK).body["items"].([]any) {
		if _, shown := item.(map[string]any)["webhook_secret"]; shown {
			t.Errorf("list: %v shows the key", item)
		}
	}

	rotated := a.admin("POST", "/v1/people/ann/webhook-secret", "", http.StatusOK)
	newSecret, _ := rotated.body["webhook_secret"].(string)
	if !strings.HasPrefix(newSecret, "whsec_") || newSecret == secret || a.storedWebhookSecret("ann") != newSecret {
		t.Errorf("rotated: %v, want a new key shown once (stored %q)", rotated.body, a.storedWebhookSecret("ann"))
	}
	if rotated.header.Get("ETag") == "" || rotated.body["updated_by"] == nil {
		t.Errorf("rotated: ETag %q, %v", rotated.header.Get("ETag"), rotated.body)
	}
	if _, shown := a.admin("GET", "/v1/people/ann", "", http.StatusOK).body["webhook_secret"]; shown {
		t.Error("the rotated key is shown again")
	}

	// Rotation is the admin's, against the person's version when asked.
	if r := a.call(auth.RoleManager, "POST", "/v1/people/ann/webhook-secret", ""); r.status != http.StatusForbidden {
		t.Errorf("manager rotating: %d, want 403", r.status)
	}
	if r := a.call(auth.RoleAdmin, "POST", "/v1/people/ann/webhook-secret", "", "If-Match", "yesterday"); r.status != http.StatusBadRequest ||
		!slices.Equal(r.fields(), []string{"If-Match"}) {
		t.Errorf("bad If-Match: %d, blamed %v", r.status, r.fields())
	}
	stale := a.call(auth.RoleAdmin, "POST", "/v1/people/ann/webhook-secret", "", "If-Match", created.header.Get("ETag"))
	if stale.status != http.StatusPreconditionFailed || a.storedWebhookSecret("ann") != newSecret {
		t.Errorf("stale If-Match: %d, key %q, want 412 and the key kept", stale.status, a.storedWebhookSecret("ann"))
	}
	a.admin("POST", "/v1/people/ghost/webhook-secret", "", http.StatusNotFound)
	a.admin("PUT", "/v1/people/bob", `{"name":"Bob","role":"agent","email":"bob@example.com"}`, http.StatusCreated)
	if r := a.admin("POST", "/v1/people/bob/webhook-secret", "", http.StatusConflict); !slices.Equal(r.fields(), []string{"webhook_url"}) {
		t.Errorf("rotating without a webhook: blamed %v", r.fields())
	}

	// Without a webhook the key goes; a webhook given again comes with a new one.
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann L","role":"agent"}`, http.StatusOK)
	if got := a.storedWebhookSecret("ann"); got != "" {
		t.Errorf("webhook removed, key %q kept", got)
	}
	again := a.admin("PUT", "/v1/people/ann", `{"name":"Ann L","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusOK)
	if s, _ := again.body["webhook_secret"].(string); s == "" || s == newSecret || a.storedWebhookSecret("ann") != s {
		t.Errorf("webhook given again: %v, want a new key", again.body)
	}
}

// A webhook set before people had keys keeps none (its webhooks stay signed with
// the shared key) until an admin rotates, which gives it one.
func TestWebhookSetBeforeKeysIsSignedWithTheSharedKeyUntilRotated(t *testing.T) {
	a := newDirectoryAPI(t)
	if _, err := a.store.DB().ExecContext(context.Background(),
		`INSERT INTO people (id, name, role, webhook_url, updated_by) VALUES ('old', 'Old', 'agent', 'https://hooks.example.com/old', 'test')`); err != nil {
		t.Fatal(err)
	}
	r := a.admin("PUT", "/v1/people/old", `{"name":"Old","role":"manager","webhook_url":"https://hooks.example.com/old"}`, http.StatusOK)
	if _, shown := r.body["webhook_secret"]; shown || a.storedWebhookSecret("old") != "" {
		t.Errorf("updated: %v, key %q; want none issued", r.body, a.storedWebhookSecret("old"))
	}
	rotated := a.admin("POST", "/v1/people/old/webhook-secret", "", http.StatusOK)
	if s, _ := rotated.body["webhook_secret"].(string); s == "" || a.storedWebhookSecret("old") != s {
		t.Errorf("rotated: %v, want a key of their own", rotated.body)
	}
}

// A rotation's answer says until when the replaced key still signs: a day from now
// by default, the body's grace_seconds when given, and nothing when that is 0. A
// grace out of bounds or an unknown field is a 400 naming it, and rotates nothing;
// If-Match holds as without a body.
func TestRotationAnswersUntilWhenTheOldKeySigns(t *testing.T) {
	a := newDirectoryAPI(t)
	created := a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusCreated)
	for _, tc := range []struct {
		body string
		want time.Duration // 0: no window, no field
	}{{"", 24 * time.Hour}, {`{}`, 24 * time.Hour}, {`{"grace_seconds":3600}`, time.Hour}, {`{"grace_seconds":604800}`, 7 * 24 * time.Hour},
		{`{"grace_seconds":0}`, 0}} {
		before := time.Now()
		r := a.admin("POST", "/v1/people/ann/webhook-secret", tc.body, http.StatusOK)
		until, shown := r.body["previous_key_valid_until"].(string)
		if tc.want == 0 {
			if shown {
				t.Errorf("%s: previous_key_valid_until %s, want none", tc.body, until)
			}
			continue
		}
		at, err := time.Parse(time.RFC3339, until)
		if err != nil || at.Before(before.Add(tc.want-time.Second)) || at.After(time.Now().Add(tc.want+time.Second)) {
			t.Errorf("%s: previous_key_valid_until %q, want %v from now", tc.body, until, tc.want)
		}
	}
	key := a.storedWebhookSecret("ann")
	for body, field := range map[string]string{`{"grace_seconds":-1}`: "grace_seconds", `{"grace_seconds":604801}`: "grace_seconds",
		`{"grace_seconds":"1h"}`: "grace_seconds", `{"grace":60}`: "grace"} {
		if r := a.call(auth.RoleAdmin, "POST", "/v1/people/ann/webhook-secret", body); r.status != http.StatusBadRequest ||
			!slices.Equal(r.fields(), []string{field}) || a.storedWebhookSecret("ann") != key {
			t.Errorf("%s: %d, blamed %v; want 400 naming %s and the key kept", body, r.status, r.fields(), field)
		}
	}
	stale := a.call(auth.RoleAdmin, "POST", "/v1/people/ann/webhook-secret", `{"grace_seconds":60}`, "If-Match", created.header.Get("ETag"))
	if stale.status != http.StatusPreconditionFailed || a.storedWebhookSecret("ann") != key {
		t.Errorf("stale If-Match with a grace: %d, want 412 and the key kept", stale.status)
	}
	current := a.admin("GET", "/v1/people/ann", "", http.StatusOK).header.Get("ETag")
	r := a.call(auth.RoleAdmin, "POST", "/v1/people/ann/webhook-secret", `{"grace_seconds":60}`, "If-Match", current)
	if _, shown := r.body["previous_key_valid_until"]; r.status != http.StatusOK || !shown {
		t.Errorf("current If-Match with a grace: %d %v, want 200 saying until when", r.status, r.body)
	}
}

// A rotation's body is optional however it comes: an empty chunked one (its length
// unknown until read) or one of whitespace is no grace given, as no body is, not a
// 400 for an empty body. (Without the document's checks, whose validator cannot
// read a body of whitespace as none.)
func TestRotationWithAnEmptyChunkedBodyTakesTheDefaultGrace(t *testing.T) {
	srv := newAPIServer(t, false, false)
	a := &directoryAPI{t: t, url: srv.url, srv: srv.srv, store: srv.store, tokens: roleTokens(t, srv.store, "test-")}
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusCreated)
	for _, body := range []string{"", " \r\n\t"} {
		before := time.Now()
		status, got := postChunked(t, a.url+"/v1/people/ann/webhook-secret", a.tokens[auth.RoleAdmin], body)
		until, _ := got["previous_key_valid_until"].(string)
		at, perr := time.Parse(time.RFC3339, until)
		if status != http.StatusOK || perr != nil || at.Before(before.Add(api.WebhookKeyGrace-time.Second)) {
			t.Errorf("chunked body %q: %d %v, want 200 with the old key signing a day", body, status, got)
		}
	}
}

// A rotation names a person who exists: If-Match "seed" (no version yet) is a bad
// If-Match, not a 412 reporting a zero-time version.
func TestRotateWebhookSecretRefusesIfMatchSeed(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusCreated)
	key := a.storedWebhookSecret("ann")
	r := a.call(auth.RoleAdmin, "POST", "/v1/people/ann/webhook-secret", "", "If-Match", `"seed"`)
	if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), []string{"If-Match"}) || a.storedWebhookSecret("ann") != key {
		t.Errorf(`If-Match "seed": %d, blamed %v, key kept %v; want 400 naming If-Match`, r.status, r.fields(), a.storedWebhookSecret("ann") == key)
	}
}

// The document declares webhook_secret only in the answers that issue a key: a
// person's PUT and the rotation; no read or list says it may be there.
func TestOnlyTheKeyIssuingAnswersDeclareTheWebhookSecret(t *testing.T) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var declaring []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, res := range op.Responses.Map() {
				if !strings.HasPrefix(status, "2") || res.Value == nil {
					continue
				}
				for _, media := range res.Value.Content {
					if media.Schema != nil && declares(media.Schema.Value, "webhook_secret", map[*openapi3.Schema]bool{}) {
						declaring = append(declaring, method+" "+path+" "+status)
					}
				}
			}
		}
	}
	slices.Sort(declaring)
	want := []string{"POST /v1/people/{id}/webhook-secret 200", "PUT /v1/people/{id} 200", "PUT /v1/people/{id} 201"}
	if !slices.Equal(declaring, want) {
		t.Errorf("answers declaring webhook_secret: %v, want %v", declaring, want)
	}
}

// declares reports whether s, or a schema within it, has the property name.
func declares(s *openapi3.Schema, name string, seen map[*openapi3.Schema]bool) bool {
	if s == nil || seen[s] {
		return false
	}
	seen[s] = true
	if _, ok := s.Properties[name]; ok {
		return true
	}
	var within []*openapi3.SchemaRef
	for _, p := range s.Properties {
		within = append(within, p)
	}
	within = append(append(append(within, s.AllOf...), s.OneOf...), s.AnyOf...)
	if s.Items != nil {
		within = append(within, s.Items)
	}
	for _, ref := range within {
		if ref != nil && declares(ref.Value, name, seen) {
			return true
		}
	}
	return false
}

// A person's reading says until when the key their last rotation replaced still
// signs (null when none does: no rotation, one without a grace, a window past), to
// admins, who rotate it; other readers see null, as they do the webhook's URL.
func TestPersonSaysUntilWhenThePreviousKeySigns(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","webhook_url":"https://hooks.example.com/ann"}`, http.StatusCreated)
	until := func(role auth.Role) (any, any) {
		t.Helper()
		one := a.as(role, "GET", "/v1/people/ann", "", http.StatusOK)
		v, present := one.body["webhook_previous_key_until"]
		if !present {
			t.Fatalf("%s GET /v1/people/ann: webhook_previous_key_until missing, want it present (null when none)", role)
		}
		for _, p := range a.as(role, "GET", "/v1/people", "", http.StatusOK).body["items"].([]any) {
			if p := p.(map[string]any); p["id"] == "ann" {
				return v, p["webhook_previous_key_until"]
			}
		}
		t.Fatalf("%s GET /v1/people: no ann", role)
		return nil, nil
	}
	if one, listed := until(auth.RoleAdmin); one != nil || listed != nil {
		t.Errorf("before any rotation: %v, %v, want null", one, listed)
	}
	rotated := a.admin("POST", "/v1/people/ann/webhook-secret", `{"grace_seconds":3600}`, http.StatusOK).body["previous_key_valid_until"]
	if one, listed := until(auth.RoleAdmin); rotated == nil || one != rotated || listed != rotated {
		t.Errorf("after a rotation keeping the old key until %v: %v, %v", rotated, one, listed)
	}
	if one, listed := until(auth.RoleManager); one != nil || listed != nil {
		t.Errorf("a manager reads %v, %v, want null", one, listed)
	}
	a.admin("POST", "/v1/people/ann/webhook-secret", `{"grace_seconds":0}`, http.StatusOK)
	if one, _ := until(auth.RoleAdmin); one != nil {
		t.Errorf("after a rotation without a grace: %v, want null", one)
	}
	a.admin("POST", "/v1/people/ann/webhook-secret", `{"grace_seconds":1}`, http.StatusOK)
	time.Sleep(1100 * time.Millisecond)
	if one, _ := until(auth.RoleAdmin); one != nil {
		t.Errorf("after the window passed: %v, want null", one)
	}
}
