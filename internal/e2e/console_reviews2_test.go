package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// "Review now" in the browser: a period the API cannot read is refused at the
// period field; a month two months back starts a review, shown as started, and the
// open page's list shows it finished when the workflow is done.
func TestConsoleReviewNow(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	b := newBrowser(t, s.url)
	b.signInAs(s.personToken("quality", "qin"))
	b.navigate(s.url + "/console/reviews")
	b.run("refused period",
		chromedp.WaitVisible(chromedp.CSS(`#form-run-review`)),
		chromedp.SetValue(chromedp.CSS(`#run-period`), "last month"),
		clickThrough(`#form-run-review button`),
		chromedp.WaitVisible(chromedp.CSS(`#run-period-error`)))
	if got := b.text(`#run-period-error`); !strings.Contains(got, "is not a period") {
		t.Errorf("period error %q", got)
	}
	if s.countWhere("reviews", "true") != 0 {
		t.Fatal("a refused review was recorded")
	}
	month := time.Now().UTC().AddDate(0, -2, 0).Format("2006-01")
	b.run("review now",
		chromedp.SetValue(chromedp.CSS(`#run-period`), month),
		chromedp.SetValue(chromedp.CSS(`#run-kind`), "quarterly_planning"),
		chromedp.SetValue(chromedp.CSS(`#run-kind`), "monthly_planning"),
		clickThrough(`#form-run-review button`),
		chromedp.WaitVisible(chromedp.CSS(`#review-started`)))
	b.screenshot("reviews-review-now")
	eventually(t, 60*time.Second, "the review recorded", func() bool {
		return s.countWhere("reviews", "schedule_id = 'on-demand' AND finished_at IS NOT NULL") == 1
	})
	// The open page's list of reviews keeps up: the review shows, finished, without a reload.
	eventually(t, 15*time.Second, "the review shown finished", func() bool {
		return strings.Contains(b.text(`#review-list`), "on-demand; started")
	})
	if got := b.text(`#review-list section.review`); !strings.Contains(got, "finished") {
		t.Errorf("the review shows as %q, want finished", got)
	}
	if got := get(b, "the status", chromedp.Evaluate[string](`document.getElementById("reviews-updated").textContent`)); !strings.Contains(got, "List updated at") {
		t.Errorf("the status says %q after the review came", got)
	}
}

// The improvement list in the browser: an unknown owner is the API's refusal at
// the owner field; an owner and a due date are saved; done shows when.
func TestConsoleBacklogOwnerDueDone(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	sug := s.must(201, s.do("POST", "/v1/feedback", s.token("intake"), map[string]any{
		"kind": "suggestion", "channel": "app", "text": "建议增加夜间配送时段，希望晚上也能送货"})).body
	id := sug["backlog_id"].(string)
	b := newBrowser(t, s.url)
	b.signInAs(s.personToken("quality", "qin"))
	b.navigate(s.url + "/console/backlog")
	b.run("unknown owner",
		chromedp.WaitVisible(chromedp.CSS(`#form-`+id)),
		chromedp.SetValue(chromedp.CSS(`#owner-`+id), "nobody"),
		clickThrough(`#form-`+id+` button`),
		chromedp.WaitVisible(chromedp.CSS(`#owner-`+id+`-error`)))
	b.run("owner and due date",
		chromedp.SetValue(chromedp.CSS(`#owner-`+id), "quinn"),
		chromedp.SetValue(chromedp.CSS(`#due-`+id), "2026-12-31"),
		chromedp.SetValue(chromedp.CSS(`#status-`+id), "planned"),
		clickThrough(`#form-`+id+` button`),
		chromedp.WaitVisible(chromedp.CSS(`#backlog`)))
	var item map[string]any
	eventually(t, 10*time.Second, "the owner and due date saved", func() bool {
		item = items(s.must(200, s.do("GET", "/v1/improvement-backlog", s.token("quality"), nil)))[0]
		return item["owner"] == "quinn" && item["due_on"] == "2026-12-31" && item["status"] == "planned"
	})
	b.run("the saved row", chromedp.WaitNotPresent(chromedp.CSS(`#owner-`+id+`-error`)))
	if owner := get(b, "the owner field", chromedp.Value(chromedp.CSS(`#owner-`+id))); owner != "quinn" {
		t.Errorf("owner field %q after save", owner)
	}
	b.run("done",
		chromedp.WaitVisible(chromedp.CSS(`#status-`+id)),
		chromedp.SetValue(chromedp.CSS(`#status-`+id), "done"),
		clickThrough(`#form-`+id+` button`))
	eventually(t, 10*time.Second, "the item done", func() bool {
		item = items(s.must(200, s.do("GET", "/v1/improvement-backlog", s.token("quality"), nil)))[0]
		return item["status"] == "done" && item["done_at"] != nil && item["owner"] == "quinn"
	})
	b.navigate(s.url + "/console/backlog")
	b.run("the done row", chromedp.WaitVisible(chromedp.CSS(`#backlog`)))
	b.screenshot("backlog-done")
}

// The insight report in the browser: a bad period is refused at its field; the
// month's report lists the suggestion and offers the CSV, which downloads.
func TestConsoleInsightReport(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	s.must(201, s.do("POST", "/v1/feedback", s.token("intake"), map[string]any{
		"kind": "suggestion", "channel": "app", "text": "建议增加夜间配送时段，希望晚上也能送货"}))
	b := newBrowser(t, s.url)
	b.signInAs(s.personToken("quality", "qin"))
	b.navigate(s.url + "/console/insight?period=2026-13")
	b.run("refused period", chromedp.WaitVisible(chromedp.CSS(`#insight-period-error`)))
	month := time.Now().UTC().Format("2006-01")
	b.navigate(s.url + "/console/insight?period=" + month + "&time_zone=UTC")
	b.run("the report", chromedp.WaitVisible(chromedp.CSS(`#insight-report`)))
	if got := b.text(`#insight-suggestions tbody`); !strings.Contains(got, "建议增加夜间配送时段") {
		t.Errorf("suggestions %q", got)
	}
	b.screenshot("insight-report")
	status, body := b.request("GET", "/console/insight.csv?period="+month+"&time_zone=UTC", nil)
	if status != 200 || !strings.HasPrefix(body, "section,item,") || !strings.Contains(body, "suggestion,建议增加夜间配送时段") {
		t.Errorf("CSV: %d %s", status, body)
	}
}
