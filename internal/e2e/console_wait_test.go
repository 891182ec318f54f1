package e2e_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A manager opens the dashboard and sees the customers' wait before reaching a
// person (002 §7.1 wait time) beside the other KPIs: its p50 / p90 and the share
// within the 90 s target per week, each GET /v1/metrics' figure, the target named
// on the charts, and the wait columns of the breakdown by channel.
func TestConsoleDashboardShowsTheWait(t *testing.T) {
	s := newStack(t)
	s.directory(startWebhookReceiver(t).URL)
	now := time.Now()
	for _, c := range []struct {
		channel string
		wait    any // nil: none filed
		ago     time.Duration
	}{
		{"phone", 30, 7 * time.Hour},
		{"phone", 150, 8 * time.Hour},
		{"wechat", 60, 8 * 24 * time.Hour},
		{"email", nil, 9 * time.Hour},
	} {
		id := s.seedComplaint("logistics", now.Add(-c.ago), nil)
		if _, err := s.store.DB().Exec(`UPDATE complaints SET channel = $2, wait_seconds = $3 WHERE id = $1`,
			id, c.channel, c.wait); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, s.url)
	b.signIn(s.personToken("manager", "max"))
	b.navigate(s.url + "/console/dashboard?period=4w&group_by=channel")
	b.run("open the dashboard", chromedp.WaitVisible(chromedp.CSS(`#chart-wait canvas`)))

	var buckets []struct{ Label, From, To string }
	attr := get(b, "the buckets", chromedp.AttributeValue(chromedp.CSS(`#dashboard`), "data-buckets"))
	if err := json.Unmarshal([]byte(attr.Value), &buckets); err != nil || len(buckets) != 4 {
		t.Fatalf("buckets %q: %v, want 4", attr.Value, err)
	}
	var answers float64
	waits := make([]map[string]any, len(buckets))
	for i, bk := range buckets {
		q := url.Values{"from": {bk.From}, "to": {bk.To}}
		waits[i] = s.must(200, s.do("GET", "/v1/metrics?"+q.Encode(), adminToken, nil)).body["total"].(map[string]any)["wait_seconds"].(map[string]any)
		answers += waits[i]["count"].(float64)
	}
	if answers != 3 {
		t.Fatalf("the API counts %v waits over the 4 weeks, want the 3 seeded", answers)
	}
	for chart, series := range map[string]map[string]string{
		"chart-wait":       {"wait_p50": "p50", "wait_p90": "p90"},
		"chart-wait-share": {"wait_within_pct": "within_target_pct"},
	} {
		o := b.option(chart)
		for _, sr := range o.Series {
			field, ok := series[sr.ID]
			if !ok {
				t.Errorf("%s has series %s", chart, sr.ID)
				continue
			}
			delete(series, sr.ID)
			for i := range buckets {
				if got, want := sr.Data[i], waits[i][field]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s[%s] = %v, want the API's %v", chart, sr.ID, buckets[i].Label, got, want)
				}
			}
		}
		if len(series) != 0 {
			t.Errorf("%s lacks %v", chart, series)
		}
		if label := get(b, "label of "+chart, chromedp.AttributeValue(chromedp.CSS(`#`+chart), "aria-label")).Value; !strings.Contains(label, "(target 90 s)") {
			t.Errorf("%s is labelled %q, want the target named", chart, label)
		}
	}

	// The breakdown by channel, named in English: phone's two waits (30, 150) and WeChat's one, e-mail none.
	cells := get(b, "cells of the breakdown", chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("#table-breakdown tr"))
		.map(tr => Array.from(tr.children).map(c => c.textContent.trim()))`))
	col := map[string]int{}
	for i, h := range cells[0] {
		col[h] = i
	}
	got := map[string]string{}
	for _, row := range cells[1:] {
		got[row[0]] = strings.Join([]string{row[col["wait p50 (s)"]], row[col["wait p90 (s)"]], row[col["wait within target %"]]}, " ")
	}
	want := map[string]string{"phone": "90 138 50", "WeChat": "60 60 100", "email": "  ", "total": "60 132 66.67"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("breakdown %s: wait p50 p90 within %q, want %q (all rows: %q)", k, got[k], w, cells)
		}
	}
	b.screenshot("dashboard-wait")
}
