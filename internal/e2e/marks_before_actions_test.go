package e2e_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/complaintflow/complaintflow/internal/apiclient"
	"github.com/complaintflow/complaintflow/workflows"
)

// An acknowledgement sent while no worker runs, after the first-response deadline
// and its ladder fell due, reaches the workflow in the same task as the timer that
// fires them, and the SDK runs an update before the workflow's main coroutine. The
// marks that fell due still fire first (workflows.fireDueBeforeAction), as when the
// worker is back before the acknowledgement: the ladder is recorded and told, once,
// and the workflow's state names the same steps as the events. Before, the
// acknowledgement stopped the clock with its breach alone: the team lead and the
// manager never heard of it, and the redo of a task whose worker died after
// recording the ladder recorded the other clock's levels under those events' keys.
func TestAnAcknowledgementArrivingWithItsOverdueTimerComesAfterTheLadder(t *testing.T) {
	s := newStack(t)
	s.directory("http://127.0.0.1:9/hooks") // the in-process worker has no webhook channel: the log tells
	s.putPolicy(apiclient.Medium, apiclient.Medium, apiclient.PutPolicyRequest{
		FirstResponse: "12s", Resolution: ptr("1h"), WarningPercents: &[]int{},
		EscalationLevels: &[]apiclient.EscalationLevel{
			{Level: 1, After: "0s", Notify: apiclient.PersonRoleTeamLead},
			{Level: 2, After: "2s", Notify: apiclient.PersonRoleManager},
		},
	})
	agent := s.personToken("agent", "ann")
	id := s.file(adminToken, "ack-with-timer", apiclient.Medium, apiclient.Medium).Id.String()
	eventually(t, 10*time.Second, "opened", func() bool { return len(s.eventKinds(id)) == 1 })
	events, err := s.store.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	opened := events[0].OccurredAt // the clock starts here, however late the first task ran

	// No worker from before the deadline (12 s) until the ladder's last level (14 s)
	// has passed and the acknowledgement waits at the server. Stopping waits for
	// the worker's tasks in hand; the events' check below sees one it took late.
	if left := time.Until(opened.Add(12 * time.Second)); left < 2*time.Second {
		t.Fatalf("the complaint opened %v before its deadline: too close to stop the worker first", 12*time.Second-left)
	}
	s.worker.Stop()
	time.Sleep(time.Until(opened.Add(15 * time.Second)))
	if got := s.eventKinds(id); len(got) != 1 {
		t.Fatalf("events with no worker running: %v", got)
	}
	acked := make(chan string, 1)
	go func() {
		// A 503 while no worker runs; its retry, with the same key, gets the outcome.
		for {
			status, _, _, raw, err := tryAct(s.url, agent, id, "acknowledge", "ack-with-timer", map[string]string{"message": "We are on it"})
			switch {
			case err == nil && status == http.StatusOK:
				acked <- ""
				return
			case err != nil || status != http.StatusServiceUnavailable:
				acked <- raw
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()
	time.Sleep(3 * time.Second) // the update is admitted, its workflow task not yet taken
	s.startWorker()
	select {
	case raw := <-acked:
		if raw != "" {
			t.Fatalf("acknowledge: %s", raw)
		}
	case <-time.After(time.Minute):
		t.Fatal("the acknowledgement was not answered within a minute of the worker's return")
	}
	s.settled(workflows.ComplaintWorkflowID(id))

	counts := map[string]int{}
	for _, k := range s.eventKinds(id) {
		counts[k]++
	}
	if counts["sla_breached"] != 1 || counts["sla_escalated"] != 2 || counts["acknowledged"] != 1 {
		t.Errorf("events %v, want the breach, both levels and the acknowledgement, once each", counts)
	}
	told := map[string]int{}
	for _, n := range s.notifications(id) {
		if n.EventKind == "sla_escalated" && n.SentAt != nil {
			told[n.Recipient]++
		}
	}
	if told["lee"] != 1 || told["max"] != 1 {
		t.Errorf("level notices sent %v, want one each to lee (the team lead) and max (the manager)", told)
	}
	var v converter.EncodedValue
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	v, err = s.temporal.QueryWorkflow(ctx, workflows.ComplaintWorkflowID(id), "", workflows.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var state workflows.ComplaintState
	if err := v.Get(&state); err != nil {
		t.Fatal(err)
	}
	if len(state.Ladder) != 2 || len(state.Breaches) != 1 || state.FirstResponseAt == nil {
		t.Errorf("state: ladder %v, breaches %v, first response %v; want both levels, the breach and the acknowledgement",
			state.Ladder, state.Breaches, state.FirstResponseAt)
	}
	s.checkHistory(workflows.ComplaintWorkflowID(id), "complaint_acknowledged_with_its_overdue_timer")
}
