package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// fieldCodes lists a problem's errors as "field code".
func (r response) fieldCodes() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		m := e.(map[string]any)
		out = append(out, m["field"].(string)+" "+m["code"].(string))
	}
	return out
}

// Bad input is one 400 naming every bad field: a bad path parameter, a bad If-Match
// and the body's bad fields together, not the path's alone.
func TestA400NamesThePathTheHeaderAndTheBodyTogether(t *testing.T) {
	a, owned, _, _ := actingAPI(t)
	a.admin("PUT", "/v1/calendars/office", officeHours, http.StatusCreated)
	for _, tc := range []struct {
		role       auth.Role
		method     string
		path, body string
		header     []string
		fields     []string
	}{
		{auth.RoleAdmin, "PUT", "/v1/teams/Bad!Id", `{"name":"","lead_id":"Bad Id!"}`, nil,
			[]string{"id", "name", "lead_id"}},
		{auth.RoleAdmin, "PUT", "/v1/teams/Bad!Id", `{"name":"Care"}`, []string{"If-Match", "yesterday"},
			[]string{"id", "If-Match"}},
		{auth.RoleAdmin, "PUT", "/v1/people/Bad!Id", `{"name":"Ann","role":"agent","team_id":"Bad Id!"}`, nil,
			[]string{"id", "team_id"}},
		{auth.RoleAdmin, "PUT", "/v1/calendars/Bad!Id", `{"name":"","time_zone":"Asia/Shanghai"}`, nil,
			[]string{"id", "name", "weekly_hours"}},
		{auth.RoleAdmin, "PUT", "/v1/integrations/Bad!Id", `{"name":"","callback_url":"ftp://crm.example.com/cb"}`, nil,
			[]string{"id", "name", "callback_url"}},
		{auth.RoleAdmin, "PUT", "/v1/routing/nocat?tier=x", `{"team_id":"","owner_id":"Bad Id!"}`, []string{"If-Match", "garbage"},
			[]string{"category", "tier", "team_id", "owner_id", "If-Match"}},
		{auth.RoleAdmin, "PUT", "/v1/sla-policies/urgent/high", `{"first_response":"abc"}`, nil,
			[]string{"urgency", "first_response"}},
		{auth.RoleAdmin, "PUT", "/v1/sla-policies/urgent/vip", `{"first_response":"2h","resolution":"1h"}`, []string{"If-Match", "yesterday"},
			[]string{"urgency", "tier", "If-Match", "resolution"}},
		{auth.RoleAdmin, "PUT", "/v1/sla-policies/sources/nowhere/urgent/*", `{"first_response":"abc"}`, nil,
			[]string{"source", "urgency", "first_response"}},
		// A malformed escalation number is bad input, named with the body's problems.
		{"dora", "POST", "/v1/complaints/" + owned.ID + "/escalations/first/decision", `{"decision":"maybe"}`, nil,
			[]string{"seq", "decision"}},
		{"dora", "POST", "/v1/complaints/" + owned.ID + "/escalations/0/decision", `{"decision":"maybe"}`, nil,
			[]string{"seq", "decision"}},
	} {
		r := a.call(tc.role, tc.method, tc.path, tc.body, tc.header...)
		if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), tc.fields) {
			t.Errorf("%s %s %s %v: got %d %v, want 400 naming %v", tc.method, tc.path, tc.body, tc.header, r.status, r.body, tc.fields)
		}
	}
	if r := a.admin("GET", "/v1/teams", "", http.StatusOK); len(r.body["items"].([]any)) != 2 {
		t.Errorf("a refused PUT created a team: %v", r.body)
	}
}

// A malformed value is invalid_format, a missing one required, and a parameter is
// named once.
func TestQueryProblemsHaveTheirOwnCodeOnce(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/calendars/office", officeHours, http.StatusCreated)
	a.fileDirect("cust-codes", "c1", "late", "medium")
	for _, tc := range []struct {
		path  string
		codes []string
	}{
		{"/v1/calendars/office?from=yesterday&add=abc", []string{"from invalid_format", "add invalid_format"}},
		{"/v1/calendars/office?add=1h", []string{"from required"}},
		{"/v1/calendars/office?from=2025-01-06T09:00:00Z", []string{"add required"}},
		// A customer's history takes no cursor (its two lists page on by their links):
		// the document does not declare one, so it is refused before the values are read.
		{"/v1/customers/c1?cursor=zzz", []string{"cursor unknown_field"}},
		{"/v1/customers/c1?cursor=zzz&limit=0", []string{"cursor unknown_field"}},
		{"/v1/customers/c1?limit=0", []string{"limit out_of_range"}},
	} {
		r := a.call(auth.RoleAdmin, "GET", tc.path, "")
		if r.status != http.StatusBadRequest || !slices.Equal(r.fieldCodes(), tc.codes) {
			t.Errorf("GET %s: got %d %v, want 400 with %v", tc.path, r.status, r.body, tc.codes)
		}
	}
}

// The operations that need no token check their path and query as every route
// does, and the document says so: a 400 it describes (the checked handler holds the
// answer to the document).
func TestOperationsWithoutATokenDocumentTheirBadRequest(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, path := range []string{"/healthz?probe=%01", "/readyz?probe=%01", "/metrics?probe=%01",
		"/v1/openapi.json?probe=%01", "/v1/docs?probe=%01", "/v1/surveys/%00"} {
		r := a.call("", "GET", path, "")
		if r.status != http.StatusBadRequest || r.body["code"] != "invalid_request" {
			t.Errorf("GET %s: got %d %v, want 400 invalid_request", path, r.status, r.body)
		}
	}
}

// GET /v1/complaints/{id} sends both business-time countdowns, null once a clock
// has stopped or when there is none, as the document says; listings send neither.
func TestBusinessLeftIsNullOnceTheClockHasStopped(t *testing.T) {
	a := newDirectoryAPI(t)
	c := a.fileDirect("left-null", "c1", "late", "medium")
	if _, err := a.store.DB().Exec(`UPDATE complaints SET first_response_at = now(), resolution_due_at = NULL WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	got := sla(a.admin("GET", "/v1/complaints/"+c.ID, "", http.StatusOK).body)
	for _, name := range []string{"first_response_business_left_seconds", "resolution_business_left_seconds"} {
		if v, sent := got[name]; !sent || v != nil {
			t.Errorf("%s: sent %v, value %v; want null", name, sent, v)
		}
	}
	listed := a.admin("GET", "/v1/complaints", "", http.StatusOK).body["items"].([]any)
	for _, name := range []string{"first_response_business_left_seconds", "resolution_business_left_seconds"} {
		if _, sent := sla(listed[0].(map[string]any))[name]; sent {
			t.Errorf("the listing sends %s", name)
		}
	}
}

// A DELETE with a bad path and a bad If-Match names both.
func TestADeleteNamesThePathAndTheIfMatchTogether(t *testing.T) {
	a := newDirectoryAPI(t)
	r := a.call(auth.RoleAdmin, "DELETE", "/v1/sla-policies/sources/nowhere/high/*", "", "If-Match", "yesterday")
	if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), []string{"source", "If-Match"}) {
		t.Errorf("got %d %v, want 400 naming [source If-Match]", r.status, r.body)
	}
	r = a.call(auth.RoleAdmin, "DELETE", "/v1/routing/nocat?tier=x", "", "If-Match", "garbage")
	if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), []string{"category", "tier", "If-Match"}) {
		t.Errorf("routing: got %d %v, want 400 naming [category tier If-Match]", r.status, r.body)
	}
}
