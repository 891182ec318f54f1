package e2e_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/workflows"
)

// PDCA in its owner's hands, on the real stack: a plan with resources, risks and a
// committee of two goes to Do only when both have approved; the cycle shows its
// next scheduled check; "check now" records a check at once and leaves the schedule.
func TestPDCACommitteeAndCheckNow(t *testing.T) {
	s := newStack(t)
	s.qualityTeam()
	qin, quinn, dora := s.personToken("quality", "qin"), s.personToken("quality", "quinn"), s.personToken("quality", "dora")
	cycle := s.must(201, s.do("POST", "/v1/pdca-cycles", qin, map[string]any{
		"title": "Logistics resolution", "metric": "resolution_rate_pct", "category": "logistics",
		"baseline": 60, "target": 80, "time_zone": "Asia/Shanghai",
	})).body
	id := cycle["id"].(string)
	path := "/v1/pdca-cycles/" + id
	eventually(t, 30*time.Second, "the cycle's workflow records proposed", func() bool {
		return s.countWhere("pdca_events", "cycle_id = '"+id+"' AND kind = 'proposed'") == 1
	})

	due := time.Now().UTC().AddDate(0, 1, 0).Truncate(time.Second)
	plan := map[string]any{
		"measures":  []any{map[string]any{"description": "daily courier SLA review", "owner": "quinn", "due": due.AddDate(0, 0, -7).Format(time.RFC3339)}},
		"target":    80,
		"due":       due.Format(time.RFC3339),
		"resources": "two agents for a week",
		"risks":     "the courier desk is short-staffed",
		"approvers": []string{"qin", "quinn", "nobody"},
	}
	bad := s.do("POST", path+"/plan", quinn, plan)
	if bad.status != 400 || !slices.Equal(fieldsOf(bad), []string{"approvers[2]", "approvers[1]"}) && !slices.Equal(fieldsOf(bad), []string{"approvers[1]", "approvers[2]"}) {
		t.Fatalf("plan with its submitter and a stranger on the committee: %d %s", bad.status, bad.raw)
	}
	if got := s.do("POST", path+"/check", qin, map[string]any{}); got.status != 409 {
		t.Fatalf("check in plan: %d %s", got.status, got.raw)
	}
	plan["approvers"] = []string{"qin", "dora"}
	submitted := s.must(200, s.do("POST", path+"/plan", quinn, plan)).body
	got := submitted["plan"].(map[string]any)
	if got["resources"] != "two agents for a week" || got["risks"] != "the courier desk is short-staffed" {
		t.Fatalf("plan as recorded %v", got)
	}
	half := s.must(200, s.do("POST", path+"/decision", qin, map[string]any{"decision": "approve"})).body
	if half["stage"] != "plan" || half["plan_status"] != "submitted" {
		t.Fatalf("after one of two approvals: %v", half)
	}
	if res := s.do("POST", path+"/decision", qin, map[string]any{"decision": "approve"}); res.status != 409 {
		t.Fatalf("second approval by the same member: %d %s", res.status, res.raw)
	}
	approved := s.must(200, s.do("POST", path+"/decision", dora, map[string]any{"decision": "approve"})).body
	if approved["stage"] != "do" || approved["next_check_at"] == nil {
		t.Fatalf("after the committee approved: %v", approved)
	}
	next := approved["next_check_at"].(string)

	checked := s.must(200, s.do("POST", path+"/check", qin, map[string]any{})).body
	checks, _ := checked["checks"].([]any)
	if len(checks) != 1 || checked["next_check_at"] != next || checked["stage"] != "do" {
		t.Fatalf("after check now: %v", checked)
	}
	events := items(s.must(200, s.do("GET", path+"/events", qin, nil)))
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e["kind"].(string))
	}
	want := []string{"proposed", "plan_submitted", "plan_approval_recorded", "plan_approved", "checked"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	last := events[len(events)-1]
	if last["actor"] != "qin" || last["data"].(map[string]any)["on_demand"] != true {
		t.Fatalf("checked event %v", last)
	}
	s.must(200, s.do("POST", path+"/withdraw", qin, map[string]any{"reason": "end of test"}))
	eventually(t, 30*time.Second, "the cycle's workflow ends", func() bool {
		return s.countWhere("pdca_events", "cycle_id = '"+id+"' AND kind = 'closed'") == 1
	})
	s.checkHistory(workflows.PDCAWorkflowID(id), "pdca_committee_check_now_withdrawn")
}

