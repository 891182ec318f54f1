package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

func TestSourcePoliciesAreSeededPutValidatedAndDeleted(t *testing.T) {
	a := newDirectoryAPI(t)

	seeded := a.call(auth.RoleAgent, "GET", "/v1/sla-policies/sources", "").body["items"].([]any)
	if len(seeded) != 1 {
		t.Fatalf("seeded source policies: %v", seeded)
	}
	nf := seeded[0].(map[string]any)
	if got := fmt.Sprint(nf["source"], nf["urgency"], nf["tier"], nf["first_response"], nf["resolution"]); got != "negative_feedback**15m0s24h0m0s" {
		t.Errorf("negative feedback policy: got %s, want 001's 15 min / 24 h for any urgency and tier", got)
	}
	for _, it := range a.call(auth.RoleAgent, "GET", "/v1/sla-policies", "").body["items"].([]any) {
		p := it.(map[string]any)
		if _, ok := p["source"]; ok {
			t.Errorf("the matrix lists a source policy: %v", p)
		}
		if p["tier"] == "high" && p["calendar_id"] != nil {
			t.Errorf("seeded high-tier policy %v/%v is not round the clock: calendar %v", p["urgency"], p["tier"], p["calendar_id"])
		}
	}

	bad := []struct {
		path, body string
		fields     []string
	}{
		{"/v1/sla-policies/sources/twitter/urgent/vip", `{"first_response":"1h"}`, []string{"source", "urgency", "tier"}},
		{"/v1/sla-policies/sources/social_mention/*/high", `{"first_response":"30m","resolution":"10m","warning_percents":[50,40]}`,
			[]string{"resolution", "warning_percents[1]"}},
		{"/v1/sla-policies/sources/social_mention/*/high", `{"resolution":"10h"}`, []string{"first_response"}},
		{"/v1/sla-policies/sources/social_mention/*/high", `{"first_response":"1h","calendar_id":"nowhere"}`, []string{"calendar_id"}},
	}
	for _, tc := range bad {
		r := a.admin("PUT", tc.path, tc.body, http.StatusBadRequest)
		if got := r.fields(); !slices.Equal(got, tc.fields) {
			t.Errorf("PUT %s %s: fields %v, want %v", tc.path, tc.body, got, tc.fields)
		}
	}
	if n := len(a.call(auth.RoleAgent, "GET", "/v1/sla-policies/sources", "").body["items"].([]any)); n != 1 {
		t.Fatalf("bad writes changed something: %d source policies", n)
	}

	a.as(auth.RoleAgent, "PUT", "/v1/sla-policies/sources/social_mention/*/high", `{"first_response":"30m"}`, http.StatusForbidden)
	created := a.admin("PUT", "/v1/sla-policies/sources/social_mention/*/high", `{"first_response":"30m","resolution":"12h"}`, http.StatusCreated)
	if created.body["source"] != "social_mention" || created.body["urgency"] != "*" || created.body["tier"] != "high" ||
		created.body["first_response"] != "30m0s" || created.body["updated_by"] == "seed" {
		t.Errorf("created: %v", created.body)
	}
	a.admin("PUT", "/v1/sla-policies/sources/social_mention/*/high", `{"first_response":"20m","resolution":"12h"}`, http.StatusOK)
	a.admin("DELETE", "/v1/sla-policies/sources/social_mention/*/high", "", http.StatusNoContent)
	a.admin("DELETE", "/v1/sla-policies/sources/social_mention/*/high", "", http.StatusNotFound)
	a.admin("DELETE", "/v1/sla-policies/sources/direct/high/bogus", "", http.StatusBadRequest)
}

func TestRoutingRulesByTierAndChannelAreValidated(t *testing.T) {
	a := newDirectoryAPI(t)
	a.admin("PUT", "/v1/teams/vip", `{"name":"VIP desk"}`, http.StatusCreated)
	r := a.admin("PUT", "/v1/routing/*?tier=high", `{"team_id":"vip"}`, http.StatusCreated)
	if r.body["category"] != "*" || r.body["tier"] != "high" || r.body["channel"] != "*" {
		t.Errorf("tier rule: %v", r.body)
	}
	a.admin("PUT", "/v1/routing/*?tier=high&channel=*", `{"team_id":"vip"}`, http.StatusOK)
	// An unknown parameter is refused before the values are read (declaredQuery).
	bad := a.admin("PUT", "/v1/routing/logistics?tier=vip&channel=fax&color=red", `{"team_id":"vip"}`, http.StatusBadRequest)
	if got, want := strings.Join(bad.fields(), " "), "color"; got != want {
		t.Errorf("bad key: fields %s, want %s", got, want)
	}
	bad = a.admin("PUT", "/v1/routing/logistics?tier=vip&channel=fax", `{"team_id":"vip"}`, http.StatusBadRequest)
	if got, want := strings.Join(bad.fields(), " "), "tier channel"; got != want {
		t.Errorf("bad key: fields %s, want %s", got, want)
	}
	a.admin("DELETE", "/v1/routing/*", "", http.StatusNotFound) // the tier rule is another rule
	a.admin("DELETE", "/v1/routing/*?tier=high", "", http.StatusNoContent)
}

