package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintflow/complaintflow/internal/demo"
)

// Per-agent performance in the browser, over the demo's history: the dashboard
// breaks the period down by agent per day, the performance page ranks ann and ben for
// last month, and a refused weights form names its fields before a good one changes
// the ranking.
func TestConsolePerformance(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	complaints, feedback := demo.History(now, shanghai)
	if err := s.store.SeedHistory(context.Background(), complaints, feedback); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.url)
	b.signInAs(s.personToken("quality", "qin"))

	b.navigate(s.url + "/console/dashboard?period=4w&group_by=owner&interval=day")
	b.run("dashboard by agent per day", chromedp.WaitVisible(chromedp.CSS(`#table-breakdown`)))
	if got := b.text(`#table-breakdown`); !strings.Contains(got, "ann") || !strings.Contains(got, "ben") {
		t.Errorf("breakdown by agent: %q", got)
	}
	if got := b.count(`#table-volume-channel tbody tr`); got < 28 {
		t.Errorf("%d rows per day over 4 weeks, want at least 28", got)
	}
	b.screenshot("perf-dashboard-owner-day")

	local := now.In(shanghai)
	lastMonth := time.Date(local.Year(), local.Month()-1, 1, 0, 0, 0, 0, shanghai).Format("2006-01")
	page := s.url + "/console/performance?month=" + lastMonth + "&time_zone=Asia%2FShanghai"
	b.navigate(page)
	b.run("performance page", chromedp.WaitVisible(chromedp.CSS(`#stars`)))
	// Last month: ann and ben each own 18 complaints, all resolved; ann's CSAT is
	// higher (the dissatisfied logistics ones alternate), so the ranking has both.
	if got := b.text(`#stars tbody`); !strings.Contains(got, "ann") || !strings.Contains(got, "ben") {
		t.Fatalf("ranking: %q", got)
	}
	if got := b.text(`#stars tbody tr:first-child td:first-child`); got != "1" {
		t.Errorf("first row's rank %q, want 1", got)
	}
	b.screenshot("perf-stars")

	// All weights 0: the API refuses and the form names each field.
	for _, f := range []string{"quality", "satisfaction", "resolution", "teamwork"} {
		b.run("clear "+f, chromedp.SetValue(chromedp.CSS(`#weight-`+f), "0"))
	}
	b.run("save zero weights",
		clickThrough(`#form-weights button`),
		chromedp.WaitVisible(chromedp.CSS(`#weight-satisfaction-error`)))
	b.screenshot("perf-weights-refused")

	b.run("weigh resolution only", chromedp.SetValue(chromedp.CSS(`#weight-resolution`), "100"),
		clickThrough(`#form-weights button`))
	// The form posts, the API stores, the page comes back with the ranking.
	eventually(t, 20*time.Second, "the weights stored", func() bool {
		w := s.must(200, s.do("GET", "/v1/service-star-weights", s.token("quality"), nil)).body
		return w["resolution"] == 100.0 && w["satisfaction"] == 0.0
	})
	b.navigate(page)
	b.run("ranking by the new weights", chromedp.WaitVisible(chromedp.CSS(`#stars`)))

	// Opened from the nav (no query), the pickers say what the tables are for — the
	// API's choice of day, month and zone, as the headings show them.
	b.navigate(s.url + "/console/performance")
	b.run("performance page, defaults", chromedp.WaitVisible(chromedp.CSS(`#stars`)))
	for sel, heading := range map[string]string{`#pf-date`: `#efficiency-title`, `#pf-month`: `#stars-title`} {
		got := get(b, "picker "+sel, chromedp.Value(chromedp.CSS(sel)))
		if h := b.text(heading); got == "" || !strings.Contains(h, got+" (UTC)") {
			t.Errorf("picker %s shows %q under a page whose heading is %q", sel, got, h)
		}
	}
	if got := get(b, "zone picker", chromedp.Value(chromedp.CSS(`#pf-zone`))); got != "UTC" {
		t.Errorf("zone picker %q, want the default zone UTC", got)
	}
}
