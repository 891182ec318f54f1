package console

import (
	"net/http"
	"time"

	"github.com/complaintflow/complaintflow/internal/apiclient"
)

// clockRun is the resolution clock's current run, as the complaint's events tell
// it: since when it runs (the last reopening; zero: since the filing) and how long
// it has waited on the customer since (the waits ended).
type clockRun struct {
	Start  time.Time
	Waited time.Duration
}

// runOf reads the resolution clock's run from a complaint's events, oldest first.
func runOf(events []apiclient.ComplaintEvent) *clockRun {
	run := &clockRun{}
	for _, e := range events {
		if e.Kind == "reopened" {
			run.Start = e.OccurredAt
		}
	}
	for _, p := range pausesOf(events) {
		if !p.Until.IsZero() && !p.From.Before(run.Start) {
			run.Waited += time.Duration(p.Seconds * float64(time.Second))
		}
	}
	return run
}

// resolutionRun is when the resolution clock started and how long it has waited on
// the customer since: from the events when read; else the filing and the
// complaint's paused_seconds, which is right for a complaint never reopened (a
// reopening starts a new clock, and the API says neither when nor what waited
// since: readRuns reads the events of those).
func (c complaint) resolutionRun() (time.Time, time.Duration) {
	if c.Run == nil {
		return c.CreatedAt, time.Duration(c.PausedSeconds * float64(time.Second))
	}
	if c.Run.Start.IsZero() {
		return c.CreatedAt, c.Run.Waited
	}
	return c.Run.Start, c.Run.Waited
}

// clockBudget is a clock's time, the whole its warnings are shares of: from its
// start to its deadline less the time it stood still waiting on the customer (a
// wait moves the deadline later by its length; an extension or a raised urgency
// moves it too, and so the budget). The one place the rule is written: the
// countdown script reads the share used as 1 - (time to the deadline) / budget.
// It is wall-clock time: on a business-hours calendar the workflow counts working
// time only, which the console cannot (docs/console.md).
func clockBudget(start, due time.Time, waited time.Duration) time.Duration {
	return due.Sub(start) - waited
}

// readRuns reads the events of the listed complaints that were reopened and still
// run their resolution clock, so their countdowns count from the reopening.
func (c *Console) readRuns(r *http.Request, items []complaint) error {
	for i := range items {
		cm := &items[i]
		if cm.ReopenedCount == 0 || cm.ResolutionDueAt == nil || cm.Sla.ResolvedAt != nil {
			continue
		}
		var events page[apiclient.ComplaintEvent]
		ref, err := into(&events)(c.client.ListComplaintEvents(r.Context(), cm.Id))
		if err != nil {
			return err
		}
		if ref == nil {
			cm.Run = runOf(events.Items)
		}
	}
	return nil
}
