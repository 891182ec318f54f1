package e2e_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
)

// The notices page lists several deliveries of one complaint, each linking it: a
// keyboard user on the second row's link is put back on that row's link when the
// rows are swapped for a new delivery — not on the first link to the same complaint.
func TestConsoleRefreshKeepsTheFocusOnItsRow(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	id := s.file(adminToken, "focus-1", apiclient.Medium, apiclient.Medium).Id.String()
	plant := func(recipient string) string {
		t.Helper()
		var row int64
		if err := s.store.DB().Get(&row, `INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient, channel,
				subject, body, status, attempts, last_error)
			VALUES ($1, $2, 'sla_breached', $3, 'webhook', 'planted', 'b', 'failed', 1, 'webhook answered 500') RETURNING id`,
			"focus/"+recipient, id, recipient); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(row, 10)
	}
	older := plant("lee")
	time.Sleep(10 * time.Millisecond) // newest first: older is the second row
	newer := plant("max")

	b := newBrowser(t, s.url)
	b.signIn(adminToken)
	b.navigate(s.url + "/console/notifications")
	row := func(id string) string { return `#notification-rows tr[data-id="` + id + `"]` }
	link := ` a[href="/console/complaints/` + id + `"]`
	b.run("both deliveries", chromedp.WaitVisible(chromedp.CSS(row(older))), chromedp.WaitVisible(chromedp.CSS(row(newer))))
	if first := get(b, "the first row", chromedp.Evaluate[string](`document.querySelector("#notification-rows tr").dataset.id`)); first != newer {
		t.Fatalf("the first row is %s, want the newer delivery %s", first, newer)
	}
	get(b, "focus the second row's link", chromedp.Evaluate[bool](`document.querySelector('`+row(older)+link+`').focus(); true`))

	latest := plant("kim")
	b.run("the rows swapped for the new delivery", chromedp.WaitVisible(chromedp.CSS(row(latest))))
	focused := get(b, "the focused row", chromedp.Evaluate[string](
		`(document.activeElement.closest("tr") || {dataset: {}}).dataset.id || document.activeElement.tagName`))
	if focused != older {
		t.Errorf("after the swap the focus is on row %q, want back on the row it was on, %s (rows %s, %s, %s)", focused, older, latest, newer, older)
	}
}

// A Chinese viewer in Shanghai reads the queue's countdowns in Chinese: the units,
// and a paused clock's due time in their own zone as every time of the page — not
// the server's RFC 3339 UTC. The page's title names the page.
func TestConsoleCountdownSpeaksTheViewersLanguage(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	ann := s.personToken("agent", "ann")
	running := s.file(adminToken, "cd-zh-running", apiclient.High, apiclient.High).Id.String()
	paused := s.file(adminToken, "cd-zh-paused", apiclient.High, apiclient.High).Id.String()
	for _, id := range []string{running, paused} {
		eventually(t, 30*time.Second, "complaint "+id+" routed to ann", func() bool {
			c, err := s.store.Complaint(context.Background(), id)
			return err == nil && null.Value(c.Owner) == "ann"
		})
	}
	s.must(200, s.do("POST", "/v1/complaints/"+paused+"/acknowledge", ann, map[string]any{"message": "We are on it."}))
	s.must(200, s.do("POST", "/v1/complaints/"+paused+"/pause", ann, map[string]any{"reason": "waiting for the receipt"}))

	b := newBrowser(t, s.url)
	b.asChineseViewerInShanghai()
	b.signIn(ann)
	b.navigate(s.url + "/console/?owner=me")
	prow := `tr[data-id="` + paused + `"] .countdown`
	rrow := `tr[data-id="` + running + `"] .countdown`
	b.run("the countdowns", chromedp.WaitVisible(chromedp.CSS(prow+`[data-level="paused"]`)), chromedp.WaitVisible(chromedp.CSS(rrow+`[data-level]`)))
	got := b.text(prow)
	if !strings.Contains(got, "已暂停") || !strings.Contains(got, "GMT+8") || regexp.MustCompile(`\d{4}-\d\d-\d\dT`).MatchString(got) {
		t.Errorf("the paused row reads %q, want its due time in Chinese in the viewer's zone (GMT+8), not RFC 3339", got)
	}
	got = b.text(rrow)
	if !regexp.MustCompile(`\d+秒`).MatchString(got) || regexp.MustCompile(`\d+[hms]\b`).MatchString(got) {
		t.Errorf("the running row reads %q, want Chinese units", got)
	}
	if title := get(b, "the title", chromedp.Evaluate[string](`document.title`)); title != "投诉队列 — complaintflow" {
		t.Errorf("the queue's title is %q", title)
	}
}

