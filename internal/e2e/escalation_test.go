package e2e_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

const webhookSecret = "e2e-webhook-signing-secret-of-32-bytes-or-more"

// webhookReceiver is a person's webhook endpoint: it verifies every signature and
// counts deliveries per idempotency key.
type webhookReceiver struct {
	*httptest.Server
	mu         sync.Mutex
	deliveries map[string][]string // path → idempotency keys, in arrival order
	forged     int
}

// webhookKeys holds each person's webhook signing key by their webhook URL, as the
// directory's PUT issued it: a receiver verifies a post with the key of the URL it
// came to, as a real one would, and with the shared webhookSecret where none was
// issued.
var webhookKeys sync.Map // URL → []byte

func webhookKeyOf(url string) []byte {
	if key, ok := webhookKeys.Load(url); ok {
		return key.([]byte)
	}
	return []byte(webhookSecret)
}

func startWebhookReceiver(t *testing.T) *webhookReceiver {
	rcv := &webhookReceiver{deliveries: map[string][]string{}}
	rcv.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		err := notify.VerifySignature(webhookKeyOf(rcv.URL+r.URL.Path), r.Header.Get(notify.TimestampHeader),
			r.Header.Get(notify.SignatureHeader), body, 5*time.Minute, time.Now())
		if err != nil {
			rcv.forged++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		rcv.deliveries[r.URL.Path] = append(rcv.deliveries[r.URL.Path], r.Header.Get(notify.IdempotencyKeyHeader))
	}))
	t.Cleanup(rcv.Close)
	return rcv
}

func (r *webhookReceiver) keys(path string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.deliveries[path])
}

// directory sets up, through the admin API: team care led by lee; agent ann (e-mail)
// → team lead lee (webhook) → manager max (webhook) → director dora; logistics
// complaints go to ann.
func (s *stack) directory(hook string) {
	s.t.Helper()
	ctx, admin := context.Background(), s.api(adminToken)
	team, err := admin.PutTeamWithResponse(ctx, "care", nil, apiclient.PutTeamRequest{Name: "Customer care"})
	s.want(201, team, err)
	people := []struct {
		id     string
		person apiclient.PutPersonRequest
	}{
		{"dora", apiclient.PutPersonRequest{Name: "Dora", Role: apiclient.PersonRoleDirector, Email: ptr("dora@example.com")}},
		{"max", apiclient.PutPersonRequest{Name: "Max", Role: apiclient.PersonRoleManager, ManagerId: ptr("dora"), WebhookUrl: ptr(hook + "/max")}},
		{"lee", apiclient.PutPersonRequest{Name: "Lee", Role: apiclient.PersonRoleTeamLead, TeamId: ptr("care"), ManagerId: ptr("max"), WebhookUrl: ptr(hook + "/lee")}},
		{"ann", apiclient.PutPersonRequest{Name: "Ann", Role: apiclient.PersonRoleAgent, TeamId: ptr("care"), ManagerId: ptr("lee"), Email: ptr("ann@example.com")}},
	}
	for _, p := range people {
		res, err := admin.PutPersonWithResponse(ctx, p.id, nil, p.person)
		s.want(201, res, err)
		if p.person.WebhookUrl != nil {
			if res.JSON201.WebhookSecret == nil {
				s.t.Fatalf("%s was given a webhook and no key to verify it by", p.id)
			}
			webhookKeys.Store(*p.person.WebhookUrl, []byte(*res.JSON201.WebhookSecret))
		}
	}
	team, err = admin.PutTeamWithResponse(ctx, "care", nil, apiclient.PutTeamRequest{Name: "Customer care", LeadId: ptr("lee")})
	s.want(200, team, err)
	route, err := admin.PutRouteWithResponse(ctx, apiclient.RouteCategoryLogistics, nil, apiclient.PutRouteRequest{TeamId: "care", OwnerId: ptr("ann")})
	s.want(201, route, err)
}

