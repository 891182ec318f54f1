package e2e_test

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/complaint"
)

// seedDashboard writes complaints with handling histories over the last weeks, with
// channels and keywords, so each chart of the dashboard has figures to draw.
func (s *stack) seedDashboard(now time.Time) {
	s.t.Helper()
	nine, two := 9, 2
	for _, c := range []struct {
		category, channel string
		keywords          []string
		opened            time.Time
		events            map[time.Duration]complaint.Event
	}{
		{"logistics", "web", []string{"parcel", "late"}, now.Add(-7 * time.Hour), map[time.Duration]complaint.Event{
			time.Hour:     {Kind: complaint.EventAcknowledged},
			5 * time.Hour: {Kind: complaint.EventResolved},
			6 * time.Hour: {Kind: complaint.EventSurveyAnswered, Survey: &complaint.SurveyAnswer{CSAT: 5, NPS: &nine, CES: &two, Solved: true}},
		}},
		{"product", "email", []string{"refund", "parcel"}, now.Add(-8 * 24 * time.Hour), map[time.Duration]complaint.Event{
			30 * time.Minute: {Kind: complaint.EventResolved},
			2 * time.Hour:    {Kind: complaint.EventReopened},
		}},
		{"logistics", "phone", []string{"late"}, now.Add(-15 * 24 * time.Hour), map[time.Duration]complaint.Event{
			25 * time.Hour: {Kind: complaint.EventSLABreached, Clock: complaint.ClockFirstResponse},
			26 * time.Hour: {Kind: complaint.EventEscalationRequest},
		}},
		{"product", "web", []string{"broken"}, now.Add(-40 * 24 * time.Hour), nil},
	} {
		id := s.seedComplaint(c.category, c.opened, c.events)
		if _, err := s.store.DB().Exec(`UPDATE complaints SET channel = $2, keywords = $3 WHERE id = $1`,
			id, c.channel, pq.Array(c.keywords)); err != nil {
			s.t.Fatal(err)
		}
	}
}

// chartOption is the part of an ECharts option the test compares.
type chartOption struct {
	XAxis  []struct{ Data []string } `json:"xAxis"`
	YAxis  []struct{ Data []string } `json:"yAxis"`
	Series []struct {
		ID   string `json:"id"`
		Data []any  `json:"data"`
	} `json:"series"`
}

// option reads the option the chart in element id was given.
func (b *browser) option(id string) chartOption {
	b.t.Helper()
	raw := get(b, "option of "+id, chromedp.Evaluate[string](
		`JSON.stringify(echarts.getInstanceByDom(document.getElementById("`+id+`")).getOption())`))
	var o chartOption
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		b.t.Fatalf("option of %s: %v", id, err)
	}
	return o
}

// hoursOf is the API's seconds as the dashboard shows them: hours to 2 decimals.
func hoursOf(v any) any {
	if v == nil {
		return nil
	}
	return math.Round(v.(float64)/36) / 100
}

