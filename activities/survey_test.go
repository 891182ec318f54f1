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
	"github.com/complaintflow/complaintflow/internal/survey"
)

// A retried OpenSurvey finds the survey it created and signs the same link; the
// link's token verifies with the key kept in PostgreSQL and expires with the survey.
func TestOpenSurveyIsIdempotentAndSignsAnExpiringLink(t *testing.T) {
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
	if tickets[0] != tickets[1] {
		t.Fatalf("a retry made another survey or link: %+v vs %+v", tickets[0], tickets[1])
	}
	token, ok := strings.CutPrefix(tickets[0].Link, "https://cf.example/v1/surveys/")
	if !ok {
		t.Fatalf("link %q", tickets[0].Link)
	}
	key, err := st.SurveySigningKey(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := survey.Verify(key, token, sent)
	if err != nil || got.SurveyID != tickets[0].SurveyID || !got.ExpiresAt.Equal(sent.Add(72*time.Hour).Truncate(time.Second)) {
		t.Fatalf("token %+v, %v", got, err)
	}
	if _, err := survey.Verify(key, token, sent.Add(72*time.Hour)); !errors.Is(err, survey.ErrExpired) {
		t.Fatalf("after the timeout: %v, want expired", err)
	}

	_, err = env.ExecuteActivity(a.OpenSurvey, activities.OpenSurveyInput{ComplaintID: uuid.NewString(), WorkflowID: "wf", SentAt: sent, Timeout: time.Hour})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrTypeNotFound {
		t.Fatalf("survey of a missing complaint: %v, want %s", err, activities.ErrTypeNotFound)
	}
}
