package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Two admins at once: a form saved over a change another admin made since the page
// was drawn is refused — not silently overwriting it — with what was typed kept and
// who changed it said; sent again, it applies over that change, knowingly. The SLA
// matrix, the classification rules (replaced whole: a stale save would drop the
// other admin's rules), a customer text and the KPI register.
func TestConsoleAdminSaveOverAnotherAdminsChangeIsRefused(t *testing.T) {
	s := newStack(t)
	ada := s.token("admin") // another admin, "admin-bot"
	b := newBrowser(t, s.url)
	b.signIn(adminToken)

	// refusedThenApplied saves the form, which another admin's change has made
	// stale: the refusal in refusal, the field kept and nothing changed (unchanged
	// checks it); then saves it again, applied when done is.
	refusedThenApplied := func(what, form, refusal, field, typed string, unchanged func(), done chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.run(what+": save over ada's change", clickThrough(form+` button[type=submit]`), chromedp.WaitVisible(chromedp.CSS(refusal)))
		if msg := b.text(refusal); !strings.Contains(msg, "Not saved: changed elsewhere") || !strings.Contains(msg, "(412)") ||
			!strings.Contains(msg, "admin-bot changed it") {
			t.Errorf("%s: the refusal reads %q, want changed elsewhere, 412 and who", what, msg)
		}
		if got := get(b, what+": the field", chromedp.Value(chromedp.CSS(field))); got != typed {
			t.Errorf("%s: the field reads %q after the refusal, want what was typed %q", what, got, typed)
		}
		b.screenshot("stale-" + strings.ReplaceAll(what, " ", "-"))
		unchanged()
		b.run(what+": save again", clickThrough(form+` button[type=submit]`), done)
	}

	// A policy cell.
	b.navigate(s.url + "/console/admin/policies?edit=high/high#policy-form")
	b.run("type a first response", chromedp.WaitVisible(chromedp.CSS(`#policy-form`)), fill(`#policy-first_response`, "45m"))
	s.must(200, s.do("PUT", "/v1/sla-policies/high/high", ada, map[string]any{"first_response": "20m", "resolution": "24h"}))
	firstResponse := func() any {
		for _, p := range s.must(200, s.do("GET", "/v1/sla-policies", adminToken, nil)).body["items"].([]any) {
			if p := p.(map[string]any); p["urgency"] == "high" && p["tier"] == "high" {
				return p["first_response"]
			}
		}
		return nil
	}
	refusedThenApplied("policy", `#policy-form`, `#policy-refusal`, `#policy-first_response`, "45m", func() {
		if got := firstResponse(); got != "20m0s" {
			t.Errorf("after the refused save high/high's first response is %v, want ada's 20m", got)
		}
	}, chromedp.WaitVisible(chromedp.CSS(`#policy-saved`)))
	if got := firstResponse(); got != "45m0s" {
		t.Errorf("saved again, high/high's first response is %v, want 45m", got)
	}

	// The classification rules, replaced whole.
	b.navigate(s.url + "/console/admin/classification")
	mine := `[{"dimension": "urgency", "value": "high", "keywords": ["起火"], "priority": 9}]`
	b.run("edit the rules", chromedp.WaitVisible(chromedp.CSS(`#rules-form`)), fill(`#rules-json`, mine))
	s.must(200, s.do("PUT", "/v1/classification-rules", ada, map[string]any{"rules": []map[string]any{
		{"dimension": "urgency", "value": "high", "keywords": []string{"爆炸"}, "priority": 9},
		{"dimension": "scope", "value": "group", "keywords": []string{"很多人"}, "priority": 5}}}))
	refusedThenApplied("rules", `#rules-form`, `#rules-form .error`, `#rules-json`, mine, func() {
		if n := len(s.must(200, s.do("GET", "/v1/classification-rules", adminToken, nil)).body["items"].([]any)); n != 2 {
			t.Errorf("after the refused save there are %d rules, want ada's 2", n)
		}
	}, chromedp.WaitNotPresent(chromedp.CSS(`#rules-form .error`)))
	rules := s.must(200, s.do("GET", "/v1/classification-rules", adminToken, nil)).body["items"].([]any)
	if len(rules) != 1 || !strings.Contains(strings.Join(anyStrings(rules[0].(map[string]any)["keywords"]), ","), "起火") {
		t.Errorf("saved again, the rules are %v, want the one typed", rules)
	}

	// A customer text, still the seeded one when drawn.
	b.navigate(s.url + "/console/admin/messages?key=progress&locale=en#message-form")
	b.run("edit a text", chromedp.WaitVisible(chromedp.CSS(`#message-form`)), fill(`#message-body`, "Mine: {{.message}}"))
	s.must(201, s.do("PUT", "/v1/message-templates/progress/en", ada, map[string]any{"subject": "Progress", "body": "Ada's: {{.message}}"}))
	refusedThenApplied("text", `#message-form`, `#message-form .error`, `#message-body`, "Mine: {{.message}}", func() {
		if got := s.must(200, s.do("GET", "/v1/message-templates/progress/en", adminToken, nil)).body["body"]; got != "Ada's: {{.message}}" {
			t.Errorf("after the refused save the text is %v, want ada's", got)
		}
	}, chromedp.WaitNotPresent(chromedp.CSS(`#message-form .error`)))
	if got := s.must(200, s.do("GET", "/v1/message-templates/progress/en", adminToken, nil)).body["body"]; got != "Mine: {{.message}}" {
		t.Errorf("saved again, the text is %v, want the one typed", got)
	}

	// The KPI register, saved whole; drawn with the seeds' defaults.
	csat := func() any {
		for _, k := range s.must(200, s.do("GET", "/v1/kpi-targets", adminToken, nil)).body["targets"].([]any) {
			if k := k.(map[string]any); k["kpi"] == "csat_score" {
				return k["target"]
			}
		}
		return nil
	}
	b.navigate(s.url + "/console/kpi-targets")
	b.run("edit a target", chromedp.WaitVisible(chromedp.CSS(`#form-kpi`)), fill(`#target-csat_score`, "88"))
	s.must(200, s.do("PUT", "/v1/kpi-targets", ada, map[string]any{"targets": []map[string]any{{"kpi": "csat_score", "target": 90}}}))
	refusedThenApplied("KPI targets", `#form-kpi`, `#form-kpi #refusal`, `#target-csat_score`, "88", func() {
		if got := csat(); got != 90.0 {
			t.Errorf("after the refused save the csat target is %v, want ada's 90", got)
		}
		// The form shows what it would overwrite, and the register's last change.
		if got := b.text(`#saved-csat_score`); !strings.Contains(got, "saved elsewhere meanwhile: 90") {
			t.Errorf("the csat row says %q, want ada's 90 shown beside what was typed", got)
		}
		if got := b.text(`#saved-nps`); !strings.Contains(got, "taken out of the register") {
			t.Errorf("the nps row says %q, want that ada's register left it out", got)
		}
		if got := b.text(`#kpi-updated`); !strings.Contains(got, "admin-bot") {
			t.Errorf("the page says %q, want the change admin-bot made", got)
		}
	}, chromedp.WaitNotPresent(chromedp.CSS(`#form-kpi #refusal`)))
	if got := csat(); got != 88.0 {
		t.Errorf("saved again, the csat target is %v, want 88", got)
	}
}

