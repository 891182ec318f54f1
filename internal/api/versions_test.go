package api_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// Whatever a PUT changes — an SLA policy, a source policy, the classification
// rules, a customer text, a team, a person, a routing rule, a calendar, an
// integration, the compensation limits, the service star weights, the QA
// scorecard, the review rules, the risk thresholds, the KPI targets — answers its
// version as the ETag and takes If-Match: a
// change against another version is 412 precondition_failed naming who changed it,
// and changes nothing; against the version now it is made.
func TestEditsAgainstAnOlderVersionAreRefused(t *testing.T) {
	a := newDirectoryAPI(t)
	rules := `{"rules":[{"dimension":"urgency","value":"high","keywords":["%s"],"priority":9}]}`
	for _, tc := range []struct {
		name, path, read string
		first, second    string // two bodies, each a change
		seed             bool   // the resource starts with no version ("seed": defaults, or none)
		create           bool   // the first change creates it (201)
		after            string // where to read it after a refused change, if not read
	}{
		{name: "an SLA policy", path: "/v1/sla-policies/high/high",
			first: `{"first_response":"1h"}`, second: `{"first_response":"30m"}`},
		{name: "a source policy", path: "/v1/sla-policies/sources/social_mention/*/high", seed: true, create: true,
			first: `{"first_response":"1h"}`, second: `{"first_response":"30m"}`},
		{name: "the classification rules", path: "/v1/classification-rules", read: "/v1/classification-rules",
			first: fmt.Sprintf(rules, "起火"), second: fmt.Sprintf(rules, "爆炸")},
		{name: "a customer text", path: "/v1/message-templates/progress/en", read: "/v1/message-templates/progress/en", seed: true, create: true,
			first: `{"subject":"Progress","body":"first"}`, second: `{"subject":"Progress","body":"second"}`},
		{name: "a team", path: "/v1/teams/care", seed: true, create: true, after: "/v1/teams/care",
			first: `{"name":"Care"}`, second: `{"name":"Customer care"}`},
		{name: "a person", path: "/v1/people/ann", seed: true, create: true, after: "/v1/people/ann",
			first: `{"name":"Ann","role":"agent"}`, second: `{"name":"Ann Li","role":"team_lead"}`},
		{name: "a routing rule", path: "/v1/routing/logistics", seed: true, create: true,
			first: `{"team_id":"care"}`, second: `{"team_id":"care","owner_id":"ann"}`},
		{name: "a calendar", path: "/v1/calendars/office", seed: true, create: true, after: "/v1/calendars/office",
			first:  `{"name":"Office","time_zone":"UTC","weekly_hours":{"mon":[{"start":"09:00","end":"18:00"}]}}`,
			second: `{"name":"Office","time_zone":"Asia/Shanghai","weekly_hours":{"mon":[{"start":"09:00","end":"18:00"}]}}`},
		{name: "an integration", path: "/v1/integrations/crm", seed: true, create: true, after: "/v1/integrations/crm",
			first: `{"name":"CRM","callback_url":"https://crm.example.com/cb"}`, second: `{"name":"CRM 2","callback_url":"https://crm.example.com/cb"}`},
		{name: "the compensation limits", path: "/v1/compensation-limits", read: "/v1/compensation-limits",
			first:  `{"items":[{"role":"agent","kind":"refund","currency":"CNY","amount":300}]}`,
			second: `{"items":[{"role":"agent","kind":"refund","currency":"CNY","amount":400}]}`},
		{name: "the service star weights", path: "/v1/service-star-weights", read: "/v1/service-star-weights", seed: true,
			first:  `{"quality":40,"satisfaction":30,"resolution":20,"teamwork":10}`,
			second: `{"quality":25,"satisfaction":25,"resolution":25,"teamwork":25}`},
		{name: "the QA scorecard", path: "/v1/qa-scorecard", read: "/v1/qa-scorecard", seed: true,
			first:  `{"criteria":[{"key":"empathy","name":"Empathy","points":100}]}`,
			second: `{"criteria":[{"key":"accuracy","name":"Accuracy","points":100}],"sample_pct":20}`},
		{name: "the review rules", path: "/v1/review-rules", read: "/v1/review-rules", seed: true,
			first: `{"min_volume":5}`, second: `{"min_volume":6}`},
		{name: "the risk thresholds", path: "/v1/risk-thresholds", read: "/v1/risk-thresholds", seed: true,
			first: `{"csat_drop_points":5}`, second: `{"csat_drop_points":6}`},
		{name: "the KPI targets", path: "/v1/kpi-targets", read: "/v1/kpi-targets", seed: true,
			first:  `{"targets":[{"kpi":"resolution_rate_pct","target":80}]}`,
			second: `{"targets":[{"kpi":"resolution_rate_pct","target":85}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := a.in(t)
			var drawn string
			switch {
			case tc.read != "":
				drawn = a.as(auth.RoleAdmin, "GET", tc.read, "", http.StatusOK).header.Get("ETag")
			case tc.seed:
				drawn = `"seed"`
			default:
				drawn = a.as(auth.RoleAdmin, "PUT", tc.path, tc.first, http.StatusOK).header.Get("ETag")
			}
			if tc.seed != (drawn == `"seed"`) || !strings.HasPrefix(drawn, `"`) {
				t.Fatalf("the version before any change: %q", drawn)
			}
			want := http.StatusOK
			if tc.create {
				want = http.StatusCreated
			}
			ann := a.as(auth.RoleAdmin, "PUT", tc.path, tc.first, want, "If-Match", drawn)
			now := ann.header.Get("ETag")
			if u, ok := ann.body["updated_at"]; now == drawn || ok && !strings.Contains(now, fmt.Sprint(u)) {
				t.Errorf("the ETag after the change: %q (was %q), want the updated_at %v quoted", now, drawn, ann.body["updated_at"])
			}
			// Someone who read it before ann's change sends theirs: refused.
			stale := a.as(auth.RoleAdmin, "PUT", tc.path, tc.second, http.StatusPreconditionFailed, "If-Match", drawn)
			if stale.body["code"] != "precondition_failed" || stale.header.Get("ETag") != now ||
				!strings.Contains(fmt.Sprint(stale.body["detail"]), "admin-token changed it") {
				t.Errorf("a change against the version before: %v (ETag %q), want precondition_failed, who changed it and ETag %s",
					stale.body, stale.header.Get("ETag"), now)
			}
			if read := tc.read + tc.after; read != "" {
				if got := a.as(auth.RoleAdmin, "GET", read, "", http.StatusOK); got.header.Get("ETag") != now {
					t.Errorf("after the refused change the ETag is %q, want %q: it changed something", got.header.Get("ETag"), now)
				}
			}
			bad := a.as(auth.RoleAdmin, "PUT", tc.path, tc.second, http.StatusBadRequest, "If-Match", "yesterday")
			if !slices.Equal(bad.fields(), []string{"If-Match"}) {
				t.Errorf("a bad If-Match names %v", bad.fields())
			}
			// Sent against the version now (as the console sends it again), it is made.
			again := a.as(auth.RoleAdmin, "PUT", tc.path, tc.second, http.StatusOK, "If-Match", now)
			if again.header.Get("ETag") == now {
				t.Errorf("the change against the version now kept ETag %s", now)
			}
			a.as(auth.RoleAdmin, "PUT", tc.path, tc.second, http.StatusOK, "If-Match", "*")
		})
	}
}

