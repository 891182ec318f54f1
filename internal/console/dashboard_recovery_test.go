package console

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// The dashboard shows the cost of recovery GET /v1/metrics reports, per currency
// with the number of grants, in the viewer's language and in its CSV.
func TestTheDashboardShowsTheCostOfRecovery(t *testing.T) {
	from := shiftNow.Add(-24 * time.Hour).Format(time.RFC3339)
	f := &fakeAPI{answers: map[string]any{
		"/v1/metrics": map[string]any{"from": from, "to": ago(0), "groups": []any{},
			"total": map[string]any{"recovery_cost": []any{map[string]any{"currency": "CNY", "amount": 1000, "granted": 4},
				map[string]any{"currency": "USD", "amount": 12.5, "granted": 1}}},
			"series": []any{map[string]any{"from": from, "to": ago(0), "total": map[string]any{}, "groups": []any{}}}},
		"/v1/heatmap": map[string]any{"from": from, "to": ago(0), "categories": []any{}, "items": []any{}, "source": "complaints"},
	}}
	c := f.console(t)
	c.registerDashboard(&routeMux{ServeMux: http.NewServeMux()})
	csvOf := func(lang string) [][]string {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "/console/dashboard.csv?table=recovery", nil)
		r.Header.Set("Accept-Language", lang)
		w := httptest.NewRecorder()
		c.dashboardCSV(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("HTTP %d: %.300s", w.Code, w.Body)
		}
		recs, err := csv.NewReader(w.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	want := [][]string{{"currency", "amount granted", "grants"}, {"CNY", "1000", "4"}, {"USD", "12.5", "1"}}
	if got := csvOf(langEN); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("the CSV is %q, want %q", got, want)
	}
	if got := csvOf(langZH)[0]; !slices.Equal(got, []string{"币种", "发放金额", "发放笔数"}) {
		t.Errorf("the Chinese CSV's heading is %q", got)
	}
	r := httptest.NewRequest(http.MethodGet, "/console/dashboard", nil)
	r.Header.Set("Accept-Language", langZH)
	w := httptest.NewRecorder()
	c.dashboardPage(w, r)
	body := w.Body.String()
	for _, want := range []string{`id="table-recovery"`, "服务补救成本", "<th scope=\"row\">CNY</th><td>1000</td><td>4</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
}
