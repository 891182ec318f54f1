package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/auth"
)

// keyed is the Idempotency-Key header of a call.
func keyed(key string) []string { return []string{"Idempotency-Key", key} }

// eventually calls GET path as role until cond holds of its body.
func (a *directoryAPI) eventually(role auth.Role, path, what string, cond func(map[string]any) bool) map[string]any {
	a.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		body := a.as(role, "GET", path, "", http.StatusOK).body
		if cond(body) {
			return body
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("timed out waiting for %s: %v", what, body)
		}
	}
}

// A retry with the same Idempotency-Key is answered with the action's outcome — a
// 200 — and never refused as a repeat of itself, whatever the record shows by then:
// a risk alert responded to or closed, a PDCA cycle withdrawn. Without a key the
// record's state is still a 409 at once.
func TestARetryWithTheSameKeyIsAnsweredWithItsOutcome(t *testing.T) {
	a := newComplaintAPI(t)
	alert := a.as(auth.RoleQuality, "POST", "/v1/risk-alerts", `{"grade":"yellow","description":"the courier strikes"}`, 201).body
	path := "/v1/risk-alerts/" + alert["id"].(string)
	respond := `{"response":"contingency plan: a second courier"}`
	a.as(auth.RoleQuality, "POST", path+"/respond", respond, 200, keyed("respond-1")...)
	a.eventually(auth.RoleQuality, path, "the response", func(v map[string]any) bool { return v["status"] == "responded" })
	if r := a.as(auth.RoleQuality, "POST", path+"/respond", respond, 200, keyed("respond-1")...); r.body["status"] != "responded" {
		t.Errorf("the retried response: %v", r.body)
	}
	a.as(auth.RoleQuality, "POST", path+"/respond", respond, 409)

	closeBody := `{"root_cause":"strike","solution":"second courier","executor":"logistics","action_deadline":"2026-04-01T00:00:00Z","verification":"volume back"}`
	a.as(auth.RoleQuality, "POST", path+"/close", closeBody, 200, keyed("close-1")...)
	a.eventually(auth.RoleQuality, path, "the closing", func(v map[string]any) bool { return v["status"] == "closed" })
	if r := a.as(auth.RoleQuality, "POST", path+"/close", closeBody, 200, keyed("close-1")...); r.body["status"] != "closed" {
		t.Errorf("the retried closing: %v", r.body)
	}
	a.as(auth.RoleQuality, "POST", path+"/close", closeBody, 409)

	cycle := a.as(auth.RoleQuality, "POST", "/v1/pdca-cycles", `{"title":"Logistics","metric":"nps","check_spec":"0 9 1,15 * *","time_zone":"UTC"}`, 201).body
	cpath := "/v1/pdca-cycles/" + cycle["id"].(string)
	a.as(auth.RoleQuality, "POST", cpath+"/withdraw", `{"reason":"merged into another cycle"}`, 200, keyed("withdraw-1")...)
	a.eventually(auth.RoleQuality, cpath, "the withdrawal", func(v map[string]any) bool { return v["closed_at"] != nil })
	if r := a.as(auth.RoleQuality, "POST", cpath+"/withdraw", `{"reason":"merged into another cycle"}`, 200, keyed("withdraw-1")...); r.body["closed_at"] == nil {
		t.Errorf("the retried withdrawal: %v", r.body)
	}
	a.as(auth.RoleQuality, "POST", cpath+"/withdraw", `{"reason":"again"}`, 409)
}