// A PUT of an SLA policy or of the risk thresholds changes only the fields it
// names (a policy's resolution, left out, means none); without If-Match it is
// merged into what is there when written, so changes of different fields sent at
// once all apply (none undone by another's read of the fields before).
func TestChangesOfDifferentFieldsAllApply(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, tc := range []struct {
		path, read, base string
		fields           map[string]string // field: the value sent, JSON
		find             func(body map[string]any) map[string]any
	}{
		{path: "/v1/sla-policies/medium/low", read: "/v1/sla-policies", base: `"first_response":"2h",`,
			fields: map[string]string{"follow_up": `"2h"`, "decision_time": `"3h"`, "max_extension": `"5h"`,
				"survey_reminder": `"7h"`, "survey_timeout": `"80h"`},
			find: func(body map[string]any) map[string]any {
				for _, it := range body["items"].([]any) {
					if p := it.(map[string]any); p["urgency"] == "medium" && p["tier"] == "low" {
						return p
					}
				}
				return nil
			}},
		{path: "/v1/risk-thresholds", read: "/v1/risk-thresholds",
			fields: map[string]string{"csat_drop_points": "6", "volume_spike_pct": "70", "sla_target_pct": "92",
				"slow_pct": "4", "turnover_pct": "12", "kpi_min_volume": "40"},
			find: func(body map[string]any) map[string]any { return body }},
	} {
		var wg sync.WaitGroup
		statuses := make(chan string, len(tc.fields))
		for f, v := range tc.fields {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("PUT", a.url+tc.path, strings.NewReader(fmt.Sprintf(`{%s"%s":%s}`, tc.base, f, v)))
				req.Header.Set("Authorization", "Bearer "+a.tokens[auth.RoleAdmin])
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					statuses <- err.Error()
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				statuses <- fmt.Sprintf("%s %d %s", f, resp.StatusCode, body)
			}()
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if !strings.Contains(s, " 200 ") {
				t.Errorf("%s: a change: %s", tc.path, s)
			}
		}
		now := tc.find(a.as(auth.RoleAdmin, "GET", tc.read, "", http.StatusOK).body)
		for f, v := range tc.fields {
			want := strings.Trim(v, `"`)
			if strings.HasSuffix(want, "h") {
				want += "0m0s"
			}
			if got := fmt.Sprint(now[f]); got != want {
				t.Errorf("%s: %s is %s, want %s: a change was undone", tc.path, f, got, want)
			}
		}
	}
}

