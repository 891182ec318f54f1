package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

func TestCompensationLimitsAreSeededAndReplaced(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	got, err := st.CompensationLimits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var seeded []complaint.CompensationLimit
	for _, l := range got {
		seeded = append(seeded, complaint.CompensationLimit{Role: l.Role, Kind: l.Kind, Currency: l.Currency, Amount: l.Amount})
	}
	// Sorted by role, kind, currency: compensation before refund.
	want := []complaint.CompensationLimit{complaint.DefaultCompensationLimits[1], complaint.DefaultCompensationLimits[0]}
	if !reflect.DeepEqual(seeded, want) {
		t.Fatalf("seeded limits %+v, want %+v", seeded, want)
	}
	tests := []struct {
		role     complaint.Role
		kind     complaint.RecoveryKind
		currency string
		want     *float64
	}{
		{complaint.RoleAgent, complaint.RecoveryRefund, "CNY", new(500.0)},
		{complaint.RoleAgent, complaint.RecoveryCompensation, "CNY", new(200.0)},
		{complaint.RoleAgent, complaint.RecoveryRefund, "USD", nil},
		{complaint.RoleManager, complaint.RecoveryRefund, "CNY", nil},
	}
	for _, tt := range tests {
		got, err := st.CompensationLimit(ctx, tt.role, tt.kind, tt.currency)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("CompensationLimit(%s, %s, %s) = %v, %v; want %v", tt.role, tt.kind, tt.currency, got, err, tt.want)
		}
	}
	replaced, err := st.ReplaceCompensationLimits(ctx, []store.CompensationLimit{
		{Role: complaint.RoleTeamLead, Kind: complaint.RecoveryRefund, Currency: "CNY", Amount: 1000.5},
	}, "admin", nil)
	if err != nil || len(replaced) != 1 || replaced[0].Amount != 1000.5 || replaced[0].UpdatedBy != "admin" {
		t.Fatalf("replaced: %+v, %v", replaced, err)
	}
}

func TestCompensationEventsKeepTheTableInStepAndCountAsCostOfRecovery(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("comp", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Truncate(time.Second)
	record := func(kind complaint.EventKind, n int, rec complaint.CompensationRecord) {
		t.Helper()
		e := complaint.Event{ComplaintID: c.ID, Key: c.WorkflowID + "/" + string(kind) + "/" + string(rune('0'+n)),
			Kind: kind, Actor: "ann", At: at, Compensation: &rec}
		if rec.Seq == 0 {
			e.Compensation = nil
		}
		for range 2 { // a retried activity changes nothing
			if _, err := st.RecordEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	record(complaint.EventOpened, 1, complaint.CompensationRecord{})
	granted := complaint.CompensationRecord{Seq: 1, Kind: complaint.RecoveryCompensation, Amount: 150, Currency: "CNY",
		Status: complaint.CompensationGranted, RequestedBy: "ann", RequestedAt: at, Limit: new(200.0), DecidedBy: "ann", DecidedAt: &at}
	record(complaint.EventCompensationGranted, 1, granted)
	asked := complaint.CompensationRecord{Seq: 2, Kind: complaint.RecoveryRefund, Amount: 600, Currency: "CNY", Note: "broken",
		Status: complaint.CompensationRequested, RequestedBy: "ann", RequestedAt: at, Limit: new(500.0), EscalationSeq: 1}
	record(complaint.EventCompensationRequested, 1, asked)
	asked.Status, asked.Amount, asked.DecidedBy, asked.DecidedAt = complaint.CompensationGranted, 550.25, "max", &at
	record(complaint.EventCompensationGranted, 2, asked)
	// The request's own snapshot committing after the approval leaves it granted.
	stale := asked
	stale.Status, stale.Amount, stale.DecidedBy, stale.DecidedAt = complaint.CompensationRequested, 600, "", nil
	record(complaint.EventCompensationRequested, 3, stale)
	record(complaint.EventCompensationRequested, 2, complaint.CompensationRecord{Seq: 3, Kind: complaint.RecoveryRefund,
		Amount: 9, Currency: "USD", Status: complaint.CompensationRequested, RequestedBy: "ann", RequestedAt: at, EscalationSeq: 2})

	cs, err := st.Compensations(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range cs {
		got = append(got, k.Status)
	}
	if want := []string{"granted", "granted", "requested"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if cs[1].Amount != 550.25 || *cs[1].Note != "broken" || *cs[1].EscalationSeq != 1 || *cs[1].DecidedBy != "max" || *cs[1].Limit != 500 {
		t.Errorf("the approved compensation reads %+v", cs[1])
	}

	report, err := st.Metrics(ctx, at.Add(-time.Hour), at.Add(time.Hour), "category")
	if err != nil {
		t.Fatal(err)
	}
	want := []quality.RecoveryCost{{Currency: "CNY", Amount: 700.25, Granted: 2}}
	if !reflect.DeepEqual(report.Total.RecoveryCost, want) {
		t.Errorf("total recovery cost %+v, want %+v", report.Total.RecoveryCost, want)
	}
	if len(report.Groups) != 1 || report.Groups[0].Key != "logistics" || !reflect.DeepEqual(report.Groups[0].RecoveryCost, want) {
		t.Errorf("groups %+v, want logistics with %+v", report.Groups, want)
	}
}

func TestHandedOverEventMovesTheOwner(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("handover", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordEvent(ctx, complaint.Event{ComplaintID: c.ID, Key: c.WorkflowID + "/handed_over/1",
		Kind: complaint.EventHandedOver, Actor: "lee", At: time.Now(), Owner: "bob", PreviousOwner: "ann", Reason: "leave"}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Complaint(ctx, c.ID)
	if err != nil || got.Owner == nil || *got.Owner != "bob" {
		t.Fatalf("owner after hand-over: %v, %v", got.Owner, err)
	}
}
