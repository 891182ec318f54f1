package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fill replaces a field's value, as typing over it would.
func fill(sel, value string) chromedp.Action[chromedp.Void] {
	if value == "" {
		return chromedp.Clear(chromedp.CSS(sel))
	}
	return chromedp.SetValue(chromedp.CSS(sel), value)
}

// count is how many elements match sel on the current page.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return get(b, "count "+sel, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
}

// The admin pages in a real browser: an admin builds the directory through its
// forms and sees a reporting chain, edits an SLA cell (a bad duration is the API's
// refusal inline, a good one is saved), previews a calendar deadline, creates and
// revokes a token; an agent sees no admin link and is refused by the API.
func TestConsoleAdminInABrowser(t *testing.T) {
	s := newStack(t)
	b := newBrowser(t, s.url)
	b.signIn(adminToken)
	b.run("admin nav", clickThrough(`#nav-admin`), chromedp.WaitVisible(chromedp.CSS(`#policy-matrix`)))
	b.screenshot("admin-policies")

	// Directory: a team, a director by the API, then an agent through the form.
	b.navigate(s.url + "/console/admin/directory")
	b.run("create a team",
		fill(`#team-id`, "care"), fill(`#team-name`, "Customer care"),
		clickThrough(`#team-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#teams tr[data-id="care"]`)))
	s.must(201, s.do("PUT", "/v1/people/dora", adminToken, map[string]any{"name": "Dora", "role": "director"}))
	b.navigate(s.url + "/console/admin/directory")
	b.run("create a person",
		fill(`#person-id`, "ann"), fill(`#person-name`, "Ann"), chromedp.SetValue(chromedp.CSS(`#person-role`), "agent"),
		fill(`#person-team_id`, "care"), fill(`#person-manager_id`, "dora"),
		clickThrough(`#person-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#people tr[data-id="ann"]`)))
	if got, want := b.text(`#people tr[data-id="ann"] .chain`), "ann (agent) → dora (director)"; got != want {
		t.Errorf("ann's chain reads %q, want %q", got, want)
	}
	b.run("a person without a name", fill(`#person-id`, "nobody"), fill(`#person-name`, ""),
		clickThrough(`#person-form button`), chromedp.WaitVisible(chromedp.CSS(`#person-name-error`)))
	b.screenshot("admin-directory")

	// An SLA cell: a bad duration is refused next to its field, a good one saved.
	b.navigate(s.url + "/console/admin/policies")
	b.run("edit a policy cell",
		clickThrough(`#cell-high-high a`), chromedp.WaitVisible(chromedp.CSS(`#policy-form`)),
		fill(`#policy-first_response`, "soon"), clickThrough(`#policy-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#policy-first_response-error`)))
	if got := b.text(`#policy-first_response-error`); !strings.Contains(got, `"soon" is not a duration`) {
		t.Errorf("the refusal next to first_response reads %q, want the API's message", got)
	}
	if got := get(b, "kept input", chromedp.Value(chromedp.CSS(`#policy-first_response`))); got != "soon" {
		t.Errorf("the refused form kept %q, want what was typed", got)
	}
	b.screenshot("admin-policies-refused")
	b.run("save a policy cell", fill(`#policy-first_response`, "17m"), clickThrough(`#policy-form button`),
		chromedp.WaitVisible(chromedp.CSS(`#policy-saved`)))
	saved := false
	for _, p := range s.must(200, s.do("GET", "/v1/sla-policies", adminToken, nil)).body["items"].([]any) {
		p := p.(map[string]any)
		if p["urgency"] == "high" && p["tier"] == "high" {
			saved = p["first_response_seconds"] == float64(17*60)
		}
	}
	if !saved {
		t.Error("GET /v1/sla-policies does not show high/high's first response as 17m")
	}

	// Routing.
	b.navigate(s.url + "/console/admin/routing")
	b.run("route logistics",
		chromedp.SetValue(chromedp.CSS(`#route-category`), "logistics"), fill(`#route-team_id`, "care"), fill(`#route-owner_id`, "ann"),
		clickThrough(`#route-form button`), chromedp.WaitVisible(chromedp.CSS(`#routes tr[data-category="logistics"]`)))
	b.screenshot("admin-routing")

	// A calendar through its form, then a deadline preview: Monday 17:00 plus 2h of
	// business time is Tuesday 10:00.
	b.navigate(s.url + "/console/admin/calendars")
	b.run("create a calendar",
		fill(`#calendar-id`, "office"), fill(`#calendar-name`, "Office hours"), fill(`#calendar-time_zone`, "UTC"),
		fill(`#calendar-weekly_hours`, `{"mon": [{"start": "09:00", "end": "18:00"}], "tue": [{"start": "09:00", "end": "18:00"}]}`),
		clickThrough(`#calendar-form button`), chromedp.WaitVisible(chromedp.CSS(`#calendars tr[data-id="office"]`)))
	b.run("preview a deadline", chromedp.SetValue(chromedp.CSS(`#preview-calendar`), "office"),
		fill(`#preview-from`, "2026-01-05T17:00:00Z"), fill(`#preview-add`, "2h"),
		clickThrough(`#preview-form button`), chromedp.WaitVisible(chromedp.CSS(`#preview-result`)))
	// The deadline shows in the viewer's zone; its instant is the datetime attribute.
	if got := get(b, "the deadline", chromedp.Evaluate[string](`document.querySelector("#preview-result strong time").getAttribute("datetime")`)); got != "2026-01-06T10:00:00Z" {
		t.Errorf("preview deadline %q, want Tuesday 10:00 UTC", got)
	}
	b.screenshot("admin-calendars")

	// Classification: text that is not a rule list is the API's refusal.
	b.navigate(s.url + "/console/admin/classification")
	b.run("classification",
		fill(`#rules-json`, `[{"dimension": "mood", "value": "x", "keywords": [], "priority": 1}]`),
		clickThrough(`#rules-form button`), chromedp.WaitVisible(chromedp.CSS(`#rules-form .error`)))
	b.screenshot("admin-classification")

	// A token: its secret shown once, then revoked, and the API refuses it.
	b.navigate(s.url + "/console/admin/tokens")
	b.run("create a token",
		fill(`#token-name`, "temp-bot"), chromedp.SetValue(chromedp.CSS(`#token-role`), "admin"),
		clickThrough(`#token-form button`), chromedp.WaitVisible(chromedp.CSS(`#secret-value`)))
	secret := b.text(`#secret-value`)
	b.screenshot("admin-tokens")
	s.must(200, s.do("GET", "/v1/sla-policies", secret, nil))
	b.navigate(s.url + "/console/admin/tokens")
	b.run("tokens again",
		chromedp.WaitVisible(chromedp.CSS(`#tokens`)))
	if n := b.count(`#secret-value`); n != 0 {
		t.Error("the secret is shown again")
	}
	b.run("revoke it, confirmed", clickThrough(`button[aria-label="Revoke temp-bot"]`),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-yes`)), clickThrough(`#confirm-yes`),
		chromedp.WaitVisible(chromedp.CSS(`#tokens`)),
		chromedp.WaitNotPresent(chromedp.CSS(`button[aria-label="Revoke temp-bot"]`)))
	s.must(401, s.do("GET", "/v1/sla-policies", secret, nil))

	// An agent: no admin link, the API's 403 on an admin-only read (the directory and
	// calendars the API lets every reader see) and on a direct POST.
	ann := s.personToken("agent", "ann")
	b.run("sign out", clickThrough(`.signout button`), chromedp.WaitVisible(chromedp.CSS(`#token`)))
	b.signIn(ann)
	if n := b.count(`#nav-admin`); n != 0 {
		t.Error("an agent sees the admin link")
	}
	b.navigate(s.url + "/console/admin/tokens")
	b.run("agent opens admin",
		chromedp.WaitVisible(chromedp.CSS(`#page-refusal`)))
	if got := b.text(`#page-refusal`); !strings.Contains(got, "403") {
		t.Errorf("the agent's admin page reads %q, want the API's 403", got)
	}
	b.screenshot("admin-agent-refused")
	csrf := get(b, "the CSRF token", chromedp.Value(chromedp.CSS(`.signout input[name=csrf]`)))
	status, body := b.request("POST", "/console/admin/teams", url.Values{"csrf": {csrf}, "id": {"rogue"}, "name": {"Rogue"}})
	if status != http.StatusForbidden || !strings.Contains(body, "may not") {
		t.Errorf("an agent's team form: HTTP %d, want the API's 403 refusal shown", status)
	}
	s.must(404, s.do("GET", "/v1/teams/rogue", adminToken, nil))
}
