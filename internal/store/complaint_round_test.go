package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/store"
)

// The reopened event of a round the customer's dissatisfied answer reopened
// records the SLA that round runs on (migration 00046): the row keeps it through
// the round's acknowledgement and resolution, the next reopening replaces it —
// without a policy when none matched — and an agent's reopening, which records
// none, clears it. A complaint never reopened has none.
func TestTheRowKeepsTheSLAOfTheRoundTheCustomerReopened(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("round-sla", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-10 * time.Hour).Truncate(time.Microsecond)
	record := func(e complaint.Event) {
		t.Helper()
		at = at.Add(time.Hour)
		e.ComplaintID, e.Key, e.Actor, e.At = c.ID, c.ID+"/"+string(e.Kind)+"/"+at.String(), "ann", at
		if _, err := st.RecordEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	resolve := func() {
		record(complaint.Event{Kind: complaint.EventResolved, Status: complaint.StatusResolved, Summary: "s", RootCause: "r"})
	}
	reopen := func(r *complaint.RoundSLA) {
		record(complaint.Event{Kind: complaint.EventReopened, Status: complaint.StatusInProgress,
			ResolutionDueAt: at.Add(24 * time.Hour), FirstResponseDueAt: at.Add(15 * time.Minute), RoundSLA: r})
	}
	check := func(when string, want store.RoundSLA) {
		t.Helper()
		got, err := st.Complaint(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := got.RoundSLA
		if !equalPtr(r.RoundPolicyID, want.RoundPolicyID) || !equalPtr(r.RoundFirstResponseSeconds, want.RoundFirstResponseSeconds) ||
			!equalPtr(r.RoundResolutionSeconds, want.RoundResolutionSeconds) {
			t.Errorf("%s: round SLA %s, want %s", when, roundText(r), roundText(want))
		}
	}
	none := store.RoundSLA{}
	check("filed", none)
	record(complaint.Event{Kind: complaint.EventAcknowledged, Status: complaint.StatusInProgress, Owner: "ann"})
	resolve()

	reopen(&complaint.RoundSLA{PolicyID: "negative_feedback/*/*", FirstResponseSeconds: 900, ResolutionSeconds: 6 * 3600})
	policy := store.RoundSLA{RoundPolicyID: new("negative_feedback/*/*"), RoundFirstResponseSeconds: new(int64(900)),
		RoundResolutionSeconds: new(int64(6 * 3600))}
	check("reopened by the customer", policy)
	events, err := st.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		RoundSLA complaint.RoundSLA `json:"round_sla"`
	}
	if err := json.Unmarshal(events[len(events)-1].Data, &data); err != nil || data.RoundSLA.PolicyID != "negative_feedback/*/*" {
		t.Errorf("reopened event's data %s: want its round_sla", events[len(events)-1].Data)
	}
	record(complaint.Event{Kind: complaint.EventAcknowledged, Status: complaint.StatusInProgress, Owner: "ann"})
	resolve()
	check("the round acknowledged and resolved", policy)

	reopen(&complaint.RoundSLA{FirstResponseSeconds: 900, ResolutionSeconds: 24 * 3600})
	check("reopened by the customer, no policy matching", store.RoundSLA{RoundFirstResponseSeconds: new(int64(900)),
		RoundResolutionSeconds: new(int64(24 * 3600))})
	resolve()
	reopen(nil)
	check("reopened by an agent", none)
}

func equalPtr[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func roundText(r store.RoundSLA) string {
	text := func(v any) string {
		if reflect.ValueOf(v).IsNil() {
			return "null"
		}
		return fmt.Sprint(reflect.ValueOf(v).Elem())
	}
	return text(r.RoundPolicyID) + " / " + text(r.RoundFirstResponseSeconds) + " / " + text(r.RoundResolutionSeconds)
}
