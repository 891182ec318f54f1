package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
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
