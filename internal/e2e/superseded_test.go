package e2e_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/internal/config"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/workflows"
	"go.temporal.io/sdk/converter"
)

// warningNotices returns how many notices of the complaint's warnings a test may
// find. Each warning is told unless the workflow superseded it — a later mark of
// its clock and round fired in the same wake-up (Warning.Superseded) — so at
// least warnings − superseded. A superseded warning may still have been told: when
// a worker or the server dies after a wake-up sent its notices and before Temporal
// recorded the task, the redo runs later, with the warning's later mark due too,
// and supersedes a warning already told — so at most every warning. How many marks
// pile up depends on timing; the workflow's state (its query) is the decision that
// stands, since a redone wake-up's marks keep the first attempt's occurred_at.
func (s *stack) warningNotices(id string) (least, most int) {
	s.t.Helper()
	// A query goes to the sticky queue of the worker that ran the workflow's last
	// task. When that worker has just been killed, the query times out (the SDK
	// gives a call at most 10 s) until the sticky timeout has moved the workflow to
	// the shared queue, so it is retried until then.
	var v converter.EncodedValue
	eventuallyUntil(s.t, config.DefaultStickyScheduleToStartTimeout+30*time.Second, "complaint "+id+"'s query", func() string {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		var err error
		if v, err = s.temporal.QueryWorkflow(ctx, workflows.ComplaintWorkflowID(id), "", workflows.QueryState); err != nil {
			return err.Error()
		}
		return ""
	})
	var state workflows.ComplaintState
	if err := v.Get(&state); err != nil {
		s.t.Fatal(err)
	}
	superseded := 0
	for _, w := range state.Warnings {
		if w.Superseded {
			superseded++
		}
	}
	return len(state.Warnings) - superseded, len(state.Warnings)
}

// Warnings and breaches that pile up while no worker runs fire in the restarted
// worker's first wake-up: every warning is recorded, and only the breaches are
// told — each breach notice supersedes its clock's warnings. A warning notice a
// killed worker had begun to send is finished all the same (activities.Notice.Resume):
// the outage's first warning is planted half sent, as a worker killed mid-send
// leaves it — its row in sending, no attempt of its own left to settle it.
func TestBreachSupersedesWarningsPiledUpInAWorkerOutage(t *testing.T) {
	s := newStack(t)
	// No ladder: TestKilledWorkerLosesAndDoublesNothingOfTheLadder has one.
	pol := noLadder(apiclient.PutPolicyRequest{FirstResponse: "10s", Resolution: ptr("20s")})
	pol.WarningPercents = &[]int{50, 75}
	s.putPolicy(apiclient.Medium, apiclient.Low, pol)
	filedAt := time.Now()
	id := s.file(adminToken, "piled-1", apiclient.Medium, apiclient.Low).Id.String()
	eventually(t, 10*time.Second, "opened", func() bool { return len(s.eventKinds(id)) == 1 })
	opened := time.Now() // the clocks started before this

	// The worker dies before the first warning (5 s after filing at the earliest; a
	// lone run's first task can take nearly 3 s) and comes back after both deadlines.
	s.worker.Stop()
	if since := time.Since(filedAt); since > 4500*time.Millisecond {
		t.Fatalf("the worker stopped %v after filing, too close to the first warning at 5 s", since)
	}
	halfSent := workflows.ComplaintWorkflowID(id) + "/sla_warning/1|ann|log"
	if _, err := s.store.DB().Exec(`INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient,
			channel, subject, body, status, attempts, updated_at)
		VALUES ($1, $2, 'sla_warning', 'ann', 'log', '50% used', 'begun before the kill', 'sending', 1, now() - interval '1 hour')`,
		halfSent, id); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(opened.Add(21 * time.Second)))
	if got := s.eventKinds(id); len(got) != 1 {
		t.Fatalf("events with no worker running: %v", got)
	}
	s.startWorker()

	want := "opened,sla_warning,sla_warning,sla_breached,sla_warning,sla_warning,sla_breached"
	eventually(t, 30*time.Second, "every mark after the restart", func() bool {
		return strings.Join(s.eventKinds(id), ",") == want
	})
	if least, most := s.warningNotices(id); least != 0 || most != 4 {
		t.Errorf("%d of %d warnings to be told, want all 4 superseded by their breach", least, most)
	}
	s.customerToldOfTheMissedResolution(id)
	for _, n := range s.exactlyOneNoticePerBreach(id, 3) { // two breaches and the half-sent warning
		switch {
		case n.IdempotencyKey == halfSent:
			if n.Status != notify.NotificationSent || n.Attempts != 2 {
				t.Errorf("the half-sent warning: %s after %d attempts, want sent by a second", n.Status, n.Attempts)
			}
		case n.EventKind != "sla_breached":
			t.Errorf("notice of %s sent; only the breaches and the half-sent warning should be", n.EventKind)
		}
	}
	s.checkHistory("complaint:"+id, "complaint_superseded_warnings_after_outage")
}

