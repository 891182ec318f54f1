package console

import (
	"net/http"
	"regexp"
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
