package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

func TestIntegrationsRefuseBadInputAndChangeNothing(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, tc := range []struct {
		path, body string
		want       []string
	}{
		{"/v1/integrations/crm", `{"name":"CRM","callback_url":"ftp://crm.example.com/cb"}`, []string{"callback_url"}},
		{"/v1/integrations/crm", `{"name":"CRM","callback_url":"/relative"}`, []string{"callback_url"}},
		{"/v1/integrations/crm", `{"callback_url":"not a url"}`, []string{"name", "callback_url"}},
		{"/v1/integrations/crm", `{"name":"","callback_url":""}`, []string{"name", "callback_url"}},
		{"/v1/integrations/crm", `{"name":"CRM","callback_url":"https://crm.example.com/cb","secret":"mine"}`, []string{"secret"}},
		{"/v1/integrations/CRM!", `{"name":"CRM","callback_url":"https://crm.example.com/cb"}`, []string{"id"}},
	} {
		r := a.admin("PUT", tc.path, tc.body, http.StatusBadRequest)
		if got := r.fields(); !slices.Equal(got, tc.want) {
			t.Errorf("PUT %s %s: blamed %v, want %v", tc.path, tc.body, got, tc.want)
		}
	}
	a.admin("GET", "/v1/integrations/crm", "", http.StatusNotFound)
	if r := a.admin("GET", "/v1/integrations", "", http.StatusOK); len(r.body["items"].([]any)) != 0 {
		t.Errorf("integrations after refused writes: %v, want none", r.body["items"])
	}
	for _, role := range []auth.Role{auth.RoleIntake, auth.RoleAgent, auth.RoleManager, auth.RoleQuality} {
		if r := a.call(role, "PUT", "/v1/integrations/crm", `{"name":"CRM","callback_url":"https://crm.example.com/cb"}`); r.status != http.StatusForbidden {
			t.Errorf("%s: got %d, want 403", role, r.status)
		}
	}
}

func TestIntegrationSecretIsShownOnce(t *testing.T) {
	a := newDirectoryAPI(t)
	created := a.admin("PUT", "/v1/integrations/crm", `{"name":"CRM","callback_url":"https://crm.example.com/cb"}`, http.StatusCreated)
	secret, _ := created.body["secret"].(string)
	if secret == "" || created.body["callback_url"] != "https://crm.example.com/cb" || created.header.Get("Location") != "/v1/integrations/crm" {
		t.Fatalf("created: %v, want the secret shown once", created.body)
	}
	for _, r := range []response{
		a.admin("GET", "/v1/integrations/crm", "", http.StatusOK),
		a.admin("PUT", "/v1/integrations/crm", `{"name":"CRM 2","callback_url":"https://crm.example.com/v2"}`, http.StatusOK),
	} {
		if _, shown := r.body["secret"]; shown || r.body["id"] != "crm" {
			t.Errorf("%v: the secret is shown again", r.body)
		}
	}
	list := a.admin("GET", "/v1/integrations", "", http.StatusOK).body["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["secret"] != nil || list[0].(map[string]any)["name"] != "CRM 2" {
		t.Errorf("list: %v", list)
	}
	rotated := a.admin("PUT", "/v1/integrations/crm", `{"name":"CRM 2","callback_url":"https://crm.example.com/v2","rotate_secret":true}`, http.StatusOK)
	if s, _ := rotated.body["secret"].(string); s == "" || s == secret {
		t.Errorf("rotated: secret %q, want a new one shown once", s)
	}

	// Tokens: only intake tokens belong to an integration, and only to a live one.
	for _, tc := range []struct{ body, want string }{
		{`{"role":"agent","name":"x","integration_id":"crm"}`, "integration_id"},
		{`{"role":"intake","name":"x","integration_id":"ghost"}`, "integration_id"},
	} {
		if r := a.admin("POST", "/v1/tokens", tc.body, http.StatusBadRequest); !slices.Equal(r.fields(), []string{tc.want}) {
			t.Errorf("POST /v1/tokens %s: blamed %v", tc.body, r.fields())
		}
	}
	tok := a.admin("POST", "/v1/tokens", `{"role":"intake","name":"crm-intake","integration_id":"crm"}`, http.StatusCreated)
	if tok.body["integration_id"] != "crm" {
		t.Errorf("token: %v, want bound to crm", tok.body)
	}

	if r := a.admin("GET", "/v1/integrations/crm/deliveries", "", http.StatusOK); len(r.body["items"].([]any)) != 0 {
		t.Errorf("deliveries: %v, want none yet", r.body)
	}
	if r := a.admin("GET", "/v1/integrations/crm/deliveries?limit=0&page=2", "", http.StatusBadRequest); !slices.Equal(sorted(r.fields()), []string{"page"}) {
		t.Errorf("bad deliveries query: blamed %v", r.fields())
	}
	if r := a.admin("GET", "/v1/integrations/crm/deliveries?limit=0", "", http.StatusBadRequest); !slices.Equal(sorted(r.fields()), []string{"limit"}) {
		t.Errorf("bad deliveries limit: blamed %v", r.fields())
	}
	a.admin("GET", "/v1/integrations/ghost/deliveries", "", http.StatusNotFound)

	a.admin("DELETE", "/v1/integrations/crm", "", http.StatusNoContent)
	a.admin("GET", "/v1/integrations/crm", "", http.StatusNotFound)
	a.admin("DELETE", "/v1/integrations/crm", "", http.StatusNotFound)
	// Its delivery log stays readable.
	a.admin("GET", "/v1/integrations/crm/deliveries", "", http.StatusOK)
	// Registered again, it is a new integration with a new secret.
	again := a.admin("PUT", "/v1/integrations/crm", `{"name":"CRM","callback_url":"https://crm.example.com/cb"}`, http.StatusOK)
	if s, _ := again.body["secret"].(string); s == "" {
		t.Errorf("re-registered: %v, want a new secret", again.body)
	}
}

func sorted(xs []string) []string {
	slices.Sort(xs)
	return xs
}
