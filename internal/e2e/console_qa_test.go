package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// The PDCA cycle in its owner's hands, in the browser: the plan form takes
// resources, risks and a committee (a committee naming the submitter is the API's
// refusal, shown at the field); once approved, the cycle page shows the next
// scheduled check, and "check now" records a check.
func TestConsolePDCACommitteeAndCheckNow(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin, quinn := s.personToken("quality", "qin"), s.personToken("quality", "quinn")
	open := s.must(201, s.do("POST", "/v1/pdca-cycles", qin, map[string]any{"title": "Logistics resolution",
		"metric": "resolution_rate_pct", "category": "logistics", "baseline": 60, "target": 80, "time_zone": "UTC"}))
	id := open.body["id"].(string)
	eventually(t, 30*time.Second, "the cycle proposed", func() bool {
		return s.countWhere("pdca_events", "cycle_id = '"+id+"' AND kind = 'proposed'") == 1
	})
	time.Sleep(time.Second) // the workflow loads the cycle a moment after "proposed"
	day := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format("2006-01-02") }

	b := newBrowser(t, s.url)
	b.signInAs(quinn)
	page := s.url + "/console/pdca/" + id
	b.navigate(page)
	b.run("plan with the submitter on the committee",
		chromedp.WaitVisible(chromedp.CSS(`#form-plan`)),
		chromedp.SendKeys(chromedp.CSS(`#m0-description`), "daily courier SLA review"),
		chromedp.SendKeys(chromedp.CSS(`#m0-owner`), "quinn"),
		chromedp.SetValue(chromedp.CSS(`#m0-due`), day(21)),
		chromedp.SendKeys(chromedp.CSS(`#plan-target`), "80"),
		chromedp.SetValue(chromedp.CSS(`#plan-due`), day(30)),
		chromedp.SendKeys(chromedp.CSS(`#plan-resources`), "two agents for a week"),
		chromedp.SendKeys(chromedp.CSS(`#plan-risks`), "the courier desk is short-staffed"),
		chromedp.SendKeys(chromedp.CSS(`#plan-approvers`), "quinn"),
		clickThrough(`#form-plan button`),
		chromedp.WaitVisible(chromedp.CSS(`#plan-approvers-error`)))
	b.screenshot("qa-cycle-committee-refused")
	b.run("plan with a committee of qin",
		chromedp.SetValue(chromedp.CSS(`#plan-approvers`), "qin"),
		clickThrough(`#form-plan button`),
		chromedp.WaitVisible(chromedp.CSS(`#plan-committee`)))
	if got := b.text(`#plan-committee`); !strings.Contains(got, "qin") {
		t.Errorf("committee shown %q", got)
	}
	s.must(200, s.do("POST", "/v1/pdca-cycles/"+id+"/decision", qin, map[string]any{"decision": "approve"}))

	// The open page says the committee decided, and its link shows the cycle now.
	b.run("the decision named on the open page", chromedp.WaitVisible(chromedp.CSS(`#cycle-changed`)))
	if got := b.text(`#cycle-changed`); !strings.Contains(got, "approv") {
		t.Errorf("the change note says %q, want the approval named", got)
	}
	b.run("cycle in do", clickThrough(`#cycle-changed a`), chromedp.WaitVisible(chromedp.CSS(`#check-now`)))
	if got := b.text(`#cycle-next-check`); got == "" || got == "—" {
		t.Errorf("next check %q, want a time", got)
	}
	b.run("check now", clickThrough(`#check-now`))
	eventually(t, 15*time.Second, "the check recorded", func() bool {
		return s.countWhere("pdca_checks", "cycle_id = '"+id+"'") == 1
	})
	b.navigate(page)
	b.run("cycle page with its check", chromedp.WaitVisible(chromedp.CSS(`#cycle-chart svg`)))
	b.screenshot("qa-cycle-checked")
}

// qaSample seeds a complaint of agent closed two days ago, samples it for QA as a
// sampling run would, and returns the sample's ID as the API lists it.
func (s *stack) qaSample(agent string) string {
	s.t.Helper()
	closed := time.Now().UTC().Add(-48 * time.Hour)
	cid := s.seedComplaint("logistics", closed.Add(-time.Hour), nil)
	if _, err := s.store.AddQASamples(context.Background(), "review:qa-test", closed.Add(-time.Hour), closed.Add(time.Hour),
		[]quality.ClosedComplaint{{ID: cid, Agent: agent, ClosedAt: closed}}); err != nil {
		s.t.Fatal(err)
	}
	for _, it := range items(s.must(200, s.do("GET", "/v1/qa-queue", s.token("quality"), nil))) {
		if it["complaint_id"] == cid {
			return it["id"].(string)
		}
	}
	s.t.Fatalf("no sample of %s in the QA queue", cid)
	return ""
}

// The QA queue page: a sampled complaint is scored criterion by criterion; points
// over a criterion's maximum are the API's refusal, shown at that field.
func TestConsoleQAQueue(t *testing.T) {
	s := newStack(t)
	sample := s.qaSample("ann")
	b, field := refusedQAScore(t, s, sample, "21")
	b.screenshot("qa-queue-refused")
	b.run("score within it",
		chromedp.SetValue(chromedp.CSS(field("response_speed")), "15"),
		clickThrough(`tr[data-id="`+sample+`"] button`))
	eventually(t, 15*time.Second, "the sample scored", func() bool {
		return s.countWhere("qa_samples", "id = '"+sample+"' AND total = 90") == 1
	})
	b.navigate(s.url + "/console/qa")
	b.run("queue emptied", chromedp.WaitVisible(chromedp.CSS(`#qa-queue`)))
	if got := b.text(`#qa-queue tbody`); !strings.Contains(got, "Nothing awaits") && !strings.Contains(got, "暂无") {
		t.Errorf("queue after scoring: %q", got)
	}
}

// refusedQAScore opens the QA queue as the quality team, scores sample with the
// response speed typed as speed and the rest within their maximums, and waits for
// the refusal at that field; field names a criterion's input.
func refusedQAScore(t *testing.T, s *stack, sample, speed string) (*browser, func(key string) string) {
	t.Helper()
	b := newBrowser(t, s.url)
	b.signInAs(s.token("quality"))
	b.navigate(s.url + "/console/qa")
	field := func(key string) string { return "#score-" + sample + "-" + key }
	b.run("score with the speed "+speed,
		chromedp.WaitVisible(chromedp.CSS(`#qa-queue`)),
		chromedp.SendKeys(chromedp.CSS(field("response_speed")), speed),
		chromedp.SendKeys(chromedp.CSS(field("resolution")), "30"),
		chromedp.SendKeys(chromedp.CSS(field("attitude")), "20"),
		chromedp.SendKeys(chromedp.CSS(field("expertise")), "25"),
		clickThrough(`tr[data-id="`+sample+`"] button`),
		chromedp.WaitVisible(chromedp.CSS(field("response_speed")+"-error")))
	return b, field
}
