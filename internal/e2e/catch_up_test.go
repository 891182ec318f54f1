package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// An intake system whose receiver is down catches up without the callbacks: it
// lists its own complaints changed since it last heard, and its own delivery log
// shows what is still owed; once the receiver is back the retries deliver it.
func TestAnIntakeSystemCatchesUpAfterItsReceiverWasDown(t *testing.T) {
	crm := startIntakeSystem(t)
	var down atomic.Bool
	down.Store(true)
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		crm.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	s := newStack(t)
	intake := s.bindIntake(crm, gate.URL)
	other := s.must(201, s.do("POST", "/v1/tokens", adminToken,
		map[string]string{"role": "intake", "name": "web-form"})).body["token"].(string)
	agent := s.token("agent")

	// Filed before the outage: the intake system heard of it.
	before := s.must(201, s.do("POST", "/v1/complaints", intake, complaintBody("crm-1", "medium", "medium"))).body["id"].(string)
	since := time.Now().UTC()
	time.Sleep(10 * time.Millisecond)
	id := s.must(201, s.do("POST", "/v1/complaints", intake, complaintBody("crm-2", "medium", "medium"))).body["id"].(string)
	s.must(201, s.do("POST", "/v1/complaints", other, complaintBody("web-1", "medium", "medium")))
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", agent, map[string]string{"message": "马上处理"}))

	// What changed since: only its own complaint filed and acknowledged in the outage.
	changed := "/v1/complaints?integration_id=crm&sort=updated&updated_from=" + url.QueryEscape(since.Format(time.RFC3339Nano))
	eventually(t, 30*time.Second, "the acknowledgement in the change listing", func() bool {
		got := items(s.must(200, s.do("GET", changed, intake, nil)))
		return len(got) == 1 && got[0]["id"] == id && got[0]["status"] == "in_progress"
	})
	// The delivery log names the callback still owed, retried while the receiver is down.
	owed := func() []map[string]any {
		return items(s.must(200, s.do("GET", "/v1/integrations/crm/deliveries?status=pending,sending,failed", intake, nil)))
	}
	eventually(t, 30*time.Second, "the acknowledgement owed in the delivery log", func() bool {
		for _, d := range owed() {
			if d["complaint_id"] == id && d["event_kind"] == "acknowledged" {
				return true
			}
		}
		return false
	})
	if len(crm.ofKind("acknowledged")) != 0 {
		t.Fatalf("a callback went through the receiver that was down")
	}
	s.must(403, s.do("GET", "/v1/integrations/crm/deliveries", other, nil))

	down.Store(false)
	eventually(t, 60*time.Second, "the acknowledgement delivered once the receiver is back", func() bool {
		return len(crm.ofKind("acknowledged")) == 1 && len(owed()) == 0
	})
	if got := crm.ofKind("acknowledged")[0].payload.ComplaintID; got != id || got == before {
		t.Errorf("acknowledged callback about %s, want %s", got, id)
	}
}
