package e2e_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// supersededWarnings counts the complaint's warnings that fired in one wake-up with
// a later mark of their clock and round (a higher warning or the breach): their
// events are recorded, their notices are not sent (workflows.superseded). Marks
// fired together carry the same occurred_at. Tests that count notices after a
// worker outage or under load subtract it, since how many marks pile up depends on
// timing.
func (s *stack) supersededWarnings(id string) int {
	s.t.Helper()
	events, err := s.store.Events(context.Background(), id)
	if err != nil {
		s.t.Fatal(err)
	}
	type mark struct {
		kind    string
		clock   string
		round   int
		percent int
		at      time.Time
	}
	var marks []mark
	for _, e := range events {
		if e.Kind != "sla_warning" && e.Kind != "sla_breached" {
			continue
		}
		var d struct {
			Clock   string `json:"clock"`
			Round   int    `json:"round"`
			Percent int    `json:"percent"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			s.t.Fatal(err)
		}
		marks = append(marks, mark{e.Kind, d.Clock, d.Round, d.Percent, e.OccurredAt})
	}
	n := 0
	for _, w := range marks {
		if w.kind != "sla_warning" {
			continue
		}
		for _, later := range marks {
			if later.clock == w.clock && later.round == w.round && later.at.Equal(w.at) &&
				(later.kind == "sla_breached" || later.percent > w.percent) {
				n++
				break
			}
		}
	}
	return n
}

// Warnings and breaches that pile up while no worker runs fire in the restarted
// worker's first wake-up: every warning is recorded, and only the breaches are
// told — each breach notice supersedes its clock's warnings.
func TestBreachSupersedesWarningsPiledUpInAWorkerOutage(t *testing.T) {
	s := newStack(t)
	// No ladder: TestKilledWorkerLosesAndDoublesNothingOfTheLadder has one.
	pol := noLadder(apiclient.PutPolicyRequest{FirstResponse: "6s", Resolution: ptr("12s")})
	pol.WarningPercents = &[]int{50, 75}
	s.putPolicy(apiclient.Medium, apiclient.Low, pol)
	filedAt := time.Now()
	id := s.file(adminToken, "piled-1", apiclient.Medium, apiclient.Low).Id.String()
	eventually(t, 10*time.Second, "opened", func() bool { return len(s.eventKinds(id)) == 1 })

	// The worker dies before the first warning (3 s) and comes back after both
	// deadlines.
	s.worker.Stop()
	if since := time.Since(filedAt); since > 2500*time.Millisecond {
		t.Fatalf("the worker stopped %v after filing, too close to the first warning at 3 s", since)
	}
	time.Sleep(time.Until(filedAt.Add(13 * time.Second)))
	if got := s.eventKinds(id); len(got) != 1 {
		t.Fatalf("events with no worker running: %v", got)
	}
	s.startWorker()

	want := "opened,sla_warning,sla_warning,sla_breached,sla_warning,sla_warning,sla_breached"
	eventually(t, 30*time.Second, "every mark after the restart", func() bool {
		return strings.Join(s.eventKinds(id), ",") == want
	})
	if n := s.supersededWarnings(id); n != 4 {
		t.Errorf("%d warnings fired with their breach, want all 4", n)
	}
	for _, n := range s.exactlyOneNoticePerBreach(id, 2) {
		if n.EventKind != "sla_breached" {
			t.Errorf("notice of %s sent; only the breaches should be", n.EventKind)
		}
	}
	s.checkHistory("complaint:"+id, "complaint_superseded_warnings_after_outage")
}
