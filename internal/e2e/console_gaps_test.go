package e2e_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// consoleErrors collects what the browser reports as an error on the page: an
// uncaught exception, console.error, and the log's errors (a resource that failed to
// load, a Content-Security-Policy violation).
type consoleErrors struct {
	mu   sync.Mutex
	seen []string
}

func (b *browser) watchErrors() *consoleErrors {
	b.t.Helper()
	ce := &consoleErrors{}
	if err := chromedp.Listen(b.ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				msg = "console.error"
				for _, a := range ev.Args {
					msg += " " + string(a.Value) + a.Description
				}
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				msg = "log: " + ev.Entry.Text + " " + ev.Entry.URL
			}
		}
		if msg != "" {
			ce.mu.Lock()
			ce.seen = append(ce.seen, msg)
			ce.mu.Unlock()
		}
	}); err != nil {
		b.t.Fatal(err)
	}
	for _, enable := range []cdp.Command[cdp.Empty, cdp.Empty]{runtime.Enable, cdplog.Enable} {
		if _, err := chromedp.Call(b.ctx, enable, cdp.Empty{}); err != nil {
			b.t.Fatal(err)
		}
	}
	return ce
}

// take returns the errors seen since the last call.
func (ce *consoleErrors) take() []string {
	ce.mu.Lock()
	defer ce.mu.Unlock()
	out := ce.seen
	ce.seen = nil
	return out
}

// pageRoute matches a GET route of the console's handlers.
var pageRoute = regexp.MustCompile(`mux\.Handle(?:Func)?\("GET (/console/[^"]*)"`)

