package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The risk page's KPI table says why a target has no actual: too few samples to be
// judged (how many of how many it takes), or no data at all.
func TestTheRiskPageSaysWhyAKPIHasNoValue(t *testing.T) {
	standing := func(kpi string, actual any, met any, samples int) map[string]any {
		return map[string]any{"kpi": kpi, "target": 80, "enabled": true, "actual": actual, "met": met,
			"samples": samples, "min_samples": 20}
	}
	f := &fakeAPI{answers: map[string]any{
		"/v1/metrics": map[string]any{"from": ago(30 * 24 * time.Hour), "to": ago(0), "group_by": nil, "groups": []any{},
			"kpi_targets": []any{standing("resolution_rate", 75, false, 40), standing("wait_seconds", nil, nil, 3),
				standing("csat_score", nil, nil, 0)}},
		"/v1/risk-alerts": items(),
		"/v1/risk-ledger": items(),
		"/v1/teams":       items(),
		"/v1/people":      items(),
	}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	status, body := getAs(t, c.risk, auth.RoleQuality, "/console/risk")
	if status != http.StatusOK {
		t.Fatalf("the risk page: %d %.500s", status, body)
	}
	for kpi, want := range map[string]string{"resolution_rate": "75", "wait_seconds": "not judged: 3 of 20 samples",
		"csat_score": "no data"} {
		row := regexp.MustCompile(`<tr data-kpi="` + kpi + `">.*?<td class="kpi-actual">([^<]*)</td>`).FindStringSubmatch(body)
		if row == nil || row[1] != want {
			t.Errorf("the %s row's actual: %v, want %q", kpi, row, want)
		}
	}
}

// A missed-KPI alert's page names each missed figure, its value and its target
// (docs/quality.md), in the viewer's language — not only how many were missed; a
// figure that met its target is not listed.
func TestAMissedKPIAlertNamesTheMissedFigures(t *testing.T) {
	alert := riskAlertJSON(testID, map[string]any{"condition": "kpi_target", "grade": "yellow", "observed": 2, "baseline": 3,
		"threshold": 1, "details": map[string]any{"from": ago(30 * 24 * time.Hour), "to": ago(0), "counts": map[string]any{"volume": 40,
			"first_response_minutes_x100": 4525, "first_response_minutes_target_x100": 3000,
			"csat_score_x100": 8600, "csat_score_target_x100": 8500, "fcr_pct_x100": 7000, "fcr_pct_target_x100": 8000}}})
	f := &fakeAPI{answers: map[string]any{"/v1/risk-alerts/" + testID: alert, "/v1/teams": items(), "/v1/people": items()}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	for _, lang := range []string{langEN, langZH} {
		r := httptest.NewRequest(http.MethodGet, "/console/risk/"+testID, nil)
		r.SetPathValue("id", testID)
		r.Header.Set("Accept-Language", lang)
		w := httptest.NewRecorder()
		c.riskAlertPage(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer{Principal: auth.Principal{Role: auth.RoleQuality}})))
		body := w.Body.String()
		want := `<dt>` + translate(lang, "rk.missed") + `</dt><dd><ul class="kpi-missed">` +
			`<li data-kpi="first_response_minutes">` + kpiName(lang, "first_response_minutes") + `: ` + kpiValue(lang, "first_response_minutes", 45.25) +
			` (` + translate(lang, "rk.kpi.target") + ` ` + kpiValue(lang, "first_response_minutes", 30.0) + `)</li>` +
			`<li data-kpi="fcr_pct">` + kpiName(lang, "fcr_pct") + `: 70 % (` + translate(lang, "rk.kpi.target") + ` 80 %)</li></ul></dd>`
		if w.Code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: the alert's page (%d) lacks %q: %s", lang, w.Code, want, snippet(body, "alert-figures"))
		}
	}
}
