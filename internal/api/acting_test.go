package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// actingAPI is a directory API with two teams and a reporting chain (ann and bob in
// care under lee, max, dora; oz in other; mia, a manager of no one in it), a token
// per person, tokens merely named after people, and three complaints: one ann owns
// in care, one oz owns in other, one unassigned. Max asked for escalation 1 of ann's
// complaint, which has moved up to dora (level 2).
func actingAPI(t *testing.T) (a *directoryAPI, owned, elsewhere, pool store.Complaint) {
	a = newDirectoryAPI(t)
	a.admin("PUT", "/v1/teams/care", `{"name":"Care"}`, http.StatusCreated)
	a.admin("PUT", "/v1/teams/other", `{"name":"Other"}`, http.StatusCreated)
	for _, p := range []string{
		`dora {"name":"Dora","role":"director"}`,
		`max {"name":"Max","role":"manager","manager_id":"dora"}`,
		`lee {"name":"Lee","role":"team_lead","team_id":"care","manager_id":"max"}`,
		`ann {"name":"Ann","role":"agent","team_id":"care","manager_id":"lee"}`,
		`bob {"name":"Bob","role":"agent","team_id":"care","manager_id":"lee"}`,
		`oz {"name":"Oz","role":"agent","team_id":"other","manager_id":"max"}`,
		`mia {"name":"Mia","role":"manager"}`,
	} {
		id, body, _ := strings.Cut(p, " ")
		a.admin("PUT", "/v1/people/"+id, body, http.StatusCreated)
	}
	for person, role := range map[string]auth.Role{"dora": auth.RoleManager, "max": auth.RoleManager,
		"ann": auth.RoleAgent, "bob": auth.RoleAgent, "oz": auth.RoleAgent, "lee": auth.RoleManager, "mia": auth.RoleManager} {
		tok := a.admin("POST", "/v1/tokens", `{"role":"`+string(role)+`","name":"`+person+`","person_id":"`+person+`"}`, http.StatusCreated)
		a.tokens[auth.Role(person)] = tok.body["token"].(string)
	}
	// Tokens only named after people: a name is no identity.
	for name, role := range map[string]auth.Role{"named-dora": auth.RoleManager, "named-ann": auth.RoleAgent} {
		tok := a.admin("POST", "/v1/tokens", `{"role":"`+string(role)+`","name":"`+strings.TrimPrefix(name, "named-")+`"}`, http.StatusCreated)
		a.tokens[auth.Role(name)] = tok.body["token"].(string)
	}
	owned = a.fileDirect("own-1", "cust-1", "Parcel late", complaint.Medium)
	elsewhere = a.fileDirect("else-1", "cust-2", "Wrong size", complaint.Medium)
	pool = a.fileDirect("pool-1", "cust-3", "No answer", complaint.Medium)
	db := a.store.DB()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE complaints SET owner = 'ann', team_id = 'care' WHERE id = $1`, []any{owned.ID}},
		{`UPDATE complaints SET owner = 'oz', team_id = 'other' WHERE id = $1`, []any{elsewhere.ID}},
		{`INSERT INTO escalations (id, complaint_id, seq, status, requested_by, requested_at, reason, approver_id, eligible, level)
			VALUES ($1, $2, 1, 'pending', 'max', now(), 'refund over my limit', 'dora', '{dora}', 2)`, []any{uuid.NewString(), owned.ID}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	return a, owned, elsewhere, pool
}

// TestActingForAPersonNeedsThePersonAndTheirComplaint holds the identity rules of
// docs/tokens.md: each call sends an empty body, so a caller the rules admit gets
// the body's 400 (the workflow is never reached) and one they refuse a 403 naming why.
func TestActingForAPersonNeedsThePersonAndTheirComplaint(t *testing.T) {
	a, owned, elsewhere, pool := actingAPI(t)
	ack := func(c store.Complaint) string { return "/v1/complaints/" + c.ID + "/acknowledge" }
	decide := "/v1/complaints/" + owned.ID + "/escalations/1/decision"
	for _, tc := range []struct {
		name   string
		caller auth.Role
		path   string
		want   int
		detail string // in the 403's detail
		code   string // the 403's code: forbidden unless said
	}{
		{"the owner acts", "ann", ack(owned), 400, "", ""},
		{"a member of the owning team acts", "bob", ack(owned), 400, "", ""},
		{"an agent of another team may not", "oz", ack(owned), 403, "oz may act only on complaints they own or their team holds", ""},
		{"an agent acts on their own elsewhere", "oz", ack(elsewhere), 400, "", ""},
		{"any agent takes an unassigned complaint", "oz", ack(pool), 400, "", ""},
		{"an agent token named ann is not ann", "named-ann", ack(owned), 403, "does not act for a person", ""},
		{"a person-less agent token acts on complaints no team holds", auth.RoleAgent, ack(pool), 400, "", ""},
		{"a person-less agent token may not act on one a team holds", auth.RoleAgent, ack(elsewhere), 403, "create one with person_id", ""},
		{"a manager acts on any complaint", "dora", ack(elsewhere), 400, "", ""},
		{"an admin acts on any complaint", auth.RoleAdmin, ack(owned), 400, "", ""},
		{"a manager token named dora does not decide as dora", "named-dora", decide, 403, "may not decide escalations; create one with person_id", ""},
		{"a person-less manager token does not decide", auth.RoleManager, decide, 403, "does not act for a person", ""},
		{"a person-less admin token does not decide", auth.RoleAdmin, decide, 403, "does not act for a person", ""},
		{"nobody decides their own request", "max", decide, 403, "max asked for this escalation and may not decide it", ""},
		{"dora, by her person, may decide", "dora", decide, 400, "", ""},
		// Not an eligible approver, by the workflow's rule (complaint.DeciderRefusal).
		{"a manager outside the owner's chain does not decide", "mia", decide, 403,
			"mia may not decide escalation 1: mia is not a manager in the reporting chain of ann", "not_approver"},
		{"a team lead in the chain does not decide", "lee", decide, 403,
			"lee is a team_lead; only a manager or higher in the owner's chain may decide", "not_approver"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := a.call(tc.caller, "POST", tc.path, "{}")
			detail, _ := got.body["detail"].(string)
			if got.status != tc.want || !strings.Contains(detail, tc.detail) {
				t.Errorf("POST %s as %s: got %d %q, want %d with %q", tc.path, tc.caller, got.status, detail, tc.want, tc.detail)
			}
			code := tc.code
			if code == "" {
				code = "forbidden"
			}
			if got.status == 403 && got.body["code"] != code {
				t.Errorf("403 code %v, want %s", got.body["code"], code)
			}
		})
	}
	var events int
	if err := a.store.DB().Get(&events, `SELECT count(*) FROM complaint_events`); err != nil {
		t.Fatal(err)
	}
	if events != 0 {
		t.Errorf("%d events recorded; a refused or invalid action records none", events)
	}
}

// TestBootstrapTokenIsReplacedWhenItChanges restarts the API (a new process on the
// same database) with BOOTSTRAP_ADMIN_TOKEN changed: the old secret stops working,
// the new one works; restarting unchanged, or after the token was rotated through
// the API, changes nothing.
func TestBootstrapTokenIsReplacedWhenItChanges(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := t.Context()
	boot := func(secret string) *directoryAPI {
		t.Helper()
		p := a.otherProcess()
		if err := p.srv.Bootstrap(ctx, secret); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a.tokens["boot-1"], a.tokens["boot-2"] = "bootstrap-one", "bootstrap-two"
	p := boot("bootstrap-one")
	p.accepts("boot-1")

	p = boot("bootstrap-two")
	p.accepts("boot-2")
	if got := p.call("boot-1", "GET", "/v1/sla-policies", ""); got.status != http.StatusUnauthorized {
		t.Errorf("the replaced bootstrap secret after restart: got %d, want 401", got.status)
	}
	a.refusedWithin("boot-1", 5*time.Second) // and on the process that was already running

	p = boot("bootstrap-two") // unchanged: nothing revoked, nothing added
	p.accepts("boot-2")
	var active int
	if err := a.store.DB().Get(&active, `SELECT count(*) FROM api_tokens
		WHERE created_by = 'BOOTSTRAP_ADMIN_TOKEN' AND revoked_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	if active != 1 {
		t.Errorf("%d active bootstrap tokens, want 1", active)
	}

	// Rotated through the API, then a restart with the same environment: the rotated
	// secret stays the admin's; the old one is not brought back.
	var id string
	if err := a.store.DB().Get(&id, `SELECT id FROM api_tokens WHERE created_by = 'BOOTSTRAP_ADMIN_TOKEN' AND revoked_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	rotated := p.call("boot-2", "POST", "/v1/tokens/"+id+"/rotate", "")
	if rotated.status != http.StatusOK {
		t.Fatalf("rotate: %d %v", rotated.status, rotated.body)
	}
	a.tokens["boot-rotated"] = rotated.body["token"].(string)
	p = boot("bootstrap-two")
	p.accepts("boot-rotated")
	if got := p.call("boot-2", "GET", "/v1/sla-policies", ""); got.status != http.StatusUnauthorized {
		t.Errorf("the rotated-away bootstrap secret after restart: got %d, want 401", got.status)
	}
}
