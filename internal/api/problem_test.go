package api_test

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// A body with four different problems gets one 400 naming all four, each with
// its code and full JSON pointer; the wrong-typed field is not also "required",
// and a field's name is matched exactly ("Description" is not description).
func TestOneBodyWithFourErrorsIsOneProblem(t *testing.T) {
	a := newDirectoryAPI(t)
	body := `{"channel": "email", "customer": {"id": "c1", "name": "Ann", "tier": "high", "vip": true},
		"category": "product", "urgency": "high", "subject": 42, "Description": "d"}`
	r := a.call(auth.RoleIntake, http.MethodPost, "/v1/complaints", body)
	if r.status != http.StatusBadRequest || r.body["code"] != "invalid_request" {
		t.Fatalf("got %d %v, want 400 invalid_request", r.status, r.body)
	}
	var got []string
	for _, e := range r.body["errors"].([]any) {
		m := e.(map[string]any)
		got = append(got, fmt.Sprintf("%s %s %s", m["pointer"], m["field"], m["code"]))
		if m["message"] == "" {
			t.Errorf("%v has no message", m)
		}
	}
	want := []string{
		"/customer/vip customer.vip unknown_field",
		"/subject subject invalid_type",
		"/Description Description unknown_field",
		"/external_id external_id required",
		"/description description required",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("errors\n got %v\nwant %v", got, want)
	}
}

// Every problem carries a code a program can act on.
func TestEveryProblemHasACode(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, c := range []struct {
		role         auth.Role
		method, path string
		body         string
		status       int
		code         string
	}{
		{"", http.MethodGet, "/v1/teams", "", 401, "unauthorized"},
		{auth.RoleAgent, http.MethodPut, "/v1/teams/t1", `{"name": "T"}`, 403, "forbidden"},
		{auth.RoleAdmin, http.MethodGet, "/v1/nowhere", "", 404, "not_found"},
		{auth.RoleAdmin, http.MethodGet, "/v1/teams/nobody", "", 404, "not_found"},
		{auth.RoleAdmin, http.MethodPut, "/v1/teams/t1", `{"name": `, 400, "malformed_json"},
		{auth.RoleAdmin, http.MethodPut, "/v1/teams/t1", `[1]`, 400, "malformed_json"},
		{auth.RoleAdmin, http.MethodPut, "/v1/teams/t1", `{"name": ""}`, 400, "invalid_request"},
		{auth.RoleAdmin, http.MethodPut, "/v1/teams/t1", `{"name": "` + strings.Repeat("x", 70<<10) + `"}`, 413, "payload_too_large"},
		{auth.RoleAdmin, http.MethodGet, "/v1/people?colour=red", "", 400, "invalid_request"},
	} {
		r := a.call(c.role, c.method, c.path, c.body)
		if r.status != c.status || r.body["code"] != c.code {
			t.Errorf("%s %s: got %d %v, want %d %s", c.method, c.path, r.status, r.body["code"], c.status, c.code)
		}
		for _, e := range asList(r.body["errors"]) {
			if code, _ := e.(map[string]any)["code"].(string); code == "" {
				t.Errorf("%s %s: field error without a code: %v", c.method, c.path, e)
			}
		}
	}
}

func asList(x any) []any { l, _ := x.([]any); return l }

// A 403 says in words what the role may not do, never the method and path.
func TestForbiddenReadsAsASentence(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, c := range []struct {
		role         auth.Role
		method, path string
		want         string
	}{
		{auth.RoleAgent, http.MethodPost, "/v1/complaints/x/escalations/1/decision", "role agent may not decide escalations"},
		{auth.RoleIntake, http.MethodPut, "/v1/teams/t1", "role intake may not write teams"},
		{auth.RoleAgent, http.MethodPut, "/v1/sla-policies/high/high", "role agent may not change SLA policies"},
	} {
		r := a.call(c.role, c.method, c.path, `{}`)
		if r.status != http.StatusForbidden || r.body["detail"] != c.want {
			t.Errorf("%s %s: got %d %q, want 403 %q", c.method, c.path, r.status, r.body["detail"], c.want)
		}
	}
}

// Every route the package registers has its action worded in routeActions.
func TestEveryRouteHasAnActionPhrase(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	route := regexp.MustCompile(`mux\.Handle\("([A-Z]+ /v1/[^"]*)",\s*s\.authorize`)
	var n int
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range route.FindAllStringSubmatch(string(src), -1) {
			n++
			if _, ok := api.RouteActions()[m[1]]; !ok {
				t.Errorf("%s: route %q has no phrase in routeActions", f.Name(), m[1])
			}
		}
	}
	if n < 60 {
		t.Errorf("found only %d routes; has the registration's form changed?", n)
	}
}

// A route without a phrase is worded from its pattern, never echoing it.
func TestActionOfWordsUnlistedRoutes(t *testing.T) {
	for pattern, want := range map[string]string{
		"POST /v1/things/{id}/archive":                        "archive things",
		"GET /v1/things":                                      "read things",
		"DELETE /v1/thing-groups/{id}":                        "delete thing groups",
		"POST /v1/complaints/{id}/escalations/{seq}/decision": "decide escalations",
	} {
		if got := api.ActionOf(pattern); got != want {
			t.Errorf("actionOf(%q) = %q, want %q", pattern, got, want)
		}
	}
}