// A plan sent the moment a cycle is created meets the cycle still loading (its
// first task runs before the cycle's definition is read): the workflow refuses it
// as not ready, and the API tries again until the cycle takes it, so the caller gets
// the plan recorded, not a 409 to retry by hand. The worker is kept away until the
// plan is waiting, so the plan surely arrives with that first task.
func TestPDCAPlanSentWhileTheCycleLoads(t *testing.T) {
	s := newStack(t)
	id, _, quinn := cycleNotYetLoaded(s, "Loading")
	plan := monthPlan()
	plan["approvers"] = []string{"qin"}
	answered := make(chan response, 1)
	go func() { answered <- s.do("POST", "/v1/pdca-cycles/"+id+"/plan", quinn, plan) }()
	time.Sleep(time.Second) // the plan waits at Temporal for the cycle's first task
	s.startWorker()
	select {
	case got := <-answered:
		if got.status != 200 || got.body["plan_status"] != "submitted" {
			t.Fatalf("plan sent while the cycle loads: %d %s", got.status, got.raw)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no answer to the plan")
	}
}

// cycleNotYetLoaded creates a cycle while no worker runs, so its workflow has not
// read it yet (the caller starts a worker); it returns the cycle's ID and the tokens
// of the quality lead qin and of quinn.
func cycleNotYetLoaded(s *stack, title string) (id, qin, quinn string) {
	s.t.Helper()
	s.qualityTeam()
	qin, quinn = s.personToken("quality", "qin"), s.personToken("quality", "quinn")
	s.worker.Stop()
	cycle := s.must(201, s.do("POST", "/v1/pdca-cycles", qin, map[string]any{
		"title": title, "metric": "resolution_rate_pct", "category": "logistics",
		"baseline": 60, "target": 80, "time_zone": "Asia/Shanghai",
	})).body
	return cycle["id"].(string), qin, quinn
}

// monthPlan is a plan due in a month, with one measure of quinn's due a week before.
func monthPlan() map[string]any {
	due := time.Now().UTC().AddDate(0, 1, 0).Truncate(time.Second)
	return map[string]any{
		"measures": []any{map[string]any{"description": "daily courier SLA review", "owner": "quinn", "due": due.AddDate(0, 0, -7).Format(time.RFC3339)}},
		"target":   80,
		"due":      due.Format(time.RFC3339),
	}
}

// heldCycles holds the read of one cycle until release is closed, as a database
// slow to answer would: the cycle's workflow stays loading for as long.
type heldCycles struct {
	activities.CycleStore
	id      string
	release chan struct{}
}

func (h heldCycles) Cycle(ctx context.Context, id string) (quality.Cycle, error) {
	if id == h.id {
		select {
		case <-h.release:
		case <-ctx.Done():
			return quality.Cycle{}, ctx.Err()
		}
	}
	return h.CycleStore.Cycle(ctx, id)
}

// A cycle that stays loading for longer than an action waits: the plan is answered
// 503 with Retry-After — come back, not "the action is wrong" — and nothing is
// recorded; once the cycle has loaded, the same request with the same
// Idempotency-Key is taken, and taken once however often it is sent.
func TestPDCAPlanWhileTheCycleCannotLoad(t *testing.T) {
	s := newStack(t)
	id, qin, quinn := cycleNotYetLoaded(s, "Held")
	path := "/v1/pdca-cycles/" + id
	release := make(chan struct{})
	s.startWorkerWith(func(a *activities.Activities) { a.Cycles = heldCycles{CycleStore: a.Cycles, id: id, release: release} })
	released := false
	t.Cleanup(func() {
		if !released {
			close(release)
		}
	})

	plan := monthPlan()
	start := time.Now()
	held := s.doKeyed("POST", path+"/plan", quinn, "plan-1", plan)
	if held.status != 503 || held.header.Get("Retry-After") == "" || held.body["code"] != "unavailable" ||
		!strings.Contains(held.raw, "still loading") {
		t.Fatalf("plan while the cycle cannot load: HTTP %d, Retry-After %q: %s", held.status, held.header.Get("Retry-After"), held.raw)
	}
	if took := time.Since(start); took < 9*time.Second || took > 30*time.Second {
		t.Fatalf("answered after %v, want the action's wait (10 s)", took)
	}
	if got := s.must(200, s.do("GET", path, qin, nil)).body["plan_status"]; got == "submitted" {
		t.Fatal("a plan refused as not ready was recorded")
	}

	close(release)
	released = true
	for i := range 3 { // the same request again: taken once
		got := s.doKeyed("POST", path+"/plan", quinn, "plan-1", plan)
		if got.status != 200 || got.body["plan_status"] != "submitted" {
			t.Fatalf("retry %d of the plan after the cycle loaded: %d %s", i+1, got.status, got.raw)
		}
	}
	var kinds []string
	for _, e := range items(s.must(200, s.do("GET", path+"/events", qin, nil))) {
		kinds = append(kinds, e["kind"].(string))
	}
	if want := []string{"proposed", "plan_submitted"}; !slices.Equal(kinds, want) {
		t.Fatalf("events %v, want %v", kinds, want)
	}
	s.must(200, s.do("POST", path+"/withdraw", qin, map[string]any{"reason": "end of test"}))
}
