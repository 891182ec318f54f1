package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/service"
	"github.com/complaintflow/complaintflow/internal/store"
)

// Tokens acting for people of the directory newComplaintAPI builds.
const (
	asAnn auth.Role = "person:ann" // agent, team care, reports to lee
	asMax auth.Role = "person:max" // manager above lee
)

// newComplaintAPI is the API with a worker on a fresh database and the dev server,
// and a directory: ann (agent) → lee (team lead) → max (manager), logistics
// complaints routed to ann. The API's own handlers run as in production; the
// worker tells customers in en unless their complaint names a locale.
func newComplaintAPI(t *testing.T) *directoryAPI { return newComplaintAPIOf(t, nil) }

// newComplaintAPIOf is newComplaintAPI with the customer locale and time zone of
// cfg, given to the API and the worker as the starter and worker commands give
// them (nil: the test stack's en and UTC).
func newComplaintAPIOf(t *testing.T, cfg *config.Config) *directoryAPI {
	t.Helper()
	ctx := context.Background()
	srv := newAPIServer(t, true, true)
	st := srv.store
	messages := activities.CustomerMessages{DefaultLocale: message.En, Zone: time.UTC}
	if cfg != nil {
		srv.srv.UseCustomerLocale(cfg.CustomerLocale, cfg.CustomerZone)
		messages = service.CustomerMessages(*cfg, st)
	}
	w := service.NewWorker(srv.tc, srv.queue, config.WorkerSizing{}, service.NewActivities(st, activities.SurveyLinks{BaseURL: srv.url},
		messages, "quality", notify.Log{Logger: slog.New(slog.DiscardHandler)}))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)

	a := &directoryAPI{t: t, url: srv.url, srv: srv.srv, store: st, tokens: map[auth.Role]string{}}
	token := func(key auth.Role, role auth.Role, person *string) {
		secret := "test-" + strings.ReplaceAll(string(key), ":", "-")
		if err := st.EnsureToken(ctx, store.Token{ID: uuid.NewString(), Name: string(key), Role: string(role),
			Hash: auth.Hash(secret), CreatedBy: "test", PersonID: person}); err != nil {
			t.Fatal(err)
		}
		a.tokens[key] = secret
	}
	for _, role := range auth.Roles {
		token(role, role, nil)
	}
	a.as(auth.RoleAdmin, "PUT", "/v1/teams/care", `{"name":"Customer care"}`, 201)
	a.as(auth.RoleAdmin, "PUT", "/v1/people/max", `{"name":"Max","role":"manager"}`, 201)
	a.as(auth.RoleAdmin, "PUT", "/v1/people/lee", `{"name":"Lee","role":"team_lead","team_id":"care","manager_id":"max"}`, 201)
	a.as(auth.RoleAdmin, "PUT", "/v1/people/ann", `{"name":"Ann","role":"agent","team_id":"care","manager_id":"lee"}`, 201)
	a.as(auth.RoleAdmin, "PUT", "/v1/routing/logistics", `{"team_id":"care","owner_id":"ann"}`, 201)
	token(asAnn, auth.RoleAgent, new("ann"))
	token(asMax, auth.RoleManager, new("max"))
	return a
}

func (a *directoryAPI) fileLogistics(externalID, urgency string) string {
	a.t.Helper()
	r := a.as(auth.RoleIntake, "POST", "/v1/complaints", `{"external_id":"`+externalID+`","channel":"wechat",
		"customer":{"id":"cust-1","name":"张伟","tier":"medium","phone":"+86 138 0013 8000"},
		"category":"logistics","urgency":"`+urgency+`","subject":"包裹一周未到","description":"the parcel is a week late"}`, 201)
	return r.body["id"].(string)
}

// view reads a complaint once the condition holds (the projection follows the
// workflow's events a moment after an update returns).
func (a *directoryAPI) view(id, what string, cond func(v map[string]any) bool) map[string]any {
	a.t.Helper()
	var v map[string]any
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		v = a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+id, "", 200).body
		if cond(v) {
			return v
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("timed out waiting for %s: %v", what, v)
		}
	}
}

func sla(v map[string]any) map[string]any { return v["sla"].(map[string]any) }

func timeOf(t *testing.T, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("not a time: %v", v)
	}
	return at
}

