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

// What admins edit whole — an SLA policy, a source policy, the classification
// rules, a customer text, a team, a person, a routing rule, a calendar — answers
// its version as the ETag and takes If-Match: a
// change against another version is 412 precondition_failed naming who changed it,
// and changes nothing; against the version now it is made.
func TestEditsAgainstAnOlderVersionAreRefused(t *testing.T) {
	a := newDirectoryAPI(t)
	rules := `{"rules":[{"dimension":"urgency","value":"high","keywords":["%s"],"priority":9}]}`
	for _, tc := range []struct {
		name, path, read string
		first, second    string // two bodies, each a change
		seed             bool   // the resource starts with no version: If-Match "seed" creates it
		after            string // where to read it after a refused change, if not read
	}{
		{name: "an SLA policy", path: "/v1/sla-policies/high/high",
			first: `{"first_response":"1h"}`, second: `{"first_response":"30m"}`},
		{name: "a source policy", path: "/v1/sla-policies/sources/social_mention/*/high", seed: true,
			first: `{"first_response":"1h"}`, second: `{"first_response":"30m"}`},
		{name: "the classification rules", path: "/v1/classification-rules", read: "/v1/classification-rules",
			first: fmt.Sprintf(rules, "起火"), second: fmt.Sprintf(rules, "爆炸")},
		{name: "a customer text", path: "/v1/message-templates/progress/en", read: "/v1/message-templates/progress/en", seed: true,
			first: `{"subject":"Progress","body":"first"}`, second: `{"subject":"Progress","body":"second"}`},
		{name: "a team", path: "/v1/teams/care", seed: true, after: "/v1/teams/care",
			first: `{"name":"Care"}`, second: `{"name":"Customer care"}`},
		{name: "a person", path: "/v1/people/ann", seed: true, after: "/v1/people/ann",
			first: `{"name":"Ann","role":"agent"}`, second: `{"name":"Ann Li","role":"team_lead"}`},
		{name: "a routing rule", path: "/v1/routing/logistics", seed: true,
			first: `{"team_id":"care"}`, second: `{"team_id":"care","owner_id":"ann"}`},
		{name: "a calendar", path: "/v1/calendars/office", seed: true, after: "/v1/calendars/office",
			first:  `{"name":"Office","time_zone":"UTC","weekly_hours":{"mon":[{"start":"09:00","end":"18:00"}]}}`,
			second: `{"name":"Office","time_zone":"Asia/Shanghai","weekly_hours":{"mon":[{"start":"09:00","end":"18:00"}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
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
			if tc.seed {
				want = http.StatusCreated
			}
			ann := a.as(auth.RoleAdmin, "PUT", tc.path, tc.first, want, "If-Match", drawn)
			now := ann.header.Get("ETag")
			if now == drawn || !strings.Contains(now, fmt.Sprint(ann.body["updated_at"])) && ann.body["items"] == nil {
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

// A PUT of an SLA policy changes only the fields it names (but resolution, which
// left out means none); without If-Match it is
// merged into the policy as it is when written, so changes of different fields
// sent at once all apply (none is undone by another's read of the fields before).
func TestPolicyChangesOfDifferentFieldsAllApply(t *testing.T) {
	a := newDirectoryAPI(t)
	fields := map[string]string{"follow_up": "2h", "decision_time": "3h", "max_extension": "5h",
		"survey_reminder": "7h", "survey_timeout": "80h"}
	var wg sync.WaitGroup
	statuses := make(chan string, len(fields))
	for f, v := range fields {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("PUT", a.url+"/v1/sla-policies/medium/low", strings.NewReader(
				fmt.Sprintf(`{"first_response":"2h","%s":"%s"}`, f, v)))
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
			t.Errorf("a change: %s", s)
		}
	}
	for _, it := range a.as(auth.RoleAgent, "GET", "/v1/sla-policies", "", http.StatusOK).body["items"].([]any) {
		p := it.(map[string]any)
		if p["urgency"] != "medium" || p["tier"] != "low" {
			continue
		}
		for f, v := range fields {
			if got := fmt.Sprint(p[f]); got != (strings.TrimSuffix(v, "h") + "h0m0s") {
				t.Errorf("%s is %s, want %s: a change was undone", f, got, v)
			}
		}
	}
}
