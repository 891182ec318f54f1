package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/auth"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// proposeCycle writes a cycle through the store, as a review or the API does.
func proposeCycle(t *testing.T, st *store.Store, title string, opened time.Time) quality.Cycle {
	t.Helper()
	id := uuid.NewString()
	c, created, err := st.ProposeCycle(context.Background(), quality.NewCycle{
		ID: id, WorkflowID: "pdca:" + id, OpportunityKey: "test/" + title, Title: title, Rule: "resolution_rate",
		Metric: quality.ResolutionRate, Category: "logistics", Baseline: cyclePtr(60.0),
		Target: cyclePtr(80.0), OpenedAt: opened,
	})
	if err != nil || !created {
		t.Fatalf("propose %s: created=%v err=%v", title, created, err)
	}
	return c
}

// moveCycle records an event of the cycle with the state after it.
func moveCycle(t *testing.T, st *store.Store, c quality.Cycle, seq int64, kind string, state quality.CycleState) {
	t.Helper()
	state.Seq = seq
	if state.Iteration == 0 {
		state.Iteration = 1
	}
	_, err := st.RecordCycleEvent(context.Background(), quality.CycleEvent{
		CycleID: c.ID, Key: fmt.Sprintf("%s/1/%s/%d", c.WorkflowID, kind, seq), Kind: kind, Iteration: 1,
		Actor: "lee", OccurredAt: c.OpenedAt.Add(time.Duration(seq) * time.Hour), Data: `{"test": true}`,
	}, state)
	if err != nil {
		t.Fatal(err)
	}
}

