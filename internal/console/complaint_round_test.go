package console

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// roundLine is the text of the page's line on the round's SLA (#sla-round); ""
// without one.
func roundLine(body string) string {
	m := regexp.MustCompile(`<dd id="sla-round">(.*?)</dd>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))
}

// The complaint page shows the SLA of the round the customer's dissatisfied answer
// reopened (sla.round) beside the policy it was filed under, in English and Chinese:
// the negative_feedback policy picked, or the defaults when none matched. A
// complaint in its first round, or reopened by an agent, shows no such line.
func TestTheComplaintPageShowsTheRoundsPolicy(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/notifications"] = items()
	c := f.console(t)
	sla := func(round any) map[string]any {
		return map[string]any{"first_response": "24h0m0s", "resolution": "48h0m0s", "warning_percents": []int{},
			"policy": map[string]any{"id": "*/medium/medium", "source": "*", "urgency": "medium", "tier": "medium", "reason": "matrix"},
			"round":  round}
	}
	page := func(lang string, round any) string {
		t.Helper()
		f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"reopened_count": 1, "sla": sla(round)})
		r := httptest.NewRequest(http.MethodGet, "/console/complaints/"+shiftComplaint, nil)
		r.SetPathValue("id", shiftComplaint)
		r.Header.Set("Accept-Language", lang)
		r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleManager, PersonID: "max"}}))
		w := httptest.NewRecorder()
		c.complaint(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("HTTP %d: %.500s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	picked := map[string]any{"round": 1, "policy_id": "negative_feedback/*/*", "first_response": "15m0s", "resolution": "24h0m0s"}
	for _, tc := range []struct {
		lang  string
		round any
		want  string
	}{
		{"en", picked, "Round 1: negative_feedback/*/* (15m / 24h)"},
		{"zh-CN", picked, "第 1 轮：negative_feedback/*/* (15分钟 / 24小时)"},
		{"en", map[string]any{"round": 2, "policy_id": nil, "first_response": "15m0s", "resolution": "2h0m0s"},
			"Round 2: no negative_feedback policy: the defaults (15m / 2h)"},
		{"en", nil, ""},
	} {
		body := page(tc.lang, tc.round)
		if got := roundLine(body); got != tc.want {
			t.Errorf("%s, round %v: the round's line reads %q, want %q", tc.lang, tc.round, got, tc.want)
		}
		if filed := regexp.MustCompile(`<dd id="sla-policy"><code>([^<]*)</code>`).FindStringSubmatch(body); filed == nil || filed[1] != "*/medium/medium" {
			t.Errorf("%s: the filing policy is no longer shown beside it: %v", tc.lang, filed)
		}
	}
}