// One Idempotency-Key sent with another action is that action: the key names a
// retry of the same action, not any update of the workflow.
func TestAKeyReusedForAnotherActionIsThatAction(t *testing.T) {
	a := newComplaintAPI(t)
	id := a.fileLogistics("key-reuse", "medium")
	path := "/v1/complaints/" + id
	if r := a.as(asAnn, "POST", path+"/acknowledge", `{"message":"on it"}`, 200, keyed("k-1")...); r.body["status"] != "in_progress" {
		t.Fatalf("acknowledged: %v", r.body)
	}
	if r := a.as(asAnn, "POST", path+"/resolve", `{"summary":"reshipped","root_cause":"lost"}`, 200, keyed("k-1")...); r.body["status"] != "resolved" {
		t.Fatalf("resolve with the key of the acknowledgement: %v, want resolved", r.body)
	}
	// And the same key on the same action is still its retry.
	if r := a.as(asAnn, "POST", path+"/resolve", `{"summary":"reshipped","root_cause":"lost"}`, 200, keyed("k-1")...); r.body["status"] != "resolved" {
		t.Fatalf("the retried resolution: %v", r.body)
	}
}

// A 201 answers the escalation or compensation this request made — its retry too,
// after another was made — and its Location is a route that reads it.
func TestCreatedEscalationsAndCompensationsAreThisRequestsAndReadable(t *testing.T) {
	a := newComplaintAPI(t)
	id := a.fileLogistics("created-rows", "medium")
	base := "/v1/complaints/" + id
	first := a.as(asAnn, "POST", base+"/escalations", `{"reason":"the depot is closed"}`, 201, keyed("esc-1")...)
	if first.body["seq"] != 1.0 || first.header.Get("Location") != base+"/escalations/1" {
		t.Fatalf("first escalation: %v, Location %q", first.body, first.header.Get("Location"))
	}
	if got := a.as(auth.RoleIntake, "GET", first.header.Get("Location"), "", 200).body; got["seq"] != 1.0 || got["reason"] != "the depot is closed" {
		t.Errorf("GET Location: %v", got)
	}
	a.as(asMax, "POST", base+"/escalations/1/decision", `{"decision":"reject","reason":"not yet"}`, 200)
	second := a.as(asAnn, "POST", base+"/escalations", `{"reason":"still closed"}`, 201, keyed("esc-2")...)
	if second.body["seq"] != 2.0 || second.header.Get("Location") != base+"/escalations/2" {
		t.Fatalf("second escalation: %v, Location %q", second.body, second.header.Get("Location"))
	}
	retry := a.as(asAnn, "POST", base+"/escalations", `{"reason":"the depot is closed"}`, 201, keyed("esc-1")...)
	if retry.body["seq"] != 1.0 || retry.header.Get("Location") != base+"/escalations/1" {
		t.Errorf("the first request's retry: %v, Location %q; want escalation 1", retry.body, retry.header.Get("Location"))
	}
	a.as(auth.RoleIntake, "GET", base+"/escalations/3", "", 404)
	if r := a.as(auth.RoleIntake, "GET", base+"/escalations/third", "", 400); len(r.fields()) != 1 || r.fields()[0] != "seq" {
		t.Errorf("a malformed escalation number: %v", r.body)
	}

	one := a.as(asAnn, "POST", base+"/compensations", `{"kind":"compensation","amount":10,"currency":"CNY"}`, 201, keyed("comp-1")...)
	if one.body["seq"] != 1.0 || one.header.Get("Location") != base+"/compensations/1" {
		t.Fatalf("first compensation: %v, Location %q", one.body, one.header.Get("Location"))
	}
	a.as(asAnn, "POST", base+"/compensations", `{"kind":"compensation","amount":20,"currency":"CNY"}`, 201, keyed("comp-2")...)
	again := a.as(asAnn, "POST", base+"/compensations", `{"kind":"compensation","amount":10,"currency":"CNY"}`, 201, keyed("comp-1")...)
	if again.body["seq"] != 1.0 || again.body["amount"] != 10.0 || again.header.Get("Location") != base+"/compensations/1" {
		t.Errorf("the first compensation's retry: %v, Location %q; want compensation 1", again.body, again.header.Get("Location"))
	}
	if got := a.as(auth.RoleIntake, "GET", base+"/compensations/2", "", 200).body; got["seq"] != 2.0 || got["amount"] != 20.0 {
		t.Errorf("GET compensation 2: %v", got)
	}
	a.as(auth.RoleIntake, "GET", base+"/compensations/3", "", 404)
}
