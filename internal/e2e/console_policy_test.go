package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Source policies, routing by tier and channel, and the policy a complaint was filed
// under, in a real browser: an admin's bad source policy is the API's refusal next to
// its field, a good one is listed; a route for high-tier customers is saved; the
// complaint page says which policy applied and why, and that an angry customer was
// raised — in English and in Chinese.
func TestConsolePolicyInABrowser(t *testing.T) {
	s := newStack(t)
	s.must(201, s.do("PUT", "/v1/teams/vip", adminToken, map[string]any{"name": "VIP desk"}))
	b := newBrowser(t, s.url)
	b.signIn(adminToken)

	b.navigate(s.url + "/console/admin/policies")
	b.run("the seeded source policy", chromedp.WaitVisible(chromedp.CSS(`#source-policy-list tr[data-policy="negative_feedback/*/*"]`)))
	b.run("a bad source policy",
		chromedp.SetValue(chromedp.CSS(`#srcpolicy-source`), "social_mention"),
		chromedp.SetValue(chromedp.CSS(`#srcpolicy-tier`), "high"),
		fill(`#srcpolicy-first_response`, "soon"),
		clickThrough(`#source-policy-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#srcpolicy-first_response-error`)))
	if got := b.text(`#srcpolicy-first_response-error`); !strings.Contains(got, `"soon" is not a duration`) {
		t.Errorf("the refusal next to first_response reads %q, want the API's message", got)
	}
	if got := get(b, "kept tier", chromedp.Value(chromedp.CSS(`#srcpolicy-tier`))); got != "high" {
		t.Errorf("the refused form kept tier %q, want high", got)
	}
	b.run("save a source policy", fill(`#srcpolicy-first_response`, "30m"), fill(`#srcpolicy-resolution`, "12h"),
		clickThrough(`#source-policy-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#source-policy-list tr[data-policy="social_mention/*/high"]`)))
	b.screenshot("admin-source-policies")
	items := s.must(200, s.do("GET", "/v1/sla-policies/sources", adminToken, nil)).body["items"].([]any)
	if len(items) != 2 {
		t.Errorf("the API lists %d source policies, want 2", len(items))
	}

	b.navigate(s.url + "/console/admin/routing")
	b.run("route high-tier customers",
		chromedp.SetValue(chromedp.CSS(`#route-category`), "*"), chromedp.SetValue(chromedp.CSS(`#route-tier`), "high"),
		chromedp.SetValue(chromedp.CSS(`#route-channel`), "phone"), fill(`#route-team_id`, "vip"),
		clickThrough(`#route-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#routes tr[data-route="*/high/phone"]`)))
	b.run("a route to a team that does not exist is refused",
		chromedp.SetValue(chromedp.CSS(`#route-category`), "logistics"), fill(`#route-team_id`, "nobody"),
		clickThrough(`#route-form button`), chromedp.WaitVisible(chromedp.CSS(`#route-form .error`)))
	b.screenshot("admin-routing-tiers")

	// A 1-star rating's complaint says which policy applied and why.
	fb := s.must(201, s.do("POST", "/v1/feedback", adminToken, map[string]any{
		"kind": "rating", "channel": "app", "rating": 1, "customer": map[string]any{"id": "c1", "name": "李雷", "tier": "low"}}))
	id := fb.body["complaint_id"].(string)
	b.navigate(s.url + "/console/complaints/" + id)
	got := b.text(`#sla-policy`)
	if !strings.Contains(got, "negative_feedback/*/*") || !strings.Contains(got, "15m / 24h") ||
		!strings.Contains(got, "outranks the urgency × tier matrix") {
		t.Errorf("the complaint's policy reads %q", got)
	}
	if got := b.text(`#source`); got != "negative feedback" {
		t.Errorf("source reads %q", got)
	}
	b.screenshot("complaint-policy")

	// An angry customer's complaint, in Chinese.
	body := complaintBody("angry-1", "low", "medium")
	body["description"] = "我很愤怒，包裹一周未到"
	angry := s.must(201, s.do("POST", "/v1/complaints", adminToken, body))
	b.asChineseViewerInShanghai()
	b.navigate(s.url + "/console/complaints/" + angry.body["id"].(string))
	if got := b.text(`#anger`); !strings.Contains(got, "anger words in the text: 愤怒") || !strings.Contains(got, "紧急程度提升自 低") {
		t.Errorf("the anger line reads %q", got)
	}
	if n := b.count(`dt`); n == 0 || !strings.Contains(get(b, "page", chromedp.Evaluate[string](`document.body.innerText`)), "适用的 SLA 策略") {
		t.Error("the policy line is not labelled in Chinese")
	}
	b.screenshot("complaint-policy-zh")
}