func recordCheck(t *testing.T, st *store.Store, c quality.Cycle, at time.Time, value float64, met, final bool) {
	t.Helper()
	_, err := st.RecordCycleCheck(context.Background(), quality.CycleCheck{
		CycleID: c.ID, Iteration: 1, CheckedAt: at, WindowFrom: at.AddDate(0, 0, -14), WindowTo: at,
		Value: cyclePtr(value), Baseline: cyclePtr(60.0),
		Target: 75, Met: met, Final: final,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func countCycleRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

const approvedPlan = `{"measures":[{"description":"Route logistics enquiries","owner":"ann","due":"2026-01-25T10:00:00Z"}],
	"baseline":60,"target":75,"due":"2026-01-31T01:00:00Z","submitted_by":"qin","submitted_at":"2026-01-05T02:00:00Z"}`

func cycleIDs(items []any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func TestOpenCycleRejectsBadBodiesAndChangesNothing(t *testing.T) {
	a := newDirectoryAPI(t)
	for _, c := range []struct {
		body   string
		fields []string
	}{
		{`{}`, []string{"title", "metric"}},
		{`{"title":"Logistics","metric":"speed"}`, []string{"metric"}},
		{`{"title":"Logistics","metric":"keyword_volume"}`, []string{"keyword"}},
		{`{"title":"Logistics","metric":"nps","keyword":"late"}`, []string{"keyword"}},
		{`{"title":"Logistics","metric":"nps","check_spec":"0 9 1,15 *"}`, []string{"check_spec"}},
		{`{"title":"Logistics","metric":"nps","check_spec":"@every 1h"}`, []string{"check_spec"}},
		{`{"title":"Logistics","metric":"nps","time_zone":"Mars/Olympus"}`, []string{"time_zone"}},
		{`{"title":"Logistics","metric":"nps","max_iterations":0}`, []string{"max_iterations"}},
		{`{"title":"Logistics","metric":"reopen_rate_pct","baseline":10,"target":12}`, []string{"target"}},
		{`{"title":"Logistics","metric":"nps","colour":"red"}`, []string{"colour"}},
	} {
		r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles", c.body)
		if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), c.fields) {
			t.Errorf("%s: got %d fields %v, want 400 naming %v (%v)", c.body, r.status, r.fields(), c.fields, r.body["detail"])
		}
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s: content type %q", c.body, ct)
		}
	}
	r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles", `{"title":"Logistics","metric":"nps","check_spec":"0 9 1,15 *"}`)
	if d, _ := r.body["detail"].(string); !strings.Contains(d, "check_spec: expected exactly 5 fields, found 4") {
		t.Errorf("bad check_spec: detail %q, want the parser's reason", d)
	}
	if r := a.call(auth.RoleManager, "POST", "/v1/pdca-cycles", `{"title":"Logistics","metric":"nps"}`); r.status != http.StatusForbidden {
		t.Errorf("manager opening a cycle: got %d, want 403", r.status)
	}
	if r := a.call(auth.RoleAgent, "GET", "/v1/pdca-cycles", ""); r.status != http.StatusForbidden {
		t.Errorf("agent listing cycles: got %d, want 403", r.status)
	}
	if n := countCycleRows(t, a.store, "pdca_cycles"); n != 0 {
		t.Errorf("got %d cycles after refused requests, want 0", n)
	}
}

func TestCyclesListDetailAndEvents(t *testing.T) {
	a := newDirectoryAPI(t)
	t0 := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	planning := proposeCycle(t, a.store, "planning", t0)
	doing := proposeCycle(t, a.store, "doing", t0.Add(time.Hour))
	withdrawn := proposeCycle(t, a.store, "withdrawn", t0.Add(2*time.Hour))
	due := time.Date(2026, 1, 31, 1, 0, 0, 0, time.UTC)
	moveCycle(t, a.store, doing, 1, "plan_approved", quality.CycleState{
		Stage: quality.StageDo, PlanStatus: quality.PlanApproved, Plan: cyclePtr(approvedPlan),
		DueAt: cyclePtr(due), Baseline: cyclePtr(60.0),
		Target: cyclePtr(75.0),
	})
	check := time.Date(2026, 1, 15, 1, 0, 0, 0, time.UTC)
	recordCheck(t, a.store, doing, check, 65, false, false)
	moveCycle(t, a.store, doing, 2, "checked", quality.CycleState{
		Stage: quality.StageDo, PlanStatus: quality.PlanApproved, Plan: cyclePtr(approvedPlan),
		DueAt: cyclePtr(due), Baseline: cyclePtr(60.0),
		Target: cyclePtr(75.0),
	})
	moveCycle(t, a.store, withdrawn, 1, "closed", quality.CycleState{
		Stage: quality.StageClosed, PlanStatus: quality.PlanDraft, ClosedAt: cyclePtr(t0.Add(5 * time.Hour)),
		Outcome: cyclePtr(quality.OutcomeWithdrawn), Baseline: cyclePtr(60.0),
	})

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{withdrawn.ID, doing.ID, planning.ID}},
		{"?open=true", []string{doing.ID, planning.ID}},
		{"?open=false", []string{withdrawn.ID}},
		{"?stage=do", []string{doing.ID}},
		{"?stage=plan&open=true", []string{planning.ID}},
		{"?limit=2", []string{withdrawn.ID, doing.ID}},
	} {
		r := a.call(auth.RoleManager, "GET", "/v1/pdca-cycles"+c.query, "")
		if r.status != http.StatusOK {
			t.Fatalf("%s: got %d %v", c.query, r.status, r.body)
		}
		if got := cycleIDs(r.body["items"].([]any)); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.query, got, c.want)
		}
	}
	for query, field := range map[string]string{"?stage=check": "stage", "?open=maybe": "open", "?colour=red": "colour"} {
		if r := a.call(auth.RoleQuality, "GET", "/v1/pdca-cycles"+query, ""); r.status != 400 || !slices.Equal(r.fields(), []string{field}) {
			t.Errorf("%s: got %d %v, want 400 naming %s", query, r.status, r.fields(), field)
		}
	}

	r := a.call(auth.RoleQuality, "GET", "/v1/pdca-cycles/"+doing.ID, "")
	if r.status != http.StatusOK {
		t.Fatalf("detail: got %d %v", r.status, r.body)
	}
	want := map[string]any{
		"id": doing.ID, "workflow_id": "pdca:" + doing.ID, "title": "doing", "metric": "resolution_rate_pct",
		"category": "logistics", "stage": "do", "iteration": 1.0, "plan_status": "approved", "baseline": 60.0,
		"target": 75.0, "time_zone": "UTC", "check_spec": "0 9 1,15 * *", "max_iterations": 6.0,
		"due_at": "2026-01-31T01:00:00Z", "opened_at": "2026-01-05T02:00:00Z", "closed_at": nil, "outcome": nil,
		"opportunity_key": "test/doing", "rule": "resolution_rate",
	}
	for field, w := range want {
		if got := r.body[field]; fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("detail %s: got %v, want %v", field, got, w)
		}
	}
	plan := r.body["plan"].(map[string]any)
	if owner := plan["measures"].([]any)[0].(map[string]any)["owner"]; owner != "ann" {
		t.Errorf("plan's first owner %v, want ann", owner)
	}
	checks := r.body["checks"].([]any)
	if len(checks) != 1 {
		t.Fatalf("got %d checks, want 1", len(checks))
	}
	if c := checks[0].(map[string]any); c["checked_at"] != "2026-01-15T01:00:00Z" || c["value"] != 65.0 ||
		c["target"] != 75.0 || c["met"] != false || c["final"] != false || c["window_from"] != "2026-01-01T01:00:00Z" {
		t.Errorf("check: %v", c)
	}

	closed := a.call(auth.RoleQuality, "GET", "/v1/pdca-cycles/"+withdrawn.ID, "")
	if closed.body["outcome"] != "withdrawn" || closed.body["closed_at"] != "2026-01-05T06:00:00Z" || closed.body["stage"] != "closed" {
		t.Errorf("closed cycle: %v", closed.body)
	}

	events := a.call(auth.RoleAdmin, "GET", "/v1/pdca-cycles/"+doing.ID+"/events", "")
	var kinds []string
	for _, e := range events.body["items"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
	}
	if !slices.Equal(kinds, []string{"proposed", "plan_approved", "checked"}) {
		t.Errorf("events: got %v", kinds)
	}
	proposed := events.body["items"].([]any)[0].(map[string]any)
	if data := proposed["data"].(map[string]any); data["baseline"] != 60.0 || data["opportunity_key"] != "test/doing" {
		t.Errorf("proposed event data: %v", data)
	}

	for _, path := range []string{"/v1/pdca-cycles/" + uuid.NewString(), "/v1/pdca-cycles/nope", "/v1/pdca-cycles/" + uuid.NewString() + "/events"} {
		if r := a.call(auth.RoleQuality, "GET", path, ""); r.status != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, r.status)
		}
	}
}