// A manager opens the dashboard: each chart was given the figures GET /v1/metrics
// answers for its week, the heat map GET /v1/heatmap's cells, and each table's CSV
// holds the table's rows; a role the API refuses sees the API's refusal.
func TestConsoleDashboard(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	s.seedDashboard(time.Now())
	maxTok := s.personToken("manager", "max")
	b := newBrowser(t, s.url)
	b.signIn(maxTok)

	b.navigate(s.url + "/console/dashboard?period=12w&group_by=channel")
	b.run("open the dashboard",
		chromedp.WaitVisible(chromedp.CSS(`#chart-heatmap canvas`)))
	var buckets []struct{ Label, From, To string }
	attr := get(b, "the buckets", chromedp.AttributeValue(chromedp.CSS(`#dashboard`), "data-buckets"))
	if err := json.Unmarshal([]byte(attr.Value), &buckets); err != nil || len(buckets) != 12 {
		t.Fatalf("buckets %q: %v, want 12", attr.Value, err)
	}

	// Each bucket's figures, straight from the API.
	totals := make([]map[string]any, len(buckets))
	channels := make([]map[string]float64, len(buckets))
	for i, bk := range buckets {
		q := url.Values{"from": {bk.From}, "to": {bk.To}, "group_by": {"channel"}}
		body := s.must(200, s.do("GET", "/v1/metrics?"+q.Encode(), adminToken, nil)).body
		totals[i], channels[i] = body["total"].(map[string]any), map[string]float64{}
		for _, g := range body["groups"].([]any) {
			g := g.(map[string]any)
			channels[i][g["key"].(string)] = g["volume"].(float64)
		}
	}
	var volume float64
	for _, tot := range totals {
		volume += tot["volume"].(float64)
	}
	if volume != 4 {
		t.Fatalf("the API counts %v complaints over the 12 weeks, want the 4 seeded", volume)
	}
	check := func(chart, series string, want func(i int) any) {
		t.Helper()
		o := b.option(chart)
		for _, sr := range o.Series {
			if sr.ID != series {
				continue
			}
			for i := range buckets {
				if got, w := sr.Data[i], want(i); !reflect.DeepEqual(got, w) {
					t.Errorf("%s %s[%s] = %v, want the API's %v", chart, series, buckets[i].Label, got, w)
				}
			}
			return
		}
		t.Errorf("%s has no series %s", chart, series)
	}
	for _, ch := range []string{"web", "email", "phone"} {
		check("chart-volume-channel", ch, func(i int) any { return channels[i][ch] })
	}
	for _, f := range []string{"sla_compliance_pct", "escalation_rate_pct", "reopen_rate_pct", "fcr_pct", "csat_satisfied_pct", "loop_closure_pct"} {
		check("chart-rates", f, func(i int) any { return totals[i][f] })
	}
	for _, f := range []string{"first_response", "resolution"} {
		for _, p := range []string{"p50", "p90"} {
			check("chart-times", f+"_"+p, func(i int) any { return hoursOf(totals[i][f+"_seconds"].(map[string]any)[p]) })
		}
	}
	check("chart-nps", "nps", func(i int) any { return totals[i]["nps"] })
	check("chart-ces", "ces", func(i int) any { return totals[i]["ces"] })

	// The breakdown of the whole period by channel is the API's grouped answer.
	whole := url.Values{"from": {buckets[0].From}, "to": {buckets[len(buckets)-1].To}, "group_by": {"channel"}}
	var wantGroups, gotGroups []any
	for _, g := range s.must(200, s.do("GET", "/v1/metrics?"+whole.Encode(), adminToken, nil)).body["groups"].([]any) {
		wantGroups = append(wantGroups, g.(map[string]any)["volume"])
	}
	br := b.option("chart-breakdown")
	gotGroups = br.Series[0].Data
	if !reflect.DeepEqual(gotGroups, wantGroups) || len(br.XAxis[0].Data) != len(wantGroups) {
		t.Errorf("breakdown volumes %v (%v), want the API's %v", gotGroups, br.XAxis[0].Data, wantGroups)
	}

	// The heat map's cells are GET /v1/heatmap's counts, category × keyword.
	q := url.Values{"from": {buckets[0].From}, "to": {buckets[len(buckets)-1].To}}
	heat := s.must(200, s.do("GET", "/v1/heatmap?"+q.Encode(), adminToken, nil)).body
	var want [][]float64
	var keywords []string
	for y, it := range heat["items"].([]any) {
		it := it.(map[string]any)
		keywords = append(keywords, it["keyword"].(string))
		for x, c := range heat["categories"].([]any) {
			want = append(want, []float64{float64(x), float64(y), it["counts"].(map[string]any)[c.(string)].(float64)})
		}
	}
	hm := b.option("chart-heatmap")
	var got [][]float64
	for _, d := range hm.Series[0].Data {
		var cellv []float64
		for _, v := range d.([]any) {
			cellv = append(cellv, v.(float64))
		}
		got = append(got, cellv)
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(hm.YAxis[0].Data, keywords) || len(keywords) != 4 {
		t.Errorf("heat map cells %v keywords %v, want the API's %v %v", got, hm.YAxis[0].Data, want, keywords)
	}
	b.screenshot("dashboard")

	// Each table's CSV, fetched with the session, holds the table's rows.
	for _, table := range []string{"volume-channel", "volume-category", "rates", "times", "voice", "heatmap", "breakdown"} {
		href := get(b, "CSV link of "+table, chromedp.AttributeValue(chromedp.CSS(`#table-`+table+` a.csv`), "href")).Value
		raw := get(b, "fetch "+href, chromedp.Evaluate[string](
			`fetch(`+jsString(href)+`).then(r => Promise.all([r.headers.get("Content-Disposition"), r.text()])).then(a => a.join("\n"))`, chromedp.EvalAwaitPromise))
		disposition, body, _ := strings.Cut(raw, "\n")
		if !strings.HasPrefix(disposition, "attachment;") {
			t.Errorf("%s: Content-Disposition %q, want an attachment", table, disposition)
		}
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("%s CSV: %v", table, err)
		}
		cells := get(b, "cells of "+table, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("#table-`+table+` tr"))
			.map(tr => Array.from(tr.children).map(c => c.textContent.trim()))`))
		if !reflect.DeepEqual(records, cells) {
			t.Errorf("%s: CSV %q, want the table's %q", table, records, cells)
		}
	}

	// A bad picker value is named; an intake token, which the API refuses, sees why.
	b.navigate(s.url + "/console/dashboard?period=2y")
	b.run("bad period",
		chromedp.WaitVisible(chromedp.CSS(`#period-error`)))
	b.run("sign out", clickThrough(`.signout button`), chromedp.WaitVisible(chromedp.CSS(`#token`)))
	b.run("sign in as intake",
		chromedp.SendKeys(chromedp.CSS(`#token`), s.token("intake")),
		clickThrough(`button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`header nav`)),
		chromedp.Navigate(s.url+"/console/dashboard"),
		chromedp.WaitVisible(chromedp.CSS(`#dashboard-refusal`)))
	if got := b.text(`#dashboard-refusal`); !strings.Contains(got, "403") {
		t.Errorf("an intake token sees %q, want the API's 403", got)
	}
	b.screenshot("dashboard-refused")
}

// The open dashboard keeps up by itself: at the chosen refresh it fetches its
// figures, leaves the drawn charts alone while nothing changed, and when a complaint
// is filed swaps the tables in, draws the charts again from them and says "Figures
// updated at …"; "never" draws a page that does not fetch.
func TestConsoleDashboardRefreshes(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	s.seedDashboard(time.Now())
	b := newBrowser(t, s.url)
	b.signIn(s.personToken("manager", "max"))

	total := func() string {
		return b.text(`#table-volume-channel tbody tr:last-child td:last-child`)
	}
	b.navigate(s.url + "/console/dashboard?period=4w&refresh=10")
	b.run("open the dashboard", chromedp.WaitVisible(chromedp.CSS(`#chart-volume-channel canvas`)))
	if got := get(b, "the refresh chosen", chromedp.Evaluate[string](`document.getElementById("refresh").selectedOptions[0].textContent`)); got != "every 10 s" {
		t.Errorf("the refresh picker shows %q, want the address's \"every 10 s\"", got)
	}
	before := total()
	get(b, "mark the drawn chart", chromedp.Evaluate[bool](`document.getElementById("chart-volume-channel").dataset.mark = "drawn"; true`))
	time.Sleep(12 * time.Second) // a refresh with nothing new
	if !b.exists(`#chart-volume-channel[data-mark="drawn"]`) {
		t.Fatal("the figures were swapped although nothing changed")
	}
	if got := b.text(`#dashboard-updated`); got != "" {
		t.Errorf("the status says %q with nothing changed", got)
	}

	s.file(adminToken, "dash-live-1", apiclient.High, apiclient.High)
	b.run("the figures swapped in", chromedp.WaitNotPresent(chromedp.CSS(`#chart-volume-channel[data-mark="drawn"]`)))
	after := total()
	if n, m := atoi(t, before), atoi(t, after); m != n+1 {
		t.Errorf("this week's total went from %s to %s, want one more", before, after)
	}
	o := b.option("chart-volume-channel")
	var week float64
	for _, sr := range o.Series {
		if v, ok := sr.Data[len(sr.Data)-1].(float64); ok {
			week += v
		}
	}
	if week != float64(atoi(t, after)) {
		t.Errorf("the redrawn chart's bars add up to %v this week, want the table's %s", week, after)
	}
	if got := b.text(`#dashboard-updated`); !strings.Contains(got, "Figures updated at") {
		t.Errorf("the status says %q after the change", got)
	}

	b.navigate(s.url + "/console/dashboard?period=4w&refresh=0")
	b.run("a dashboard that does not refresh", chromedp.WaitVisible(chromedp.CSS(`#chart-volume-channel canvas`)))
	if b.exists(`#dashboard-figures[data-refresh]`) {
		t.Error("refresh=0 still fetches the figures")
	}
	b.navigate(s.url + "/console/dashboard?refresh=5")
	b.run("too often", chromedp.WaitVisible(chromedp.CSS(`#refresh-error`)))
}

// atoi is a table cell's count.
func atoi(t *testing.T, cell string) int {
	t.Helper()
	n, err := strconv.Atoi(cell)
	if err != nil {
		t.Fatalf("cell %q is not a count", cell)
	}
	return n
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
