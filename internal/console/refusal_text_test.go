package console

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// A length under a minute reads in seconds: a 17 s pause is no "0h 0m".
func TestSpanUnderAMinuteReadsInSeconds(t *testing.T) {
	for _, tc := range []struct {
		lang string
		secs int64
		want string
	}{{langZH, 17, "17秒"}, {langEN, 17, "17s"}, {langEN, 0, "0s"}, {langZH, 60, "0小时 1分"}, {langEN, 26*3600 + 5*60, "26h 5m"}} {
		if got := spanOf(tc.lang, tc.secs); got != tc.want {
			t.Errorf("spanOf(%s, %d) = %q, want %q", tc.lang, tc.secs, got, tc.want)
		}
	}
}

// An invalid decision names each field once: the API's detail already says
// "reason: is required", so the inbox does not list it again.
func TestARefusalNamesEachFieldOnce(t *testing.T) {
	entry := pending{E: apiclient.Escalation{Id: "e1", ComplaintId: uuid.New(), Seq: 1}, Input: map[string]string{}}
	body := drawn(t, everyPage(t), langEN, "escalations", http.StatusBadRequest, map[string]any{"Entries": []pending{entry},
		"Kinds": decisionKinds, "Urgencies": decisionUrgencies, "CompKinds": compensationKinds, "Input": map[string]string{}, "Refused": entry.Key(),
		"Refusal": &refusal{Status: 400, Detail: "reason: is required", Fields: map[string]string{"reason": "is required", "owner": "no person x"}}})
	m := regexp.MustCompile(`<p class="error" role="alert" id="refusal-e1">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no refusal above the form")
	}
	if n := strings.Count(m[1], "reason"); n != 1 {
		t.Errorf("the refusal %q names reason %d times, want once", m[1], n)
	}
	if !strings.Contains(m[1], "owner: no person x") {
		t.Errorf("the refusal %q lost a field its detail does not name", m[1])
	}
}

// A refusal quoting a time in UTC (the workflow's expected_by refusal) shows it as
// the page shows every time: in the viewer's zone, "… UTC" without script.
func TestARefusalShowsItsTimeInTheViewersZone(t *testing.T) {
	body := drawn(t, everyPage(t), langZH, "complaint", http.StatusUnprocessableEntity, map[string]any{
		"C": complaint{Complaint: apiclient.Complaint{}}, "Record": record{}, "Events": []apiclient.ComplaintEvent{}, "Form": "progress", "Input": map[string]string{},
		"Refusal": &refusal{Status: 422, Detail: "expected_by is after the committed resolution time 2026-12-07T20:12:44Z: ask a manager for an extension"}})
	want := `the committed resolution time <time class="local" datetime="2026-12-07T20:12:44Z">2026-12-07 20:12:44 UTC</time>: ask a manager`
	if !strings.Contains(body, want) {
		i := strings.Index(body, `id="refusal"`)
		t.Errorf("the refusal reads %.300s; want %q", body[max(i, 0):], want)
	}
}
