package activities_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/complaintflow/complaintflow/activities"
	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/survey"
)

// A retried OpenSurvey finds the survey it created; the ticket (kept in Temporal's
// history) names it and holds no link.
func TestOpenSurveyIsIdempotent(t *testing.T) {
	st, c := fileTestComplaint(t, nil)
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Surveys: st, SurveyLinks: activities.SurveyLinks{BaseURL: "https://cf.example/"}})
	sent := time.Date(2026, 11, 23, 10, 0, 0, 500, time.UTC)
	in := activities.OpenSurveyInput{ComplaintID: c.ID, Round: 0, WorkflowID: "wf", SentAt: sent, Timeout: 72 * time.Hour}
	var a *activities.Activities
	var tickets []activities.SurveyTicket
	for range 2 {
		v, err := env.ExecuteActivity(a.OpenSurvey, in)
		if err != nil {
			t.Fatal(err)
		}
		var ticket activities.SurveyTicket
		if err := v.Get(&ticket); err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, ticket)
	}
	if tickets[0] != tickets[1] || !tickets[0].ExpiresAt.Equal(sent.Add(72*time.Hour).Truncate(time.Second)) {
		t.Fatalf("a retry made another survey: %+v vs %+v", tickets[0], tickets[1])
	}
	if sv, err := st.Survey(context.Background(), tickets[0].SurveyID); err != nil || sv.ComplaintID != c.ID {
		t.Fatalf("survey %+v, %v", sv, err)
	}

	_, err := env.ExecuteActivity(a.OpenSurvey, activities.OpenSurveyInput{ComplaintID: uuid.NewString(), WorkflowID: "wf", SentAt: sent, Timeout: time.Hour})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeNotFound {
		t.Fatalf("survey of a missing complaint: %v, want %s", err, activities.ErrTypeNotFound)
	}
}

// The survey notice names its survey; Notify signs the link when it delivers: the
// customer's e-mail holds the link in full, and its token verifies and expires with
// the survey, while the notification row (read by staff), the log and the intake
// callback's row hold it masked only.
func TestNotifySignsTheSurveyLinkAndKeepsItMasked(t *testing.T) {
	f := newNotifyFixture(t)
	f.acts.Surveys, f.acts.SurveyLinks = f.st, activities.SurveyLinks{BaseURL: "https://cf.example/"}
	sent := time.Now().UTC().Truncate(time.Second)
	var a *activities.Activities
	v, err := f.env.ExecuteActivity(a.OpenSurvey, activities.OpenSurveyInput{
		ComplaintID: f.c.ID, WorkflowID: "wf", SentAt: sent, Timeout: 72 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	var ticket activities.SurveyTicket
	if err := v.Get(&ticket); err != nil {
		t.Fatal(err)
	}
	n := activities.Notice{
		ComplaintID: f.c.ID, EventKey: "wf/survey_sent", EventKind: complaint.EventSurveySent,
		Recipient: activities.CustomerRecipient, Template: "survey", SurveyID: ticket.SurveyID,
		Vars: map[string]string{"expires_at": "2026-12-01T00:00:00Z"},
	}
	for range 2 { // a retry sends nothing again
		if err := f.notify(n); err != nil {
			t.Fatal(err)
		}
	}
	mails := f.smtp.Mails()
	if len(mails) != 1 {
		t.Fatalf("%d e-mails, want 1", len(mails))
	}
	i := strings.Index(mails[0].Body, "https://cf.example/v1/surveys/")
	if i < 0 {
		t.Fatalf("no link in %q", mails[0].Body)
	}
	token := strings.Fields(mails[0].Body[i+len("https://cf.example/v1/surveys/"):])[0]
	key, err := f.st.SurveySigningKey(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := survey.Verify(key, token, sent)
	if err != nil || got.SurveyID != ticket.SurveyID || !got.ExpiresAt.Equal(ticket.ExpiresAt) {
		t.Fatalf("token %+v, %v", got, err)
	}
	if _, err := survey.Verify(key, token, ticket.ExpiresAt); !errors.Is(err, survey.ErrExpired) {
		t.Fatalf("after the timeout: %v, want expired", err)
	}
	row := f.rows(t)["email"]
	if strings.Contains(row.Body, token) || !strings.Contains(row.Body, "https://cf.example/v1/surveys/"+survey.MaskedToken(token)) {
		t.Fatalf("row body %q, want the link masked", row.Body)
	}

	// Without e-mail the notice goes to the log: masked there too.
	f.acts.Notifiers = f.acts.Notifiers[:1]
	n.EventKey = "wf/survey_reminded"
	if err := f.notify(n); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(f.log.String(), token) || !strings.Contains(f.log.String(), survey.MaskedToken(token)) {
		t.Fatalf("the log holds the token or no masked link: %s", f.log.String())
	}
}