// A delete (or deactivation) sent with If-Match removes only the version named:
// against an older one it is 412 naming who changed it, and nothing goes.
func TestDeletesAgainstAnOlderVersionAreRefused(t *testing.T) {
	a := newDirectoryAPI(t)
	a.as(auth.RoleAdmin, "PUT", "/v1/teams/care", `{"name":"Care"}`, http.StatusCreated)
	for _, tc := range []struct {
		name, path, read, first, second string
		gone                            int // the delete's answer
	}{
		{"a calendar", "/v1/calendars/office", "/v1/calendars/office",
			`{"name":"Office","time_zone":"UTC","weekly_hours":{"mon":[{"start":"09:00","end":"18:00"}]}}`,
			`{"name":"Office hours","time_zone":"UTC","weekly_hours":{"mon":[{"start":"09:00","end":"18:00"}]}}`, http.StatusNoContent},
		{"a routing rule", "/v1/routing/logistics", "", `{"team_id":"care"}`, `{"team_id":"care","owner_id":""}`, http.StatusNoContent},
		{"a person", "/v1/people/ann", "/v1/people/ann", `{"name":"Ann","role":"agent"}`, `{"name":"Ann Li","role":"agent"}`, http.StatusOK},
		{"an integration", "/v1/integrations/crm", "/v1/integrations/crm",
			`{"name":"CRM","callback_url":"https://crm.example.com/cb"}`, `{"name":"CRM 2","callback_url":"https://crm.example.com/cb"}`, http.StatusNoContent},
		{"a source policy", "/v1/sla-policies/sources/social_mention/*/high", "",
			`{"first_response":"1h"}`, `{"first_response":"30m"}`, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := a.in(t)
			older := a.as(auth.RoleAdmin, "PUT", tc.path, tc.first, http.StatusCreated).header.Get("ETag")
			now := a.as(auth.RoleAdmin, "PUT", tc.path, tc.second, http.StatusOK).header.Get("ETag")
			stale := a.as(auth.RoleAdmin, "DELETE", tc.path, "", http.StatusPreconditionFailed, "If-Match", older)
			if stale.body["code"] != "precondition_failed" || stale.header.Get("ETag") != now ||
				!strings.Contains(fmt.Sprint(stale.body["detail"]), "admin-token changed it") {
				t.Errorf("a delete against the version before: %v (ETag %q), want precondition_failed, who and ETag %s",
					stale.body, stale.header.Get("ETag"), now)
			}
			if tc.read != "" {
				if got := a.as(auth.RoleAdmin, "GET", tc.read, "", http.StatusOK); got.header.Get("ETag") != now {
					t.Errorf("after the refused delete: ETag %q, want %q", got.header.Get("ETag"), now)
				}
			}
			bad := a.as(auth.RoleAdmin, "DELETE", tc.path, "", http.StatusBadRequest, "If-Match", "yesterday")
			if !slices.Equal(bad.fields(), []string{"If-Match"}) {
				t.Errorf("a bad If-Match names %v", bad.fields())
			}
			a.as(auth.RoleAdmin, "DELETE", tc.path, "", tc.gone, "If-Match", now)
		})
	}
}

// in is the API for subtest t: its checks fail t, not the test that started it
// (FailNow of a parent from a subtest would end the subtest with a panic).
func (a *directoryAPI) in(t *testing.T) *directoryAPI {
	sub := *a
	sub.t = t
	return &sub
}
