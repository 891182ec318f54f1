package e2e_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// An intake system whose receiver refused the resolution's callback until it
// failed fixes its receiver, rotates its secret and asks for the delivery again:
// the worker posts the same event — the same bytes, survey link and all — once
// more, signed with the secret in force now, and the log shows the attempt and
// who asked.
func TestAnIntakeSystemHasAFailedCallbackRedelivered(t *testing.T) {
	crm := startIntakeSystem(t)
	var broken atomic.Bool
	broken.Store(true)
	var mu sync.Mutex
	refused := map[string]string{} // event kind → the body refused
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			for _, kind := range []string{"acknowledged", "resolved"} {
				if strings.Contains(string(body), `"kind":"`+kind+`"`) {
					refused[kind] = string(body)
				}
			}
			w.WriteHeader(http.StatusBadRequest) // a receiver's bug: fails the delivery at once
			return
		}
		crm.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	s := newStack(t)
	intake := s.bindIntake(crm, gate.URL)
	agent := s.token("agent")

	id := s.must(201, s.do("POST", "/v1/complaints", intake, complaintBody("crm-77", "medium", "medium"))).body["id"].(string)
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", agent, map[string]string{"message": "马上处理"}))
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/resolve", agent,
		map[string]string{"summary": "Reshipped by express", "root_cause": "Parcel lost at the depot"}))
	failed := func(kind string) map[string]any {
		for _, d := range items(s.must(200, s.do("GET", "/v1/integrations/crm/deliveries?status=failed", intake, nil))) {
			if d["event_kind"] == kind {
				return d
			}
		}
		return nil
	}
	eventually(t, 30*time.Second, "the resolved callback failed", func() bool { return failed("resolved") != nil })
	d := failed("resolved")
	key := d["key"].(string)
	eventID := d["payload"].(map[string]any)["event_id"].(string)

	// Fixed, with a new secret (no grace: the old one signs nothing more).
	broken.Store(false)
	rotated := s.must(200, s.do("PUT", "/v1/integrations/crm", adminToken, map[string]any{
		"name": "CRM", "callback_url": gate.URL + "/complaintflow", "rotate_secret": true, "grace_seconds": 0}))
	crm.setSecret(rotated.body["secret"].(string))

	asked := s.must(202, s.do("POST", "/v1/integrations/crm/deliveries/redeliver", intake, map[string]string{"key": key}))
	if asked.body["status"] != "pending" || asked.body["redelivery_requested_by"] != "crm-intake" {
		t.Errorf("redelivery asked: %s, want pending, asked by crm-intake", asked.raw)
	}
	eventually(t, 30*time.Second, "the resolution redelivered", func() bool { return len(crm.ofKind("resolved")) > 0 })
	sent := func() map[string]any {
		for _, d := range items(s.must(200, s.do("GET", "/v1/integrations/crm/deliveries", intake, nil))) {
			if d["key"] == key {
				return d
			}
		}
		return nil
	}
	eventually(t, 10*time.Second, "the redelivery logged sent", func() bool { return sent()["status"] == "sent" })
	time.Sleep(3 * time.Second) // three polls more: nothing is sent twice

	got := crm.ofKind("resolved")
	if len(got) != 1 {
		t.Fatalf("%d resolved callbacks received, want exactly 1", len(got))
	}
	mu.Lock()
	first := refused["resolved"]
	mu.Unlock()
	if got[0].payload.EventID != eventID || got[0].key != eventID || got[0].raw != first {
		t.Errorf("redelivered %s (key %s):\n%s\nwant the event %s as first posted:\n%s", got[0].payload.EventID, got[0].key, got[0].raw, eventID, first)
	}
	// The survey link is the customer's own, its token signed again, and it opens the survey.
	link := got[0].payload.Data.SurveyLink
	if !strings.HasPrefix(link, s.url+"/v1/surveys/") || strings.Contains(link, "sha256:") {
		t.Fatalf("redelivered survey link %q, want a usable one", link)
	}
	s.must(200, s.do("GET", strings.TrimPrefix(link, s.url), "", nil))
	if d := sent(); d["attempts"] != 2.0 || d["redeliveries"] != 1.0 || d["redelivery_requested_by"] != "crm-intake" ||
		d["redelivery_requested_at"] == nil || d["sent_at"] == nil {
		t.Errorf("delivery after redelivery: %v, want sent on attempt 2, one redelivery asked by crm-intake", d)
	}
	// Only what was asked for is sent again: the acknowledgement stays failed.
	if len(crm.ofKind("acknowledged")) != 0 || failed("acknowledged") == nil {
		t.Errorf("the acknowledgement was sent again without being asked for")
	}
}
