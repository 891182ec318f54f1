package api_test

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// GET /v1/complaints/{id} and the listing show the SLA the round the customer's
// dissatisfied answer reopened runs on (sla.round, as the document describes it),
// while sla.policy and its budgets stay the policy the complaint was filed under:
// the negative_feedback policy picked and the round's budgets, or no policy when
// none matched; null before any reopening and after an agent's.
func TestTheComplaintShowsTheSLAOfTheRoundTheCustomerReopened(t *testing.T) {
	a := newDirectoryAPI(t)
	c := a.fileDirect("round-sla", "c1", "late", complaint.Medium)
	at := time.Now().Add(-5 * time.Hour)
	record := func(e complaint.Event) {
		t.Helper()
		at = at.Add(time.Hour)
		e.ComplaintID, e.Key, e.Actor, e.At = c.ID, c.ID+"/"+at.String(), "ann", at
		if _, err := a.store.RecordEvent(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	reopen := func(r *complaint.RoundSLA) {
		record(complaint.Event{Kind: complaint.EventResolved, Status: complaint.StatusResolved, Summary: "s", RootCause: "r"})
		record(complaint.Event{Kind: complaint.EventReopened, Status: complaint.StatusInProgress,
			ResolutionDueAt: at.Add(6 * time.Hour), FirstResponseDueAt: at.Add(15 * time.Minute), RoundSLA: r})
	}
	filed := sla(a.admin("GET", "/v1/complaints/"+c.ID, "", http.StatusOK).body)
	if filed["policy"] == nil {
		t.Fatal("filed under no policy")
	}
	check := func(when string, want any) {
		t.Helper()
		got := sla(a.admin("GET", "/v1/complaints/"+c.ID, "", http.StatusOK).body)
		if round, sent := got["round"]; !sent || !reflect.DeepEqual(round, want) {
			t.Errorf("%s: sla.round %v (sent %t), want %v", when, round, sent, want)
		}
		if !reflect.DeepEqual(got["policy"], filed["policy"]) || got["first_response"] != filed["first_response"] ||
			got["resolution"] != filed["resolution"] {
			t.Errorf("%s: sla.policy %v (%v / %v), want the filing policy's %v (%v / %v)", when, got["policy"], got["first_response"],
				got["resolution"], filed["policy"], filed["first_response"], filed["resolution"])
		}
		listed := a.admin("GET", "/v1/complaints", "", http.StatusOK).body["items"].([]any)
		if round := sla(listed[0].(map[string]any))["round"]; !reflect.DeepEqual(round, want) {
			t.Errorf("%s: the listing's sla.round %v, want %v", when, round, want)
		}
	}
	check("filed", nil)
	record(complaint.Event{Kind: complaint.EventAcknowledged, Status: complaint.StatusInProgress, Owner: "ann"})

	reopen(&complaint.RoundSLA{PolicyID: "negative_feedback/*/*", FirstResponseSeconds: 900, ResolutionSeconds: 6 * 3600})
	check("reopened by the customer", map[string]any{"round": 1.0, "policy_id": "negative_feedback/*/*",
		"first_response": "15m0s", "resolution": "6h0m0s"})
	reopen(&complaint.RoundSLA{FirstResponseSeconds: 900, ResolutionSeconds: 24 * 3600})
	check("reopened by the customer, no policy matching", map[string]any{"round": 2.0, "policy_id": nil,
		"first_response": "15m0s", "resolution": "24h0m0s"})
	reopen(nil)
	check("reopened by an agent", nil)
}