// Every action's body is checked before the workflow is asked (the test server has
// no Temporal client): a bad body is a 400 naming the field and changes nothing; a
// closed cycle is a 409.
// A check says how many samples it rests on and whether that was enough for a
// verdict; one recorded before samples were counted has none and stands judged.
func TestCycleChecksCarryTheirSampleCounts(t *testing.T) {
	a := newDirectoryAPI(t)
	t0 := time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC)
	c := proposeCycle(t, a.store, "thin", t0)
	recordCheck(t, a.store, c, t0.Add(24*time.Hour), 65, false, false)
	one, ten := int64(1), int64(10)
	_, err := a.store.RecordCycleCheck(context.Background(), quality.CycleCheck{
		CycleID: c.ID, Iteration: 1, CheckedAt: t0.Add(48 * time.Hour), WindowFrom: t0, WindowTo: t0.Add(48 * time.Hour),
		Value: cyclePtr(100.0), Baseline: cyclePtr(60.0), Target: 75, Final: true, Samples: &one, MinSamples: &ten,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := a.call(auth.RoleQuality, "GET", "/v1/pdca-cycles/"+c.ID, "")
	checks, _ := r.body["checks"].([]any)
	if r.status != http.StatusOK || len(checks) != 2 {
		t.Fatalf("detail: got %d %v", r.status, r.body)
	}
	old, thin := checks[0].(map[string]any), checks[1].(map[string]any)
	if old["samples"] != nil || old["min_samples"] != nil || old["judged"] != true {
		t.Errorf("a check recorded before samples were counted: %v, want null counts, judged", old)
	}
	if thin["samples"] != 1.0 || thin["min_samples"] != 10.0 || thin["judged"] != false || thin["met"] != false ||
		thin["window_from"] != "2026-01-05T02:00:00Z" {
		t.Errorf("a check on 1 of 10 samples: %v, want not judged", thin)
	}
}

func TestCycleActionsValidateBeforeTheWorkflow(t *testing.T) {
	a := newDirectoryAPI(t)
	ctx := context.Background()
	for _, p := range []store.Person{
		{ID: "ann", Name: "Ann", Role: complaint.RoleAgent, Active: true, UpdatedBy: "test"},
		{ID: "old", Name: "Old", Role: complaint.RoleAgent, Active: false, UpdatedBy: "test"},
		{ID: "qin", Name: "Qin", Role: complaint.RoleAgent, Active: true, UpdatedBy: "test"},
	} {
		if _, _, err := a.store.PutPerson(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	// A plan is decided by a person (the workflow compares people: nobody approves
	// their own plan); a token only named after one is refused before anything else.
	tok := a.as(auth.RoleAdmin, "POST", "/v1/tokens", `{"role":"quality","name":"qin","person_id":"qin"}`, http.StatusCreated)
	a.tokens["qin"] = tok.body["token"].(string)
	t0 := time.Now().UTC().Add(-48 * time.Hour)
	planning := proposeCycle(t, a.store, "planning", t0)
	actState := quality.CycleState{Stage: quality.StageAct, PlanStatus: quality.PlanApproved,
		Plan: cyclePtr(approvedPlan), Baseline: cyclePtr(60.0)}
	met := proposeCycle(t, a.store, "met", t0)
	recordCheck(t, a.store, met, t0.Add(time.Hour), 80, true, true)
	moveCycle(t, a.store, met, 1, "checked", actState)
	missed := proposeCycle(t, a.store, "missed", t0)
	recordCheck(t, a.store, missed, t0.Add(time.Hour), 62, false, true)
	moveCycle(t, a.store, missed, 1, "checked", actState)
	closed := proposeCycle(t, a.store, "closed", t0)
	moveCycle(t, a.store, closed, 1, "closed", quality.CycleState{Stage: quality.StageClosed, PlanStatus: quality.PlanDraft,
		ClosedAt: cyclePtr(t0), Outcome: cyclePtr("withdrawn")})

	soon := time.Now().Add(10 * 24 * time.Hour).UTC().Format(time.RFC3339)
	later := time.Now().Add(20 * 24 * time.Hour).UTC().Format(time.RFC3339)
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	m := func(desc, owner, due string) string {
		return fmt.Sprintf(`{"description":%q,"owner":%q,"due":%q}`, desc, owner, due)
	}
	plan := func(target float64, due string, measures ...string) string {
		return fmt.Sprintf(`{"measures":[%s],"target":%g,"due":%q}`, strings.Join(measures, ","), target, due)
	}
	for _, c := range []struct {
		cycle  quality.Cycle
		action string
		body   string
		fields []string
	}{
		{planning, "plan", plan(75, later), []string{"measures"}},
		{planning, "plan", plan(75, later, m("Route", "ann", soon), m("Train", "", soon)), []string{"measures[1].owner"}},
		{planning, "plan", plan(75, later, m("Route", "old", soon)), []string{"measures[0].owner"}},
		{planning, "plan", plan(75, later, m("Route", "ghost", soon), m("", "ann", later+"x")),
			[]string{"measures[0].owner", "measures[1].due", "measures[1].description"}},
		{planning, "plan", plan(55, later, m("Route", "ann", soon)), []string{"target"}},
		{planning, "plan", plan(75, "tomorrow", m("Route", "ann", soon)), []string{"due"}},
		{planning, "plan", plan(75, past, m("Route", "ann", soon)), []string{"due"}},
		{planning, "plan", plan(75, soon, m("Route", "ann", later)), []string{"measures[0].due"}},
		{planning, "plan", `{"measures":[{"description":"Route","owner":"ann","due":"` + soon + `"}],"due":"` + later + `"}`, []string{"target"}},
		{planning, "decision", `{"decision":"maybe"}`, []string{"decision"}},
		{planning, "decision", `{"decision":"send_back"}`, []string{"reason"}},
		{planning, "progress", `{"note":"","percent":120}`, []string{"note", "percent", "measure"}},
		{planning, "progress", `{"note":"half","measure":1}`, []string{"measure"}},
		{met, "act", `{"root_cause":"x"}`, []string{"sop_change"}},
		{met, "act", `{"sop_change":"x","adjusted_plan":` + plan(75, later, m("Route", "ann", soon)) + `}`, []string{"adjusted_plan"}},
		{missed, "act", `{"sop_change":"x"}`, []string{"root_cause"}},
		{missed, "act", `{"root_cause":"night shift"}`, []string{"adjusted_plan"}},
		{missed, "act", `{"root_cause":"night shift","adjusted_plan":` + plan(70, later, m("Cover", "", soon)) + `}`,
			[]string{"adjusted_plan.measures[0].owner"}},
		{planning, "withdraw", `{}`, []string{"reason"}},
	} {
		role := auth.RoleQuality
		if c.action == "decision" {
			role = "qin"
			if r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles/"+c.cycle.ID+"/decision", c.body); r.status != http.StatusForbidden ||
				!strings.Contains(fmt.Sprint(r.body["detail"]), "may not decide plans; create one with person_id") {
				t.Errorf("a person-less token's decision: %d %v, want 403", r.status, r.body["detail"])
			}
		}
		r := a.call(role, "POST", "/v1/pdca-cycles/"+c.cycle.ID+"/"+c.action, c.body)
		if r.status != http.StatusBadRequest || !slices.Equal(r.fields(), c.fields) {
			t.Errorf("%s %s %s: got %d fields %v, want 400 naming %v (%v)", c.cycle.Title, c.action, c.body,
				r.status, r.fields(), c.fields, r.body["detail"])
		}
	}
	r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles/"+planning.ID+"/plan", plan(75, "tomorrow", m("Route", "ann", soon)))
	if d := r.body["errors"].([]any)[0].(map[string]any)["message"]; d != "must be an RFC 3339 time, e.g. 2026-01-31T09:00:00+08:00" {
		t.Errorf("unparseable due: %v", d)
	}
	if r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles/"+closed.ID+"/withdraw", `{"reason":"again"}`); r.status != http.StatusConflict ||
		r.body["detail"] != "the cycle is closed: withdrawn" {
		t.Errorf("withdrawing a closed cycle: got %d %v, want 409", r.status, r.body["detail"])
	}
	if r := a.call(auth.RoleQuality, "POST", "/v1/pdca-cycles/"+uuid.NewString()+"/plan", plan(75, later, m("Route", "ann", soon))); r.status != http.StatusNotFound {
		t.Errorf("unknown cycle: got %d, want 404", r.status)
	}
	if r := a.call(auth.RoleManager, "POST", "/v1/pdca-cycles/"+planning.ID+"/withdraw", `{"reason":"x"}`); r.status != http.StatusForbidden {
		t.Errorf("manager withdrawing: got %d, want 403", r.status)
	}

	if n := countCycleRows(t, a.store, "pdca_events"); n != 4+3 {
		t.Errorf("got %d events, want the 4 proposed and 3 written by the test", n)
	}
	for _, c := range []quality.Cycle{planning, met, missed} {
		got, err := a.store.Cycle(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(got)
		if c.ID == planning.ID && (got.PlanStatus != quality.PlanDraft || got.Plan != nil || got.StateSeq != 0) {
			t.Errorf("planning cycle changed: %s", raw)
		}
		if c.ID != planning.ID && got.StateSeq != 1 {
			t.Errorf("%s changed: %s", c.Title, raw)
		}
	}
}

func cyclePtr[T any](v T) *T { return &v }