// personToken issues a token that acts for a person of the directory.
func (s *stack) personToken(role, person string) string {
	s.t.Helper()
	res, err := s.api(adminToken).CreateTokenWithResponse(context.Background(),
		apiclient.CreateTokenRequest{Role: apiclient.Role(role), Name: person, PersonId: &person})
	s.want(201, res, err)
	return res.JSON201.Token
}

func (s *stack) notifications(id string) []notify.Notification {
	s.t.Helper()
	ns, err := s.store.Notifications(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return ns
}

func (s *stack) count(id, kind string) int {
	n := 0
	for _, k := range s.eventKinds(id) {
		if k == kind {
			n++
		}
	}
	return n
}

// The whole escalation story on real servers: a seconds-long policy warns, breaches
// and climbs the ladder; the owner hears by e-mail (a real SMTP exchange), the team
// lead and the manager by signed webhook, each exactly once; a manager decides an
// escalation through the API; PostgreSQL holds the events and the notification log.
func TestLadderNotifiesOnceAndAManagerDecides(t *testing.T) {
	mailServer := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	hooks := startWebhookReceiver(t)
	s := newStack(t,
		notify.SMTP{Addr: mailServer.Addr, From: "complaintflow@example.com", TLS: notify.TLSNone},
		notify.Webhook{Secret: []byte(webhookSecret)})
	s.directory(hooks.URL)
	s.putPolicy(apiclient.High, apiclient.High, apiclient.PutPolicyRequest{
		FirstResponse: "3s", Resolution: ptr("1m"), WarningPercents: &[]int{50}, MaxExtension: ptr("30s"),
		EscalationLevels: &[]apiclient.EscalationLevel{
			{Level: 1, After: "0s", Notify: apiclient.PersonRoleTeamLead},
			{Level: 2, After: "1s", Notify: apiclient.PersonRoleManager},
		},
	})

	filed := s.file(adminToken, "ladder-1", apiclient.High, apiclient.High)
	id := filed.Id.String()
	if null.Value(filed.Owner) != "ann" || null.Value(filed.TeamId) != "care" {
		t.Fatalf("routing: owner %v team %v, want ann in care", filed.Owner, filed.TeamId)
	}
	eventually(t, 30*time.Second, "the first-response ladder to reach level 2", func() bool {
		return s.count(id, "sla_escalated") == 2
	})

	// Warning and breach went to ann by e-mail, level 1 to lee and level 2 to max by
	// webhook: once each, signed, with the personal data masked. On a loaded machine
	// the 1.5 s warning's task can run after the 3 s breach is due too; the warning
	// is then recorded but not told (workflows.superseded).
	least, most := s.warningNotices(id)
	eventually(t, 10*time.Second, "the notices to be delivered", func() bool {
		return len(mailServer.Mails()) >= 1+least && len(hooks.keys("/lee")) >= 1 && len(hooks.keys("/max")) >= 1
	})
	s.settled(workflows.ComplaintWorkflowID(id)) // a second delivery would be an attempt still pending
	mails := mailServer.Mails()
	if len(mails) < 1+least || len(mails) > 1+most {
		t.Fatalf("SMTP server got %d mails, want the breach's and %d–%d of the warning's (see warningNotices)", len(mails), least, most)
	}
	for _, m := range mails {
		if !slices.Equal(m.To, []string{"ann@example.com"}) {
			t.Errorf("mail %q went to %v, want ann", m.Subject, m.To)
		}
		if strings.Contains(m.Body, "0013 8000") || strings.Contains(m.Body, "zhang.wei@") {
			t.Errorf("mail to staff leaks customer contact details: %s", m.Body)
		}
	}
	if lee, max := hooks.keys("/lee"), hooks.keys("/max"); len(lee) != 1 || len(max) != 1 {
		t.Fatalf("webhook deliveries lee %v max %v, want one each", lee, max)
	}
	if hooks.forged != 0 {
		t.Errorf("%d webhook deliveries failed signature verification", hooks.forged)
	}

	// Ann asks for more time; lee (a team lead) may not decide; max may.
	ctx := context.Background()
	ann := s.api(s.personToken("agent", "ann"))
	requested, err := ann.RequestEscalationWithResponse(ctx, filed.Id, nil,
		apiclient.ReasonRequest{Reason: "the carrier needs 20 more seconds to trace the parcel"})
	s.want(201, requested, err)
	if approver := null.Value(requested.JSON201.Approver); approver != "max" {
		t.Fatalf("escalation routed to %v, want max: %s", approver, requested.Body)
	}
	max := s.api(s.personToken("manager", "max"))
	inbox, err := max.EscalationInboxWithResponse(ctx, &apiclient.EscalationInboxParams{Status: ptr(apiclient.EscalationStatusPending)})
	s.want(200, inbox, err)
	if items := inbox.JSON200.Items; len(items) != 1 {
		t.Fatalf("max's inbox holds %d escalations, want 1", len(items))
	}
	lee := s.api(s.personToken("manager", "lee"))
	leeInbox, err := lee.EscalationInboxWithResponse(ctx, nil)
	s.want(200, leeInbox, err)
	if items := leeInbox.JSON200.Items; len(items) != 0 {
		t.Errorf("lee's inbox holds %d escalations; a team lead may decide none", len(items))
	}
	extend := func(by string) apiclient.DecisionRequest {
		return apiclient.DecisionRequest{Decision: apiclient.DecisionRequestDecisionExtend, ExtendBy: &by}
	}
	// A team lead in the chain is no eligible approver: the API refuses before the
	// workflow (403 not_approver), by the validator's own rule.
	res, err := lee.DecideEscalationWithResponse(ctx, filed.Id, 1, nil, extend("20s"))
	s.want(403, res, err)
	if !strings.Contains(string(res.Body), `"code":"not_approver"`) || !strings.Contains(string(res.Body), "only a manager or higher") {
		t.Errorf("lee's decision: %s, want not_approver with the validator's reason", res.Body)
	}
	res, err = max.DecideEscalationWithResponse(ctx, filed.Id, 1, nil, extend("soon"))
	s.want(400, res, err)
	res, err = max.DecideEscalationWithResponse(ctx, filed.Id, 1, nil, extend("40s"))
	s.want(409, res, err)
	if !strings.Contains(string(res.Body), "exceeds the policy's bound") {
		t.Errorf("extension past the bound: %s", res.Body)
	}
	if !strings.Contains(string(res.Body), `"code":"invalid_action"`) { // the workflow's validator refused it
		t.Errorf("validator's 409 carries no invalid_action code: %s", res.Body)
	}
	before, _ := s.store.Complaint(ctx, id)
	decided, err := max.DecideEscalationWithResponse(ctx, filed.Id, 1, nil, extend("20s"))
	s.want(200, decided, err)
	if d := decided.JSON200; d.Status != apiclient.EscalationStatusExtended || null.Value(d.DecidedBy) != "max" {
		t.Fatalf("decision: %s", decided.Body)
	}
	after, _ := s.store.Complaint(ctx, id)
	if moved := null.Value(after.ResolutionDueAt).Sub(null.Value(before.ResolutionDueAt)); moved != 20*time.Second {
		t.Errorf("the resolution deadline moved %v, want 20s", moved)
	}

	ack, err := ann.AcknowledgeComplaintWithResponse(ctx, filed.Id, nil, apiclient.AcknowledgeRequest{Message: "抱歉，我们正在追踪您的包裹"})
	s.want(200, ack, err)
	resolved, err := ann.ResolveComplaintWithResponse(ctx, filed.Id, nil,
		apiclient.ResolveRequest{Summary: "parcel found", RootCause: "mislabelled at depot"})
	s.want(200, resolved, err)

	// The event log tells the whole story, in order, up to the survey the resolution sends.
	eventually(t, 10*time.Second, "the survey to be sent", func() bool { return s.count(id, "survey_sent") == 1 })
	want := []string{"opened", "sla_warning", "sla_breached", "sla_escalated", "sla_escalated",
		"escalation_requested", "escalation_decided", "acknowledged", "resolved", "survey_sent"}
	if got := s.eventKinds(id); !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	// The notification log: one row per (event, recipient, channel), every one sent.
	wantLog := []string{
		"sla_breached ann email", "sla_escalated lee webhook", "sla_escalated max webhook",
		"escalation_requested max webhook", "escalation_decided ann email", "escalation_decided customer email",
		"acknowledged customer email",
		"resolved customer email", "survey_sent customer email",
	}
	// The warning's notice is wanted unless superseded, and allowed either way.
	warningTold, warningMayBeTold := s.warningNotices(id)
	if warningTold > 0 {
		wantLog = append(wantLog, "sla_warning ann email")
	}
	var lines []string
	eventually(t, 15*time.Second, "every notice recorded and sent", func() bool {
		lines = nil
		sent := true
		for _, n := range s.notifications(id) {
			lines = append(lines, fmt.Sprintf("%s %s %s", n.EventKind, n.Recipient, n.Channel))
			sent = sent && n.SentAt != nil
		}
		for _, w := range wantLog {
			sent = sent && slices.Contains(lines, w)
		}
		return sent
	})
	seen := map[string]bool{}
	for _, n := range s.notifications(id) {
		if seen[n.IdempotencyKey] {
			t.Errorf("notification %s recorded twice", n.IdempotencyKey)
		}
		seen[n.IdempotencyKey] = true
	}
	if len(lines) != len(wantLog) && !(warningMayBeTold > warningTold && len(lines) == len(wantLog)+1 && slices.Contains(lines, "sla_warning ann email")) {
		t.Errorf("notification log %v, want exactly %v", lines, wantLog)
	}
	s.checkHistory(filed.WorkflowId, "complaint_ladder_escalation")
}

// Kill -9 the worker process in the middle of a ladder and start it again: every
// warning and level is recorded once and every notice delivered once.
func TestKilledWorkerLosesAndDoublesNothingOfTheLadder(t *testing.T) {
	hooks := startWebhookReceiver(t)
	s := newStack(t)
	s.worker.Stop() // this test runs the worker as a separate process
	s.directory(hooks.URL)
	s.putPolicy(apiclient.Medium, apiclient.Medium, apiclient.PutPolicyRequest{
		FirstResponse: "4s", Resolution: ptr("12s"), WarningPercents: &[]int{25, 50, 75},
		EscalationLevels: &[]apiclient.EscalationLevel{
			{Level: 1, After: "0s", Notify: apiclient.PersonRoleTeamLead},
			{Level: 2, After: "2s", Notify: apiclient.PersonRoleManager},
		},
	})
	bin := buildWorker(t)
	worker := s.startWorkerProcess(bin)

	id := s.file(adminToken, "kill-1", apiclient.Medium, apiclient.Medium).Id.String()
	eventually(t, 30*time.Second, "the first warnings", func() bool { return s.count(id, "sla_warning") >= 2 })
	if err := worker.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = worker.Wait()
	time.Sleep(5 * time.Second) // deadlines pass while no worker runs
	s.startWorkerProcess(bin)

	eventually(t, 60*time.Second, "both ladders to finish", func() bool { return s.count(id, "sla_escalated") == 4 })
	// A doubled event or notice would be an activity or workflow task still pending.
	s.settled(workflows.ComplaintWorkflowID(id))
	counts := map[string]int{}
	for _, k := range s.eventKinds(id) {
		counts[k]++
	}
	if counts["sla_warning"] != 6 || counts["sla_breached"] != 2 || counts["sla_escalated"] != 4 {
		t.Errorf("events %v, want 6 warnings, 2 breaches, 4 levels — none lost, none doubled", counts)
	}
	// Levels went to lee and max by webhook; no key arrived twice.
	for _, path := range []string{"/lee", "/max"} {
		keys := hooks.keys(path)
		if len(keys) != 2 || keys[0] == keys[1] {
			t.Errorf("%s received %v, want two distinct level notices", path, keys)
		}
	}
	// Warnings that piled up with a later mark while no worker ran are recorded
	// but not told (workflows.superseded).
	deadline := time.Now().Add(10 * time.Second)
	for {
		ns := s.notifications(id)
		least, most := s.warningNotices(id)
		done := len(ns) >= 2+4+least && len(ns) <= 2+4+most
		var lines []string
		for _, n := range ns {
			done = done && n.SentAt != nil
			lines = append(lines, fmt.Sprintf("%s %s sent=%t", n.EventKind, n.Recipient, n.SentAt != nil))
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			events, err := s.store.Events(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			var marks []string
			for _, e := range events {
				marks = append(marks, fmt.Sprintf("%s %s %s", e.Kind, e.OccurredAt.Format("15:04:05.000000"), e.Data))
			}
			state := fmt.Sprintf("%d notices %v, want 6 of breaches and levels and %d–%d of warnings; events:\n%s",
				len(ns), lines, least, most, strings.Join(marks, "\n"))
			t.Fatalf("timed out after 10s waiting for every notice sent: %s", state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var commandBinaries struct {
	once sync.Once
	dir  string
	err  error
}

// buildWorker builds the worker command (once per test binary, with the API's).
func buildWorker(t *testing.T) string { return buildCommand(t, "worker") }

// buildCommand returns the path of the worker or the starter (API) command, both
// built in one go build the first time either is needed.
func buildCommand(t *testing.T, name string) string {
	t.Helper()
	commandBinaries.once.Do(func() {
		dir, err := os.MkdirTemp("", "complaintflow-commands")
		if err != nil {
			commandBinaries.err = err
			return
		}
		commandBinaries.dir = dir
		out, err := exec.Command("go", "build", "-o", dir+"/",
			"github.com/complaintflow/complaintflow/worker", "github.com/complaintflow/complaintflow/starter").CombinedOutput()
		if err != nil {
			commandBinaries.err = fmt.Errorf("go build worker starter: %v\n%s", err, out)
		}
	})
	if commandBinaries.err != nil {
		t.Fatal(commandBinaries.err)
	}
	return filepath.Join(commandBinaries.dir, name)
}

// startWorkerProcess runs the worker command against this stack's database and task
// queue, with signed webhooks on.
func (s *stack) startWorkerProcess(bin string) *exec.Cmd {
	s.t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	metricsAddr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+s.dsn, "TEMPORAL_ADDRESS="+testenv.Temporal(s.t), "TEMPORAL_TASK_QUEUE="+s.queue,
		"METRICS_ADDR="+metricsAddr, "WEBHOOK_SIGNING_SECRET="+webhookSecret, "LOG_LEVEL=warn",
		"OUTBOUND_ALLOW_CIDRS="+testenv.OutboundAllowCIDRs,
		"PUBLIC_BASE_URL="+s.url, "TEMPORAL_PAYLOAD_KEYS="+testenv.PayloadKeys)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// Bad input to the new actions is refused with the field named, before anything is
// recorded; an action the workflow refuses is a 409 and leaves no event.
func TestBadEscalationInputChangesNothing(t *testing.T) {
	hooks := startWebhookReceiver(t)
	s := newStack(t)
	s.directory(hooks.URL)
	id := s.file(adminToken, "bad-esc-1", apiclient.Medium, apiclient.Medium).Id.String()
	ann, max := s.personToken("agent", "ann"), s.personToken("manager", "max")
	eventually(t, 10*time.Second, "opened", func() bool { return len(s.eventKinds(id)) == 1 })

	path := "/v1/complaints/" + id
	decision := path + "/escalations/1/decision"
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
		names                     string
	}{
		{"pause without reason", "POST", path + "/pause", ann, map[string]any{}, 400, "reason"},
		{"pause before acknowledging", "POST", path + "/pause", ann, map[string]any{"reason": "x"}, 409, "cannot pause"},
		{"resume when not waiting", "POST", path + "/resume", ann, map[string]any{}, 409, "cannot resume"},
		{"reopen an open complaint", "POST", path + "/reopen", ann, map[string]any{"reason": "x"}, 409, "cannot reopen"},
		{"escalation without reason", "POST", path + "/escalations", ann, map[string]any{"reason": " "}, 400, "reason"},
		{"escalation with unknown field", "POST", path + "/escalations", ann, map[string]any{"reason": "x", "level": 3}, 400, "level"},
		{"decision by an agent token", "POST", decision, ann, map[string]any{"decision": "reject", "reason": "x"}, 403, "may not"},
		{"unknown decision", "POST", decision, max, map[string]any{"decision": "ignore"}, 400, "decision"},
		{"reject without reason", "POST", decision, max, map[string]any{"decision": "reject"}, 400, "reason"},
		{"extend without duration", "POST", decision, max, map[string]any{"decision": "extend"}, 400, "extend_by"},
		{"extend with an owner", "POST", decision, max, map[string]any{"decision": "extend", "extend_by": "1h", "owner": "lee"}, 400, "owner"},
		{"compensation without amount", "POST", decision, max, map[string]any{"decision": "compensate",
			"compensation": map[string]any{"kind": "coupon"}}, 400, "compensation.amount"},
		{"compensation of an unknown kind", "POST", decision, max, map[string]any{"decision": "compensate",
			"compensation": map[string]any{"kind": "cash", "amount": 5}}, 400, "compensation.kind"},
		{"reassign to nobody in the directory", "POST", decision, max, map[string]any{"decision": "reassign", "owner": "ghost"}, 400, "owner"},
		{"reassign to nobody, and a reason too long", "POST", decision, max, map[string]any{"decision": "reassign", "owner": "ghost",
			"reason": strings.Repeat("x", 2001)}, 400, "no person ghost in the directory"},
		{"decision with no escalation pending", "POST", decision, max, map[string]any{"decision": "reject", "reason": "x"}, 409, "not pending"},
		{"seq that is not a number", "POST", path + "/escalations/one/decision", max, map[string]any{"decision": "reject", "reason": "x"}, 400, "seq"},
		{"inbox with a bad status", "GET", "/v1/escalations?status=lost", max, nil, 400, "status"},
		{"warning percent out of range", "PUT", "/v1/sla-policies/medium/medium", adminToken,
			map[string]any{"first_response": "24h", "resolution": "48h", "warning_percents": []int{50, 120}}, 400, "warning_percents[1]"},
		{"ladder level notifying no rank", "PUT", "/v1/sla-policies/medium/medium", adminToken,
			map[string]any{"first_response": "24h", "resolution": "48h",
				"escalation_levels": []map[string]any{{"level": 1, "after": "0s", "notify": "ceo"}}}, 400, "escalation_levels[0].notify"},
		{"calendar that does not exist", "PUT", "/v1/sla-policies/medium/medium", adminToken,
			map[string]any{"first_response": "24h", "resolution": "48h", "calendar_id": "nowhere"}, 400, "calendar_id"},
		{"bad sentiment at intake", "POST", "/v1/complaints", adminToken, func() map[string]any {
			b := complaintBody("bad-esc-2", "medium", "medium")
			b["sentiment"] = "furious"
			return b
		}(), 400, "sentiment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do(tt.method, tt.path, tt.token, tt.body)
			if res.status != tt.status || !strings.Contains(res.raw, tt.names) {
				t.Errorf("got %d %s, want %d naming %q", res.status, res.raw, tt.status, tt.names)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q, want application/problem+json", ct)
			}
		})
	}
	if got := s.eventKinds(id); !slices.Equal(got, []string{"opened"}) {
		t.Errorf("bad input recorded events: %v", got)
	}
	if es, err := s.store.Escalations(context.Background(), id); err != nil || len(es) != 0 {
		t.Errorf("bad input recorded escalations: %+v %v", es, err)
	}
	p, err := s.store.Policy(context.Background(), "medium", "medium")
	if err != nil || len(p.WarningPercents) != 3 || len(p.EscalationLevels) != 3 || p.CalendarID != nil {
		t.Errorf("bad input changed the policy: %+v %v", p, err)
	}
	var n int
	if err := s.store.DB().Get(&n, `SELECT count(*) FROM complaints`); err != nil || n != 1 {
		t.Errorf("complaints: %d (err %v), want 1", n, err)
	}
}

// A policy on a business-hours calendar: the API's due time, the workflow's own
// deadline (computed in workflow code on the real server) and the calendar preview
// agree, and all fall inside the calendar's opening hours.
func TestCalendarDeadlinesAgreeAcrossAPIWorkflowAndPreview(t *testing.T) {
	s := newStack(t)
	ctx, admin := context.Background(), s.api(adminToken)
	mornings := &[]apiclient.Span{{Start: "09:00", End: "10:00"}}
	cal, err := admin.PutCalendarWithResponse(ctx, "mornings", nil, apiclient.PutCalendarRequest{
		Name: "Shanghai mornings", TimeZone: "Asia/Shanghai",
		WeeklyHours: apiclient.WeeklyHours{"mon": mornings, "wed": mornings},
	})
	s.want(201, cal, err)
	s.putPolicy(apiclient.Medium, apiclient.Low, apiclient.PutPolicyRequest{
		FirstResponse: "90m", Resolution: ptr("3h"), CalendarId: ptr("mornings")})
	filed := s.file(adminToken, "calendar-1", apiclient.Medium, apiclient.Low)
	id := filed.Id.String()

	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	created, due := filed.CreatedAt, filed.FirstResponseDueAt
	if local := due.In(shanghai); (local.Weekday() != time.Monday && local.Weekday() != time.Wednesday) || local.Hour() != 9 && !(local.Hour() == 10 && local.Minute() == 0) {
		t.Errorf("first response due %s, not within Mon/Wed 09:00–10:00 Shanghai", local)
	}
	preview, err := admin.GetCalendarWithResponse(ctx, "mornings", &apiclient.GetCalendarParams{From: ptr(created.UTC()), Add: ptr("90m")})
	s.want(200, preview, err)
	deadline, err := preview.JSON200.AsCalendarPreview()
	if err != nil {
		t.Fatal(err)
	}
	if !deadline.Deadline.Equal(due) {
		t.Errorf("calendar preview %s, intake %s", deadline.Deadline, due)
	}
	eventually(t, 10*time.Second, "opened", func() bool { return len(s.eventKinds(id)) == 1 })
	v, err := s.temporal.QueryWorkflow(ctx, filed.WorkflowId, "", "state")
	if err != nil {
		t.Fatal(err)
	}
	var state struct{ FirstResponseDueAt, ResolutionDueAt time.Time }
	if err := v.Get(&state); err != nil {
		t.Fatal(err)
	}
	if !state.FirstResponseDueAt.Equal(due) {
		t.Errorf("workflow deadline %s, intake %s", state.FirstResponseDueAt, due)
	}
	resolution := null.Value(filed.ResolutionDueAt)
	if !state.ResolutionDueAt.Equal(resolution) || resolution.Sub(due) < 24*time.Hour {
		t.Errorf("resolution due: workflow %s, intake %s (3 h of mornings spans days)", state.ResolutionDueAt, resolution)
	}
}