// Policy and routing precedence at intake, end to end through the API and the store.
func TestIntakePicksTheMostSpecificPolicyAndRoute(t *testing.T) {
	a := newFeedbackAPI(t)
	for _, team := range []string{"care", "depot", "phones", "vip"} {
		a.admin("PUT", "/v1/teams/"+team, `{"name":"`+team+`"}`, http.StatusCreated)
	}
	a.admin("PUT", "/v1/routing/*", `{"team_id":"care"}`, http.StatusCreated)
	a.admin("PUT", "/v1/routing/logistics", `{"team_id":"depot"}`, http.StatusCreated)
	a.admin("PUT", "/v1/routing/logistics?channel=phone", `{"team_id":"phones"}`, http.StatusCreated)
	a.admin("PUT", "/v1/routing/*?tier=high", `{"team_id":"vip"}`, http.StatusCreated)

	file := func(ext, channel, tier, category, urgency, sentiment, text string) map[string]any {
		t.Helper()
		body := fmt.Sprintf(`{"external_id":%q,"channel":%q,"customer":{"id":"c-%s","name":"王芳","tier":%q},
			"category":%q,"urgency":%q,"subject":"问题","description":%q%s}`, ext, channel, ext, tier, category, urgency, text, sentiment)
		return a.as(auth.RoleIntake, "POST", "/v1/complaints", body, http.StatusCreated).body
	}
	routes := []struct {
		channel, tier, category, team string
	}{
		{"web", "low", "service", "care"},       // only the default
		{"web", "low", "logistics", "depot"},    // category
		{"phone", "low", "logistics", "phones"}, // channel and category beat category
		{"phone", "high", "logistics", "vip"},   // tier beats channel and category together
		{"email", "medium", "after_sales", "care"},
	}
	for i, tc := range routes {
		c := file(fmt.Sprintf("r%d", i), tc.channel, tc.tier, tc.category, "medium", "", "包裹没到")
		if c["team_id"] != tc.team {
			t.Errorf("%s/%s/%s routed to %v, want %s", tc.tier, tc.channel, tc.category, c["team_id"], tc.team)
		}
		p := c["sla"].(map[string]any)["policy"].(map[string]any)
		if p["id"] != "*/medium/"+tc.tier || c["source"] != "direct" ||
			p["reason"] != "no policy for source direct: the urgency medium × tier "+tc.tier+" cell of the SLA matrix" {
			t.Errorf("direct complaint's policy: %v", p)
		}
	}

	// A direct complaint's source policy outranks the matrix.
	a.admin("PUT", "/v1/sla-policies/sources/direct/high/*", `{"first_response":"1h","resolution":"8h"}`, http.StatusCreated)
	c := file("s1", "web", "low", "service", "high", "", "包裹没到")
	if p := c["sla"].(map[string]any)["policy"].(map[string]any); p["id"] != "direct/high/*" || c["sla"].(map[string]any)["first_response"] != "1h0m0s" {
		t.Errorf("source policy not applied: %v", c["sla"])
	}

	// Anger raises one level, capped at high, and picks the policy of the raised urgency.
	anger := []struct {
		name, urgency, sentiment, text, want string
		raisedFrom                           any
		reason                               string
	}{
		{"anger words", "low", "", "I am furious, the parcel never came", "medium", "low", "anger words in the text: furious"},
		{"angry sentiment", "medium", `,"sentiment":"angry"`, "包裹没到", "high", "medium", "the intake system reports the customer angry"},
		{"at the top", "high", `,"sentiment":"angry"`, "我很愤怒", "high", nil,
			"the intake system reports the customer angry; anger words in the text: 愤怒"},
		{"calm", "low", `,"sentiment":"negative"`, "包裹没到", "low", nil, ""},
	}
	for i, tc := range anger {
		c := file(fmt.Sprintf("a%d", i), "web", "medium", "logistics", tc.urgency, tc.sentiment, tc.text)
		if c["urgency"] != tc.want {
			t.Errorf("%s: urgency %v, want %s", tc.name, c["urgency"], tc.want)
		}
		if tc.reason == "" {
			if c["anger"] != nil {
				t.Errorf("%s: anger %v, want null", tc.name, c["anger"])
			}
			continue
		}
		got, _ := c["anger"].(map[string]any)
		if got["reason"] != tc.reason || got["raised_from"] != tc.raisedFrom {
			t.Errorf("%s: anger %v, want reason %q raised from %v", tc.name, got, tc.reason, tc.raisedFrom)
		}
		if p := c["sla"].(map[string]any)["policy"].(map[string]any); p["urgency"] != tc.want {
			t.Errorf("%s: the policy of urgency %v applied, want the raised %s", tc.name, p["urgency"], tc.want)
		}
	}
}

