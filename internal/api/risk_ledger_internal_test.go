package api

import (
	"encoding/json"
	"testing"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// A missed-KPI alert's ledger line names the missed figures with their values and
// targets, as the check recorded them (docs/quality.md); any other alert's lists none.
func TestTheLedgerNamesTheMissedKPIs(t *testing.T) {
	counts := map[string]int64{"volume": 40, "first_response_minutes_x100": 4525, "first_response_minutes_target_x100": 3000,
		"csat_score_x100": 8600, "csat_score_target_x100": 8500, "fcr_pct_x100": 7000, "fcr_pct_target_x100": 8000}
	for _, c := range []struct {
		condition quality.Condition
		counts    map[string]int64
		want      string
	}{
		{quality.KPIMissed, counts, `[{"kpi":"first_response_minutes","actual":45.25,"target":30},{"kpi":"fcr_pct","actual":70,"target":80}]`},
		{quality.VolumeSpike, map[string]int64{"opened": 20}, `[]`},
	} {
		a := quality.RiskAlert{Condition: c.condition, Grade: quality.Yellow, Details: quality.RiskDetails{Counts: c.counts}}
		got, err := json.Marshal(riskLedgerEntryViewOf(a).MissedKPIs)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: missed_kpis %s (%v), want %s", c.condition, got, err, c.want)
		}
	}
}
