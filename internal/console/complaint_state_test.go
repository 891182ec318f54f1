package console

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
	domain "github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
)

// formsOf are the action forms a page offers, by the last part of their action path.
func formsOf(body, prefix string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`action="`+regexp.QuoteMeta(prefix)+`(\w+)"`).FindAllStringSubmatch(body, -1) {
		if m[1] != "reveal" {
			out = append(out, m[1])
		}
	}
	return out
}

// noteOf is the text of the note of id on a page.
func noteOf(body, id string) string {
	m := regexp.MustCompile(`<p class="note" id="` + id + `">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// A complaint offers the actions its status takes (complaint.Allows), with a line
// saying why the others are missing: a closed complaint none, a resolved one only
// reopen and close, an open one no resume, reopen or close; a round the customer's
// answer reopened is acknowledged again, and not paused before it is.
func TestComplaintFormsFollowItsStatus(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/notifications"] = items()
	c := f.console(t)
	active := []string{"progress", "resolve", "escalate", "compensate", "handover"}
	with := func(first ...string) []string { return append(first, active...) }
	for _, tc := range []struct {
		name  string
		set   map[string]any
		forms []string // in the page's order, but for the first ones put first
		note  string
	}{
		{"open", map[string]any{"status": "open"}, with("acknowledge"), "Open: Pause, Resume, Reopen and Close do not apply"},
		{"in progress", map[string]any{"status": "in_progress"}, with("pause"), "In progress: it was acknowledged"},
		{"in progress, reopened by the customer's answer", map[string]any{"status": "in_progress", "reopened_count": 1,
			"sla": map[string]any{"first_response": "15m0s", "first_response_running": true, "warning_percents": []int{}}},
			with("acknowledge"), "reopened by the customer's answer: Acknowledge gives this round's first response; Pause, Resume, Reopen and Close do not apply"},
		{"reopened by an agent", map[string]any{"status": "in_progress", "reopened_count": 1}, with("pause"), "In progress: it was acknowledged"},
		{"waiting on the customer", map[string]any{"status": "waiting_on_customer"}, with("resume"), "Waiting on the customer: Resume restarts"},
		{"backlog", map[string]any{"status": "backlog"}, active, "On the improvement list"},
		{"resolved", map[string]any{"status": "resolved"}, []string{"reopen", "close"}, "Resolved: only Reopen and Close apply."},
		{"closed", map[string]any{"status": "closed"}, nil, "Closed: no action applies any more."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(tc.set)
			status, body := getAs(t, c.complaint, auth.RoleManager, "/console/complaints/"+shiftComplaint, shiftComplaint)
			got := formsOf(body, "/console/complaints/"+shiftComplaint+"/")
			if status != http.StatusOK || !sameSet(got, tc.forms) {
				t.Errorf("HTTP %d, forms %v; want %v", status, got, tc.forms)
			}
			if note := noteOf(body, "actions-state"); !strings.Contains(note, tc.note) {
				t.Errorf("the line saying why: %q, want %q", note, tc.note)
			}
		})
	}

	// In Chinese, and the form just sent comes back with the API's refusal, though
	// the status no longer takes it (another person resolved the complaint).
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"status": "resolved"})
	r := httptest.NewRequest(http.MethodGet, "/console/complaints/"+shiftComplaint, nil)
	r.SetPathValue("id", shiftComplaint)
	r.Header.Set("Accept-Language", "zh-CN")
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleManager, PersonID: "max"}}))
	w := httptest.NewRecorder()
	c.showComplaint(w, r, http.StatusConflict, "resolve", &refusal{Status: http.StatusConflict, Detail: "cannot resolve: the complaint is already resolved"},
		map[string]string{"summary": "parcel found", "root_cause": "depot"})
	body := w.Body.String()
	if got := formsOf(body, "/console/complaints/"+shiftComplaint+"/"); !sameSet(got, []string{"resolve", "reopen", "close"}) {
		t.Errorf("after a refused resolution, forms %v; want it back beside reopen and close", got)
	}
	if !strings.Contains(body, ">parcel found</textarea>") {
		t.Error("the refused form lost what was typed")
	}
	if note := noteOf(body, "actions-state"); note != "已解决：仅可重新打开或关闭。" {
		t.Errorf("the line saying why in Chinese: %q", note)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// Every complaint form is an action of the workflow's rule (a name it does not
// know would be taken in no status, hiding the form), and every status and stage
// has its line, in both languages.
func TestEveryFormHasItsRule(t *testing.T) {
	for _, f := range actionForms {
		taken := false
		for _, s := range domain.Statuses {
			taken = taken || domain.Allows(s, domain.Action(f.Action), false)
		}
		if !taken {
			t.Errorf("form %s is an action no status takes", f.Action)
		}
	}
	for name := range cycleForms {
		if !quality.CycleTakes(name, quality.StageDo, quality.PlanApproved, false) && !quality.CycleTakes(name, quality.StagePlan, quality.PlanDraft, false) &&
			!quality.CycleTakes(name, quality.StagePlan, quality.PlanSubmitted, false) && !quality.CycleTakes(name, quality.StageAct, quality.PlanApproved, true) {
			t.Errorf("cycle form %s is an update no stage takes", name)
		}
	}
	ids := []string{"act.round", "c.unassigned", "may.noperson.plan"}
	for _, s := range domain.Statuses {
		ids = append(ids, "act."+string(s))
	}
	for _, s := range []string{quality.StagePlan, quality.StageDo, quality.StageAct, quality.StageClosed} {
		ids = append(ids, "cy.forms."+s)
	}
	for _, id := range ids {
		if m, ok := messages[id]; !ok || m.en == "" || m.zh == "" {
			t.Errorf("message %q is not in the catalog in both languages", id)
		}
	}
}

// No owner or team reads "unassigned", translated, on the complaint page, in the
// queue's rows and on a risk alert — never a blank.
func TestNoOwnerReadsUnassigned(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/notifications"] = items()
	f.answers["/v1/complaints/"+shiftComplaint] = complaintJSON(map[string]any{"owner": nil, "team_id": nil})
	f.answers["/v1/complaints"] = items(complaintJSON(map[string]any{"owner": nil, "team_id": nil}))
	f.answers["/v1/risk-alerts/"+testID] = riskAlertJSON(testID, map[string]any{"owner_id": nil})
	f.answers["/v1/teams"], f.answers["/v1/people"] = items(), items()
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	as := func(lang, target string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.SetPathValue("id", shiftComplaint)
		r.Header.Set("Accept-Language", lang)
		return r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleAdmin, PersonID: "ada"}}))
	}
	for lang, word := range map[string]string{"en": "unassigned", "zh-CN": "未分配"} {
		w := httptest.NewRecorder()
		c.complaint(w, as(lang, "/console/complaints/"+shiftComplaint))
		for _, want := range []string{`<dd id="complaint-owner">` + word + `</dd>`, `<dd id="complaint-team">` + word + `</dd>`} {
			if !strings.Contains(w.Body.String(), want) {
				t.Errorf("%s: the complaint page lacks %q: %s", lang, want, snippet(w.Body.String(), "complaint-owner"))
			}
		}
		w = httptest.NewRecorder()
		c.queueRows(w, as(lang, "/console/queue/rows?owner=any"))
		if want := "<td>" + word + "</td>\n<td>" + word + "</td>"; !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: the queue's row lacks %q: %.600s", lang, want, w.Body.String())
		}
		r := as(lang, "/console/risk/"+testID)
		r.SetPathValue("id", testID)
		w = httptest.NewRecorder()
		c.riskAlertPage(w, r)
		if want := "<dd>" + word + " ("; !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: the alert's owner lacks %q: %s", lang, want, snippet(w.Body.String(), "(level 0)"))
		}
	}
}

// cycleJSON is a PDCA cycle as the API answers it, in stage with its plan in
// planStatus and checks.
func cycleJSON(stage, planStatus string, checks ...map[string]any) map[string]any {
	return map[string]any{"id": testID, "workflow_id": "pdca:" + testID, "title": "Night shift", "stage": stage,
		"plan_status": planStatus, "iteration": 1, "max_iterations": 6, "metric": "resolution_rate_pct", "category": "logistics",
		"check_spec": "0 9 1,15 * *", "time_zone": "UTC", "opened_at": ago(48 * time.Hour), "updated_at": ago(0),
		"opportunity_key": "k", "rule": "manual", "history": []any{}, "checks": checks, "baseline": 60, "target": 80}
}

// A PDCA cycle offers the forms its stage takes (quality.CycleTakes): in Plan no
// progress report and no act decision, in Do no plan, the act decision only after
// the final check, nothing once closed; each with a line saying so. A token of no
// person is told, in the page's language, why it may not decide the plan.
func TestCycleFormsFollowItsStage(t *testing.T) {
	final := map[string]any{"iteration": 1, "checked_at": ago(time.Hour), "window_from": ago(15 * 24 * time.Hour),
		"window_to": ago(time.Hour), "value": 70, "baseline": 60, "target": 80, "met": false, "final": true}
	f := &fakeAPI{answers: map[string]any{"/v1/pdca-cycles/" + testID + "/events": items()}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	for _, tc := range []struct {
		name  string
		cycle map[string]any
		forms []string
		note  string
	}{
		{"plan, none submitted", cycleJSON("plan", "draft"), []string{"plan", "withdraw"}, "Plan: a plan is submitted, then decided"},
		{"plan submitted", cycleJSON("plan", "submitted"), []string{"decision", "withdraw"}, "Plan: a plan is submitted, then decided"},
		{"do", cycleJSON("do", "approved"), []string{"check", "progress", "withdraw"}, "Do: report progress and check now"},
		{"act after the final check", cycleJSON("act", "approved", final), []string{"act", "withdraw"}, "Act: decide after the final check"},
		{"closed", cycleJSON("closed", "approved", final), nil, "Closed: no action applies any more."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.answers["/v1/pdca-cycles/"+testID] = tc.cycle
			status, body := getAs(t, c.cycle, auth.RoleQuality, "/console/pdca/"+testID, testID)
			if got := formsOf(body, "/console/pdca/"+testID+"/"); status != http.StatusOK || !sameSet(got, tc.forms) {
				t.Errorf("HTTP %d, forms %v; want %v", status, got, tc.forms)
			}
			if note := noteOf(body, "cycle-forms"); !strings.Contains(note, tc.note) {
				t.Errorf("the line saying why: %q, want %q", note, tc.note)
			}
		})
	}

	f.answers["/v1/pdca-cycles/"+testID] = cycleJSON("plan", "submitted")
	r := httptest.NewRequest(http.MethodGet, "/console/pdca/"+testID, nil)
	r.SetPathValue("id", testID)
	r.Header.Set("Accept-Language", "zh-CN")
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality, Name: "qa-bot"}}))
	w := httptest.NewRecorder()
	c.cycle(w, r)
	if got, want := noteOf(w.Body.String(), "decision-why"), translate(langZH, "may.noperson.plan"); got != want {
		t.Errorf("a token of no person is told %q, want %q", got, want)
	}
}