// A worker killed (SIGKILL) while it sends a warning, before Temporal recorded the
// wake-up's task: the redo runs after the warning's breach is due too, so it fires
// both together and supersedes the warning — and still finishes the delivery the
// dead attempt began, which would otherwise stay in sending for good. The owner's
// webhook holds the warning's first request, so the kill lands mid-send every run.
func TestWorkerKilledMidSendOfAWarningItsRedoSupersedes(t *testing.T) {
	f := newFaultStack(t, faultOptions{})
	caught := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	var keys []string
	hold := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(notify.IdempotencyKeyHeader)
		mu.Lock()
		keys = append(keys, key)
		mu.Unlock()
		if strings.Contains(key, "/sla_warning/") {
			first := false
			once.Do(func() { first = true })
			if first {
				// The body read, the server watches the connection: the context
				// ends when the killed worker's connection drops.
				_, _ = io.Copy(io.Discard, r.Body)
				close(caught)
				<-r.Context().Done()
				return
			}
		}
	}))
	t.Cleanup(hold.Close)
	ctx, admin := context.Background(), f.api(adminToken)
	res, err := admin.PutPersonWithResponse(ctx, "ann", nil, apiclient.PutPersonRequest{Name: "Ann", Role: apiclient.PersonRoleAgent,
		TeamId: ptr("care"), ManagerId: ptr("lee"), WebhookUrl: ptr(hold.URL + "/ann")})
	f.want(200, res, err)
	pol := noLadder(apiclient.PutPolicyRequest{FirstResponse: "6s", Resolution: ptr("1h")})
	pol.WarningPercents = &[]int{50}
	f.putPolicy(apiclient.Medium, apiclient.Low, pol)

	id := f.file(adminToken, "killed-mid-send", apiclient.Medium, apiclient.Low).Id.String()
	select {
	case <-caught:
	case <-time.After(30 * time.Second):
		t.Fatal("the warning's webhook was never sent")
	}
	f.killWorker()
	warning := workflows.ComplaintWorkflowID(id) + "/sla_warning/1|ann|webhook"
	row := func() notify.Notification {
		for _, n := range f.notifications(id) {
			if n.IdempotencyKey == warning {
				return n
			}
		}
		t.Fatalf("no row %s", warning)
		return notify.Notification{}
	}
	if got := row(); got.Status != notify.NotificationSending {
		t.Fatalf("after the kill the warning's row is %s, want sending", got.Status)
	}
	f.startWorker()

	// The redo waits for the dead task's 10 s timeout, so the breach (6 s) is due
	// with it; the dead claim goes stale ~21 s after it was made.
	eventually(t, 2*time.Minute, "the warning's delivery finished", func() bool {
		return row().Status == notify.NotificationSent
	})
	if least, most := f.warningNotices(id); least != 0 || most != 1 {
		t.Errorf("%d of %d warnings to be told, want it superseded by its breach", least, most)
	}
	if got := row(); got.Attempts != 2 {
		t.Errorf("the warning was sent in %d attempts, want the dead one and its resend", got.Attempts)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(strings.Join(keys, " "), warning); n != 2 {
		t.Errorf("the warning's key arrived %d times (%v), want the cut request and its resend", n, keys)
	}
}
