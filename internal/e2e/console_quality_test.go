package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// signInAs signs in with a token and waits for the console's navigation (its queue
// link, which every role is shown; the others follow the role): a quality person's
// landing page is the queue, which their role may or may not list.
func (b *browser) signInAs(token string) {
	b.t.Helper()
	b.navigate(b.base + "/console/login")
	b.run("sign in",
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), token),
		clickThrough(`button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`nav a[href="/console/"]`)))
}

// The PDCA cycle in the browser: the owner's plan (sent through the API) is approved
// by the quality lead on the cycle page, and a check's value reaches the chart.
func TestConsoleQualityPDCA(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin, quinn := s.personToken("quality", "qin"), s.personToken("quality", "quinn")

	open := s.do("POST", "/v1/pdca-cycles", qin, map[string]any{"title": "Logistics resolution",
		"metric": "resolution_rate_pct", "category": "logistics", "baseline": 60, "target": 80, "time_zone": "UTC"})
	if open.status != 201 {
		t.Fatalf("open cycle: HTTP %d %v", open.status, open.body)
	}
	id := open.body["id"].(string)
	eventually(t, 30*time.Second, "the cycle proposed", func() bool {
		for _, e := range items(s.do("GET", "/v1/pdca-cycles/"+id+"/events", qin, nil)) {
			if e["kind"] == "proposed" {
				return true
			}
		}
		return false
	})
	day := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format(time.RFC3339) }
	// The workflow may still be loading the cycle a moment after "proposed": the API
	// tries the plan again until it takes it.
	plan := s.do("POST", "/v1/pdca-cycles/"+id+"/plan", quinn, map[string]any{"target": 80, "due": day(30),
		"measures": []map[string]any{{"description": "daily courier SLA review", "owner": "quinn", "due": day(21)}}})
	if plan.status != 200 {
		t.Fatalf("submit plan: HTTP %d %v", plan.status, plan.body)
	}

	b := newBrowser(t, s.url)
	b.signInAs(qin)
	page := s.url + "/console/pdca/" + id
	b.navigate(page)
	b.run("cycle page",
		chromedp.WaitVisible(chromedp.CSS(`#form-decision`)))
	if got := b.text(`#cycle-plan-status`); got != "submitted" {
		t.Errorf("plan status %q, want submitted", got)
	}
	if got, want := b.text(`.facts .workflow-id`), workflows.PDCAWorkflowID(id); got != want {
		t.Errorf("the cycle page names workflow %q, want %q", got, want)
	}
	if link := get(b, "the workflow's link", chromedp.Evaluate[string](`document.querySelector(".facts .workflow-link").href`)); !strings.HasPrefix(link, temporalUI+"/namespaces/default/workflows/pdca") {
		t.Errorf("the cycle's workflow link is %q", link)
	}
	b.screenshot("quality-cycle-submitted")

	// Sending back without a reason is the API's refusal, shown at the reason field.
	b.run("send back without a reason",
		chromedp.SetValue(chromedp.CSS(`#decision`), "send_back"),
		clickThrough(`#form-decision button`),
		chromedp.WaitVisible(chromedp.CSS(`#decision-reason-error`)))
	b.screenshot("quality-cycle-refused")

	b.run("approve",
		chromedp.SetValue(chromedp.CSS(`#decision`), "approve"),
		clickThrough(`#form-decision button`),
		chromedp.WaitVisible(chromedp.CSS(`#cycle-stage`)))
	eventually(t, 15*time.Second, "the plan approved", func() bool {
		return s.do("GET", "/v1/pdca-cycles/"+id, qin, nil).body["stage"] == "do"
	})

	// Two checks exist (recorded as the workflow's check activity records them);
	// the page's chart is given each one's value, baseline and target, and the
	// second, on 1 of the 10 samples a verdict needs, is drawn hollow and labelled
	// not judged.
	at := time.Now().UTC().Truncate(time.Second)
	value, baseline, thin, one, ten := 67.5, 60.0, 100.0, int64(1), int64(10)
	for _, k := range []quality.CycleCheck{
		{CycleID: id, Iteration: 1, CheckedAt: at, WindowFrom: at.AddDate(0, 0, -14), WindowTo: at, Value: &value, Baseline: &baseline, Target: 80},
		{CycleID: id, Iteration: 1, CheckedAt: at.Add(time.Minute), WindowFrom: at, WindowTo: at.Add(time.Minute), Value: &thin,
			Baseline: &baseline, Target: 80, Samples: &one, MinSamples: &ten},
	} {
		if _, err := s.store.RecordCycleCheck(context.Background(), k); err != nil {
			t.Fatal(err)
		}
	}
	b.navigate(page)
	b.run("cycle page with its checks",
		chromedp.WaitVisible(chromedp.CSS(`#cycle-chart svg`)))
	// A point is its value, or an object with the value and how it is drawn.
	type point struct {
		Value  *float64 `json:"value"`
		Symbol string   `json:"symbol"`
	}
	type series struct {
		Name string  `json:"name"`
		Data []point `json:"data"`
	}
	option := get(b, "read the chart", chromedp.Evaluate[[]series](
		`echarts.getInstanceByDom(document.getElementById("cycle-chart")).getOption().series.map(s => ({name: s.name,
			data: s.data.map(d => d !== null && typeof d === "object" ? {value: d.value, symbol: d.symbol} : {value: d})}))`))
	got := map[string][]string{}
	for _, sr := range option {
		for _, d := range sr.Data {
			if d.Value != nil {
				got[sr.Name] = append(got[sr.Name], strings.TrimSpace(fmt.Sprint(*d.Value)+" "+d.Symbol))
			}
		}
	}
	want := map[string][]string{"value": {"67.5", "100 emptyCircle"}, "baseline": {"60", "60"}, "target": {"80", "80"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("chart series %v, want %v", got, want)
	}
	drawn := get(b, "read the chart's text", chromedp.Evaluate[string](`document.getElementById("cycle-chart").textContent`))
	if !strings.Contains(drawn, "not judged: 1 of 10 samples") {
		t.Errorf("the chart does not say the second check was not judged: %q", drawn)
	}
	if got := b.text(`#cycle-stage`); got != "do" {
		t.Errorf("stage %q after approval, want do", got)
	}
	b.screenshot("quality-cycle")

	b.navigate(s.url + "/console/pdca")
	b.run("board",
		chromedp.WaitVisible(chromedp.CSS(`#column-do li[data-id="`+id+`"]`)))
	b.screenshot("quality-pdca-board")
	// The open board keeps up: a cycle opened elsewhere appears in plan by itself.
	another := s.do("POST", "/v1/pdca-cycles", qin, map[string]any{"title": "Billing first response",
		"metric": "resolution_rate_pct", "category": "billing", "baseline": 50, "target": 70, "time_zone": "UTC"})
	if another.status != 201 {
		t.Fatalf("open another cycle: HTTP %d %v", another.status, another.body)
	}
	b.run("the new cycle on the open board",
		chromedp.WaitVisible(chromedp.CSS(`#column-plan li[data-id="`+another.body["id"].(string)+`"]`)))

	// Review schedules: a created schedule shows the API's preview of its next runs;
	// pause goes through PATCH.
	sched := scheduleID("console")
	t.Cleanup(func() { s.do("DELETE", "/v1/review-schedules/"+sched, adminToken, nil) })
	b.navigate(s.url + "/console/reviews")
	b.run("create a schedule",
		chromedp.WaitVisible(chromedp.CSS(`#form-schedule`)),
		chromedp.SendKeys(chromedp.CSS(`#schedule-id`), sched),
		chromedp.SendKeys(chromedp.CSS(`#schedule-cron`), "0 9 1 * *"),
		chromedp.SetValue(chromedp.CSS(`#schedule-zone`), "Asia/Shanghai"),
		clickThrough(`#form-schedule button`),
		chromedp.WaitVisible(chromedp.CSS(`#next-runs`)))
	runs := get(b, "next runs", chromedp.Evaluate[int](`document.querySelectorAll("#next-runs li").length`))
	first := get(b, "first run", chromedp.Evaluate[string](`document.querySelector("#next-runs li time").getAttribute("datetime")`))
	if runs != 5 || !strings.HasSuffix(first, "T01:00:00Z") {
		t.Errorf("%d next runs (first %q), want 5 at 01:00 UTC", runs, first)
	}
	b.screenshot("quality-reviews")
	b.run("pause it", clickThrough(`tr[data-id="`+sched+`"] form[action$="/pause"] button`),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-id="`+sched+`"] form[action$="/unpause"]`)))
	if paused := s.do("GET", "/v1/review-schedules/"+sched, qin, nil).body["paused"]; paused != true {
		t.Errorf("schedule paused = %v after the console's pause, want true", paused)
	}

	// Run now: the review it starts is listed with its findings (last month is empty
	// on a fresh stack, so none).
	b.run("run it now", clickThrough(`tr[data-id="`+sched+`"] form[action$="/trigger"] button`),
		chromedp.WaitVisible(chromedp.CSS(`#form-schedule`)))
	eventually(t, 60*time.Second, "the review listed", func() bool {
		_, html := b.request("GET", "/console/reviews", nil)
		return strings.Contains(html, "Schedule "+sched+"; started") && strings.Contains(html, "; finished ") && strings.Contains(html, "No improvement opportunity found.")
	})
	b.navigate(s.url + "/console/reviews")
	b.run("reviews page",
		chromedp.WaitVisible(chromedp.CSS(`section.review`)))
	b.screenshot("quality-reviews-run")
}

// A risk alert in the browser: the monitor opens a red alert, the quality lead
// responds and closes it with the ledger fields, and finds it in the ledger and CSV.
func TestConsoleQualityRisk(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin := s.personToken("quality", "qin")
	now := time.Now().UTC()
	// As TestRiskConditionOpensExactlyOneAlert: a red volume spike.
	for day := 1; day <= 7; day++ {
		for i := range 2 {
			s.seedComplaint("product", now.Add(-time.Duration(day)*24*time.Hour-time.Duration(i+1)*time.Hour), nil)
		}
	}
	for i := range 10 {
		s.seedComplaint("logistics", now.Add(-time.Duration(i+1)*2*time.Hour), nil)
	}
	sched := scheduleID("console-risk")
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &sched, Kind: apiclient.ReviewScheduleKindRiskMonitor, TimeZone: ptr("UTC")})
	s.trigger(sched)
	var id string
	eventually(t, 60*time.Second, "a red alert", func() bool {
		for _, a := range items(s.do("GET", "/v1/risk-alerts?status=open", qin, nil)) {
			id = a["id"].(string)
		}
		return id != ""
	})

	b := newBrowser(t, s.url)
	b.signInAs(qin)
	alert := `#alert-` + id
	b.navigate(s.url + "/console/risk")
	b.run("risk page",
		chromedp.WaitVisible(chromedp.CSS(`#grade-red `+alert+` .countdown`)))
	if got := b.text(alert + ` .countdown`); !strings.Contains(got, "left") {
		t.Errorf("handling countdown %q, want a running countdown", got)
	}
	if got, want := b.text(alert+` .workflow-id`), workflows.RiskAlertWorkflowID(id); got != want {
		t.Errorf("the alert names workflow %q, want %q", got, want)
	}
	if link := get(b, "the alert's workflow link", chromedp.Evaluate[string](`document.querySelector("`+alert+` .workflow-link").href`)); !strings.HasPrefix(link, temporalUI+"/namespaces/default/workflows/risk-alert") {
		t.Errorf("the alert's workflow link is %q", link)
	}
	b.screenshot("quality-risk-open")

	b.run("respond",
		chromedp.SendKeys(chromedp.CSS(`#respond-`+id), "contingency plan started: reroute via the north depot"),
		clickThrough(alert+` .form-respond button`),
		chromedp.WaitVisible(chromedp.CSS(alert+` .form-close`)))
	eventually(t, 15*time.Second, "the response", func() bool {
		return s.do("GET", "/v1/risk-alerts/"+id, qin, nil).body["status"] == "responded"
	})

	// A close without the other ledger fields is refused at each of them.
	b.navigate(s.url + "/console/risk")
	b.run("close with a root cause only",
		chromedp.WaitVisible(chromedp.CSS(`#root_cause-`+id)),
		chromedp.SendKeys(chromedp.CSS(`#root_cause-`+id), "a courier depot closed"),
		clickThrough(alert+` .form-close button`),
		chromedp.WaitVisible(chromedp.CSS(`#executor-`+id+`-error`)))
	for _, f := range []string{"solution", "action_deadline", "verification"} {
		b.run("refusal at "+f, chromedp.WaitVisible(chromedp.CSS(`#`+f+`-`+id+`-error`)))
	}
	b.screenshot("quality-risk-refused")

	deadline := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	b.run("close with the ledger",
		chromedp.SendKeys(chromedp.CSS(`#solution-`+id), "rerouted to the north depot"),
		chromedp.SendKeys(chromedp.CSS(`#executor-`+id), "quinn"),
		chromedp.SetValue(chromedp.CSS(`#action_deadline-`+id), deadline),
		chromedp.SendKeys(chromedp.CSS(`#verification-`+id), "volume back to 2 a day on day 3"),
		clickThrough(alert+` .form-close button`),
		chromedp.WaitVisible(chromedp.CSS(`#ledger tr[data-id="`+id+`"]`)))
	if got := b.text(`#ledger tr[data-id="` + id + `"]`); !strings.Contains(got, "a courier depot closed") || !strings.Contains(got, "quinn") {
		t.Errorf("ledger row %q, want the root cause and executor", got)
	}
	b.screenshot("quality-risk-ledger")

	status, csv := b.request("GET", "/console/risk/ledger.csv", nil)
	if status != 200 || !strings.HasPrefix(csv, "id,condition,subject,grade,") ||
		!strings.Contains(csv, id+",volume_spike,,red,") || !strings.Contains(csv, "rerouted to the north depot,quinn,"+deadline) {
		t.Errorf("ledger CSV (HTTP %d):\n%s", status, csv)
	}
}
