package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/api/openapi"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/auth"
)

// getZH is GET target from handler h for an admin reading Chinese.
func getZH(t *testing.T, h http.HandlerFunc, target string, path ...string) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if len(path) > 0 {
		r.SetPathValue("id", path[0])
	}
	v := viewer{Principal: auth.Principal{TokenID: "tok", Name: "admin", Role: auth.RoleAdmin, PersonID: "admin"}, CSRF: "csrf"}
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
	r.Header.Set("Accept-Language", langZH)
	w := httptest.NewRecorder()
	h(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d: %.500s", target, w.Code, w.Body)
	}
	return w.Body.String()
}

// namesIn fails unless page (its text without tags when wants hold no tag) has every
// want and none of the API's spellings in raw.
func namesIn(t *testing.T, name, page string, wants, raw []string) {
	t.Helper()
	text := untagged(page)
	for _, want := range wants {
		if !strings.Contains(page, want) && !strings.Contains(text, want) {
			t.Errorf("%s lacks %q", name, want)
		}
	}
	for _, r := range raw {
		if strings.Contains(text, r) {
			t.Errorf("%s shows the API's %q", name, r)
		}
	}
}

// The risk page names an alert's condition and status, the ledger's condition, and
// gives the KPI figures their unit, in the viewer's language.
func TestRiskPageNamesConditionsAndStatuses(t *testing.T) {
	actual := 42.0
	f := &fakeAPI{answers: map[string]any{
		"/v1/metrics": map[string]any{"from": ago(30 * 24 * time.Hour), "to": ago(0), "group_by": nil, "groups": []any{},
			"kpi_targets": []any{map[string]any{"kpi": "first_response_minutes", "enabled": true, "target": 30, "actual": actual,
				"met": false, "samples": 20, "min_samples": 10}}},
		"/v1/risk-alerts": items(riskAlertJSON(testID, map[string]any{"condition": "stale_knowledge", "status": "responded",
			"response": "on it", "responded_by": "lee", "responded_at": ago(time.Minute)})),
		"/v1/risk-ledger": items(map[string]any{"id": testID, "condition": "csat_drop", "subject": "", "grade": "red",
			"opened_at": ago(48 * time.Hour), "observed": 50, "baseline": 80, "threshold": 60, "escalation_level": 0, "response": nil,
			"responded_at": nil, "responded_by": nil, "root_cause": "rude", "solution": "coaching", "executor": "lee",
			"action_deadline": ago(-time.Hour), "verification": "re-scored", "closed_at": ago(time.Hour), "closed_by": "lee"}),
		"/v1/teams": items(), "/v1/people": items(),
	}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	body := getZH(t, c.risk, "/console/risk")
	namesIn(t, "the risk page", body, []string{`<span class="alert-status">已响应</span>`, `<span class="level-done">已响应</span>`,
		"知识库未及时更新", "<td>CSAT 下降</td>", `<td class="kpi-actual">42 分钟</td><td>30 分钟</td>`, `data-version="responded"`, `data-name-responded="已响应"`},
		[]string{"stale_knowledge", "csat_drop", "responded"})
}

// The cycle page names its stage and plan status, and its checks and plan carry the
// metric's unit; the board names a card's plan status.
func TestCyclePageNamesStageAndPlanStatus(t *testing.T) {
	c := everyPage(t)
	value, base := 55.5, 60.0
	cy := cycleOf(apiclient.Cycle{Title: "Walk", Stage: "do", PlanStatus: "sent_back", Metric: "resolution_rate_pct",
		Checks: &[]apiclient.CycleCheck{{Iteration: 1, Value: &value, Baseline: &base, Target: 80}}})
	cy.Plan = &cyclePlan{Baseline: 60, Target: 80}
	page := drawn(t, c, langZH, "cycle", http.StatusOK, map[string]any{"Cy": cy, "Chart": `{"checks":[]}`, "Events": []apiclient.CycleEvent{},
		"Measures": []int{0}, "Input": map[string]string{}, "Form": ""})
	namesIn(t, "the cycle page", page, []string{`<dd id="cycle-stage">执行</dd>`, `<dd id="cycle-plan-status">已退回</dd>`,
		"<td>55.5 %</td><td>60 %</td><td>80 %</td>", translate(langZH, "cy.target") + " 80 % (" + translate(langZH, "cy.baseline") + " 60 %)"}, []string{"sent_back"})
	board, err := c.part(c.pages["pdca"], "board", map[string]any{"Lang": langZH,
		"Columns": []boardColumn{{Stage: "plan", Cycles: []cycle{{Cycle: apiclient.Cycle{Metric: "nps", PlanStatus: "submitted"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	namesIn(t, "a PDCA card", string(board.HTML), []string{translate(langZH, "cy.plan") + ": 已提交"}, []string{"submitted"})
}

// A complaint's notices, compensations, surveys, escalations and history are named
// in the viewer's language, as are the notifications page's rows and filters.
func TestComplaintRecordNamesItsValues(t *testing.T) {
	f := overLimit()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items(map[string]any{"id": "s1", "complaint_id": shiftComplaint,
		"round": 1, "status": "expired", "sent_at": ago(time.Hour), "expires_at": ago(time.Minute)})
	notice := map[string]any{"id": 1, "complaint_id": shiftComplaint, "event_kind": "sla_breached", "recipient": "lee",
		"channel": "webhook", "status": "uncertain", "subject": "late", "attempts": 2, "created_at": ago(time.Hour), "updated_at": ago(time.Hour)}
	f.answers["/v1/notifications"] = items(notice)
	f.answers["/v1/complaints/"+shiftComplaint+"/events"] = items(map[string]any{"id": 1, "complaint_id": shiftComplaint,
		"kind": "handed_over", "actor": "ann", "occurred_at": ago(time.Hour)})
	f.answers["/v1/complaints/"+shiftComplaint+"/escalations"] = items(escalationJSON(1, "stuck", map[string]any{"status": "extended"}))
	c := f.console(t)
	page := getZH(t, c.complaint, "/console/complaints/"+shiftComplaint, shiftComplaint)
	namesIn(t, "the complaint page", page, []string{"<td>SLA 超时</td><td>lee</td><td>Webhook</td><td>结果未知</td>",
		`<td>补偿</td><td>150 CNY</td><td class="status">已发放</td>`, `<td class="status">待审批</td>`, "<td>1</td><td>已过期</td>",
		"#1 已延期 —", "<strong>已转交</strong>"},
		[]string{"sla_breached", "uncertain", "granted", "expired", "handed_over", ">extended"})
	c.pages = everyPage(t).pages
	list := getZH(t, c.notifications, "/console/notifications?status=uncertain")
	namesIn(t, "the notifications page", list, []string{`value="uncertain" id="status-uncertain"`, "> 结果未知</label>", `data-status="uncertain"`,
		"<td>SLA 超时</td><td>lee</td><td>Webhook</td><td class=\"status\">结果未知</td>"}, []string{"sla_breached", "uncertain", "webhook"})
}

// The source-policy form's selects name the sources and levels; their values stay
// the API's. The performance page gives its figures their units.
func TestSourcePolicyFormAndPerformanceName(t *testing.T) {
	c := everyPage(t)
	pol := drawn(t, c, langZH, "admin_policies", http.StatusOK, map[string]any{"Levels": levels, "Cells": map[string]policy{},
		"Form": adminForm{}, "SrcIn": map[string]string{"source": "negative_feedback", "urgency": "high"}, "SrcRefusal": (*refusal)(nil),
		"SourceNames": sourceNames, "AnyLevels": anyLevels})
	namesIn(t, "the source-policy form", pol, []string{`<option value="negative_feedback" selected>负面反馈</option>`,
		`<option value="high" selected>高</option>`, `<option value="low">低</option>`}, []string{"negative_feedback", "medium"})
	secs, pct := 5400.0, 95.0
	perf := drawn(t, c, langZH, "performance", http.StatusOK, map[string]any{"Eff": apiclient.EfficiencyView{TimeZone: "UTC",
		Agents: []apiclient.Efficiency{{Owner: "ann", HandlingSeconds: &secs, SlaCompliancePct: &pct}}}, "Input": map[string]string{}})
	namesIn(t, "the performance page", perf, []string{"<td>5400 秒</td><td>95 %</td><td>—</td>"}, nil)
}

// rawValue is a template action printing a field that holds one of the API's
// enums as it is, rather than through enum (or kpi, dur): {{.Status}}, {{$c.Kind}}.
var rawValue = regexp.MustCompile(`\{\{-?\s*\$?\w*(?:\.\w+)*\.(Status|Kind|State|Stage|Outcome|Category|Condition|Channel|Source|Scope|Urgency|Tier|PlanStatus|Role|Metric)\s*-?\}\}`)

// No page prints an enum's value as the API spells it in its text; attributes
// (option values, data- and id attributes) keep the API's spelling.
func TestTemplatesPrintNoRawValue(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, name := string(src), filepath.Base(f)
		for _, m := range rawValue.FindAllStringSubmatchIndex(s, -1) {
			at, action := m[0], s[m[0]:m[1]]
			if strings.LastIndex(s[:at], "<") > strings.LastIndex(s[:at], ">") {
				continue // inside a tag: an attribute's value
			}
			if s[m[2]:m[3]] == "Status" && strings.Contains(s[max(0, at-160):at], "Refusal}}") {
				continue // a refusal's Status is its HTTP status code
			}
			t.Errorf("%s:%d prints %s as the API spells it", name, strings.Count(s[:at], "\n")+1, action)
		}
	}
}

// The quality pages name what they show: a cycle's history and outcome, an
// improvement item's status (its options' labels, their values the API's), a
// suggestion's status, a review's kind and its cycles' stage.
func TestQualityPagesNameTheirValues(t *testing.T) {
	c := everyPage(t)
	notMet := "not_met"
	cy := cycleOf(apiclient.Cycle{Title: "Walk", Stage: "closed", PlanStatus: "approved", Metric: "nps", Outcome: &notMet})
	page := drawn(t, c, langZH, "cycle", http.StatusOK, map[string]any{"Cy": cy, "Chart": `{"checks":[]}`,
		"Events": []apiclient.CycleEvent{{Kind: "plan_sent_back", Actor: "lee"}}, "Measures": []int{0}, "Input": map[string]string{}, "Form": ""})
	namesIn(t, "the cycle page", page, []string{"<strong>计划已退回</strong>", "<dd>未达目标</dd>"}, []string{"plan_sent_back", "not_met"})

	backlog := drawn(t, c, langZH, "backlog", http.StatusOK, map[string]any{"Items": []backlogRow{{BacklogItem: apiclient.BacklogItem{Title: "Wrap", Status: "planned"}}}})
	namesIn(t, "the improvement list", backlog, []string{`<option value="planned" selected>已计划</option>`, `<option value="rejected">已拒绝</option>`},
		[]string{"planned", "rejected"})

	insight := drawn(t, c, langZH, "insight", http.StatusOK, map[string]any{"Input": map[string]string{}, "Report": &apiclient.InsightReport{
		Period: "2026-10", Suggestions: []apiclient.BacklogItem{{Title: "Wrap", Status: "done"}}}})
	namesIn(t, "the insight report", insight, []string{"<td>Wrap</td><td>已完成</td>"}, []string{"done"})

	list, err := c.part(c.pages["reviews"], "review-list", map[string]any{"Lang": langZH,
		"Reviews": []review{{Review: apiclient.Review{Kind: "weekly_tracking"}, Cycles: []reviewCycle{{Title: "Walk", Stage: "do"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	reviews := drawn(t, c, langZH, "reviews", http.StatusOK, map[string]any{"Schedules": []apiclient.ReviewSchedule{{Id: "weekly", Kind: "qa_sampling"}},
		"ReviewList": list, "Input": map[string]string{"kind": "weekly_tracking"}, "RunInput": map[string]string{}})
	namesIn(t, "the reviews page", reviews, []string{"<td>weekly</td><td>质检抽样</td>", "<h3>每周跟踪 — ", "<td>执行</td>",
		`<option value="weekly_tracking" selected>每周跟踪</option>`}, []string{"weekly_tracking", "qa_sampling", "planning"})
}

// A risk alert's observed, baseline and threshold figures carry the unit of its
// condition: a share in %, complaints a day, KPI targets, articles; every
// condition the document lists but a manual one (which has no figures) has one.
func TestRiskAlertFiguresHaveTheirUnit(t *testing.T) {
	doc, err := openapi.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range doc.Components.Schemas["RiskCondition"].Value.Enum {
		if unit := riskUnits[fmt.Sprint(v)]; v != "manual" && unit == "" {
			t.Errorf("condition %v has no unit", v)
		} else if unit != "" {
			named(t, unit)
		}
	}
	for _, tc := range []struct {
		lang, condition string
		v               float64
		want            string
	}{
		{langEN, "csat_drop", 62.5, "62.5 %"},
		{langEN, "volume_spike", 120, "120 complaints a day"},
		{langZH, "volume_spike", 7.5, "7.5 件/天"},
		{langZH, "kpi_target", 2, "2 项指标"},
		{langEN, "stale_knowledge", 3, "3 articles"},
		{langZH, "manual", 0, "0"},
	} {
		if got := riskValue(tc.lang, apiclient.RiskCondition(tc.condition), tc.v); got != tc.want {
			t.Errorf("riskValue(%s, %s, %g) = %q, want %q", tc.lang, tc.condition, tc.v, got, tc.want)
		}
	}
	f := &fakeAPI{answers: map[string]any{"/v1/metrics": map[string]any{"from": ago(time.Hour), "to": ago(0), "group_by": nil, "groups": []any{}},
		"/v1/risk-alerts": items(riskAlertJSON(testID, map[string]any{"observed": 30, "baseline": 12.5, "threshold": 18.75})),
		"/v1/risk-ledger": items(), "/v1/teams": items(), "/v1/people": items()}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	body := getZH(t, c.risk, "/console/risk")
	namesIn(t, "the risk page", body, []string{`<dd class="alert-figures">30 件/天 (` + translate(langZH, "cy.baseline") + " 12.5 件/天, " +
		translate(langZH, "rk.threshold") + " 18.75 件/天)</dd>"}, nil)
}
