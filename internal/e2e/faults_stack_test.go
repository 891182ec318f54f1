package e2e_test

// The fault-injection harness (issue 17 §1): the API and the worker run as the
// commands production runs, against a PostgreSQL and a Temporal the test may stop
// and start, so what recovers has recovered by itself.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/migrations"
	"github.com/complaintflow/complaintflow/workflows"
)

// faultStack is a stack whose API and worker are processes and whose PostgreSQL and
// Temporal are, when asked for, private servers the test may kill.
type faultStack struct {
	*stack
	pg         *devenv.Postgres // nil: the shared server, never stopped
	tempo      *devenv.Temporal // nil: the shared server, never stopped
	temporalAt string           // host:port
	apiAddr    string
	hooks      *webhookReceiver
	crm        *intakeSystem // the intake system complaints are filed through, with its callback URL
	crmToken   string        // an intake token bound to the crm integration
	agent      string        // ann's token, for the actions of resolveAfterLadder
	apiProc    *exec.Cmd
	workerProc *exec.Cmd
	workerAt   string // the worker's metrics address, which serves /readyz
	// resolving is closed when resolveAfterLadder first starts acting, so a
	// scenario can time a fault into the resolutions.
	resolving     chan struct{}
	resolvingOnce sync.Once
}

type faultOptions struct {
	privatePostgres, privateTemporal bool
}