// Every field of the complaint view that an action moves is read back: the first
// response, the wait (waiting_since, paused_seconds), an approved extension
// (extended_seconds), the resolution (resolved_at) and a reopening (reopened_count);
// GET …/escalations lists the decided request. A resolution without root_cause is
// refused naming it, and changes nothing.
func TestComplaintViewFollowsEveryAction(t *testing.T) {
	a := newComplaintAPI(t)
	id := a.fileLogistics("view-1", "medium")
	filed := a.view(id, "the filed complaint", func(v map[string]any) bool { return v["status"] == "open" })
	if filed["waiting_since"] != nil || filed["paused_seconds"] != 0.0 || filed["reopened_count"] != 0.0 ||
		filed["extended_seconds"] != 0.0 || sla(filed)["first_response_at"] != nil || sla(filed)["resolved_at"] != nil ||
		filed["owner"] != "ann" {
		t.Fatalf("filed: %v", filed)
	}

	before := time.Now().Add(-time.Second)
	a.as(asAnn, "POST", "/v1/complaints/"+id+"/acknowledge", `{"message":"非常抱歉，我们马上处理"}`, 200)
	acked := a.view(id, "first_response_at", func(v map[string]any) bool { return sla(v)["first_response_at"] != nil })
	if at := timeOf(t, sla(acked)["first_response_at"]); at.Before(before) || at.After(time.Now()) {
		t.Errorf("first_response_at %v", at)
	}

	paused := a.as(asAnn, "POST", "/v1/complaints/"+id+"/pause", `{"reason":"waiting for the order number"}`, 200).body
	if paused["status"] != "waiting_on_customer" || paused["waiting_since"] == nil {
		t.Fatalf("paused: %v", paused)
	}
	since := timeOf(t, paused["waiting_since"])
	a.view(id, "waiting_since in the read view", func(v map[string]any) bool {
		return v["waiting_since"] != nil && timeOf(t, v["waiting_since"]).Equal(since)
	})
	time.Sleep(1100 * time.Millisecond) // a pause of over a second, to be counted
	resumed := a.as(asAnn, "POST", "/v1/complaints/"+id+"/resume", `{"note":"the customer answered"}`, 200).body
	if resumed["waiting_since"] != nil {
		t.Fatalf("resumed: %v", resumed)
	}
	a.view(id, "paused_seconds", func(v map[string]any) bool {
		s, _ := v["paused_seconds"].(float64)
		return v["waiting_since"] == nil && s >= 1 && s < 60
	})

	// root_cause is required: 400 naming it, nothing recorded.
	events := len(a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+id+"/events", "", 200).body["items"].([]any))
	bad := a.call(asAnn, "POST", "/v1/complaints/"+id+"/resolve", `{"summary":"reshipped"}`)
	if bad.status != 400 || !strings.Contains(fmt.Sprint(bad.body), "root_cause") {
		t.Fatalf("resolve without root_cause: %d %v, want 400 naming root_cause", bad.status, bad.body)
	}
	if n := len(a.as(auth.RoleAdmin, "GET", "/v1/complaints/"+id+"/events", "", 200).body["items"].([]any)); n != events {
		t.Fatalf("a refused resolution recorded %d events", n-events)
	}

	// An extension, approved by the manager above the owner.
	due := timeOf(t, a.view(id, "due", func(map[string]any) bool { return true })["resolution_due_at"])
	a.as(asAnn, "POST", "/v1/complaints/"+id+"/escalations", `{"reason":"the depot is closed"}`, 201)
	a.as(asMax, "POST", "/v1/complaints/"+id+"/escalations/1/decision", `{"decision":"extend","extend_by":"2h","reason":"ok"}`, 200)
	extended := a.view(id, "extended_seconds", func(v map[string]any) bool { return v["extended_seconds"] == 7200.0 })
	if got := timeOf(t, extended["resolution_due_at"]); !got.Equal(due.Add(2 * time.Hour)) {
		t.Errorf("resolution due %v after the extension, want %v", got, due.Add(2*time.Hour))
	}
	listed := a.as(asAnn, "GET", "/v1/complaints/"+id+"/escalations", "", 200).body["items"].([]any)
	if len(listed) != 1 {
		t.Fatalf("escalations: %v", listed)
	}
	if e := listed[0].(map[string]any); e["seq"] != 1.0 || e["status"] != "extended" || e["requested_by"] != "ann" ||
		e["decided_by"] != "max" || fmt.Sprint(e["decision"]) != "map[decision:extend extension_seconds:7200 reason:ok]" {
		t.Errorf("escalation: %v", e)
	}

	a.as(asAnn, "POST", "/v1/complaints/"+id+"/resolve", `{"summary":"reshipped","root_cause":"lost at the depot"}`, 200)
	resolved := a.view(id, "resolved_at", func(v map[string]any) bool { return sla(v)["resolved_at"] != nil })
	if resolved["status"] != "resolved" || timeOf(t, sla(resolved)["resolved_at"]).Before(before) {
		t.Errorf("resolved: %v", resolved)
	}
	a.as(asAnn, "POST", "/v1/complaints/"+id+"/reopen", `{"reason":"the parcel never came"}`, 200)
	reopened := a.view(id, "reopened_count", func(v map[string]any) bool { return v["reopened_count"] == 1.0 })
	if reopened["status"] == "resolved" || reopened["extended_seconds"] != 7200.0 {
		t.Errorf("reopened: %v", reopened)
	}
}

