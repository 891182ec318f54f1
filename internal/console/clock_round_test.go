package console

import (
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// A round the customer's dissatisfied answer reopened counts down its own first
// response (sla.first_response_running) from the reopening, on its 15-minute
// budget, though the complaint's first response was given days ago; once the
// round's acknowledgement meets it, the resolution clock is the one shown.
func TestADissatisfiedRoundsFirstResponseCountsDownFromTheReopening(t *testing.T) {
	reopenedAt := time.Now().Add(-5 * time.Minute)
	firstAt := reopenedAt.Add(-6 * 24 * time.Hour)
	resolutionDue := reopenedAt.Add(24 * time.Hour)
	c := complaint{Complaint: apiclient.Complaint{CreatedAt: reopenedAt.Add(-7 * 24 * time.Hour),
		FirstResponseDueAt: reopenedAt.Add(15 * time.Minute), ResolutionDueAt: &resolutionDue, ReopenedCount: 1},
		Run: &clockRun{Start: reopenedAt}}
	c.Sla.FirstResponseAt, c.Sla.FirstResponseRunning = &firstAt, true
	c.Sla.FirstResponseBreached = true // the first round's 24 h, breached days ago

	if k := c.Next(); k.Key != "clock.first" || k.Done || k.Budget != 15*time.Minute || k.Breached {
		t.Errorf("round awaiting its first response: shows %s (done %t, budget %s, breached %t), want clock.first running on 15m0s, not breached",
			k.Key, k.Done, k.Budget, k.Breached)
	}
	c.FirstResponseDueAt = reopenedAt.Add(-time.Minute)
	if k := c.Next(); !k.Breached {
		t.Error("the round's own deadline passed: its clock is not shown breached")
	}
	c.FirstResponseDueAt = reopenedAt.Add(15 * time.Minute)
	c.Sla.FirstResponseRunning = false
	if k := c.Clocks()[0]; !k.Done {
		t.Error("the round's first response met: its clock still counts down")
	}
	if k := c.Next(); k.Key != "clock.resolution" {
		t.Errorf("the round's first response met: shows %s, want the resolution clock", k.Key)
	}
}
