package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// riskAlertJSON is a monitor's alert as the API answers it, with fields set over
// the defaults.
func riskAlertJSON(id string, set map[string]any) map[string]any {
	a := map[string]any{"id": id, "workflow_id": "risk-alert:" + id, "condition": "volume_spike", "subject": "",
		"grade": "blue", "status": "open", "opened_at": ago(time.Hour), "handling": "24h0m0s", "handling_seconds": 86400,
		"handling_due_at": ago(-23 * time.Hour), "escalation_level": 0, "escalated_to": nil, "observed": 10, "baseline": 2,
		"threshold": 4, "details": map[string]any{"from": ago(25 * time.Hour), "to": ago(time.Hour), "counts": nil},
		"monitor_run": "run-1", "owner_id": "lee", "response": nil, "responded_at": nil, "responded_by": nil, "ledger": nil,
		"closed_at": nil, "closed_by": nil, "last_seen_at": ago(time.Hour), "seen_count": 1, "description": "",
		"opened_by": "risk-monitor"}
	for k, v := range set {
		a[k] = v
	}
	return a
}

// trainingGapJSON is an agent's or a team's training gap: attitude under 60 % of
// its points over the samples given.
func trainingGapJSON(id, subject string, samples ...string) map[string]any {
	return riskAlertJSON(id, map[string]any{"condition": "training_gap", "subject": subject, "observed": 48.5,
		"baseline": 81.25, "threshold": 60, "details": map[string]any{"from": ago(30 * 24 * time.Hour), "to": ago(time.Hour),
			"counts": map[string]any{"scorecards": len(samples), "agents": 1, "min_scorecards": 3},
			"training": map[string]any{"scorecards": samples, "below": []string{"attitude"},
				"averages": map[string]any{"attitude": 48.5, "expertise": 77}, "everyone": map[string]any{"attitude": 81.25, "expertise": 79.5}}}})
}

// Training gaps are one alert per agent or team: the risk page says whom each is
// about (the directory's name, else the ID) in the list and the ledger, and shows
// the evidence — each criterion's average beside every agent's, which are under
// the threshold, and the QA samples judged.
func TestRiskPageNamesTheSubjectAndShowsTheTrainingEvidence(t *testing.T) {
	const ann, north, zed = "00000000-0000-0000-0000-0000000000b1", "00000000-0000-0000-0000-0000000000b2", "00000000-0000-0000-0000-0000000000b3"
	f := &fakeAPI{answers: map[string]any{
		"/v1/metrics": map[string]any{"from": ago(30 * 24 * time.Hour), "to": ago(0), "group_by": nil, "groups": []any{}, "kpi_targets": []any{}},
		"/v1/risk-alerts": items(trainingGapJSON(ann, "agent:ann", "qa-1", "qa-2", "qa-3"),
			trainingGapJSON(north, "team:north", "qa-4", "qa-5", "qa-6"), trainingGapJSON(zed, "agent:zed", "qa-7", "qa-8", "qa-9"),
			riskAlertJSON(testID, nil)),
		"/v1/risk-ledger": items(map[string]any{"id": testID, "condition": "training_gap", "subject": "agent:ann", "grade": "blue",
			"opened_at": ago(48 * time.Hour), "observed": 50, "baseline": 80, "threshold": 60, "escalation_level": 0, "response": nil,
			"responded_at": nil, "responded_by": nil, "root_cause": "new hire", "solution": "coaching", "executor": "lee",
			"action_deadline": ago(-time.Hour), "verification": "re-scored", "closed_at": ago(time.Hour), "closed_by": "lee"}),
		"/v1/teams":  items(map[string]any{"id": "north", "name": "North desk", "lead_id": "lee"}),
		"/v1/people": items(map[string]any{"id": "ann", "name": "Ann Lee", "role": "agent", "team_id": "north"}),
	}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	body := get(t, c.risk, "/console/risk")
	article := func(id string) string {
		_, rest, _ := strings.Cut(body, `id="alert-`+id+`"`)
		art, _, _ := strings.Cut(rest, "</article>")
		return art
	}
	for id, who := range map[string]string{ann: "agent Ann Lee (ann)", north: "team North desk (north)", zed: "agent zed<"} {
		if art := article(id); !strings.Contains(art, `<span class="alert-subject">`+who) {
			t.Errorf("alert %s does not say it is about %q:\n%s", id, who, art)
		}
	}
	art := article(ann)
	for _, want := range []string{`<table class="training" id="training-` + ann + `"`, "scorecards: 3",
		`<tr data-criterion="attitude"><th scope="row">attitude</th><td>48.5 %</td><td>81.25 %</td><td>yes</td></tr>`,
		`<tr data-criterion="expertise"><th scope="row">expertise</th><td>77 %</td><td>79.5 %</td><td>no</td></tr>`,
		"Under the threshold (60 %)", "qa-1, qa-2, qa-3"} {
		if !strings.Contains(art, want) {
			t.Errorf("agent ann's training gap lacks %q:\n%s", want, art)
		}
	}
	if other := article(testID); strings.Contains(other, "alert-subject") || strings.Contains(other, `class="training"`) {
		t.Errorf("an alert about the whole service shows a subject or training evidence:\n%s", other)
	}
	_, ledger, _ := strings.Cut(body, `id="ledger"`)
	if !strings.Contains(ledger, "<td>training gap</td><td>agent Ann Lee (ann)</td>") {
		t.Errorf("the ledger does not say whom the closed training gap was about:\n%s", ledger)
	}

	// In Chinese, the subject's kind and the table speak it too.
	r := httptest.NewRequest(http.MethodGet, "/console/risk", nil)
	r.Header.Set("Accept-Language", "zh-CN")
	w := httptest.NewRecorder()
	c.risk(w, r)
	for _, want := range []string{"坐席 Ann Lee (ann)", "团队 North desk (north)", "全体坐席平均", "<td>是</td>"} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("the Chinese risk page lacks %q", want)
		}
	}
}
