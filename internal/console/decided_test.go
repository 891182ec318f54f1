package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// What was decided shows where the decision is listed, in the viewer's language:
// a rejection's reason, an extension's length and the resolution's new due time
// on the complaint page's escalations; the message sent, a pause's reason, a
// declined compensation's reason and a resolution in the timeline and in the
// inbox's history of the complaint.
func TestDecisionsAndEventsSayWhatWasDecided(t *testing.T) {
	due, expected := shiftNow.Add(6*time.Hour), shiftNow.Add(4*time.Hour)
	rejected := map[string]any{"decision": "reject", "reason": "no grounds for a refund"}
	extended := map[string]any{"decision": "extend", "extension_seconds": 7200}
	f := overLimit()
	f.answers["/v1/notifications"] = items()
	f.answers["/v1/complaints/"+shiftComplaint+"/surveys"] = items()
	f.answers["/v1/complaints/"+shiftComplaint+"/escalations"] = items(
		escalationJSON(1, "customer wants a refund", map[string]any{"status": "rejected", "decided_by": "max", "decided_at": ago(3 * time.Hour), "decision": rejected}),
		escalationJSON(3, "depot closed", map[string]any{"status": "extended", "decided_by": "max", "decided_at": ago(time.Hour), "decision": extended}))
	f.answers["/v1/complaints/"+shiftComplaint+"/events"] = items(
		map[string]any{"id": 1, "kind": "acknowledged", "actor": "ann", "occurred_at": ago(5 * time.Hour), "data": map[string]any{"message": "We are on it"}},
		map[string]any{"id": 2, "kind": "paused", "actor": "ann", "occurred_at": ago(4 * time.Hour), "data": map[string]any{"reason": "awaiting the receipt"}},
		map[string]any{"id": 3, "kind": "compensation_declined", "actor": "max", "occurred_at": ago(3 * time.Hour),
			"data": map[string]any{"reason": "over budget", "compensation": map[string]any{"kind": "refund", "amount": 300, "currency": "CNY", "status": "declined"}}},
		map[string]any{"id": 4, "kind": "escalation_decided", "actor": "max", "occurred_at": ago(time.Hour),
			"data": map[string]any{"escalation": map[string]any{"seq": 3, "decision": extended}, "resolution_due_at": due.Format(time.RFC3339Nano)}},
		map[string]any{"id": 5, "kind": "progress_sent", "actor": "ann", "occurred_at": ago(30 * time.Minute),
			"data": map[string]any{"message": "the courier is on the way", "reason": "depot closed", "expected_by": expected.Format(time.RFC3339Nano)}},
		map[string]any{"id": 6, "kind": "resolved", "actor": "ann", "occurred_at": ago(time.Minute), "data": map[string]any{"summary": "refunded", "root_cause": "depot"}})
	c := f.console(t)
	dueAt := `<time class="local" datetime="` + due.Format(time.RFC3339) + `"`
	expectedAt := `<time class="local" datetime="` + expected.Format(time.RFC3339) + `"`
	page := func(h http.HandlerFunc, target, lang string) string {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.SetPathValue("id", shiftComplaint)
		r.AddCookie(&http.Cookie{Name: langCookie, Value: lang})
		w := httptest.NewRecorder()
		h(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d: %.300s", target, w.Code, w.Body)
		}
		return w.Body.String()
	}
	escalations := func(body string) string {
		i, j := strings.Index(body, `<ul id="escalations">`), strings.Index(body, `id="timeline"`)
		if i < 0 || j < i {
			t.Fatal("the complaint page has no escalations list before its timeline")
		}
		return body[i:j]
	}
	body := page(c.complaint, "/console/complaints/"+shiftComplaint, langEN)
	for _, want := range []string{"Decision: Reject", "Reason: no grounds for a refund", "Decision: Extend the deadline",
		"Extended by: 2h 0m", "Resolution now due: " + dueAt} {
		if !strings.Contains(escalations(body), want) {
			t.Errorf("the complaint page's escalations lack %q", want)
		}
	}
	timeline := body[strings.Index(body, `id="timeline"`):]
	for _, want := range []string{"Message: We are on it", "Reason: awaiting the receipt", "Reason: over budget",
		"Compensation: 300 CNY, refund", "Summary: refunded", "Root cause: depot", "Extended by: 2h 0m", "Resolution now due: " + dueAt,
		"Message: the courier is on the way", "Customer told: expected by: " + expectedAt} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	zh := page(c.complaint, "/console/complaints/"+shiftComplaint, langZH)
	for _, want := range []string{"决定: 驳回", "原因: no grounds for a refund", "延长: 2小时 0分", "解决期限改为: " + dueAt, "消息: We are on it", "告知客户预计解决时间: " + expectedAt} {
		if !strings.Contains(zh, want) {
			t.Errorf("the Chinese complaint page lacks %q", want)
		}
	}
	inbox := page(c.escalations, "/console/escalations", langEN)
	for _, want := range []string{"Reason: over budget", "Summary: refunded", "Resolution now due: " + dueAt, "Customer told: expected by: " + expectedAt} {
		if !strings.Contains(inbox, want) {
			t.Errorf("the inbox's history lacks %q", want)
		}
	}
}