func newFaultStack(t *testing.T, opts faultOptions) *faultStack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	f := &faultStack{hooks: startWebhookReceiver(t), resolving: make(chan struct{})}
	var dsn string
	if opts.privatePostgres {
		// Durable, unlike the shared test server: with synchronous_commit off a
		// crash loses commits already answered 201, which is the server's
		// promise broken, not ours (the first run of this scenario lost one).
		pg, err := devenv.StartPostgres(ctx, devenv.PostgresOptions{})
		if err != nil {
			t.Fatalf("private PostgreSQL: %v", err)
		}
		t.Cleanup(func() { _ = pg.Stop() })
		if err := pg.CreateDatabase(ctx, "faults"); err != nil {
			t.Fatal(err)
		}
		dsn = pg.DSN("faults")
		if err := migrations.UpDSN(ctx, dsn); err != nil {
			t.Fatal(err)
		}
		f.pg = pg
	} else {
		dsn = testenv.NewDatabase(t)
	}
	if opts.privateTemporal {
		// A file database: state survives a kill, as a real cluster's would.
		tempo, err := devenv.StartTemporal(ctx, devenv.TemporalOptions{
			Headless: true, DBFile: filepath.Join(t.TempDir(), "temporal.db"),
			SearchAttributes: workflows.SearchAttributeDefinitions(),
		})
		if err != nil {
			t.Fatalf("private Temporal: %v", err)
		}
		t.Cleanup(func() { _ = tempo.Stop() })
		f.tempo, f.temporalAt = tempo, tempo.Address()
	} else {
		f.temporalAt = testenv.Temporal(t)
	}
	st, err := store.Dial(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tc, err := client.NewLazyClient(client.Options{HostPort: f.temporalAt, Namespace: "default", Logger: quietTemporalLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	queue := fmt.Sprintf("faults-%s-%d", strings.ToLower(t.Name()), time.Now().UnixNano())
	f.apiAddr = freeAddr(t)
	f.stack = &stack{t: t, url: "http://" + f.apiAddr, store: st, temporal: tc, queue: queue, dsn: dsn}
	f.startAPI()
	f.startWorker()
	f.waitReady(2*time.Minute, "the API", f.url+"/readyz")
	f.waitReady(2*time.Minute, "the worker", "http://"+f.workerAt+"/readyz")
	f.directory(f.hooks.URL)
	// Complaints are filed through an intake integration, so every change the
	// customer is told of is also called back (docs/callbacks.md).
	f.crm = startIntakeSystem(t)
	reg := f.must(201, f.do("PUT", "/v1/integrations/crm", adminToken,
		map[string]string{"name": "CRM", "callback_url": f.crm.URL + "/complaintflow"}))
	f.crm.setSecret(reg.body["secret"].(string))
	f.crmToken = f.must(201, f.do("POST", "/v1/tokens", adminToken,
		map[string]string{"role": "intake", "name": "crm-intake", "integration_id": "crm"})).body["token"].(string)
	f.agent = f.personToken("agent", "ann")
	return f
}

// env is what both commands are configured with.
func (f *faultStack) env() []string {
	return append(os.Environ(),
		"DATABASE_URL="+f.dsn, "TEMPORAL_ADDRESS="+f.temporalAt, "TEMPORAL_TASK_QUEUE="+f.queue,
		"WEBHOOK_SIGNING_SECRET="+webhookSecret, "OUTBOUND_ALLOW_CIDRS="+testenv.OutboundAllowCIDRs,
		"LOG_LEVEL=warn", "PUBLIC_BASE_URL="+f.url,
		"BOOTSTRAP_ADMIN_TOKEN="+adminToken, "RISK_MONITOR_SCHEDULE=off", "CUSTOMER_LOCALE=en",
		// The per-token intake limit is not under test here: callers retrying
		// through an outage would meet it and blur what the outage did.
		"INTAKE_RATE_PER_SECOND=0")
}

// startAPI runs the starter command on the stack's address.
func (f *faultStack) startAPI() {
	f.t.Helper()
	cmd := exec.Command(buildCommand(f.t, "starter"), "serve")
	cmd.Env = append(f.env(), "HTTP_ADDR="+f.apiAddr)
	f.apiProc = f.run(cmd)
}

// startWorker runs the worker command, on a fresh metrics address each time.
func (f *faultStack) startWorker() {
	f.t.Helper()
	f.workerAt = freeAddr(f.t)
	cmd := exec.Command(buildCommand(f.t, "worker"))
	cmd.Env = append(f.env(), "METRICS_ADDR="+f.workerAt)
	f.workerProc = f.run(cmd)
}

// killWorker ends the worker with SIGKILL: no draining, activities cut off.
func (f *faultStack) killWorker() {
	f.t.Helper()
	if err := f.workerProc.Process.Signal(syscall.SIGKILL); err != nil {
		f.t.Fatal(err)
	}
	_ = f.workerProc.Wait()
}

func (f *faultStack) run(cmd *exec.Cmd) *exec.Cmd {
	f.t.Helper()
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// ready reports whether url (a /readyz) answers 200.
func ready(url string) bool {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode == http.StatusOK
}

// waitReady waits until url answers 200 and returns how long that took.
func (f *faultStack) waitReady(timeout time.Duration, what, url string) time.Duration {
	f.t.Helper()
	start := time.Now()
	eventually(f.t, timeout, what+" to be ready", func() bool { return ready(url) })
	return time.Since(start)
}

// waitUnready waits until url answers anything but 200.
func (f *faultStack) waitUnready(timeout time.Duration, what, url string) {
	f.t.Helper()
	eventually(f.t, timeout, what+" to report unready", func() bool { return !ready(url) })
}

// ladderPolicy is the seconds-long policy of the fault scenarios: first response in
// 4 s, resolution in 12 s, a warning at half of each, the team lead at once and the
// manager 2 s after each breach — per complaint left alone, 2 warnings, 2 breaches
// and 4 levels, 8 notices, and 2 webhooks each to lee and max.
func (f *faultStack) ladderPolicy() {
	f.putPolicy(apiclient.Medium, apiclient.Medium, apiclient.PutPolicyRequest{
		FirstResponse: "4s", Resolution: ptr("12s"), WarningPercents: &[]int{50},
		EscalationLevels: &[]apiclient.EscalationLevel{
			{Level: 1, After: "0s", Notify: apiclient.PersonRoleTeamLead},
			{Level: 2, After: "2s", Notify: apiclient.PersonRoleManager},
		},
	})
}

// perComplaint is what ladderPolicy records for a complaint nobody acts on.
var perComplaint = map[string]int{"opened": 1, "sla_warning": 2, "sla_breached": 2, "sla_escalated": 4}

const noticesPerComplaint = 8

// filing is one complaint a caller sent, and what the API answered.
type filing struct {
	externalID string
	id         string // the complaint's ID, once an answer named it
	attempts   int
	accepted   bool // a 2xx answer
	// reconciled: never accepted (503), but its row was recorded and the
	// reconciler started its workflow; held to the same promise.
	reconciled bool
	statuses   map[int]int
	resolved   bool      // acknowledged and resolved through the API (resolveAfterLadder)
	resolvedAt time.Time // when the resolve was answered 200
	acted503   int       // 503 answers to those actions, each retried with its key
}

// fileOnce sends one filing and records the answer. A 503 must carry Retry-After.
func (f *faultStack) fileOnce(fl *filing) (status int, took time.Duration) {
	f.t.Helper()
	body, _ := json.Marshal(complaintRequest(fl.externalID, apiclient.Medium, apiclient.Medium))
	req, _ := http.NewRequest(http.MethodPost, f.url+"/v1/complaints", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+f.crmToken)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	c := http.Client{Timeout: 60 * time.Second}
	res, err := c.Do(req)
	took = time.Since(start)
	fl.attempts++
	if fl.statuses == nil {
		fl.statuses = map[int]int{}
	}
	if err != nil {
		fl.statuses[0]++ // no HTTP answer at all
		return 0, took
	}
	defer res.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	raw, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(raw, &out)
	fl.statuses[res.StatusCode]++
	switch {
	case res.StatusCode/100 == 2:
		fl.accepted, fl.id = true, out.ID
	case res.StatusCode == http.StatusServiceUnavailable:
		if res.Header.Get("Retry-After") == "" {
			f.t.Errorf("503 without Retry-After: %s", raw)
		}
	default:
		f.t.Errorf("filing %s: HTTP %d, want 2xx or 503: %s", fl.externalID, res.StatusCode, raw)
	}
	return res.StatusCode, took
}

// fileUntilAccepted retries a filing, as a client honouring Retry-After would,
// until it is accepted or the deadline passes.
func (f *faultStack) fileUntilAccepted(fl *filing, deadline time.Time) {
	for time.Now().Before(deadline) {
		if status, _ := f.fileOnce(fl); status/100 == 2 {
			return
		}
		time.Sleep(time.Second)
	}
}

// resolveAfterLadder acknowledges and resolves an accepted complaint through the
// API as soon as its ladder is complete (so the ladder's figures stand), retrying
// each action with its Idempotency-Key while the answer is 503 — as the fault may
// still be on. It runs beside the fault, so it reports failures with Errorf.
func (f *faultStack) resolveAfterLadder(fl *filing, deadline time.Time) {
	ladderDone := func() bool {
		var n int
		err := f.store.DB().Get(&n, `SELECT count(*) FROM complaint_events WHERE complaint_id = $1 AND kind IN ('sla_escalated', 'sla_warning')`, fl.id)
		return err == nil && n >= perComplaint["sla_escalated"]+perComplaint["sla_warning"]
	}
	for !ladderDone() {
		if time.Now().After(deadline) {
			f.t.Errorf("complaint %s: ladder not complete, not resolved", fl.id)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	f.resolvingOnce.Do(func() { close(f.resolving) })
	actions := []struct {
		action string
		body   map[string]string
	}{
		{"acknowledge", map[string]string{"message": "We are on it"}},
		{"resolve", map[string]string{"summary": "Reshipped by express", "root_cause": "Parcel lost at the depot"}},
	}
	for _, a := range actions {
		for {
			status, _, _, raw, err := tryAct(f.url, f.agent, fl.id, a.action, a.action+"-"+fl.externalID, a.body)
			if err == nil && status == http.StatusOK {
				break
			}
			if err != nil || status != http.StatusServiceUnavailable {
				f.t.Errorf("%s %s: HTTP %d, %v, want 200 or 503: %s", a.action, fl.id, status, err, raw)
				return
			}
			fl.acted503++
			if time.Now().After(deadline) {
				f.t.Errorf("%s %s: still 503 at the deadline", a.action, fl.id)
				return
			}
			time.Sleep(time.Second)
		}
	}
	fl.resolved, fl.resolvedAt = true, time.Now()
}

// tally is a scenario's figures.
type tally struct {
	sent, accepted, answered503, other int
	lost, doubled, missing             int
	// resolved through the API, 503 answers to those actions, surveys,
	// callbacks received, deliveries repeating a key
	resolved, acted503, surveys, callbacks, repeats int
}

func (tl tally) String() string {
	return fmt.Sprintf("sent %d, accepted %d, 503 answers %d, other non-2xx %d, lost %d, doubled %d, missing %d; "+
		"resolved %d (503 answers to their actions %d), surveys %d, callbacks %d (repeated keys %d)",
		tl.sent, tl.accepted, tl.answered503, tl.other, tl.lost, tl.doubled, tl.missing,
		tl.resolved, tl.acted503, tl.surveys, tl.callbacks, tl.repeats)
}

// check waits (up to timeout) for every accepted complaint's ladder to be complete
// and then holds the scenario to its promise: each exists once, with its workflow
// and exactly one `opened` event; every warning, breach and level recorded once
// per clock and round (perComplaint), each notice logged and sent once, each
// webhook key received. A complaint that overshoots is doubled, one that falls
// short is missing.
func (f *faultStack) check(filings []*filing, timeout time.Duration) tally {
	f.t.Helper()
	var tl tally
	var ids []string
	for _, fl := range filings {
		tl.sent++
		tl.answered503 += fl.statuses[http.StatusServiceUnavailable]
		for status, n := range fl.statuses {
			if status/100 != 2 && status != http.StatusServiceUnavailable {
				tl.other += n
			}
		}
		if fl.accepted {
			tl.accepted++
		}
		if fl.resolved {
			tl.resolved++
		}
		tl.acted503 += fl.acted503
		if fl.accepted || fl.reconciled {
			ids = append(ids, fl.id)
		}
	}
	// Complete means every event is in: wait for the last of each complaint.
	eventually(f.t, timeout, "every accepted complaint's ladder", func() bool {
		for _, id := range ids {
			if !f.stored(id) {
				continue // lost: reported below, no ladder to wait for
			}
			if f.count(id, "sla_escalated") < perComplaint["sla_escalated"] || f.count(id, "sla_warning") < perComplaint["sla_warning"] {
				return false
			}
		}
		return true
	})
	// A late duplicate (an event or a notice) would be an activity or a workflow
	// task still pending: wait for every workflow to settle before counting "at
	// most once". A complaint stored without a workflow is reported as lost below.
	settle := func() {
		var wfs []string
		for _, fl := range filings {
			if !fl.accepted && !fl.reconciled || !f.stored(fl.id) {
				continue
			}
			ofIt := []string{workflows.ComplaintWorkflowID(fl.id)}
			if fl.resolved {
				ofIt = append(ofIt, workflows.SurveyWorkflowID(fl.id, 0))
			}
			for _, wf := range ofIt {
				if _, err := f.temporal.DescribeWorkflowExecution(context.Background(), wf, ""); err == nil {
					wfs = append(wfs, wf)
				}
			}
		}
		f.settledWithin(timeout, wfs...)
	}
	settle()
	for _, fl := range filings {
		if !fl.accepted && !fl.reconciled {
			continue
		}
		var rows int
		if err := f.store.DB().Get(&rows, `SELECT count(*) FROM complaints WHERE external_id = $1`, fl.externalID); err != nil {
			f.t.Fatal(err)
		}
		switch {
		case rows == 0:
			tl.lost++
			f.t.Errorf("complaint %s was accepted and is not stored", fl.externalID)
			continue
		case rows > 1:
			tl.doubled++
			f.t.Errorf("complaint %s is stored %d times", fl.externalID, rows)
		}
		if _, err := f.temporal.DescribeWorkflowExecution(context.Background(), workflows.ComplaintWorkflowID(fl.id), ""); err != nil {
			tl.lost++
			f.t.Errorf("complaint %s has no workflow: %v", fl.id, err)
		}
		counts := map[string]int{}
		for _, k := range f.eventKinds(fl.id) {
			counts[k]++
		}
		for kind, want := range perComplaint {
			switch got := counts[kind]; {
			case got > want:
				tl.doubled++
				f.t.Errorf("complaint %s: %d %s events, want %d", fl.id, got, kind, want)
			case got < want:
				tl.missing++
				f.t.Errorf("complaint %s: %d %s events, want %d", fl.id, got, kind, want)
			}
		}
	}
	// Notices: one logged per event, each sent (the log's key is unique, so a
	// redelivery is not a second row). A resolved complaint adds the customer's
	// notices; callbacks are checked below.
	resolved := map[string]bool{}
	for _, fl := range filings {
		if fl.resolved {
			resolved[fl.id] = true
		}
	}
	// A warning that fired with its breach (a task late after a fault) is recorded
	// but not told (workflows.superseded), unless an attempt that died told it — or
	// began to: the redo finishes that delivery (activities.Notice.Resume), so every
	// row logged is sent.
	wantNotices := func(id string) (least, most int) {
		least, most = f.warningNotices(id)
		others := noticesPerComplaint - perComplaint["sla_warning"] + f.missedResolution(id)
		if resolved[id] {
			others += customerNoticesPerResolution
		}
		return others + least, others + most
	}
	eventuallyUntil(f.t, timeout, "every notice and callback sent", func() string {
		for _, id := range ids {
			if !f.stored(id) {
				continue
			}
			ns := f.notifications(id)
			least, _ := wantNotices(id)
			if n := len(staffAndCustomer(ns)); n < least {
				return fmt.Sprintf("complaint %s (resolved %v): %d notices logged, want at least %d; events %v",
					id, resolved[id], n, least, f.eventKinds(id))
			}
			if n, want := len(ns)-len(staffAndCustomer(ns)), f.callbacksDue(id, resolved[id]); n < want {
				return fmt.Sprintf("complaint %s: %d callbacks logged, want %d; events %v", id, n, want, f.eventKinds(id))
			}
			for _, n := range ns {
				if n.SentAt == nil {
					return fmt.Sprintf("complaint %s: notice %s logged but not sent", id, n.IdempotencyKey)
				}
			}
		}
		return ""
	})
	settle() // the survey workflows too, started by the resolutions
	for _, id := range ids {
		n := len(staffAndCustomer(f.notifications(id)))
		if least, most := wantNotices(id); n < least || n > most {
			if n > most {
				tl.doubled++
			} else {
				tl.missing++
			}
			f.t.Errorf("complaint %s: %d notices logged, want %d–%d (see warningNotices)", id, n, least, most)
		}
	}
	f.checkCallbacksAndSurveys(ids, resolved, &tl)
	// Webhooks: lee and max each get two level notices per complaint, distinct keys.
	for _, path := range []string{"/lee", "/max"} {
		keys := f.hooks.keys(path)
		distinct := map[string]bool{}
		for _, k := range keys {
			distinct[k] = true
		}
		if want := 2 * len(ids); len(distinct) != want {
			f.t.Errorf("%s received %d distinct notices, want %d", path, len(distinct), want)
		}
		if len(keys) > len(distinct) {
			// A delivery cut off by a kill before it was marked sent is retried
			// with the same key: the receiver drops it. Reported, not hidden.
			f.t.Logf("%s: %d deliveries repeated an earlier key (dropped by the receiver)", path, len(keys)-len(distinct))
		}
	}
	f.hooks.mu.Lock()
	forged := f.hooks.forged
	f.hooks.mu.Unlock()
	if forged != 0 {
		f.t.Errorf("%d webhook deliveries failed their signature", forged)
	}
	return tl
}

// A resolution through the API tells the customer three times: the
// acknowledgement, the resolution and the survey invitation; the intake system is
// called back twice, as the resolution's callback waits for the survey link and
// carries the survey's key (docs/callbacks.md).
const customerNoticesPerResolution = 3

var callbackKinds = []string{"acknowledged", "resolved"}

// staffAndCustomer drops the callbacks from a complaint's notices.
func staffAndCustomer(ns []notify.Notification) []notify.Notification {
	var out []notify.Notification
	for _, n := range ns {
		if n.Channel != "callback" {
			out = append(out, n)
		}
	}
	return out
}

// checkCallbacksAndSurveys holds the customer-visible changes to their promise: a
// resolved complaint has one acknowledged and one resolved event, one survey (round
// 0) and one survey notice, and the intake system got one callback per change, by
// key, signed (startIntakeSystem verifies); a complaint left alone has none.
// The receiver dedups by key: a redelivery after a kill is logged, not doubled.
func (f *faultStack) checkCallbacksAndSurveys(ids []string, resolved map[string]bool, tl *tally) {
	f.t.Helper()
	f.crm.mu.Lock()
	got := map[string]map[string]int{}    // complaint → key → deliveries
	kinds := map[string]map[string]bool{} // complaint → kinds received
	for _, c := range f.crm.received {
		if got[c.payload.ComplaintID] == nil {
			got[c.payload.ComplaintID], kinds[c.payload.ComplaintID] = map[string]int{}, map[string]bool{}
		}
		got[c.payload.ComplaintID][c.key]++
		kinds[c.payload.ComplaintID][c.payload.Kind] = true
	}
	f.crm.mu.Unlock()
	for _, id := range ids {
		if !f.stored(id) {
			continue
		}
		logged := map[string]bool{}
		for _, n := range f.notifications(id) {
			if n.Channel == "callback" {
				// The log's key is "event key|recipient|channel"; the callback
				// carries the event key.
				key, _, _ := strings.Cut(n.IdempotencyKey, "|")
				logged[key] = true
			}
		}
		if want := f.callbacksDue(id, resolved[id]); len(logged) != want {
			f.t.Errorf("complaint %s: %d callbacks logged, want %d", id, len(logged), want)
		}
		for _, kind := range callbackKinds {
			if resolved[id] && !kinds[id][kind] {
				tl.missing++
				f.t.Errorf("complaint %s: no %s callback received", id, kind)
			}
		}
		if f.missedResolution(id) == 1 && !kinds[id][string(complaint.EventSLABreached)] {
			tl.missing++
			f.t.Errorf("complaint %s: its missed resolution was told the customer and not called back", id)
		}
		for key := range logged {
			if got[id][key] == 0 {
				tl.missing++
				f.t.Errorf("complaint %s: callback %s logged sent and never received", id, key)
			}
		}
		for key, n := range got[id] {
			if !logged[key] {
				tl.doubled++
				f.t.Errorf("complaint %s: callback %s received and not in the log", id, key)
			}
			tl.callbacks++
			tl.repeats += n - 1
		}
		svs, err := f.store.Surveys(context.Background(), id)
		if err != nil {
			f.t.Fatal(err)
		}
		if !resolved[id] {
			if len(svs) != 0 {
				f.t.Errorf("complaint %s was not resolved and has %d surveys", id, len(svs))
			}
			continue
		}
		tl.surveys += len(svs)
		if len(svs) != 1 || svs[0].Round != 0 {
			tl.doubled++
			f.t.Errorf("complaint %s: %d surveys, want one in round 0", id, len(svs))
		}
		events := map[string]int{}
		for _, k := range f.eventKinds(id) {
			events[k]++
		}
		sent := 0
		for _, n := range staffAndCustomer(f.notifications(id)) {
			if n.EventKind == "survey_sent" {
				sent++
			}
		}
		for kind, n := range map[string]int{"acknowledged": events["acknowledged"], "resolved": events["resolved"], "survey_sent": events["survey_sent"], "survey notice": sent} {
			if n != 1 {
				tl.doubled++
				f.t.Errorf("complaint %s: %d %s, want 1", id, n, kind)
			}
		}
	}
	if tl.repeats > 0 {
		// A callback cut off by a kill before it was marked sent is retried
		// with the same key: the receiver drops it. Reported, not hidden.
		f.t.Logf("callbacks: %d deliveries repeated an earlier key (dropped by the receiver)", tl.repeats)
	}
}

// missedResolution is 1 when the complaint's resolution deadline passed before
// it was resolved (each complaint left alone; a resolved one only if a fault held
// it up so long): that breach tells the customer too, and so calls the intake
// system back (revision 7, docs/workflows.md), once.
func (f *faultStack) missedResolution(id string) int {
	f.t.Helper()
	var n int
	if err := f.store.DB().Get(&n, `SELECT count(*) FROM complaint_events
		WHERE complaint_id = $1 AND kind = $2 AND data->>'clock' = $3`, id, complaint.EventSLABreached, complaint.ClockResolution); err != nil {
		f.t.Fatal(err)
	}
	return min(n, 1)
}

// callbacksDue is how many callbacks the complaint's intake system is owed: the
// acknowledgement's and the resolution's when it was resolved, and its missed
// resolution's.
func (f *faultStack) callbacksDue(id string, resolved bool) int {
	n := f.missedResolution(id)
	if resolved {
		n += len(callbackKinds)
	}
	return n
}

// stored reports whether the complaint's row exists.
func (f *faultStack) stored(id string) bool {
	f.t.Helper()
	var n int
	if err := f.store.DB().Get(&n, `SELECT count(*) FROM complaints WHERE id = $1`, id); err != nil {
		f.t.Fatal(err)
	}
	return n > 0
}

// workflowExists reports whether Temporal holds the complaint's workflow.
func (f *faultStack) workflowExists(id string) bool {
	_, err := f.temporal.DescribeWorkflowExecution(context.Background(), workflows.ComplaintWorkflowID(id), "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return false
	}
	return err == nil
}

func quietTemporalLog() tlog.Logger {
	return tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

// openWorkflows counts the queue's running complaint workflows.
func (f *faultStack) openWorkflows() int64 {
	res, err := f.temporal.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: "default", Query: "WorkflowType = 'ComplaintWorkflow' AND ExecutionStatus = 'Running'",
	})
	if err != nil {
		return -1
	}
	return res.GetCount()
}
