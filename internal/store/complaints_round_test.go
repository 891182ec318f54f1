package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/store"
)

// A round the customer's dissatisfied answer reopened is due a first response
// (workflow revision 6): its reopened event carries the deadline, and the row
// shows it — GET, the nearest-deadline order and breaching soon — until the
// round's acknowledgement or resolution meets it. The complaint's own first
// response (first_response_at, the metrics') stays; an agent's reopening, whose
// event carries none, leaves round 0's met deadline alone.
func TestADissatisfiedRoundShowsItsFirstResponseUntilMet(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	firstAt, due := now.Add(-3*time.Hour), now.Add(15*time.Minute)
	record := func(c store.Complaint, e complaint.Event) {
		t.Helper()
		e.ComplaintID, e.Key, e.Actor = c.ID, c.ID+"/"+string(e.Kind)+"/"+e.At.String(), "ann"
		if _, err := st.RecordEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// Each: acknowledged 3 h ago, resolved 2 h ago, reopened now — by the customer's
	// answer with a 15-minute first response, or by an agent without.
	reopened := func(ext string, responseDue time.Time) store.Complaint {
		t.Helper()
		c, _, err := st.CreateComplaint(ctx, newComplaint(ext, complaint.Medium, complaint.Medium))
		if err != nil {
			t.Fatal(err)
		}
		record(c, complaint.Event{Kind: complaint.EventAcknowledged, At: firstAt, Status: complaint.StatusInProgress, Owner: "ann"})
		record(c, complaint.Event{Kind: complaint.EventResolved, At: now.Add(-2 * time.Hour), Status: complaint.StatusResolved,
			Summary: "reshipped", RootCause: "lost"})
		record(c, complaint.Event{Kind: complaint.EventReopened, At: now, Status: complaint.StatusInProgress, Round: 1,
			ResolutionDueAt: now.Add(24 * time.Hour), FirstResponseDueAt: responseDue})
		return c
	}
	byCustomer, byAgent, resolvedAgain := reopened("round-customer", due), reopened("round-agent", time.Time{}),
		reopened("round-resolved", due)
	row := func(c store.Complaint) store.Complaint {
		t.Helper()
		got, err := st.Complaint(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	breachingWithin := func(h time.Duration) []string {
		t.Helper()
		cs, err := st.Complaints(ctx, store.ComplaintFilter{DueFrom: &now, DueTo: new(now.Add(h)),
			Order: store.ComplaintsDueFirst, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Sorted(slices.Values(externalIDs(cs))) // ties: due at the same time
	}

	c := row(byCustomer)
	if !c.FirstResponseDueAt.Equal(due) || !c.FirstResponseRunning || !null.Value(c.FirstResponseAt).Equal(firstAt) {
		t.Errorf("reopened by the customer: first response due %s, running %t, first at %v; want %s, running, %s",
			c.FirstResponseDueAt, c.FirstResponseRunning, c.FirstResponseAt, due, firstAt)
	}
	if a := row(byAgent); a.FirstResponseDueAt.Equal(due) || a.FirstResponseRunning {
		t.Errorf("reopened by an agent: first response due %s, running %t; want round 0's, met", a.FirstResponseDueAt, a.FirstResponseRunning)
	}
	if got := breachingWithin(time.Hour); !slices.Equal(got, []string{"round-customer", "round-resolved"}) {
		t.Errorf("breaching within 1 h: %v, want the two rounds due a first response", got)
	}
	events, err := st.Events(ctx, byCustomer.ID)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		FirstResponseDueAt time.Time `json:"first_response_due_at"`
	}
	if err := json.Unmarshal(events[len(events)-1].Data, &data); err != nil || !data.FirstResponseDueAt.Equal(due) {
		t.Errorf("reopened event's data %s: want first_response_due_at %s", events[len(events)-1].Data, due)
	}

	// The round's acknowledgement meets it; so does resolving without one.
	record(byCustomer, complaint.Event{Kind: complaint.EventAcknowledged, At: now.Add(10 * time.Minute),
		Status: complaint.StatusInProgress, Owner: "ann"})
	record(resolvedAgain, complaint.Event{Kind: complaint.EventResolved, At: now.Add(5 * time.Minute),
		Status: complaint.StatusResolved, Summary: "found it", RootCause: "mislabelled"})
	for _, c := range []store.Complaint{row(byCustomer), row(resolvedAgain)} {
		if c.FirstResponseRunning || !null.Value(c.FirstResponseAt).Equal(firstAt) {
			t.Errorf("%s after the round's response: running %t, first at %v; want met, the first kept at %s",
				c.ExternalID, c.FirstResponseRunning, c.FirstResponseAt, firstAt)
		}
	}
	if got := breachingWithin(time.Hour); len(got) != 0 {
		t.Errorf("breaching within 1 h after the rounds' responses: %v, want none", got)
	}
	if got := breachingWithin(25 * time.Hour); !slices.Equal(got, []string{"round-agent", "round-customer"}) {
		t.Errorf("breaching within 25 h: %v, want the two follow-up resolutions", got)
	}
}