// 001 "实时反馈机制": a 1-star rating files a complaint due in 15 minutes.
func TestOneStarRatingFilesAComplaintDueIn15Minutes(t *testing.T) {
	a := newFeedbackAPI(t)
	fb := a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"kind":"rating","channel":"app","rating":1,
		"customer":{"id":"c9","name":"李雷","tier":"low"}}`, http.StatusCreated)
	id, _ := fb.body["complaint_id"].(string)
	if id == "" {
		t.Fatalf("no complaint: %v", fb.body)
	}
	c := a.as(auth.RoleAgent, "GET", "/v1/complaints/"+id, "", http.StatusOK).body
	sla := c["sla"].(map[string]any)
	p := sla["policy"].(map[string]any)
	if c["source"] != "negative_feedback" || p["id"] != "negative_feedback/*/*" || sla["first_response"] != "15m0s" || sla["resolution"] != "24h0m0s" {
		t.Errorf("1-star complaint: source %v, sla %v", c["source"], sla)
	}
	if want := "source negative_feedback has a policy of its own (any urgency and tier), which outranks the urgency × tier matrix"; p["reason"] != want {
		t.Errorf("reason %q, want %q", p["reason"], want)
	}
	created, _ := time.Parse(time.RFC3339Nano, c["created_at"].(string))
	due, _ := time.Parse(time.RFC3339Nano, c["first_response_due_at"].(string))
	if got := due.Sub(created); got != 15*time.Minute {
		t.Errorf("first response due after %s, want 15m", got)
	}

	// A social mention is a source of its own, under the matrix until it has a policy.
	fb = a.as(auth.RoleIntake, "POST", "/v1/feedback", `{"kind":"social_mention","channel":"social_media","text":"快递太慢了，差评"}`, http.StatusCreated)
	c = a.as(auth.RoleAgent, "GET", "/v1/complaints/"+fb.body["complaint_id"].(string), "", http.StatusOK).body
	if p := c["sla"].(map[string]any)["policy"].(map[string]any); c["source"] != "social_mention" || p["source"] != "*" {
		t.Errorf("social mention: source %v policy %v", c["source"], p)
	}
}

// 001 "实时反馈机制" 「对负面反馈在15分钟内进行初步响应」: negative text at a touch point
// is negative feedback whatever its kind or rating — due a first response in 15 minutes.
func TestNegativeTouchPointTextFilesAComplaintDueIn15Minutes(t *testing.T) {
	a := newFeedbackAPI(t)
	for _, body := range []string{
		`{"kind":"rating","channel":"app","rating":3,"text":"送餐太慢了，菜都凉了"}`,
		`{"kind":"other","channel":"app","text":"送餐太慢了，菜都凉了"}`,
	} {
		fb := a.as(auth.RoleIntake, "POST", "/v1/feedback", body, http.StatusCreated)
		id, _ := fb.body["complaint_id"].(string)
		if id == "" {
			t.Fatalf("%s: no complaint: %v", body, fb.body)
		}
		c := a.as(auth.RoleAgent, "GET", "/v1/complaints/"+id, "", http.StatusOK).body
		created, _ := time.Parse(time.RFC3339Nano, c["created_at"].(string))
		due, _ := time.Parse(time.RFC3339Nano, c["first_response_due_at"].(string))
		if c["source"] != "negative_feedback" || due.Sub(created) != 15*time.Minute {
			t.Errorf("%s: source %v, first response due after %s, want negative_feedback in 15m", body, c["source"], due.Sub(created))
		}
	}
}
