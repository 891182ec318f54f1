package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/api/openapi"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// fieldErrors lists a problem's errors as "field code".
func (r response) fieldErrors() []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		m := e.(map[string]any)
		out = append(out, m["field"].(string)+" "+m["code"].(string))
	}
	slices.Sort(out)
	return out
}

// short is a response for a failure message: its status and the start of its body.
func (r response) short() string {
	s := fmt.Sprintf("%d %v", r.status, r.body)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// callRoute sends method path?query to a route as the first role it admits (no
// token when it needs none).
func (a *directoryAPI) callRoute(route api.Route, query string) response {
	a.t.Helper()
	method, _, _ := strings.Cut(route.Pattern, " ")
	path := fill(route.Pattern, func(string) string { return "x" })
	var role auth.Role
	if len(route.Roles) > 0 {
		role = route.Roles[0]
	}
	if slices.Contains(route.Roles, auth.RoleAdmin) {
		role = auth.RoleAdmin // an agent without a person has no notices to list
	}
	body := ""
	if method != http.MethodGet && method != http.MethodDelete {
		body = "{}"
	}
	return a.call(role, method, path+"?"+query, body)
}

// Every route refuses a query parameter its operation in the OpenAPI document does
// not declare, before its handler runs: 400 unknown_field naming it — a filter a
// listing does not have filters nothing, and a flag a POST does not know changes
// nothing, so neither may pass unnoticed. The one exception is the customer's survey
// link (x-query-open), to which mail and tracking tools add their own parameters.
func TestEveryRouteRefusesAQueryParameterItsOperationDoesNotDeclare(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, route := range a.srv.Routes() {
		if route.Pattern == "GET /v1/surveys/{token}" {
			continue // TestSurveyPageScriptSpeaksTheCustomersLanguage opens it with utm_source
		}
		r := a.callRoute(route, "bogus=1")
		if want := []string{"bogus unknown_field"}; r.status != http.StatusBadRequest || !slices.Equal(r.fieldErrors(), want) {
			t.Errorf("%s?bogus=1: got %s, want 400 naming %v", route.Pattern, r.short(), want)
		}
	}
	for _, tc := range []struct {
		method, path, body string
		want               []string
	}{
		{"GET", "/v1/teams?active=false&bogus=1", "", []string{"active unknown_field", "bogus unknown_field"}},
		{"GET", "/v1/sla-policies?urgency=high", "", []string{"urgency unknown_field"}},
		{"GET", "/v1/people?team=ops&tema=ops", "", []string{"tema unknown_field"}},
		// A pair that does not decode is not dropped, as if never sent.
		{"GET", "/v1/pdca-cycles?stage=%ZZ", "", []string{"query invalid_format"}},
		{"GET", "/v1/people?role=agent;team=ops", "", []string{"query invalid_format"}},
		{"POST", "/v1/complaints?dry_run=true", `{"external_id":"dry-1","channel":"web","customer":{"id":"c1","name":"王芳"},` +
			`"category":"logistics","subject":"包裹丢失","description":"详情"}`, []string{"dry_run unknown_field"}},
	} {
		r := a.call(auth.RoleAdmin, tc.method, tc.path, tc.body)
		if r.status != http.StatusBadRequest || !slices.Equal(r.fieldErrors(), tc.want) {
			t.Errorf("%s %s: got %s, want 400 naming %v", tc.method, tc.path, r.short(), tc.want)
		}
	}
	if n := a.count("complaints"); n != 0 {
		t.Errorf("POST /v1/complaints?dry_run=true filed %d complaints", n)
	}
}

// A query parameter the document declares with a single value may be given once,
// on every route: a repetition is 400 not_allowed, never its first value read and
// the rest ignored. Those it declares as lists (type: array) may repeat.
func TestEverySingleValuedQueryParameterRefusesRepetition(t *testing.T) {
	a := newDirectoryAPI(t)
	ops, err := openapi.QueryParameters()
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	for _, route := range a.srv.Routes() {
		for name, list := range ops[route.Pattern] {
			if list {
				lists++
				continue
			}
			r := a.callRoute(route, url.Values{name: {"1", "2"}}.Encode())
			if want := []string{name + " not_allowed"}; r.status != http.StatusBadRequest || !slices.Equal(r.fieldErrors(), want) {
				t.Errorf("%s?%s=1&%[2]s=2: got %s, want 400 naming %v", route.Pattern, name, r.short(), want)
			}
		}
	}
	if lists == 0 {
		t.Error("the document declares no list parameter")
	}
	for _, path := range []string{"/v1/pdca-cycles?stage=plan&stage=bogus", "/v1/qa-queue?status=pending&status=bogus",
		"/v1/risk-alerts?grade=red&grade=bogus", "/v1/improvement-backlog?status=new&status=bogus",
		"/v1/tokens?limit=5&limit=500"} {
		r := a.call(auth.RoleAdmin, "GET", path, "")
		if r.status != http.StatusBadRequest || len(r.fieldErrors()) != 1 || !strings.HasSuffix(r.fieldErrors()[0], " not_allowed") {
			t.Errorf("GET %s: got %s, want 400 not_allowed", path, r.short())
		}
	}
	// Lists: repeated or comma-separated, the same.
	for _, path := range []string{"/v1/complaints?status=open&status=resolved", "/v1/complaints?status=open,resolved",
		"/v1/notifications?status=pending&status=sent"} {
		a.as(auth.RoleAdmin, "GET", path, "", http.StatusOK)
	}
	// A single-valued filter takes no comma list: the value is checked as one.
	if r := a.call(auth.RoleAdmin, "GET", "/v1/escalations?status=pending,approved", ""); r.status != http.StatusBadRequest ||
		!slices.Equal(r.fieldErrors(), []string{"status not_allowed"}) {
		t.Errorf("GET /v1/escalations?status=pending,approved: got %s, want 400 naming status", r.short())
	}
}
