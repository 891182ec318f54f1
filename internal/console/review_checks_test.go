package console

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// asQuality is a GET of a quality page by a quality lead reading lang.
func asQuality(t *testing.T, h http.HandlerFunc, path, id, lang string) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.SetPathValue("id", id)
	r.Header.Set("Accept-Language", lang)
	r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality, PersonID: "q"}}))
	w := httptest.NewRecorder()
	h(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %.300s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

// The weekly tracking review shows each cycle's latest check, and one on fewer
// samples than a verdict needs as not judged with its counts: 100 % from one
// complaint read as a met target (or a miss, by its met column).
func TestTrackingReviewShowsALastCheckOnTooFewSamplesAsNotJudged(t *testing.T) {
	check := func(value float64, met, judged bool, samples any) map[string]any {
		return map[string]any{"iteration": 2, "checked_at": ago(24 * time.Hour), "value": value, "target": 80, "met": met,
			"final": false, "samples": samples, "min_samples": 10, "judged": judged}
	}
	cycle := func(title string, last any) map[string]any {
		return map[string]any{"id": "c-" + title, "title": title, "metric": "resolution_rate_pct", "stage": "do", "iteration": 2,
			"stalled": false, "last_progress_at": ago(time.Hour), "last_check": last}
	}
	// A review recorded before last_check was reported says nothing of checks: "—".
	before := cycle("before", nil)
	delete(before, "last_check")
	f := &fakeAPI{answers: map[string]any{"/v1/review-schedules": items(), "/v1/reviews": items(map[string]any{
		"id": "review:w", "schedule_id": "weekly", "kind": "weekly_tracking", "time_zone": "UTC",
		"period_from": ago(8 * 24 * time.Hour), "period_to": ago(24 * time.Hour), "started_at": ago(20 * time.Hour),
		"finished_at": ago(20 * time.Hour), "summary": "", "opportunities": []any{},
		"cycles": []any{cycle("thin", check(100, false, false, 1)), cycle("met", check(91.67, true, true, 12)), cycle("none", nil), before},
	})}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	cells := regexp.MustCompile(`<td class="last-check">(?:<time[^>]*>[^<]*</time>: )?([^<]*)</td>`)
	for lang, want := range map[string][]string{
		"en":    {"100 % → 80 %, not judged: 1 of 10 samples", "91.67 % → 80 %, met", "No check yet.", "—"},
		"zh-CN": {"100 % → 80 %, 样本不足，未评判：1 / 10", "91.67 % → 80 %, 已达成", "尚无检查。", "—"},
	} {
		body := asQuality(t, c.reviews, "/console/reviews", "", lang)
		var got []string
		for _, m := range cells.FindAllStringSubmatch(body, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: last checks %q, want %q: %s", lang, got, want, snippet(body, "last-check"))
		}
	}
}

// The cycle page's chart marks a check on too few samples as not judged, in the
// page's language, rather than plotting it like a verdict.
func TestCycleChartMarksAChecksOnTooFewSamplesAsNotJudged(t *testing.T) {
	check := func(value float64, samples any, judged, met bool) map[string]any {
		return map[string]any{"iteration": 1, "checked_at": ago(time.Hour), "window_from": ago(15 * 24 * time.Hour),
			"window_to": ago(time.Hour), "value": value, "baseline": 60, "target": 80, "met": met, "final": false,
			"samples": samples, "min_samples": 10, "judged": judged}
	}
	f := &fakeAPI{answers: map[string]any{"/v1/pdca-cycles/" + testID + "/events": items()}}
	f.answers["/v1/pdca-cycles/"+testID] = cycleJSON("do", "approved", check(91.67, 12, true, true), check(100, 1, false, false))
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	attr := regexp.MustCompile(`data-chart="([^"]*)"`)
	for lang, want := range map[string][]string{
		"en":    {"true met", "false not judged: 1 of 10 samples"},
		"zh-CN": {"true 已达成", "false 样本不足，未评判：1 / 10"},
	} {
		body := asQuality(t, c.cycle, "/console/pdca/"+testID, testID, lang)
		m := attr.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no chart: %s", lang, snippet(body, "cycle-chart"))
		}
		var data struct {
			Checks []struct {
				Judged  bool   `json:"judged"`
				Verdict string `json:"verdict"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &data); err != nil {
			t.Fatalf("%s: chart %q: %v", lang, m[1], err)
		}
		var got []string
		for _, k := range data.Checks {
			got = append(got, strings.TrimSpace(map[bool]string{true: "true", false: "false"}[k.Judged]+" "+k.Verdict))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: chart's checks %q, want %q", lang, got, want)
		}
	}
}
