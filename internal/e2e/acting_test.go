package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/null"
)

// Who may act, on real servers (docs/tokens.md, "Acting for a person"): a complaint
// routed to ann in team care; an agent of another team and a person-less agent token
// may not act on it, ann may; manager max asks for an escalation himself and may not
// decide it; a manager token merely named dora may not decide as dora; dora, by her
// person, does — and the workflow records her.
func TestActingForAPersonOnRealServers(t *testing.T) {
	s := newStack(t)
	s.directory("http://127.0.0.1:9/hooks") // no webhook is reached in this test
	s.must(201, s.do("PUT", "/v1/teams/other", adminToken, map[string]any{"name": "Other"}))
	s.must(201, s.do("PUT", "/v1/people/oz", adminToken, map[string]any{"name": "Oz", "role": "agent", "team_id": "other", "manager_id": "max"}))
	id := s.file(s.token("intake"), "acting-1", apiclient.Medium, apiclient.Medium).Id.String()
	eventually(t, 30*time.Second, "the complaint routed to ann", func() bool {
		c, err := s.store.Complaint(context.Background(), id)
		return err == nil && null.Value(c.Owner) == "ann"
	})
	path := "/v1/complaints/" + id
	refused := func(res response, why string) {
		t.Helper()
		if res.status != 403 || !strings.Contains(res.raw, why) {
			t.Errorf("got %d %s, want 403 with %q", res.status, res.raw, why)
		}
	}
	ack := map[string]any{"message": "We are on it."}
	refused(s.do("POST", path+"/acknowledge", s.personToken("agent", "oz"), ack), "oz may act only on complaints they own or their team holds")
	refused(s.do("POST", path+"/acknowledge", s.token("agent"), ack), "create one with person_id")
	s.must(200, s.do("POST", path+"/acknowledge", s.personToken("agent", "ann"), ack))

	maxTok := s.personToken("manager", "max")
	asked := s.must(201, s.do("POST", path+"/escalations", maxTok, map[string]any{"reason": "refund above my limit"}))
	if asked.body["requested_by"] != "max" {
		t.Fatalf("escalation: %s", asked.raw)
	}
	decision := map[string]any{"decision": "reject", "reason": "the refund is not due"}
	decide := path + "/escalations/1/decision"
	refused(s.do("POST", decide, maxTok, decision), "max asked for this escalation and may not decide it")
	named := s.must(201, s.do("POST", "/v1/tokens", adminToken, map[string]any{"role": "manager", "name": "dora"})).body["token"].(string)
	refused(s.do("POST", decide, named, decision), "may not decide escalations; create one with person_id")
	refused(s.do("POST", decide, adminToken, decision), "does not act for a person")
	if n := s.count(id, "escalation_decided"); n != 0 {
		t.Fatalf("%d escalation_decided events after refused decisions, want 0", n)
	}

	decided := s.must(200, s.do("POST", decide, s.personToken("manager", "dora"), decision))
	if decided.body["decided_by"] != "dora" || decided.body["status"] != "rejected" {
		t.Errorf("decision: %s", decided.raw)
	}
	eventually(t, 30*time.Second, "the decision in the event log", func() bool { return s.count(id, "escalation_decided") == 1 })
}