// consoleGETRoutes are the GET patterns the console's sources register.
func consoleGETRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../console/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("console sources: %v", err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pageRoute.FindAllStringSubmatch(string(src), -1) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// Every console route that renders a page answers an admin with 200, shows no error
// in the browser and is screenshotted into $CONSOLE_SCREENSHOTS (a temp dir when
// unset). A new page route that this walk does not know fails the test.
func TestConsoleEveryPageScreenshotted(t *testing.T) {
	s := newStack(t)
	c := s.file(adminToken, "walk-1", apiclient.Medium, apiclient.High)
	alert := s.must(201, s.do("POST", "/v1/risk-alerts", adminToken, map[string]any{"grade": "yellow", "description": "Walk alert"}))
	cycle := s.must(201, s.do("POST", "/v1/pdca-cycles", adminToken, map[string]any{"title": "Walk cycle",
		"metric": "resolution_rate_pct", "category": "logistics", "baseline": 60, "target": 80, "time_zone": "UTC"}))
	s.must(201, s.do("PUT", "/v1/calendars/walk-cal", adminToken, map[string]any{"name": "Walk", "time_zone": "UTC",
		"weekly_hours": map[string]any{"mon": []map[string]string{{"start": "09:00", "end": "18:00"}}}}))
	s.must(201, s.do("PUT", "/v1/people/walk-owner", adminToken, map[string]any{"name": "Walk Owner", "role": "agent"}))
	article := s.must(201, s.do("POST", "/v1/knowledge", adminToken, map[string]any{"title": "物流慢怎么办",
		"body": "先查询物流单号。\n超过3天未更新的,联系承运商催件。", "category": "logistics", "keywords": []string{"物流慢"},
		"owner": "walk-owner"}))

	pages := map[string]string{
		"/console/login":                "/console/login",
		"/console/{$}":                  "/console/",
		"/console/complaints/{id}":      "/console/complaints/" + c.Id.String(),
		"/console/escalations":          "/console/escalations",
		"/console/notifications":        "/console/notifications",
		"/console/reviews":              "/console/reviews",
		"/console/pdca":                 "/console/pdca",
		"/console/pdca/{id}":            "/console/pdca/" + cycle.body["id"].(string),
		"/console/risk":                 "/console/risk",
		"/console/risk/{id}":            "/console/risk/" + alert.body["id"].(string),
		"/console/qa":                   "/console/qa",
		"/console/dashboard":            "/console/dashboard",
		"/console/performance":          "/console/performance",
		"/console/kpi-targets":          "/console/kpi-targets",
		"/console/quality-setup":        "/console/quality-setup",
		"/console/admin/{$}":            "/console/admin/",
		"/console/admin/policies":       "/console/admin/policies",
		"/console/admin/directory":      "/console/admin/directory",
		"/console/admin/routing":        "/console/admin/routing",
		"/console/admin/calendars":      "/console/admin/calendars",
		"/console/admin/classification": "/console/admin/classification",
		"/console/admin/tokens":         "/console/admin/tokens",
		"/console/admin/integrations":   "/console/admin/integrations",
		"/console/admin/limits":         "/console/admin/limits",
		"/console/backlog":              "/console/backlog",
		"/console/insight":              "/console/insight?period=2026-11",
		"/console/admin/messages":       "/console/admin/messages",
		"/console/confirm/{kind}/{id}":  "/console/confirm/calendar/walk-cal",
		"/console/knowledge":            "/console/knowledge",
		"/console/knowledge/{id}":       "/console/knowledge/" + article.body["id"].(string),
	}
	// Routes that answer something other than a page.
	notPages := map[string]string{
		"/console/static/":                "the console's files",
		"/console/queue/rows":             "the queue's table body, fetched by its script",
		"/console/notifications/rows":     "the notices table's body, fetched by its script",
		"/console/escalations/pending":    "the open inbox's poll, JSON",
		"/console/qa/pending":             "the open QA queue's poll, JSON",
		"/console/reviews/list":           "the open reviews page's list, fetched by its script",
		"/console/backlog/items":          "the open improvement list's poll, JSON",
		"/console/complaints/{id}/events": "the open complaint page's poll, JSON",
		"/console/risk/alerts":            "the open risk page's poll, JSON",
		"/console/pdca/{id}/events":       "the open cycle page's poll, JSON",
		"/console/pdca/board":             "the board's columns, fetched by its script",
		"/console/risk/ledger.csv":        "a CSV download",
		"/console/insight.csv":            "a CSV download",
		"/console/dashboard.csv":          "a CSV download",
		"/console/dashboard/figures":      "the open dashboard's figures, fetched by its script",
		"/console/lang":                   "sets the language and redirects",
	}
	for _, r := range consoleGETRoutes(t) {
		if _, ok := pages[r]; !ok && notPages[r] == "" {
			t.Errorf("GET %s: a console route this walk does not visit; add it to pages (or notPages)", r)
		}
	}

	b := newBrowser(t, s.url)
	errs := b.watchErrors()
	visit := func(pattern string) {
		path := pages[pattern]
		b.navigate(s.url + path)
		b.run("page "+path, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		time.Sleep(300 * time.Millisecond) // charts draw after load
		name := strings.TrimSuffix("page"+strings.NewReplacer("/console", "", "/", "-", "{", "", "}", "", "$", "").Replace(pattern), "-")
		if name == "page" {
			name = "page-queue"
		}
		b.screenshot(name)
		b.checkLayout(path)
		if status, _ := b.request("GET", path, nil); status != 200 {
			t.Errorf("GET %s: HTTP %d, want 200", path, status)
		}
		for _, e := range errs.take() {
			t.Errorf("%s: the browser reports %s", path, e)
		}
	}
	visit("/console/login")
	b.signIn(adminToken)
	errs.take()
	keys := make([]string, 0, len(pages))
	for k := range pages {
		if k != "/console/login" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		visit(k)
	}
	// The walk's one complaint has no survey answer: the NPS chart says so.
	b.navigate(s.url + "/console/dashboard")
	if got := b.text(`#chart-nps-empty`); got != "NPS: No data in this period" {
		t.Errorf("the NPS chart without answers says %q, want NPS: No data in this period", got)
	}
	// Chinese is the header's widest language; its pages fit as well.
	b.navigate(s.url + "/console/lang?to=zh-CN&back=/console/")
	for _, k := range []string{"/console/{$}", "/console/dashboard"} {
		b.navigate(s.url + pages[k])
		b.run("page "+pages[k]+" in Chinese", chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		time.Sleep(300 * time.Millisecond)
		b.screenshot("zh-page" + strings.TrimSuffix(strings.NewReplacer("/console", "", "/", "-", "{$}", "queue").Replace(k), "-"))
		b.checkLayout(pages[k] + " in Chinese")
	}
	if got := b.text(`#chart-nps-empty`); got != "NPS: 此时间段内无数据" {
		t.Errorf("the NPS chart without answers says %q in Chinese, want NPS: 此时间段内无数据", got)
	}
}

// A Chinese viewer in Shanghai gets the quality, dashboard and admin pages in
// Chinese, with times in UTC+8.
func TestConsoleGapsChinesePages(t *testing.T) {
	s := newStack(t)
	sched := scheduleID("gaps-zh")
	t.Cleanup(func() { s.do("DELETE", "/v1/review-schedules/"+sched, adminToken, nil) })
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &sched, Kind: apiclient.ReviewScheduleKindMonthlyPlanning,
		CronSpec: ptr("0 9 1 * *"), TimeZone: ptr("UTC")})

	b := newBrowser(t, s.url)
	b.asChineseViewerInShanghai()
	b.signIn(adminToken)
	for _, p := range []struct{ path, h1 string }{
		{"/console/reviews", "评审"},
		{"/console/pdca", "PDCA 循环"},
		{"/console/risk", "风险预警"},
		{"/console/qa", "质检队列"},
		{"/console/dashboard", "仪表板"},
		{"/console/admin/policies", "管理: SLA 策略"},
		{"/console/admin/calendars", "管理: 工作日历"},
		{"/console/admin/tokens", "管理: API 令牌"},
	} {
		b.navigate(s.url + p.path)
		b.run("page "+p.path, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		if got := b.text(`main h1`); got != p.h1 {
			t.Errorf("%s: heading %q, want %q", p.path, got, p.h1)
		}
		b.screenshot("gaps-zh" + strings.ReplaceAll(strings.TrimPrefix(p.path, "/console"), "/", "-"))
	}
	// The schedule's next run, 09:00 UTC on the 1st, reads 17:00 in Shanghai.
	b.navigate(s.url + "/console/reviews")
	b.run("reviews", chromedp.WaitVisible(chromedp.CSS(`#schedules tr[data-id="`+sched+`"]`)))
	if got := b.text(`#schedules tr[data-id="` + sched + `"] time`); !strings.Contains(got, " 17:00:00 GMT+8") {
		t.Errorf("next run shows %q, want 17:00 in GMT+8", got)
	}
	if got := b.text(`#schedules tr[data-id="` + sched + `"] td:nth-child(5)`); got != "运行中" {
		t.Errorf("schedule state %q, want 运行中", got)
	}
}

// minutesOf reads "26h 5m" as minutes.
func minutesOf(t *testing.T, s string) int {
	t.Helper()
	var h, m int
	if _, err := fmt.Sscanf(s, "%dh %dm", &h, &m); err != nil {
		t.Fatalf("business time left %q: %v", s, err)
	}
	return h*60 + m
}

// The complaint page shows each running clock's business time left as the API
// computes it on the complaint's calendar.
func TestConsoleBusinessTimeLeft(t *testing.T) {
	s := newStack(t)
	c := s.file(adminToken, "gaps-left-1", apiclient.Medium, apiclient.High)
	id := c.Id.String()
	got := s.must(200, s.do("GET", "/v1/complaints/"+id, adminToken, nil))
	left, ok := got.body["sla"].(map[string]any)["first_response_business_left_seconds"].(float64)
	if !ok {
		t.Fatalf("the API's complaint has no first_response_business_left_seconds: %v", got.body["sla"])
	}

	b := newBrowser(t, s.url)
	b.signIn(adminToken)
	b.navigate(s.url + "/console/complaints/" + id)
	b.run("complaint", chromedp.WaitVisible(chromedp.CSS(`.business-left`)))
	shown := minutesOf(t, b.text(`.business-left`))
	if want := int(left) / 60; shown > want || shown < want-1 {
		t.Errorf("business time left %d min, want the API's %d min (read a moment before)", shown, want)
	}
	b.screenshot("gaps-business-left")
}

// The act form carries an adjusted plan for the next iteration: its fields reach
// the API under adjusted_plan, and the API's refusal of one shows at that field
// with what was typed kept. The form is offered once the iteration's final check
// is in: a plan due in seconds, approved, then checked after its due time.
func TestConsoleActAdjustedPlan(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin, quinn := s.personToken("quality", "qin"), s.personToken("quality", "quinn")
	open := s.must(201, s.do("POST", "/v1/pdca-cycles", qin, map[string]any{"title": "Night shift",
		"metric": "resolution_rate_pct", "category": "logistics", "baseline": 60, "target": 80, "time_zone": "UTC"}))
	id := open.body["id"].(string)
	due := time.Now().UTC().Add(8 * time.Second).Truncate(time.Second)
	s.must(200, s.do("POST", "/v1/pdca-cycles/"+id+"/plan", quinn, map[string]any{"target": 80, "due": due.Format(time.RFC3339),
		"measures": []map[string]any{{"description": "cover the night shift", "owner": "quinn", "due": due.Format(time.RFC3339)}}}))
	s.must(200, s.do("POST", "/v1/pdca-cycles/"+id+"/decision", qin, map[string]any{"decision": "approve"}))
	time.Sleep(time.Until(due) + time.Second)
	s.must(200, s.do("POST", "/v1/pdca-cycles/"+id+"/check", qin, map[string]any{}))
	eventually(t, 20*time.Second, "the final check", func() bool {
		return s.do("GET", "/v1/pdca-cycles/"+id, qin, nil).body["stage"] == "act"
	})

	b := newBrowser(t, s.url)
	b.signInAs(qin)
	b.navigate(s.url + "/console/pdca/" + id)
	day := time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02")
	b.run("act with an adjusted plan missing its owner",
		chromedp.WaitVisible(chromedp.CSS(`#act-adjusted`)),
		fill(`#act-root`, "night shift uncovered"),
		fill(`#adj-m0-description`, "cover the night shift"),
		chromedp.SetValue(chromedp.CSS(`#adj-m0-due`), day),
		fill(`#adj-plan-target`, "70"),
		chromedp.SetValue(chromedp.CSS(`#adj-plan-due`), day),
		clickThrough(`#form-act button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#adj-m0-owner-error`)))
	// Read by script, not by a node ID chromedp keeps, which the page's load can stale.
	if got := get(b, "the owner's error", chromedp.Evaluate[string](`(document.getElementById("adj-m0-owner-error") || {}).textContent || ""`)); got == "" {
		t.Error("no message at the adjusted plan's owner")
	}
	if got := get(b, "kept", chromedp.Evaluate[string](`document.getElementById("adj-m0-description").value`)); got != "cover the night shift" {
		t.Errorf("adjusted measure %q after the refusal, want what was typed", got)
	}
	b.screenshot("gaps-act-adjusted-refused")
}

// Deleting or deactivating asks first: the button leads to a confirmation page,
// cancelling changes nothing, confirming sends the API's DELETE; a POST without the
// session's CSRF token is refused.
func TestConsoleRemovalsAskFirst(t *testing.T) {
	s := newStack(t)
	s.must(201, s.do("PUT", "/v1/calendars/gaps-cal", adminToken, map[string]any{"name": "Gaps", "time_zone": "UTC",
		"weekly_hours": map[string]any{"mon": []map[string]string{{"start": "09:00", "end": "18:00"}}}}))
	s.must(201, s.do("PUT", "/v1/people/gaps-ann", adminToken, map[string]any{"name": "Ann", "role": "agent"}))
	sched := scheduleID("gaps-rm")
	t.Cleanup(func() { s.do("DELETE", "/v1/review-schedules/"+sched, adminToken, nil) })
	s.createSchedule(apiclient.CreateReviewScheduleRequest{Id: &sched, Kind: apiclient.ReviewScheduleKindMonthlyPlanning, TimeZone: ptr("UTC")})

	b := newBrowser(t, s.url)
	b.signIn(adminToken)

	// A calendar: cancel, then confirm.
	b.navigate(s.url + "/console/admin/calendars")
	b.run("ask to delete the calendar, then cancel",
		clickThrough(`#remove-calendar-gaps-cal`),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-question`)))
	b.screenshot("gaps-confirm-calendar")
	b.run("cancel", clickThrough(`#confirm-cancel`), chromedp.WaitVisible(chromedp.CSS(`#calendars`)))
	s.must(200, s.do("GET", "/v1/calendars/gaps-cal", adminToken, nil))
	if status, _ := b.request("POST", "/console/remove/calendar/gaps-cal", url.Values{"csrf": {"wrong"}}); status != 403 {
		t.Errorf("remove with a wrong CSRF token: HTTP %d, want 403", status)
	}
	s.must(200, s.do("GET", "/v1/calendars/gaps-cal", adminToken, nil))
	b.run("delete the calendar, confirmed",
		clickThrough(`#remove-calendar-gaps-cal`),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-yes`)), clickThrough(`#confirm-yes`),
		chromedp.WaitVisible(chromedp.CSS(`#calendars`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#calendars tr[data-id="gaps-cal"]`)))
	s.must(404, s.do("GET", "/v1/calendars/gaps-cal", adminToken, nil))

	// A person: deactivated, not deleted.
	b.navigate(s.url + "/console/admin/directory")
	b.run("deactivate a person",
		clickThrough(`#remove-person-gaps-ann`),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-yes`)), clickThrough(`#confirm-yes`),
		chromedp.WaitVisible(chromedp.CSS(`#people`)))
	if active := s.must(200, s.do("GET", "/v1/people/gaps-ann", adminToken, nil)).body["active"]; active != false {
		t.Errorf("gaps-ann active = %v after the deactivation, want false", active)
	}

	// A review schedule, from the reviews page.
	b.navigate(s.url + "/console/reviews")
	b.run("delete a review schedule",
		clickThrough(`#remove-schedule-`+sched),
		chromedp.WaitVisible(chromedp.CSS(`#confirm-yes`)), clickThrough(`#confirm-yes`),
		chromedp.WaitVisible(chromedp.CSS(`#schedules`)))
	if status := s.do("GET", "/v1/review-schedules/"+sched, adminToken, nil).status; status != 404 {
		t.Errorf("schedule after the delete: HTTP %d, want 404", status)
	}
}
