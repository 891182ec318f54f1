package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/workflows"
)

// intakeSystem is an intake system's callback endpoint: it verifies every request
// as docs/callbacks.md tells receivers to, and keeps the ones that pass.
type intakeSystem struct {
	*httptest.Server
	t        *testing.T
	mu       sync.Mutex
	secret   []byte
	received []intakeCallback
}

type intakeCallback struct {
	key     string
	payload notify.CallbackPayload
	raw     string
}

func startIntakeSystem(t *testing.T) *intakeSystem {
	in := &intakeSystem{t: t}
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		in.mu.Lock()
		defer in.mu.Unlock()
		if err := notify.VerifySignature(in.secret, r.Header.Get(notify.TimestampHeader),
			r.Header.Get(notify.SignatureHeader), body, 5*time.Minute, time.Now()); err != nil {
			t.Errorf("callback signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var p notify.CallbackPayload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("callback payload %s: %v", body, err)
		}
		in.received = append(in.received, intakeCallback{key: r.Header.Get(notify.IdempotencyKeyHeader), payload: p, raw: string(body)})
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(in.Close)
	return in
}

// bindIntake registers integration crm with its callbacks to url (crm's own, or a
// gate before it), keeps the issued secret with crm, and returns an intake token
// bound to it.
func (s *stack) bindIntake(crm *intakeSystem, url string) string {
	s.t.Helper()
	reg := s.must(201, s.do("PUT", "/v1/integrations/crm", adminToken,
		map[string]string{"name": "CRM", "callback_url": url + "/complaintflow"}))
	crm.setSecret(reg.body["secret"].(string))
	return s.must(201, s.do("POST", "/v1/tokens", adminToken,
		map[string]string{"role": "intake", "name": "crm-intake", "integration_id": "crm"})).body["token"].(string)
}

func (in *intakeSystem) setSecret(secret string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.secret = []byte(secret)
}

// ofKind returns the callbacks received about one kind of event.
func (in *intakeSystem) ofKind(kind string) []intakeCallback {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []intakeCallback
	for _, c := range in.received {
		if c.payload.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// A complaint filed through an intake token bound to an integration: acknowledging,
// resolving and the customer's verifying answer each reach the integration's
// callback URL exactly once, signed with its secret, with the event key as
// Idempotency-Key; the delivery log shows them sent.
func TestIntakeIntegrationIsCalledBackOncePerCustomerVisibleChange(t *testing.T) {
	crm := startIntakeSystem(t)
	s := newStack(t)
	intake := s.bindIntake(crm, crm.URL)
	agent := s.token("agent")

	filed := s.must(201, s.do("POST", "/v1/complaints", intake, complaintBody("crm-4711", "medium", "medium")))
	id := filed.body["id"].(string)
	if filed.body["integration_id"] != "crm" {
		t.Fatalf("filed: %s, want integration crm", filed.raw)
	}
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/acknowledge", agent, map[string]string{"message": "非常抱歉，我们马上处理"}))
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/pause", agent, map[string]string{"reason": "waiting for the tracking number"}))
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/resume", agent, map[string]string{"note": "tracking number received"}))
	s.must(200, s.do("POST", "/v1/complaints/"+id+"/resolve", agent,
		map[string]string{"summary": "Reshipped by express", "root_cause": "Parcel lost at the depot"}))

	eventually(t, 30*time.Second, "the acknowledged and resolved callbacks", func() bool {
		return len(crm.ofKind("acknowledged")) > 0 && len(crm.ofKind("resolved")) > 0
	})
	ack, resolved := crm.ofKind("acknowledged")[0], crm.ofKind("resolved")[0]
	for _, c := range []intakeCallback{ack, resolved} {
		p := c.payload
		if c.key == "" || c.key != p.EventID || p.ComplaintID != id || p.ExternalID != "crm-4711" || p.OccurredAt.IsZero() {
			t.Errorf("%s callback: key %q, payload %s", p.Kind, c.key, c.raw)
		}
	}
	// The callback carries what the customer was told: the acknowledgement
	// template, in the customer's language, with the agent's message.
	if d := ack.payload.Data; !strings.Contains(d.Message, "非常抱歉，我们马上处理") || d.Status != "in_progress" {
		t.Errorf("acknowledged data %+v, want the agent's message", d)
	}
	eventually(t, 30*time.Second, "the paused and resumed callbacks", func() bool {
		return len(crm.ofKind("paused")) > 0 && len(crm.ofKind("resumed")) > 0
	})
	if d := crm.ofKind("paused")[0].payload.Data; d.Status != "waiting_on_customer" || d.Reason != "waiting for the tracking number" {
		t.Errorf("paused data %+v, want the wait and its reason", d)
	}
	if d := crm.ofKind("resumed")[0].payload.Data; d.Status != "in_progress" || d.ResolutionDueAt == nil {
		t.Errorf("resumed data %+v, want in progress with the resolution deadline", d)
	}
	if d := resolved.payload.Data; d.Summary != "Reshipped by express" || d.Status != "resolved" {
		t.Errorf("resolved data %+v, want the summary", d)
	}
	// The resolution comes with the survey link the customer got, in one callback.
	link := resolved.payload.Data.SurveyLink
	if !strings.HasPrefix(link, s.url+"/v1/surveys/") || resolved.payload.Data.SurveyExpiresAt == nil ||
		!strings.Contains(resolved.payload.Data.Message, link) {
		t.Fatalf("resolved data %+v, want the survey link the customer got", resolved.payload.Data)
	}

	// The customer answers through the link the intake system was given.
	s.must(200, s.do("POST", strings.TrimPrefix(link, s.url), "", map[string]any{"csat": 5, "solved": true}))
	eventually(t, 30*time.Second, "the closed callback", func() bool { return len(crm.ofKind("closed")) > 0 })
	if d := crm.ofKind("closed")[0].payload.Data; d.Verification != "verified" || d.Status != "closed" {
		t.Errorf("closed data %+v, want verified", d)
	}

	s.checkHistory(workflows.ComplaintWorkflowID(id), "complaint_paused_resumed_called_back")
	s.settled(workflows.ComplaintWorkflowID(id), workflows.SurveyWorkflowID(id, 0)) // a duplicate would be an attempt still pending
	kinds := []string{"acknowledged", "paused", "resumed", "resolved", "closed"}
	for _, kind := range kinds {
		if n := len(crm.ofKind(kind)); n != 1 {
			t.Errorf("%d %s callbacks, want exactly 1", n, kind)
		}
	}
	log := items(s.must(200, s.do("GET", "/v1/complaints/"+id+"/callbacks", intake, nil)))
	if len(log) != len(kinds) {
		t.Fatalf("delivery log: %v, want %d deliveries", log, len(kinds))
	}
	// Notices run as activities of their own, so deliveries close in time (a pause
	// and a resume) may be logged in either order: match them by kind.
	logged := map[string]map[string]any{}
	for _, d := range log {
		logged[d["event_kind"].(string)] = d
	}
	for _, kind := range kinds {
		d := logged[kind]
		if d == nil || d["status"] != "sent" || d["attempts"] != 1.0 || d["sent_at"] == nil ||
			d["payload"].(map[string]any)["event_id"] != crm.ofKind(kind)[0].key {
			t.Errorf("delivery of %s: %v, want it sent once with the posted payload", kind, d)
		}
	}
	// The payloads carry the customer's notices: the filing intake system reads them
	// as posted, anyone else with the name masked as every read masks it.
	ackMessage := func(tok string) string {
		for _, d := range items(s.must(200, s.do("GET", "/v1/complaints/"+id+"/callbacks", tok, nil))) {
			if d["event_kind"] == "acknowledged" {
				return d["payload"].(map[string]any)["data"].(map[string]any)["message"].(string)
			}
		}
		return ""
	}
	if got := ackMessage(intake); !strings.Contains(got, "张伟") {
		t.Errorf("the filing token's callback log: %q, want the message as posted", got)
	}
	if got := ackMessage(agent); strings.Contains(got, "张伟") || !strings.Contains(got, "张*") || !strings.Contains(got, "非常抱歉，我们马上处理") {
		t.Errorf("an agent's callback log: %q, want the name masked and the rest kept", got)
	}
	if got := items(s.must(200, s.do("GET", "/v1/integrations/crm/deliveries", adminToken, nil))); len(got) != len(kinds) {
		t.Errorf("integration deliveries: %d, want %d", len(got), len(kinds))
	}

	// A complaint filed by a token without an integration is not called back.
	other := s.must(201, s.do("POST", "/v1/complaints", adminToken, complaintBody("web-1", "medium", "medium"))).body["id"].(string)
	s.must(200, s.do("POST", "/v1/complaints/"+other+"/acknowledge", agent, map[string]string{"message": "ok"}))
	eventually(t, 20*time.Second, "the acknowledgement of the other complaint", func() bool {
		return strings.Contains(strings.Join(s.eventKinds(other), ","), "acknowledged")
	})
	if got := items(s.must(200, s.do("GET", "/v1/complaints/"+other+"/callbacks", adminToken, nil))); len(got) != 0 {
		t.Errorf("callbacks of a complaint without integration: %v", got)
	}
}