// A directory form drawn for a new team, sent with the ID of a team another admin
// created meanwhile, is refused rather than replacing that team; drawn for a team,
// it is refused over a change made since.
func TestConsoleDirectoryFormNeverReplacesATeamItDidNotShow(t *testing.T) {
	s := newStack(t)
	other := s.token("admin") // "admin-bot"
	b := newBrowser(t, s.url)
	b.signIn(adminToken)
	teamName := func() any { return s.must(200, s.do("GET", "/v1/teams/care", adminToken, nil)).body["name"] }

	b.navigate(s.url + "/console/admin/directory")
	b.run("a new team", chromedp.WaitVisible(chromedp.CSS(`#team-form`)), fill(`#team-id`, "care"), fill(`#team-name`, "Care desk"))
	s.must(201, s.do("PUT", "/v1/teams/care", other, map[string]any{"name": "Customer care"}))
	b.run("saved over the team created meanwhile", clickThrough(`#team-form button`), chromedp.WaitVisible(chromedp.CSS(`#team-form .error`)))
	if msg := b.text(`#team-form .error`); !strings.Contains(msg, "(412)") || !strings.Contains(msg, "no longer new") {
		t.Errorf("the refusal reads %q, want 412 and that the team exists now", msg)
	}
	if got := teamName(); got != "Customer care" {
		t.Errorf("the team is named %v after the refused save, want the other admin's name", got)
	}
	b.run("sent again, knowingly", clickThrough(`#team-form button`), chromedp.WaitNotPresent(chromedp.CSS(`#team-form .error`)))
	if got := teamName(); got != "Care desk" {
		t.Errorf("sent again, the team is named %v, want Care desk", got)
	}

	b.navigate(s.url + "/console/admin/directory?team=care")
	b.run("edit the team", chromedp.WaitVisible(chromedp.CSS(`#team-form`)), fill(`#team-name`, "Care team"))
	s.must(200, s.do("PUT", "/v1/teams/care", other, map[string]any{"name": "Care & returns"}))
	b.run("saved over a change since", clickThrough(`#team-form button`), chromedp.WaitVisible(chromedp.CSS(`#team-form .error`)))
	if got := teamName(); got != "Care & returns" {
		t.Errorf("the team is named %v after the refused save, want the other admin's name", got)
	}
}

// A delete confirmed on a page asked for before the thing changed elsewhere is not
// done; confirmed again on the page that says so, it is.
func TestConsoleDeleteOfSomethingChangedSinceIsRefused(t *testing.T) {
	s := newStack(t)
	other := s.token("admin") // "admin-bot"
	hours := map[string]any{"mon": []map[string]string{{"start": "09:00", "end": "18:00"}}}
	s.must(201, s.do("PUT", "/v1/calendars/office", adminToken, map[string]any{"name": "Office", "time_zone": "UTC", "weekly_hours": hours}))
	b := newBrowser(t, s.url)
	b.signIn(adminToken)
	b.navigate(s.url + "/console/admin/calendars")
	b.run("ask to delete the calendar", clickThrough(`#remove-calendar-office`), chromedp.WaitVisible(chromedp.CSS(`#confirm-form`)))
	s.must(200, s.do("PUT", "/v1/calendars/office", other, map[string]any{"name": "Office (Shanghai)", "time_zone": "Asia/Shanghai", "weekly_hours": hours}))
	b.run("confirm", clickThrough(`#confirm-yes`), chromedp.WaitVisible(chromedp.CSS(`#refusal`)))
	if msg := b.text(`#refusal`); !strings.Contains(msg, "Not done: it was changed elsewhere") || !strings.Contains(msg, "(412)") ||
		!strings.Contains(msg, "admin-bot changed it") {
		t.Errorf("the confirmation page says %q, want changed elsewhere, 412 and who", msg)
	}
	s.must(200, s.do("GET", "/v1/calendars/office", adminToken, nil))
	b.run("confirm again, knowingly", clickThrough(`#confirm-yes`), chromedp.WaitVisible(chromedp.CSS(`#calendar-form`)))
	s.must(404, s.do("GET", "/v1/calendars/office", adminToken, nil))
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
