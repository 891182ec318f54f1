package activities_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/quality"
	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

// riskSetup is a fresh database whose quality team is led by lee, and an activity
// environment over it.
func riskSetup(t *testing.T) (*store.Store, *testsuite.TestActivityEnvironment) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.PutTeam(ctx, store.Team{ID: "quality", Name: "Quality", UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutPerson(ctx, store.Person{ID: "lee", Name: "Lee", Role: complaint.RoleTeamLead,
		TeamID: new("quality"), Active: true, UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.PutTeam(ctx, store.Team{ID: "quality", Name: "Quality", LeadID: new("lee"),
		UpdatedBy: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Risks: st, Teams: st, QualityTeamID: "quality"})
	return st, env
}

func appErrType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

// A retried OpenAlert returns the alert it opened, still as created, so the monitor
// starts its workflow; another run finds the same open alert, not created. The
// quality lead owns it.
func TestOpenAlertIsIdempotentPerRunAndCondition(t *testing.T) {
	st, env := riskSetup(t)
	var a *activities.Activities
	at := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	check := quality.RiskCheck{Condition: quality.VolumeSpike, Grade: quality.Red, Observed: 20, Baseline: 10, Threshold: 20,
		HandlingSeconds: 3600}
	open := func(run string) activities.OpenedAlert {
		t.Helper()
		v, err := env.ExecuteActivity(a.OpenAlert, activities.OpenAlertInput{MonitorRun: run, Check: check, At: at})
		if err != nil {
			t.Fatal(err)
		}
		var out activities.OpenedAlert
		if err := v.Get(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	first, retry, other := open("run-1"), open("run-1"), open("run-2")
	if !first.Created || retry != first || other.Created || other.AlertID != first.AlertID {
		t.Fatalf("first %+v retry %+v other run %+v", first, retry, other)
	}

	v, err := env.ExecuteActivity(a.LoadAlert, first.AlertID)
	if err != nil {
		t.Fatal(err)
	}
	var alert quality.RiskAlert
	if err := v.Get(&alert); err != nil {
		t.Fatal(err)
	}
	if alert.OwnerID == nil || *alert.OwnerID != "lee" || alert.Grade != quality.Red || alert.SeenCount != 2 ||
		!alert.HandlingDueAt.Equal(at.Add(time.Hour)) || alert.MonitorRun != "run-1" {
		t.Fatalf("alert %+v", alert)
	}

	_, err = env.ExecuteActivity(a.LoadAlert, uuid.NewString())
	if appErrType(err) != activities.ErrTypeNotFound {
		t.Fatalf("missing alert: %v, want %s", err, activities.ErrTypeNotFound)
	}
	_, err = env.ExecuteActivity(a.RecordAlertEvent, quality.RiskAlertEvent{AlertID: uuid.NewString(), Key: "x",
		Kind: quality.RiskEventNotified, At: at, Actor: "system"})
	if appErrType(err) != activities.ErrTypeNotFound {
		t.Fatalf("event of a missing alert: %v, want %s", err, activities.ErrTypeNotFound)
	}

	closed := quality.RiskAlertEvent{AlertID: first.AlertID, Key: "k/closed", Kind: quality.RiskEventClosed, At: at, Actor: "lee",
		Data: quality.RiskEventData{Ledger: &quality.RiskLedgerEntry{RootCause: "r", Solution: "s", Executor: "e",
			ActionDeadline: at, Verification: "v"}}}
	for range 2 { // the retry is a no-op
		if _, err := env.ExecuteActivity(a.RecordAlertEvent, closed); err != nil {
			t.Fatal(err)
		}
	}
	_, err = env.ExecuteActivity(a.RecordAlertEvent, quality.RiskAlertEvent{AlertID: first.AlertID, Key: "k/responded",
		Kind: quality.RiskEventResponded, At: at, Actor: "lee", Data: quality.RiskEventData{Response: "late"}})
	if appErrType(err) != activities.ErrTypeAlertConflict {
		t.Fatalf("response to a closed alert: %v, want %s", err, activities.ErrTypeAlertConflict)
	}
	if evs, _ := st.RiskAlertEvents(context.Background(), first.AlertID); len(evs) != 3 {
		t.Fatalf("events %+v, want opened, seen_again, closed", evs)
	}
}

// The evaluation's windows end at the moment the monitor passes, not at now().
func TestEvaluateRisksJudgesAtTheGivenMoment(t *testing.T) {
	_, env := riskSetup(t)
	var a *activities.Activities
	at := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	v, err := env.ExecuteActivity(a.EvaluateRisks, activities.EvaluateRisksInput{At: at})
	if err != nil {
		t.Fatal(err)
	}
	var ev quality.RiskEvaluation
	if err := v.Get(&ev); err != nil {
		t.Fatal(err)
	}
	if !ev.At.Equal(at) || len(ev.Checks) != len(quality.Conditions) || len(ev.Findings()) != 0 {
		t.Fatalf("evaluation %+v", ev)
	}
	for i, c := range ev.Checks {
		if c.Condition != quality.Conditions[i] || !c.Details.To.Equal(at) || c.Note == "" {
			t.Errorf("check %d: %+v, want %s ending at %s with a no-verdict note", i, c, quality.Conditions[i], at)
		}
	}
}
