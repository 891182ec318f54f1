package console

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// The QA page groups the scoring form by the scorecard's dimensions, each with the
// points its criteria are worth, and shows each scored sample's points per
// dimension beside its total (002 §10.1); the insight page each agent's average
// per dimension. A dimension the seed names is shown by its name, not its key.
func TestQAPagesShowTheScorecardDimensions(t *testing.T) {
	crit := func(key, dim string, points int) map[string]any {
		return map[string]any{"key": key, "name": key, "points": points, "dimension": dim}
	}
	sample := map[string]any{"id": "00000000-0000-0000-0000-0000000000a1", "agent": "ann", "complaint_id": shiftComplaint,
		"closed_at": ago(time.Hour), "period_from": ago(48 * time.Hour), "period_to": ago(0), "run_id": "qa:1",
		"scored_at": ago(time.Minute), "total": 78, "note": nil, "scores": map[string]any{}, "criteria": []any{},
		"dimensions": []any{map[string]any{"dimension": "attitude", "items": 3, "points": 25, "scored": 8},
			map[string]any{"dimension": "expertise", "items": 3, "points": 75, "scored": 70}}}
	f := &fakeAPI{answers: map[string]any{"/v1/qa-queue": items(sample),
		"/v1/qa-scorecard": map[string]any{"sample_pct": 5, "criteria": []any{
			crit("tone", "attitude", 10), crit("empathy", "attitude", 10), crit("know", "expertise", 25),
			crit("care", "attitude", 5), crit("fix", "expertise", 25), crit("tools", "expertise", 25)}},
		"/v1/insight-report": map[string]any{"period": "2026-05", "time_zone": "UTC",
			"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z", "previous_from": "2026-04-01T00:00:00Z",
			"suggestions": []any{}, "backlog": map[string]any{"open": 0, "overdue": 0, "unassigned": 0, "done": 0},
			"feedback_keywords": []any{}, "complaint_keywords": []any{}, "root_causes": []any{}, "kpi_gaps": []any{},
			"qa_scores": []any{map[string]any{"agent": "ann", "scored": 2, "average": 77.5, "dimensions": []any{
				map[string]any{"dimension": "attitude", "scored": 2, "average": 12.5, "points": 25}}},
				map[string]any{"agent": "bob", "scored": 1, "average": 60}},
			"knowledge": map[string]any{"at": "2026-06-01T00:00:00Z", "live": 0, "current": 0}}}}
	c := f.console(t)
	c.registerQuality(&routeMux{ServeMux: http.NewServeMux()})

	status, body := getAs(t, c.qaQueue, auth.RoleQuality, "/console/qa")
	form := between(body, "form-score", "</form>")
	att, exp := strings.Index(form, `<legend>Attitude (0–25)</legend>`), strings.Index(form, `<legend>Expertise (0–75)</legend>`)
	care, know := strings.Index(form, `name="scores.care"`), strings.Index(form, `name="scores.know"`)
	if status != http.StatusOK || att < 0 || exp < 0 || !(att < care && care < exp && exp < know) {
		t.Errorf("the scoring form, by dimension (attitude's care before expertise's know): HTTP %d %s", status, form)
	}
	if scored := between(body, `id="qa-scored"`, "</table>"); !strings.Contains(scored, `<td class="qa-total">78/100</td><td class="qa-dimensions">Attitude 8/25; Expertise 70/75</td>`) {
		t.Errorf("the scored samples: %s", scored)
	}

	status, body = getAs(t, c.insight, auth.RoleManager, "/console/insight?period=2026-05")
	if qa := between(body, "insight-qa", "</table>"); status != http.StatusOK || !strings.Contains(qa, "<td>77.5</td><td>Attitude 12.5/25</td>") ||
		!strings.Contains(qa, "<td>60</td><td>—</td>") {
		t.Errorf("the insight page's QA scores: HTTP %d %s", status, qa)
	}
}

// between is body from the first start to the end after it ("" without start).
func between(body, start, end string) string {
	i := strings.Index(body, start)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], end)
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}
