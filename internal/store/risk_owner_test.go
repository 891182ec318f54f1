package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
)

// An owner's list is filtered in the query, not after it: a page of one holds
// ann's next alert however many of bob's lie between, the page after her last is
// empty, and her ledger holds only her closed alert.
func TestRiskAlertsOfOneOwnerPageAndLedger(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	open := func(owner, subject string, at time.Time) quality.RiskAlert {
		t.Helper()
		a, _, err := st.OpenRiskAlert(ctx, quality.NewRiskAlert{ID: uuid.NewString(), Key: "run/" + subject, MonitorRun: "run",
			At: at, OwnerID: owner, Check: quality.RiskCheck{Condition: quality.TrainingGap, Grade: quality.Blue,
				Subject: subject, HandlingSeconds: 86400}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	annOld := open("ann", "agent:a1", riskAt)
	open("bob", "agent:b1", riskAt.Add(time.Hour))
	open("bob", "agent:b2", riskAt.Add(2*time.Hour))
	annNew := open("ann", "agent:a2", riskAt.Add(3*time.Hour))
	bobClosed := open("bob", "agent:b3", riskAt.Add(4*time.Hour))
	for _, a := range []quality.RiskAlert{annOld, bobClosed} {
		if _, err := st.RecordRiskAlertEvent(ctx, quality.RiskAlertEvent{AlertID: a.ID, Key: a.ID + "/closed", Kind: quality.RiskEventClosed,
			At: riskAt.Add(5 * time.Hour), Actor: "x", Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{
				RootCause: "rc", Solution: "s", Executor: "e", ActionDeadline: riskAt, Verification: "v"}}}); err != nil {
			t.Fatal(err)
		}
	}

	var pages []string
	f := store.RiskAlertFilter{OwnerID: "ann", Limit: 1}
	for range 3 {
		as, err := st.RiskAlerts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) == 0 {
			break
		}
		pages = append(pages, as[0].ID)
		f.AfterOpenedAt, f.AfterID = as[0].OpenedAt, as[0].ID
	}
	if got, want := fmt.Sprint(pages), fmt.Sprint([]string{annNew.ID, annOld.ID}); got != want {
		t.Errorf("ann's pages of one: %s, want %s", got, want)
	}
	if all, _ := st.RiskAlerts(ctx, store.RiskAlertFilter{Limit: 10}); len(all) != 5 {
		t.Errorf("without an owner: %d alerts, want 5", len(all))
	}

	ledger, err := st.RiskLedger(ctx, time.Time{}, time.Time{}, "ann")
	if err != nil || len(ledger) != 1 || ledger[0].ID != annOld.ID {
		t.Errorf("ann's ledger %+v %v, want her closed alert alone", ledger, err)
	}
	if everyone, _ := st.RiskLedger(ctx, time.Time{}, time.Time{}, ""); len(everyone) != 2 {
		t.Errorf("the whole ledger: %d entries, want 2", len(everyone))
	}
}
