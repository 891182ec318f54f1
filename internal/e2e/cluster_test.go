package e2e_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/devenv"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/notify/notifytest"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/migrations"
	"github.com/complaintflow/complaintflow/workflows"
)

// cluster is the production shape `make cluster` runs (docs/cluster.md): the real
// Temporal server with 16 history shards on its own PostgreSQL databases, two
// worker processes and two API processes, all on one task queue.
type cluster struct {
	apis          []string          // base URLs of the API processes
	workers       []*devenv.Process // the worker processes, in start order
	workerMetrics []string          // the workers' /metrics URLs, in the same order
}

// startCluster starts the shape on a private PostgreSQL. The Temporal server is
// the pinned release `make temporal-server` installs; a missing binary fails the
// test (make test installs it first).
func startCluster(t *testing.T, smtpAddr string) (*stack, *cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pg, err := devenv.StartPostgres(ctx, devenv.PostgresOptions{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pg.Stop() })
	began := time.Now()
	ts, err := devenv.StartTemporalServer(ctx, devenv.TemporalServerOptions{
		Postgres: pg, SearchAttributes: workflows.SearchAttributeDefinitions(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Temporal server %s ready in %s (databases set up, namespace and search attributes registered)",
		devenv.TemporalServerVersion, time.Since(began).Round(100*time.Millisecond))
	t.Cleanup(func() { _ = ts.Stop() })

	if err := pg.CreateDatabase(ctx, "complaintflow"); err != nil {
		t.Fatal(err)
	}
	dsn := pg.DSN("complaintflow")
	if err := migrations.UpDSN(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	tc, err := client.Dial(client.Options{HostPort: ts.Address(), Namespace: "default", Logger: tlog.NewStructuredLogger(log)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)

	c := &cluster{}
	httpAddrs := []string{freeAddr(t), freeAddr(t)}
	env := func(extra ...string) []string {
		return append(append(os.Environ(),
			"DATABASE_URL="+dsn, "TEMPORAL_ADDRESS="+ts.Address(), "TEMPORAL_NAMESPACE=default",
			"BOOTSTRAP_ADMIN_TOKEN="+adminToken, "LOG_LEVEL=warn", "RISK_MONITOR_SCHEDULE=off",
			"CUSTOMER_LOCALE=en", // as the in-process stacks, so the test reads what customers are told
			"WEBHOOK_SIGNING_SECRET="+webhookSecret, "OUTBOUND_ALLOW_CIDRS="+testenv.OutboundAllowCIDRs,
			"SMTP_ADDR="+smtpAddr, "SMTP_TLS=none", "SMTP_FROM=complaintflow@example.com",
			// Survey links point at the first API; the test answers through the second.
			"PUBLIC_BASE_URL=http://"+httpAddrs[0]), extra...)
	}
	start := func(name string, env []string, args ...string) *devenv.Process {
		cmd := exec.Command(buildCommand(t, name), args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		p, err := devenv.StartProcess(cmd)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.Stop(syscall.SIGTERM, 30*time.Second) })
		return p
	}
	// A delivery a dead process began hours ago and no attempt will finish, as an
	// execution of revision 1 or 2 leaves a superseded warning's: the workers'
	// sweep at start settles it (TestProductionShapeTwoWorkersTwoAPIs checks).
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO notifications (idempotency_key, event_kind, recipient, channel,
			subject, body, status, attempts, updated_at)
		VALUES ($1, 'sla_warning', 'role:director', 'log', 'abandoned', 'abandoned', 'sending', 1, now() - interval '4 hours')`,
		abandonedKey); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		addr := freeAddr(t)
		c.workers = append(c.workers, start("worker", env("METRICS_ADDR="+addr)))
		c.workerMetrics = append(c.workerMetrics, "http://"+addr+"/metrics")
	}
	// One API after the other, as make cluster starts them: the bootstrap token
	// and the start-up writes are not raced.
	for _, addr := range httpAddrs {
		p := start("starter", env("HTTP_ADDR="+addr), "serve")
		url := "http://" + addr
		eventually(t, 90*time.Second, "API "+url+" ready", func() bool {
			select {
			case <-p.Done():
				t.Fatalf("API %s exited: %v", url, p.Err())
			default:
			}
			res, err := http.Get(url + "/readyz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == 200
		})
		c.apis = append(c.apis, url)
	}
	s := &stack{t: t, url: c.apis[0], store: st, temporal: tc, queue: workflows.TaskQueue, log: log, dsn: dsn}
	return s, c
}

// abandonedKey is the delivery startCluster leaves abandoned for the workers.
const abandonedKey = "complaint:planted/sla_warning/1|role:director|log"

// counter reads one series of a Prometheus text page, e.g.
// `complaintflow_sweep_runs_total{result="ok",sweep="notices"}`; a page that cannot be
// read or lacks the series gives -1.
func counter(url, series string) float64 {
	res, err := http.Get(url)
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f
			}
		}
	}
	return -1
}

// through points the stack's requests at the i-th API process.
func (s *stack) through(c *cluster, i int) *stack {
	s.url = c.apis[i]
	return s
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// workflowTaskWorkers lists, in order, the pid of the worker process that started
// each workflow task of the workflow (the SDK's identity is "pid@host@").
func (s *stack) workflowTaskWorkers(workflowID string) []int {
	s.t.Helper()
	var pids []int
	iter := s.temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		if a := e.GetWorkflowTaskStartedEventAttributes(); a != nil {
			pid, err := strconv.Atoi(strings.SplitN(a.GetIdentity(), "@", 2)[0])
			if err != nil {
				s.t.Fatalf("worker identity %q carries no pid: %v", a.GetIdentity(), err)
			}
			pids = append(pids, pid)
		}
	}
	return pids
}

// On the production shape: a ladder climbs while the worker holding the complaint
// is killed (kill -9) and the other worker finishes it — every warning, breach and
// level once, every notice once; a complaint filed through one API process is
// acknowledged and resolved through the other, and the customer's survey answer,
// from a link naming the first, is taken by the second and closes it verified.
func TestProductionShapeTwoWorkersTwoAPIs(t *testing.T) {
	mails := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	hooks := startWebhookReceiver(t)
	s, c := startCluster(t, mails.Addr)
	ctx := context.Background()

	s.through(c, 0).directory(hooks.URL)
	s.through(c, 1).putPolicy(apiclient.Medium, apiclient.Medium, apiclient.PutPolicyRequest{
		FirstResponse: "6s", Resolution: ptr("16s"), WarningPercents: &[]int{25, 50, 75},
		EscalationLevels: &[]apiclient.EscalationLevel{
			{Level: 1, After: "0s", Notify: apiclient.PersonRoleTeamLead},
			{Level: 2, After: "2s", Notify: apiclient.PersonRoleManager},
		},
	})

	// The delivery startCluster left abandoned: both workers swept at start, and
	// their counters say one of them settled it, once, by a send on the log (read
	// before a worker dies; nothing else is sent yet).
	eventually(t, 60*time.Second, "both workers' first sweep, one row settled and sent between them", func() bool {
		settled, sent := 0.0, 0.0
		for _, url := range c.workerMetrics {
			if counter(url, `complaintflow_sweep_runs_total{result="ok",sweep="notices"}`) < 1 {
				return false
			}
			settled += counter(url, `complaintflow_sweep_rows_total{outcome="settled",sweep="notices"}`)
			sent += counter(url, `complaintflow_notification_sends_total{channel="log",recipient="staff",status="sent"}`)
		}
		return settled == 1 && sent == 1
	})

	// The ladder: filed through API 1, its worker killed after the first warnings.
	filed := s.through(c, 0).file(adminToken, "cluster-ladder", apiclient.Medium, apiclient.Medium)
	ladder := filed.Id.String()
	eventually(t, 60*time.Second, "the first warnings", func() bool { return s.count(ladder, "sla_warning") >= 2 })
	holders := s.workflowTaskWorkers(filed.WorkflowId)
	holder := holders[len(holders)-1]
	var killed, survivor *devenv.Process
	for i, w := range c.workers {
		if w.Pid() == holder {
			killed, survivor = w, c.workers[1-i]
		}
	}
	if killed == nil {
		t.Fatalf("the last workflow task ran on pid %d, not one of the two workers (%d, %d)", holder, c.workers[0].Pid(), c.workers[1].Pid())
	}
	if err := syscall.Kill(killed.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-killed.Done()
	// Read again once it is dead: a task it started in the meantime is before the cut.
	holders = s.workflowTaskWorkers(filed.WorkflowId)
	t.Logf("killed worker pid %d after %v", holder, s.eventKinds(ladder))

	// Meanwhile the other API serves a whole lifecycle on the surviving worker.
	agent := s.through(c, 1).personToken("agent", "ann")
	life := s.through(c, 1).file(adminToken, "cluster-life", apiclient.Medium, apiclient.Medium)
	viaFirst, viaSecond := s.through(c, 0).api(agent), s.through(c, 1).api(agent)
	ack, err := viaFirst.AcknowledgeComplaintWithResponse(ctx, life.Id, nil, apiclient.AcknowledgeRequest{Message: "非常抱歉，我们马上处理"})
	s.want(200, ack, err)
	resolved, err := viaSecond.ResolveComplaintWithResponse(ctx, life.Id, nil,
		apiclient.ResolveRequest{Summary: "Reshipped by express", RootCause: "Parcel lost at the depot"})
	s.want(200, resolved, err)
	s.through(c, 0)
	path := s.awaitSurveyPath(mails, 0) // the link names API 1…
	token := strings.TrimPrefix(path, "/v1/surveys/")
	answered, err := s.through(c, 1).api("").AnswerSurveyWithResponse(ctx, token, // …and API 2 takes the answer
		apiclient.SurveyAnswerRequest{Csat: 5, Solved: true})
	s.want(200, answered, err)
	if answered.JSON200.Outcome != "verified" {
		t.Fatalf("answer: %s", answered.Body)
	}
	eventually(t, 60*time.Second, "the complaint to close verified, read through API 1", func() bool {
		got, err := s.through(c, 0).api(adminToken).GetComplaintWithResponse(ctx, life.Id)
		return err == nil && got.JSON200 != nil && got.JSON200.Status == apiclient.ComplaintStatusClosed
	})
	if got, want := strings.Join(s.eventKinds(life.Id.String()), ","), "opened,acknowledged,resolved,survey_sent,survey_answered,closed"; got != want {
		t.Errorf("lifecycle events %s, want %s", got, want)
	}

	// The ladder, finished by the survivor: nothing lost, nothing doubled.
	eventually(t, 3*time.Minute, "both ladders to finish on the surviving worker", func() bool { return s.count(ladder, "sla_escalated") == 4 })
	// A doubled event or notice would be an activity or workflow task still pending
	// (on the survivor: the killed worker's tasks time out and move to it).
	s.settledWithin(3*time.Minute, filed.WorkflowId)
	counts := map[string]int{}
	for _, k := range s.eventKinds(ladder) {
		counts[k]++
	}
	if counts["sla_warning"] != 6 || counts["sla_breached"] != 2 || counts["sla_escalated"] != 4 {
		t.Errorf("ladder events %v, want 6 warnings, 2 breaches, 4 levels — none lost, none doubled", counts)
	}
	for _, path := range []string{"/lee", "/max"} {
		if keys := hooks.keys(path); len(keys) != 2 || keys[0] == keys[1] {
			t.Errorf("%s received %v, want two distinct level notices", path, keys)
		}
	}
	eventually(t, 30*time.Second, "every ladder notice sent", func() bool {
		ns := s.notifications(ladder)
		for _, n := range ns {
			if n.SentAt == nil {
				return false
			}
		}
		least, most := s.warningNotices(ladder)
		return len(ns) >= 2+4+least && len(ns) <= 2+4+most
	})
	after := s.workflowTaskWorkers(filed.WorkflowId)[len(holders):]
	if len(after) == 0 || after[len(after)-1] != survivor.Pid() {
		t.Errorf("workflow tasks after the kill ran on %v, want the survivor %d to finish the ladder", after, survivor.Pid())
	}
	if hooks.forged != 0 {
		t.Errorf("%d webhook deliveries failed signature verification", hooks.forged)
	}
	// The delivery left abandoned before the workers started: settled by their
	// sweep at start, once (activities.SettleAbandoned).
	var planted struct {
		Status   string `db:"status"`
		Attempts int    `db:"attempts"`
	}
	if err := s.store.DB().Get(&planted, `SELECT status, attempts FROM notifications WHERE idempotency_key = $1`, abandonedKey); err != nil ||
		planted.Status != string(notify.NotificationSent) || planted.Attempts != 2 {
		t.Errorf("abandoned delivery: %+v, %v; want sent by one sweep's attempt (attempts 2)", planted, err)
	}
	// What the kill cost: a task queued for the dead worker waits out the sticky
	// timeout (docs/operations.md, "Sizing the worker").
	fmt.Fprintf(os.Stderr, "cluster: ladder %v; tasks before the kill on %v, after on %v; breaches recorded %v after their deadlines (sticky timeout %v)\n",
		counts, holders, after, s.breachLateness(ladder), config.DefaultStickyScheduleToStartTimeout)
}

// breachLateness is how long after its deadline each of a complaint's breaches was
// recorded, in order.
func (s *stack) breachLateness(id string) []time.Duration {
	events, err := s.store.Events(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	var late []time.Duration
	for _, e := range events {
		if e.Kind != string(complaint.EventSLABreached) {
			continue
		}
		var data struct {
			DueAt time.Time `json:"due_at"`
		}
		if err := json.Unmarshal(e.Data, &data); err != nil {
			s.t.Fatal(err)
		}
		late = append(late, e.RecordedAt.Sub(data.DueAt).Round(100*time.Millisecond))
	}
	return late
}
