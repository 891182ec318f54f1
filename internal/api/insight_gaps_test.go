package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The insight report's KPI gaps judge a target on at least kpi_min_volume of its
// figure's own samples, as the risk monitor's KPI check does: three customers who
// waited 10 minutes against the 90 s target are no gap while the minimum is 10, and
// a missed target once it is 3.
func TestInsightKPIGapsNeedTheKPICheckMinimum(t *testing.T) {
	a := newDirectoryAPI(t)
	a.keptWaiting()
	total := func() map[string]any {
		t.Helper()
		report := a.as(auth.RoleQuality, http.MethodGet, "/v1/insight-report?period="+time.Now().UTC().Format("2006-01"), "", http.StatusOK)
		for _, g := range report.body["kpi_gaps"].([]any) {
			if g := g.(map[string]any); g["category"] == nil {
				return g
			}
		}
		t.Fatalf("no gap of the total: %v", report.body["kpi_gaps"])
		return nil
	}
	a.as(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"kpi_min_volume": 10}`, http.StatusOK)
	if g := total(); g["value"] != nil || g["gap"] != nil || g["missed"] != false || g["samples"] != 3.0 {
		t.Errorf("3 waits, 10 needed: got %v, want no value, no gap, not missed, 3 samples", g)
	}
	// The CSV tells too few samples (3) from no data (0) too.
	rows, _ := getCSV(t, a, "/v1/insight-report?format=csv&period="+time.Now().UTC().Format("2006-01"), "")
	if len(rows[0]) != 13 || rows[0][12] != "samples" {
		t.Fatalf("insight CSV header %q", rows[0])
	}
	var kpi []string
	for _, r := range rows[1:] {
		if len(r) != 13 {
			t.Fatalf("insight CSV row %q, want 13 columns", r)
		}
		if r[0] == "kpi" && r[1] == total()["kpi"] && r[2] == "" {
			kpi = r
		}
	}
	if kpi == nil || kpi[5] != "" || kpi[8] != "false" || kpi[12] != "3" {
		t.Errorf("insight CSV kpi row %q, want no value, not missed, 3 samples", kpi)
	}
	a.as(auth.RoleQuality, http.MethodPut, "/v1/risk-thresholds", `{"kpi_min_volume": 3}`, http.StatusOK)
	if g := total(); g["value"] != 600.0 || g["gap"] != 510.0 || g["missed"] != true {
		t.Errorf("3 waits, 3 needed: got %v, want 600 s, 510 s short, missed", g)
	}
}
