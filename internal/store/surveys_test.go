package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/null"
	"github.com/complaintflow/complaintflow/internal/survey"
)

func TestSurveySigningKeyIsGeneratedOnceAndKept(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	first, err := st.SurveySigningKey(ctx, "")
	if err != nil || len(first) < 32 {
		t.Fatalf("SurveySigningKey = %q, %v", first, err)
	}
	again, err := st.SurveySigningKey(ctx, "")
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("second SurveySigningKey = %q, %v; want the stored %q", again, err, first)
	}
	configured, _ := st.SurveySigningKey(ctx, "from-env")
	if string(configured) != "from-env" {
		t.Fatalf("configured key = %q", configured)
	}
}

// One survey per round however often it is opened; its events keep the row in step.
func TestSurveyRowFollowsItsEvents(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("sv", complaint.Medium, complaint.Medium))
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	open := survey.Survey{ID: uuid.NewString(), ComplaintID: c.ID, Round: 0, WorkflowID: "wf", SentAt: sent, ExpiresAt: sent.Add(72 * time.Hour)}
	sv, err := st.OpenSurvey(ctx, open)
	if err != nil {
		t.Fatal(err)
	}
	retry := open
	retry.ID = uuid.NewString() // a retried activity draws a new ID; the first survey wins
	again, err := st.OpenSurvey(ctx, retry)
	if err != nil || again.ID != sv.ID || sv.ID != open.ID {
		t.Fatalf("reopened survey %s (err %v), want %s", again.ID, err, sv.ID)
	}
	if _, err := st.OpenSurvey(ctx, survey.Survey{ID: uuid.NewString(), ComplaintID: uuid.NewString(), SentAt: sent, ExpiresAt: sent}); err == nil {
		t.Fatal("a survey of no complaint was opened")
	}

	nps := 3
	for _, e := range []complaint.Event{
		{Kind: complaint.EventSurveyReminded, At: sent.Add(24 * time.Hour)},
		{Kind: complaint.EventSurveyAnswered, At: sent.Add(30 * time.Hour),
			Survey: &complaint.SurveyAnswer{CSAT: 2, NPS: &nps, Solved: false, Comment: "还是没到"}},
	} {
		e.ComplaintID, e.Key, e.Actor, e.SurveyID = c.ID, "wf/"+string(e.Kind), "customer", sv.ID
		if _, err := st.RecordEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Survey(ctx, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "answered" || got.RemindedAt == nil || null.Value(got.CSAT) != 2 || null.Value(got.NPS) != 3 ||
		got.CES != nil || null.Value(got.Solved) || null.Value(got.Comment) != "还是没到" || !null.Value(got.AnsweredAt).Equal(sent.Add(30*time.Hour)) {
		t.Fatalf("survey after its events: %+v", got)
	}
	list, err := st.Surveys(ctx, c.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("Surveys = %d, %v", len(list), err)
	}

	closed := complaint.Event{ComplaintID: c.ID, Key: "c/closed", Kind: complaint.EventClosed, Actor: "customer",
		At: sent.Add(31 * time.Hour), Status: complaint.StatusClosed, Verification: complaint.Verified}
	if _, err := st.RecordEvent(ctx, closed); err != nil {
		t.Fatal(err)
	}
	var verification string
	if err := st.DB().GetContext(ctx, &verification, `SELECT verification FROM complaints WHERE id = $1`, c.ID); err != nil || verification != "verified" {
		t.Fatalf("verification = %q, %v", verification, err)
	}
}

// Every event kind the workflows write applies to PostgreSQL: a statement that
// PostgreSQL refuses would stall the complaint behind endless retries.
func TestEveryEventKindApplies(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	c, _, err := st.CreateComplaint(ctx, newComplaint("kinds", complaint.High, complaint.High))
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	sv, err := st.OpenSurvey(ctx, survey.Survey{ID: uuid.NewString(), ComplaintID: c.ID, WorkflowID: "wf", SentAt: sent, ExpiresAt: sent.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	at := sent
	esc := &complaint.EscalationRecord{ID: c.ID + "/1", Seq: 1, Status: "pending", RequestedBy: "ann", RequestedAt: at, Reason: "r", Level: 1, Eligible: []string{}}
	events := []complaint.Event{
		{Kind: complaint.EventOpened},
		{Kind: complaint.EventAcknowledged, Status: complaint.StatusInProgress, Owner: "ann"},
		{Kind: complaint.EventSLAWarning, Clock: complaint.ClockResolution, Percent: 50, DueAt: at},
		{Kind: complaint.EventSLABreached, Clock: complaint.ClockResolution, DueAt: at},
		{Kind: complaint.EventSLAEscalated, Clock: complaint.ClockResolution, Level: 1, Recipient: "lee"},
		{Kind: complaint.EventEscalationRequest, Escalation: esc},
		{Kind: complaint.EventEscalationMovedUp, Escalation: esc},
		{Kind: complaint.EventEscalationOverdue, Escalation: esc},
		{Kind: complaint.EventEscalationDecision, Escalation: esc, ResolutionDueAt: at.Add(time.Hour)},
		{Kind: complaint.EventEscalationCancelled, Escalation: esc},
		{Kind: complaint.EventPaused, Status: complaint.StatusWaitingOnCustomer},
		{Kind: complaint.EventResumed, Status: complaint.StatusInProgress, PausedSeconds: 60, ResolutionDueAt: at.Add(time.Hour)},
		{Kind: complaint.EventResolved, Status: complaint.StatusResolved, Summary: "s", RootCause: "r"},
		{Kind: complaint.EventSurveySent, SurveyID: sv.ID},
		{Kind: complaint.EventSurveyReminded, SurveyID: sv.ID},
		{Kind: complaint.EventSurveyAnswered, SurveyID: sv.ID, Survey: &complaint.SurveyAnswer{CSAT: 1}},
		{Kind: complaint.EventReopened, Status: complaint.StatusInProgress, Round: 1, ResolutionDueAt: at.Add(2 * time.Hour)},
		{Kind: complaint.EventSurveyExpired, SurveyID: sv.ID},
		{Kind: complaint.EventSurveyCancelled, SurveyID: sv.ID},
		{Kind: complaint.EventClosed, Status: complaint.StatusClosed, Verification: complaint.Unverified},
	}
	for i, e := range events {
		at = at.Add(time.Minute)
		e.ComplaintID, e.Key, e.Actor, e.At = c.ID, fmt.Sprintf("k/%d", i), "ann", at
		if _, err := st.RecordEvent(ctx, e); err != nil {
			t.Errorf("%s: %v", e.Kind, err)
		}
	}
	got, err := st.Complaint(ctx, c.ID)
	if err != nil || got.Status != complaint.StatusClosed || got.ReopenedCount != 1 || got.PausedSeconds != 60 {
		t.Fatalf("after every kind: %+v, %v", got, err)
	}
}
