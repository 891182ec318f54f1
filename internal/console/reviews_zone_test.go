package console

import (
	"net/http"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The review forms and the insight report leave the time zone to the browser, as
// the new-cycle form does (console.js fills data-zone="browser"): a schedule cuts
// its periods in the team's own zone (README), and a zh viewer in Shanghai was
// offered UTC. A report asked for without a zone says the one it is in, UTC.
func TestTheZoneFieldsStartAsTheBrowsersZone(t *testing.T) {
	f := &fakeAPI{answers: map[string]any{
		"/v1/review-schedules": items(),
		"/v1/reviews":          items(),
		"/v1/insight-report": map[string]any{"period": "2026-05", "time_zone": "UTC",
			"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z", "previous_from": "2026-04-01T00:00:00Z",
			"suggestions": []any{}, "backlog": map[string]any{"open": 0, "overdue": 0, "unassigned": 0, "done": 0},
			"feedback_keywords": []any{}, "complaint_keywords": []any{}, "root_causes": []any{}, "kpi_gaps": []any{}, "qa_scores": []any{}},
	}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})
	pages := []struct {
		h            http.HandlerFunc
		path         string
		want, reject []string
	}{
		{c.reviews, "/console/reviews", []string{
			`id="schedule-zone" name="time_zone" placeholder="UTC" data-zone="browser" value=""`,
			`id="run-zone" name="time_zone" placeholder="UTC" data-zone="browser" value=""`,
		}, []string{`value="UTC"`}},
		{c.insight, "/console/insight", []string{
			`id="insight-zone" name="time_zone" placeholder="UTC" data-zone="browser" value=""`,
		}, nil},
		{c.insight, "/console/insight?period=2026-05", []string{
			`id="insight-zone" name="time_zone" placeholder="UTC" value="UTC"`,
		}, []string{`data-zone`}},
	}
	for _, p := range pages {
		status, body := getAs(t, p.h, auth.RoleQuality, p.path)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %.300s", p.path, status, body)
		}
		for _, want := range p.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q: %s", p.path, want, snippet(body, "time_zone"))
			}
		}
		for _, reject := range p.reject {
			if strings.Contains(body, reject) {
				t.Errorf("%s holds %q: %s", p.path, reject, snippet(body, reject))
			}
		}
	}
}