// The dashboard's charts keep the aria-label the page gave them (what the chart
// shows and which table holds its figures, in the viewer's language) — ECharts'
// own generated label is off, its patterns are on — and a chart of counts steps
// its value axis by whole complaints.
func TestConsoleDashboardChartsKeepTheirLabels(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	s.seedDashboard(time.Now())
	b := newBrowser(t, s.url)
	b.signIn(s.personToken("manager", "max"))
	b.navigate(s.url + "/console/dashboard?period=4w&group_by=channel")
	b.run("the charts drawn", chromedp.WaitVisible(chromedp.CSS(`#chart-heatmap canvas`)),
		chromedp.WaitVisible(chromedp.CSS(`#chart-volume-channel canvas`)))
	labels := get(b, "the charts' labels", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(".chart[data-chart]")).map(function (el) { return el.id + " = " + el.getAttribute("aria-label"); })`))
	if len(labels) < 5 {
		t.Fatalf("charts %v", labels)
	}
	for _, l := range labels {
		if !strings.Contains(l, "= Chart: ") || !strings.Contains(l, "its numbers are in the table below") {
			t.Errorf("chart label %q: not the page's", l)
		}
	}
	type axis struct {
		MinInterval *float64 `json:"minInterval"`
	}
	interval := func(id string) *float64 {
		var o struct {
			YAxis []axis `json:"yAxis"`
			Aria  struct {
				Label struct{ Enabled bool } `json:"label"`
				Decal struct{ Show bool }    `json:"decal"`
			} `json:"aria"`
		}
		raw := get(b, "option of "+id, chromedp.Evaluate[string](
			`JSON.stringify(echarts.getInstanceByDom(document.getElementById("`+id+`")).getOption())`))
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			t.Fatalf("option of %s: %v", id, err)
		}
		if !o.Aria.Decal.Show || o.Aria.Label.Enabled {
			t.Errorf("%s: aria %+v, want decal patterns on and ECharts' own label off", id, o.Aria)
		}
		if len(o.YAxis) == 0 {
			t.Fatalf("%s has no value axis", id)
		}
		return o.YAxis[0].MinInterval
	}
	// The seeds hold no feedback: the sentiment charts say "No data in this period"
	// instead of drawing (console_layout_test.go); TestConsoleDashboardSentiment draws them.
	for _, id := range []string{"chart-volume-channel", "chart-volume-category", "chart-breakdown"} {
		if got := interval(id); got == nil || *got != 1 {
			t.Errorf("%s: minInterval %v, want 1 (counts)", id, got)
		}
	}
	if got := interval("chart-rates"); got != nil {
		t.Errorf("chart-rates: minInterval %v, want none (percentages)", *got)
	}
}

// A QA score typed as a fraction is the API's refusal of that fraction, at its
// field, and the field says it is invalid and is described by the message.
func TestConsoleQAScoreAsTyped(t *testing.T) {
	s := newStack(t)
	sample := s.qaSample("ann")
	b, field := refusedQAScore(t, s, sample, "4.5")
	if got := b.text(field("response_speed") + "-error"); !strings.Contains(got, "integer") {
		t.Errorf("the refusal of 4.5 reads %q, want it to say a score is whole", got)
	}
	if got := get(b, "the typed score", chromedp.Value(chromedp.CSS(field("response_speed")))); got != "4.5" {
		t.Errorf("the field holds %q after the refusal, want what was typed", got)
	}
	aria := get(b, "the field's state", chromedp.Evaluate[string](`(function (el) {
		return el.getAttribute("aria-invalid") + " " + el.getAttribute("aria-describedby"); })(document.querySelector("`+field("response_speed")+`"))`))
	if want := "true score-" + sample + "-response_speed-error"; aria != want {
		t.Errorf("the refused field: %q, want %q", aria, want)
	}
}
