package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// The event log records the customer's own steps (the survey's answer, the close or
// reopening it decides) as complaint.ActorCustomer, and the training-gap reopen rate
// counts a reopening by it as the customer's: a person may not take that ID.
func TestAPersonCannotTakeTheCustomersID(t *testing.T) {
	a := newDirectoryAPI(t)
	got := a.call(auth.RoleAdmin, http.MethodPut, "/v1/people/"+complaint.ActorCustomer, `{"name":"Cass","role":"agent"}`)
	if got.status != http.StatusBadRequest || strings.Join(got.fields(), ",") != "id" {
		t.Fatalf("PUT /v1/people/%s: got %d naming %v, want 400 naming id", complaint.ActorCustomer, got.status, got.fields())
	}
	e := got.body["errors"].([]any)[0].(map[string]any)
	if e["code"] != "invalid" || !strings.Contains(e["message"].(string), "reserved") {
		t.Errorf("error %v", e)
	}
	a.admin("GET", "/v1/people/"+complaint.ActorCustomer, "", http.StatusNotFound)
	a.admin("PUT", "/v1/people/customer-care", `{"name":"Cass","role":"agent"}`, http.StatusCreated)
}

// A token for no person acts under its name: it may not be the customer's either. A
// token acting for a person acts as them, whatever its name.
func TestATokenForNoPersonCannotActAsTheCustomer(t *testing.T) {
	a := newDirectoryAPI(t)
	got := a.call(auth.RoleAdmin, http.MethodPost, "/v1/tokens", `{"role":"agent","name":"`+complaint.ActorCustomer+`"}`)
	if got.status != http.StatusBadRequest || strings.Join(got.fields(), ",") != "name" {
		t.Fatalf("POST /v1/tokens named %s: got %d naming %v, want 400 naming name", complaint.ActorCustomer, got.status, got.fields())
	}
	a.admin("PUT", "/v1/people/cass", `{"name":"Cass","role":"agent"}`, http.StatusCreated)
	a.admin("POST", "/v1/tokens", `{"role":"agent","name":"`+complaint.ActorCustomer+`","person_id":"cass"}`, http.StatusCreated)
}