// ?status= selects by status among several complaints, one value or several.
func TestComplaintListingFiltersByStatus(t *testing.T) {
	a := newComplaintAPI(t)
	open, acked, resolved := a.fileLogistics("s-open", "medium"), a.fileLogistics("s-ack", "medium"), a.fileLogistics("s-res", "medium")
	a.as(asAnn, "POST", "/v1/complaints/"+acked+"/acknowledge", `{"message":"on it"}`, 200)
	a.as(asAnn, "POST", "/v1/complaints/"+resolved+"/acknowledge", `{"message":"on it"}`, 200)
	a.as(asAnn, "POST", "/v1/complaints/"+resolved+"/resolve", `{"summary":"done","root_cause":"late pickup"}`, 200)
	a.view(resolved, "the resolution", func(v map[string]any) bool { return v["status"] == "resolved" })
	a.view(acked, "the acknowledgement", func(v map[string]any) bool { return v["status"] == "in_progress" })
	for q, want := range map[string][]string{
		"open":                      {open},
		"in_progress":               {acked},
		"resolved":                  {resolved},
		"open,resolved":             {open, resolved},
		"waiting_on_customer":       {},
		"open,in_progress,resolved": {open, acked, resolved},
	} {
		items := a.as(auth.RoleAdmin, "GET", "/v1/complaints?status="+q, "", 200).body["items"].([]any)
		var got []string
		for _, it := range items {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("?status=%s: got %v, want %v", q, got, want)
		}
	}
}

// A manager approving a raised urgency tightens the resolution deadline from the
// real policy of the new urgency (the LoadPolicy activity on PostgreSQL's policies).
func TestApprovingAHigherUrgencyLoadsItsPolicy(t *testing.T) {
	a := newComplaintAPI(t)
	a.as(auth.RoleAdmin, "PUT", "/v1/sla-policies/high/medium",
		`{"first_response":"1h","resolution":"3h","warning_percents":[],"escalation_levels":[]}`, 200)
	id := a.fileLogistics("raise-1", "medium")
	filed := a.view(id, "the filed complaint", func(v map[string]any) bool { return v["resolution_due_at"] != nil })
	created := timeOf(t, filed["created_at"])
	a.as(asAnn, "POST", "/v1/complaints/"+id+"/escalations", `{"reason":"the customer is a hospital"}`, 201)
	a.as(asMax, "POST", "/v1/complaints/"+id+"/escalations/1/decision", `{"decision":"approve","urgency":"high","reason":"urgent"}`, 200)
	raised := a.view(id, "the raised urgency", func(v map[string]any) bool { return v["urgency"] == "high" })
	// Three hours (the high/medium policy, not medium's 48 h) from filing or from the
	// approval, whichever the workflow counts from.
	if due := timeOf(t, raised["resolution_due_at"]); due.Before(created.Add(3*time.Hour)) || due.After(time.Now().Add(3*time.Hour)) {
		t.Errorf("resolution due %v, want 3h (the high/medium policy) after filing (%v)", due, created)
	}
}
