// Package e2e drives complaintflow end to end: the HTTP API, a worker, a real
// Temporal dev server and a real PostgreSQL, as a user's intake system would.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/api"
	"github.com/complaintflow/complaintflow/internal/api/openapi/openapitest"
	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/console"
	"github.com/complaintflow/complaintflow/internal/message"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/reconcile"
	"github.com/complaintflow/complaintflow/internal/service"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/telemetry"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const adminToken = "e2e-admin-secret"

// temporalUI is where the console's workflow links point (no UI runs there).
const temporalUI = "http://temporal-ui.test:8233"

// stack is one isolated complaintflow: its own database and task queue on the
// shared servers.
type stack struct {
	t        *testing.T
	url      string
	store    *store.Store
	temporal client.Client
	queue    string
	worker   worker.Worker
	console  *console.Console
	log      *slog.Logger
	// notifiers are the channels besides the log the worker delivers on.
	notifiers []notify.Notifier
	dsn       string
	// last is the body of the last answer the generated client got, for failures.
	last []byte
}

func newStack(t *testing.T, notifiers ...notify.Notifier) *stack {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	dsn := testenv.NewDatabase(t)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	metrics, err := telemetry.NewMetrics()
	if err != nil {
		t.Fatal(err)
	}
	// Encrypted as production is with TEMPORAL_PAYLOAD_KEYS (privacy_temporal_test.go
	// reads the histories without the key).
	keys := testenv.PayloadCodec()
	tc, err := client.Dial(client.Options{
		HostPort: testenv.Temporal(t), Namespace: "default",
		Logger: tlog.NewStructuredLogger(log), MetricsHandler: metrics.Temporal,
		DataConverter: keys.DataConverter(), FailureConverter: keys.FailureConverter(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	// Unique per run: the dev server outlives a test, and -count=N reruns it.
	queue := fmt.Sprintf("e2e-%s-%d", strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-"), time.Now().UnixNano())

	s := &stack{t: t, store: st, temporal: tc, queue: queue, log: log, notifiers: notifiers, dsn: dsn}
	srv := api.New(st, tc, queue, log, metrics.Registry)
	// English unless a test files in zh-CN (production's default), so the tests
	// can read what customers are told.
	srv.UseCustomerLocale(message.En, customerMessages.Zone)
	if err := srv.Bootstrap(ctx, adminToken); err != nil {
		t.Fatal(err)
	}
	con, err := console.New(srv, st, log)
	if err != nil {
		t.Fatal(err)
	}
	con.LinkWorkflows(temporalUI, "default")
	s.console = con
	hs := httptest.NewServer(con.Beside(openapitest.Handler(t, srv.Handler())))
	t.Cleanup(hs.Close)
	s.url = hs.URL

	// The worker signs survey links to this API with the key kept in PostgreSQL.
	s.startWorker()
	t.Cleanup(func() { s.worker.Stop() })
	return s
}

// startWorker starts a fresh worker, as a restarted worker process would.
func (s *stack) startWorker() {
	s.t.Helper()
	s.startWorkerWith(nil)
}

// startWorkerWith starts a fresh worker whose activities edit changes first (nil:
// none), e.g. to hold up one store read as a slow database would.
func (s *stack) startWorkerWith(edit func(*activities.Activities)) {
	s.t.Helper()
	acts := service.NewActivities(s.store, activities.SurveyLinks{BaseURL: s.url}, customerMessages, "quality", append([]notify.Notifier{notify.Log{Logger: s.log}}, s.notifiers...)...)
	if edit != nil {
		edit(acts)
	}
	s.worker = service.NewWorker(s.temporal, s.queue, config.WorkerSizing{}, acts)
	if err := s.worker.Start(); err != nil {
		s.t.Fatal(err)
	}
	// The worker process's redelivery loop (worker/main.go), polling faster.
	ctx, stop := context.WithCancel(context.Background())
	s.t.Cleanup(stop)
	loop := reconcile.NewRedeliveries(func(ctx context.Context) (int, error) { return activities.Redeliver(ctx, acts, s.log) }, s.log)
	loop.Every = time.Second
	go loop.Run(ctx)
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (s *stack) do(method, path, token string, body any) response {
	s.t.Helper()
	return s.doKeyed(method, path, token, "", body)
}

// doKeyed is do with an Idempotency-Key header (none if key is empty).
func (s *stack) doKeyed(method, path, token, key string, body any) response {
	s.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	s.capture(method, path, res.StatusCode, raw)
	out := response{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (s *stack) must(want int, res response) response {
	s.t.Helper()
	if res.status != want {
		s.t.Fatalf("got HTTP %d, want %d: %s", res.status, want, res.raw)
	}
	return res
}

func (s *stack) token(role string) string {
	s.t.Helper()
	res, err := s.api(adminToken).CreateTokenWithResponse(context.Background(),
		apiclient.CreateTokenRequest{Role: apiclient.Role(role), Name: role + "-bot"})
	s.want(201, res, err)
	return res.JSON201.Token
}

func complaintBody(externalID, urgency, tier string) map[string]any {
	return map[string]any{
		"external_id": externalID,
		"channel":     "wechat",
		"customer": map[string]any{
			"id": "cust-42", "name": "张伟", "tier": tier, "phone": "+86 138 0013 8000", "email": "zhang.wei@example.com",
		},
		"category":    "logistics",
		"urgency":     urgency,
		"subject":     "包裹一周未到",
		"description": "物流慢，客服态度差 — the parcel is a week late",
	}
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// eventuallyUntil is eventually for a condition that says what it still lacks
// ("" once met): a timeout names the last lack, not only the wait.
func eventuallyUntil(t *testing.T, timeout time.Duration, what string, lacks func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		lack := lacks()
		if lack == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %s", timeout, what, lack)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *stack) eventKinds(id string) []string {
	events, err := s.store.Events(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	kinds := make([]string, len(events))
	for i, e := range events {
		kinds[i] = e.Kind
	}
	return kinds
}

func (s *stack) countWorkflows(query string) int64 {
	s.t.Helper()
	res, err := s.temporal.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Namespace: "default", Query: query})
	if err != nil {
		s.t.Fatal(err)
	}
	return res.GetCount()
}

func TestComplaintLifecycleThroughTheAPI(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	intakeToken, agentToken := s.token("intake"), s.token("agent")
	intake, agent := s.api(intakeToken), s.api(agentToken)
	ext := "crm-" + fmt.Sprint(time.Now().UnixNano())

	// File.
	filed, err := intake.FileComplaintWithResponse(ctx, complaintRequest(ext, apiclient.High, apiclient.High))
	s.want(201, filed, err)
	c := filed.JSON201
	id := c.Id.String()
	if c.WorkflowId != "complaint:"+id || c.Status != apiclient.ComplaintStatusOpen {
		t.Fatalf("filed: %s", filed.Body)
	}
	if due := c.FirstResponseDueAt.Sub(c.CreatedAt); due != 2*time.Hour {
		t.Errorf("first response due %v after filing, want 2h", due)
	}
	if got := filed.HTTPResponse.Header.Get("Location"); got != "/v1/complaints/"+id {
		t.Errorf("Location %q", got)
	}

	// The same external_id again: the same complaint, no second workflow.
	dup, err := intake.FileComplaintWithResponse(ctx, complaintRequest(ext, apiclient.High, apiclient.High))
	s.want(200, dup, err)
	if dup.JSON200.Id != c.Id {
		t.Fatalf("duplicate filed a new complaint: %s", dup.Body)
	}
	// The same external_id with a different body: 409.
	conflict, err := intake.FileComplaintWithResponse(ctx, complaintRequest(ext, apiclient.Low, apiclient.High))
	s.want(409, conflict, err)
	if conflict.ApplicationproblemJSON409 == nil {
		t.Fatalf("different body: not a problem: %s", conflict.Body)
	}
	eventually(t, 10*time.Second, "workflow visible", func() bool {
		return s.countWorkflows(fmt.Sprintf("TaskQueue = '%s'", s.queue)) == 1
	})

	// Auth: no token, bad token, wrong role.
	res, err := s.api("").GetComplaintWithResponse(ctx, c.Id)
	s.want(401, res, err)
	res, err = s.api("not-a-token").GetComplaintWithResponse(ctx, c.Id)
	s.want(401, res, err)
	forbidden, err := intake.ResolveComplaintWithResponse(ctx, c.Id, nil, apiclient.ResolveRequest{Summary: "x", RootCause: "y"})
	s.want(403, forbidden, err)

	// Acknowledge, then resolve.
	ack, err := agent.AcknowledgeComplaintWithResponse(ctx, c.Id, nil, apiclient.AcknowledgeRequest{Message: "非常抱歉，我们正在处理"})
	s.want(200, ack, err)
	if ack.JSON200.Status != apiclient.ComplaintStatusInProgress || ack.JSON200.Owner == nil || *ack.JSON200.Owner != "agent-bot" {
		t.Fatalf("acknowledged: %s", ack.Body)
	}
	ack, err = agent.AcknowledgeComplaintWithResponse(ctx, c.Id, nil, apiclient.AcknowledgeRequest{Message: "again"})
	s.want(409, ack, err)
	// A body the document forbids (no root_cause) is sent raw: the client would not.
	missing := s.must(400, s.do("POST", "/v1/complaints/"+id+"/resolve", agentToken, map[string]string{"summary": "reshipped"}))
	if !strings.Contains(missing.raw, "root_cause") {
		t.Errorf("missing root cause not named: %s", missing.raw)
	}
	resolved, err := agent.ResolveComplaintWithResponse(ctx, c.Id, nil,
		apiclient.ResolveRequest{Summary: "Reshipped by express, coupon issued", RootCause: "Depot backlog after a storm"})
	s.want(200, resolved, err)
	if resolved.JSON200.Status != apiclient.ComplaintStatusResolved {
		t.Fatalf("resolved: %s", resolved.Body)
	}
	again, err := agent.ResolveComplaintWithResponse(ctx, c.Id, nil, apiclient.ResolveRequest{Summary: "s", RootCause: "r"})
	s.want(409, again, err)
	if p := again.ApplicationproblemJSON409; p.Detail == nil || !strings.Contains(*p.Detail, "already resolved") {
		t.Errorf("resolve twice: %s", again.Body)
	}

	// PostgreSQL holds the state and the history.
	row, err := s.store.Complaint(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if row.Status != "resolved" || null.Value(row.RootCause) != "Depot backlog after a storm" || row.FirstResponseAt == nil || row.FirstResponseBreached {
		t.Errorf("complaint row: %+v", row)
	}
	// The resolution starts the feedback loop, which records the survey it sends.
	eventually(t, 10*time.Second, "the survey to be sent", func() bool { return s.count(id, "survey_sent") == 1 })
	if got, want := strings.Join(s.eventKinds(id), ","), "opened,acknowledged,resolved,survey_sent"; got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	events, err := agent.ListComplaintEventsWithResponse(ctx, c.Id)
	s.want(200, events, err)
	if n := len(events.JSON200.Items); n != 4 {
		t.Errorf("events API returned %d events, want 4", n)
	}

	// The workflow's search attributes find it.
	eventually(t, 10*time.Second, "search attributes", func() bool {
		return s.countWorkflows(fmt.Sprintf("TaskQueue = '%s' AND ComplaintStatus = 'resolved' AND ComplaintUrgency = 'high'", s.queue)) == 1
	})

	// Close: the workflow completes; later actions are refused.
	reason := "customer confirmed"
	closed, err := agent.CloseComplaintWithResponse(ctx, c.Id, nil, apiclient.CloseRequest{Reason: &reason})
	s.want(200, closed, err)
	ack, err = agent.AcknowledgeComplaintWithResponse(ctx, c.Id, nil, apiclient.AcknowledgeRequest{Message: "late"})
	s.want(409, ack, err)
	run := s.temporal.GetWorkflow(ctx, "complaint:"+id, "")
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("workflow did not complete cleanly: %v", err)
	}
	hist := s.checkHistory("complaint:"+id, "complaint_lifecycle")
	// The rejected actions (acknowledge twice, resolve twice, acknowledge when closed)
	// left no trace: the history holds exactly the three accepted updates.
	var accepted []string
	for _, e := range hist.Events {
		if a := e.GetWorkflowExecutionUpdateAcceptedEventAttributes(); a != nil {
			accepted = append(accepted, a.GetAcceptedRequest().GetInput().GetName())
		}
	}
	if got, want := strings.Join(accepted, ","), "acknowledge,resolve,close"; got != want {
		t.Errorf("accepted updates in history: %s, want %s", got, want)
	}
	// The API starts complaints at the current revision: their changes are taken
	// without workflow.GetVersion, so no version marker and no TemporalChangeVersion
	// upsert (a visibility write nobody reads) is in the history.
	for _, e := range hist.Events {
		if m := e.GetMarkerRecordedEventAttributes(); m != nil && m.GetMarkerName() == "Version" {
			t.Errorf("version marker in the history of a new complaint: event %d", e.GetEventId())
		}
		if _, ok := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()["TemporalChangeVersion"]; ok {
			t.Errorf("TemporalChangeVersion upsert in the history of a new complaint: event %d", e.GetEventId())
		}
	}
	t.Logf("history of a complaint acknowledged, resolved and closed: %d events", len(hist.Events))

	// Listing with filters and pagination.
	// status and urgency may repeat or hold comma-separated values, so the client takes strings.
	status, urgency, limit := []string{string(apiclient.ComplaintStatusClosed)}, []string{string(apiclient.High)}, 10
	list, err := agent.ListComplaintsWithResponse(ctx, &apiclient.ListComplaintsParams{Status: &status, Urgency: &urgency, Limit: &limit})
	s.want(200, list, err)
	if n := len(list.JSON200.Items); n != 1 {
		t.Errorf("listed %d closed complaints, want 1", n)
	}
	// A status the document does not know is sent raw: the client's type forbids it.
	s.must(400, s.do("GET", "/v1/complaints?status=lost", agentToken, nil))
}

func TestBreachWithASecondsLongPolicy(t *testing.T) {
	s := newStack(t)
	// An admin tightens the high-urgency, high-tier cell to seconds.
	pol := s.putPolicy(apiclient.High, apiclient.High, noLadder(apiclient.PutPolicyRequest{FirstResponse: "2s", Resolution: ptr("4s")}))
	if pol.FirstResponseSeconds != 2 {
		t.Fatalf("policy: %s", s.last)
	}
	forbidden, err := s.api(s.token("agent")).PutPolicyWithResponse(context.Background(), apiclient.High, apiclient.High, nil,
		apiclient.PutPolicyRequest{FirstResponse: "1s"})
	s.want(403, forbidden, err)

	id := s.file(adminToken, "breach-1", apiclient.High, apiclient.High).Id.String()

	eventually(t, 20*time.Second, "both breaches recorded", func() bool {
		c, err := s.store.Complaint(context.Background(), id)
		return err == nil && c.FirstResponseBreached && c.ResolutionBreached
	})
	events, err := s.store.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var breaches []map[string]string
	for _, e := range events {
		if e.Kind == "sla_breached" {
			var d map[string]string
			_ = json.Unmarshal(e.Data, &d)
			breaches = append(breaches, d)
			due, _ := time.Parse(time.RFC3339Nano, d["due_at"])
			lateness := e.OccurredAt.Sub(due)
			if lateness < 0 || lateness > 2*time.Second {
				t.Errorf("%s breach fired %v after its deadline", d["clock"], lateness)
			}
		}
	}
	if len(breaches) != 2 || breaches[0]["clock"] != "first_response" || breaches[1]["clock"] != "resolution" {
		t.Fatalf("breach events %v, want first_response then resolution", breaches)
	}
	notes := s.exactlyOneNoticePerBreach(id, 2)
	s.customerToldOfTheMissedResolution(id)
	for _, n := range notes {
		if strings.Contains(n.Body, "0013") || strings.Contains(n.Body, "zhang.wei") {
			t.Errorf("notification leaks personal data: %s", n.Body)
		}
	}
	eventually(t, 10*time.Second, "SLABreached search attribute", func() bool {
		return s.countWorkflows(fmt.Sprintf("TaskQueue = '%s' AND SLABreached = true", s.queue)) == 1
	})
	admin, cid := s.api(adminToken), uuid.MustParse(id)
	got, err := admin.GetComplaintWithResponse(context.Background(), cid)
	s.want(200, got, err)
	if sla := got.JSON200.Sla; !sla.FirstResponseBreached || !sla.ResolutionBreached {
		t.Errorf("API view of breached complaint: %s", got.Body)
	}
	// Late actions still work on a breached complaint.
	late, err := admin.ResolveComplaintWithResponse(context.Background(), cid, nil,
		apiclient.ResolveRequest{Summary: "late fix", RootCause: "understaffed"})
	s.want(200, late, err)
	s.checkHistory("complaint:"+id, "complaint_breached_then_resolved")
}

func TestBreachSurvivesAWorkerOutageOverTheDeadline(t *testing.T) {
	s := newStack(t)
	// Breaches only: the ladder has tests of its own (escalation_test.go).
	s.putPolicy(apiclient.Medium, apiclient.Low, noLadder(apiclient.PutPolicyRequest{FirstResponse: "2s", Resolution: ptr("3s")}))
	id := s.file(adminToken, "outage-1", apiclient.Medium, apiclient.Low).Id.String()
	eventually(t, 10*time.Second, "opened", func() bool { return len(s.eventKinds(id)) == 1 })

	// The worker dies before either deadline and comes back after both.
	s.worker.Stop()
	time.Sleep(4 * time.Second)
	if got := s.eventKinds(id); len(got) != 1 {
		t.Fatalf("events with no worker running: %v", got)
	}
	s.startWorker()

	eventually(t, 20*time.Second, "both breaches after the restart", func() bool {
		return strings.Join(s.eventKinds(id), ",") == "opened,sla_breached,sla_breached"
	})
	s.exactlyOneNoticePerBreach(id, 2)
}

// exactlyOneNoticePerBreach waits for the breach notices (sent after the breach is
// recorded) and checks that no retry or restart sent any twice.
func (s *stack) exactlyOneNoticePerBreach(id string, breaches int) []notify.Notification {
	s.t.Helper()
	var notes []notify.Notification
	count := func() int {
		all, err := s.store.Notifications(context.Background(), id)
		if err != nil {
			s.t.Fatal(err)
		}
		// The customer hears of a missed resolution deadline too, once, by
		// CustomerRecipient: checked by customerToldOfTheMissedResolution.
		notes = slices.DeleteFunc(all, func(n notify.Notification) bool { return n.Recipient == activities.CustomerRecipient })
		return len(notes)
	}
	eventually(s.t, 10*time.Second, "breach notices", func() bool { return count() >= breaches })
	// Notices go out by local activity first, which no description lists as pending:
	// wait for each row's delivery too before counting for good.
	eventually(s.t, 20*time.Second, "the breach notices sent", func() bool {
		count()
		for _, n := range notes {
			if n.SentAt == nil {
				return false
			}
		}
		return true
	})
	s.settled(workflows.ComplaintWorkflowID(id))
	if got := count(); got != breaches {
		s.t.Fatalf("got %d notifications, want exactly one per breach (%d)", got, breaches)
	}
	return notes
}

// customerToldOfTheMissedResolution checks the customer got one notice of the
// breaches: the missed resolution deadline's (002 §9.3), not the first response's.
func (s *stack) customerToldOfTheMissedResolution(id string) {
	s.t.Helper()
	all, err := s.store.Notifications(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	var told []string
	for _, n := range all {
		if n.Recipient == activities.CustomerRecipient && n.EventKind == string(complaint.EventSLABreached) {
			told = append(told, n.Subject)
		}
	}
	if len(told) != 1 || !(strings.Contains(told[0], "承诺时间") || strings.Contains(told[0], "committed to")) {
		s.t.Errorf("customer notices of the breaches: %q, want one saying the resolution is late", told)
	}
}

func TestBadInputIsRejectedAndChangesNothing(t *testing.T) {
	s := newStack(t)
	intake := s.token("intake")
	valid := func(mutate func(m map[string]any)) []byte {
		m := complaintBody("bad-"+fmt.Sprint(time.Now().UnixNano()), "high", "medium")
		mutate(m)
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name   string
		body   any
		status int
		names  string // what the problem must mention
	}{
		{"malformed JSON", `{"external_id": "x",`, 400, "malformed JSON"},
		{"not an object", `[1,2]`, 400, "JSON object"},
		{"two objects", `{} {}`, 400, "single JSON object"},
		{"empty body", ``, 400, "empty"},
		{"unknown field", valid(func(m map[string]any) { m["priority"] = "p1" }), 400, "priority"},
		{"unknown nested field", valid(func(m map[string]any) { m["customer"].(map[string]any)["vip"] = true }), 400, "vip"},
		{"missing external_id", valid(func(m map[string]any) { delete(m, "external_id") }), 400, "external_id"},
		{"missing customer name", valid(func(m map[string]any) { delete(m["customer"].(map[string]any), "name") }), 400, "customer.name"},
		{"bad urgency", valid(func(m map[string]any) { m["urgency"] = "urgent" }), 400, "urgency"},
		{"bad tier", valid(func(m map[string]any) { m["customer"].(map[string]any)["tier"] = "gold" }), 400, "customer.tier"},
		{"bad channel", valid(func(m map[string]any) { m["channel"] = "fax" }), 400, "channel"},
		{"bad category", valid(func(m map[string]any) { m["category"] = "weather" }), 400, "category"},
		{"wrong type", valid(func(m map[string]any) { m["subject"] = 42 }), 400, "subject"},
		{"bad email", valid(func(m map[string]any) { m["customer"].(map[string]any)["email"] = "not-an-email" }), 400, "customer.email"},
		{"bad phone", valid(func(m map[string]any) { m["customer"].(map[string]any)["phone"] = "call me maybe" }), 400, "customer.phone"},
		{"too long subject", valid(func(m map[string]any) { m["subject"] = strings.Repeat("长", 201) }), 400, "subject"},
		{"over 64 KiB", valid(func(m map[string]any) { m["description"] = strings.Repeat("x", 70<<10) }), 413, "exceeds"},
		{"invalid UTF-8", append([]byte(`{"external_id": "`), 0xff, 0xfe, '"', '}'), 400, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do("POST", "/v1/complaints", intake, tt.body)
			if res.status != tt.status {
				t.Fatalf("got %d, want %d: %s", res.status, tt.status, res.raw)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q, want application/problem+json", ct)
			}
			if !strings.Contains(res.raw, tt.names) {
				t.Errorf("problem does not name %q: %s", tt.names, res.raw)
			}
		})
	}
	wrongType := s.do("POST", "/v1/complaints", intake, nil)
	if wrongType.status != 400 {
		t.Errorf("no body: got %d", wrongType.status)
	}

	var n int
	if err := s.store.DB().Get(&n, `SELECT count(*) FROM complaints`); err != nil || n != 0 {
		t.Fatalf("bad input wrote %d complaints (err %v)", n, err)
	}
	// Nothing reached Temporal either: once visibility shows a workflow started
	// after the bad input, it would show one the bad input started.
	if got := s.visibleBesides(fmt.Sprintf("TaskQueue = '%s'", s.queue)); got != 0 {
		t.Fatalf("bad input started %d workflows", got)
	}

	// Bad policy input is named too, and leaves the policy alone.
	bad := s.must(400, s.do("PUT", "/v1/sla-policies/high/high", adminToken, map[string]any{"first_response": "soon"}))
	if !strings.Contains(bad.raw, "first_response") {
		t.Errorf("bad policy problem: %s", bad.raw)
	}
	s.must(400, s.do("PUT", "/v1/sla-policies/urgent/high", adminToken, map[string]any{"first_response": "1h"}))
	p, err := s.store.Policy(context.Background(), "high", "high")
	if err != nil || p.FirstResponseSeconds != 7200 {
		t.Fatalf("policy changed by bad input: %+v %v", p, err)
	}
	s.must(400, s.do("POST", "/v1/tokens", adminToken, map[string]string{"role": "root", "name": "x"}))
}

func TestOperability(t *testing.T) {
	s := newStack(t)
	s.must(200, s.do("GET", "/healthz", "", nil))
	// Ready once the Chinese dictionary is loaded (it may already be, by an earlier
	// test in this process); until then 503 names the dictionary as loading.
	var ready response
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		ready = s.do("GET", "/readyz", "", nil)
		if ready.status == 200 || time.Now().After(deadline) {
			break
		}
		if ready.status != 503 || ready.body["dictionary"] != "loading" {
			t.Fatalf("readyz before ready: %d %s", ready.status, ready.raw)
		}
	}
	if ready.status != 200 || ready.body["postgres"] != "ok" || ready.body["temporal"] != "ok" || ready.body["dictionary"] != "ok" {
		t.Fatalf("readyz: %d %s", ready.status, ready.raw)
	}
	s.must(200, s.do("GET", "/v1/sla-policies", adminToken, nil))
	metrics := s.must(200, s.do("GET", "/metrics", "", nil))
	for _, want := range []string{"complaintflow_http_requests_total", "go_goroutines", "temporal_long_request", "temporal_request"} {
		if !strings.Contains(metrics.raw, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, metrics.raw)
		}
	}
}

// customerMessages are the e2e worker's customer texts: the defaults production
// starts with (zh-CN, Asia/Shanghai), templates from the stack's store.
var customerMessages = activities.CustomerMessages{DefaultLocale: message.ZhCN, Zone: mustZone("Asia/Shanghai")}

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}
