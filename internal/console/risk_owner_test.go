package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// An alert's notice opens the alert alone (/console/risk/{id}): its owner, here a
// team lead holding an agent's token, is offered the respond and close forms the
// API takes from them (auth.Principal.MayHandleAlert), without the list, KPIs or
// ledger of the risk page; a form sent there returns there. Whoever the API
// refuses sees its refusal instead of the alert.
func TestAnAlertsOwnerWithAnAgentTokenAnswersItOnItsPage(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{
		"/v1/risk-alerts/" + testID: trainingGapJSON(testID, "agent:ann", "qa-1", "qa-2", "qa-3"),
		"/v1/teams":                 items(),
		"/v1/people":                items(),
	}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	lee := viewer{Principal: auth.Principal{Role: auth.RoleAgent, PersonID: "lee", Name: "lee"}}
	as := func(r *http.Request) *http.Request {
		r.SetPathValue("id", testID)
		return r.WithContext(context.WithValue(r.Context(), viewerKey{}, lee))
	}
	w := httptest.NewRecorder()
	c.riskAlertPage(w, as(httptest.NewRequest(http.MethodGet, "/console/risk/"+testID, nil)))
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("GET the alert's page: %d %.500s", w.Code, body)
	}
	for _, want := range []string{`id="alert-` + testID + `"`, `action="/console/risk/` + testID + `/respond"`,
		`action="/console/risk/` + testID + `/close"`, `name="alone" value="1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the owner's alert page lacks %q", want)
		}
	}
	for _, unwanted := range []string{`id="open-alert"`, `id="ledger"`, `id="kpi-targets"`, `data-poll="/console/risk/alerts"`} {
		if strings.Contains(body, unwanted) {
			t.Errorf("the alert's page shows %q, which is the list's", unwanted)
		}
	}

	form := url.Values{"response": {"training booked for ann"}, "alone": {"1"}}
	r := httptest.NewRequest(http.MethodPost, "/console/risk/"+testID+"/respond", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = as(r)
	r.SetPathValue("action", "respond")
	w = httptest.NewRecorder()
	c.riskAction(w, r)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/risk/"+testID ||
		len(f.writes) != 1 || f.writes[0].Path != "/v1/risk-alerts/"+testID+"/respond" {
		t.Errorf("respond from the alert's page: %d to %q, sent %v", w.Code, w.Header().Get("Location"), f.writes)
	}

	// An alert the API does not give this viewer: its answer (here 404), no form.
	delete(f.answers, "/v1/risk-alerts/"+testID)
	w = httptest.NewRecorder()
	c.riskAlertPage(w, as(httptest.NewRequest(http.MethodGet, "/console/risk/"+testID, nil)))
	if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "form-respond") {
		t.Errorf("an alert the API refuses: %d %.300s", w.Code, w.Body.String())
	}
}

// The risk page shows an agent the alerts the API lists them — the ones they own
// (auth.Principal.AlertsListed) — with the respond and close forms the API takes
// from an owner, and their ledger, but not the form that opens an alert, which is
// the handlers', nor the link to edit the KPI targets, which is quality's and
// admin's. The nav offers the page to whoever may list alerts: an agent,
// not an intake token.
func TestAnAgentsRiskPageListsTheAlertsTheyOwn(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{
		"/v1/metrics":     map[string]any{"from": ago(30 * 24 * time.Hour), "to": ago(0), "group_by": nil, "groups": []any{}, "kpi_targets": []any{}},
		"/v1/risk-alerts": items(trainingGapJSON(testID, "agent:ann", "qa-1", "qa-2", "qa-3")),
		"/v1/risk-ledger": items(),
		"/v1/teams":       items(),
		"/v1/people":      items(),
	}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	status, body := getAs(t, c.risk, auth.RoleAgent, "/console/risk")
	if status != http.StatusOK {
		t.Fatalf("the risk page as an agent: %d %.500s", status, body)
	}
	for _, want := range []string{`id="alert-` + testID + `"`, `action="/console/risk/` + testID + `/respond"`,
		`action="/console/risk/` + testID + `/close"`, `id="ledger"`, `id="nav-risk"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the agent's risk page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="open-alert"`) {
		t.Error("the agent's risk page offers the form that opens an alert, which the API refuses them")
	}
	// The KPI table's edit link is for whom the API lets edit the targets.
	if strings.Contains(body, `id="kpi-edit"`) {
		t.Error("the agent's risk page links the KPI targets' editor, which the API refuses them")
	}
	if _, body := getAs(t, c.risk, auth.RoleQuality, "/console/risk"); !strings.Contains(body, `<a href="/console/kpi-targets" id="kpi-edit">`) {
		t.Error("quality's risk page does not link the KPI targets' editor")
	}
	if _, body := getAs(t, c.risk, auth.RoleIntake, "/console/risk"); strings.Contains(body, `id="nav-risk"`) {
		t.Error("the nav offers the risk page to an intake token, which may not list alerts")
	}
}
