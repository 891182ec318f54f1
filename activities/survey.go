package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/survey"
)

// SurveyStore is what the survey activities need of the system of record.
type SurveyStore interface {
	SurveySigningKey(ctx context.Context, configured string) ([]byte, error)
	OpenSurvey(ctx context.Context, s survey.Survey) (survey.Survey, error)
	Survey(ctx context.Context, id string) (survey.Survey, error)
}

// SurveyLinks says how survey links are built: the API's public base URL (the
// customer opens <BaseURL>/v1/surveys/<token>) and the signing secret (empty: the
// key the service generated and keeps in PostgreSQL).
type SurveyLinks struct {
	BaseURL       string
	SigningSecret string
}

// OpenSurveyInput asks for the survey of one resolution round.
type OpenSurveyInput struct {
	ComplaintID string
	Round       int
	WorkflowID  string // the feedback loop that takes the answer
	SentAt      time.Time
	Timeout     time.Duration
}

// SurveyTicket is an opened survey. Its signed link, the customer's credential, is
// not in it (a ticket is kept in Temporal's history): Notify signs the link of
// Notice.SurveyID when it delivers. Histories recorded before kept a Link field,
// which decoding now ignores.
type SurveyTicket struct {
	SurveyID  string
	ExpiresAt time.Time
}

// OpenSurvey creates the round's survey (or finds the one a previous attempt
// created); its link expires when the feedback loop stops waiting.
func (a *Activities) OpenSurvey(ctx context.Context, in OpenSurveyInput) (SurveyTicket, error) {
	sv, err := a.Surveys.OpenSurvey(ctx, survey.Survey{
		ID: uuid.NewString(), ComplaintID: in.ComplaintID, Round: in.Round, WorkflowID: in.WorkflowID,
		SentAt: in.SentAt, ExpiresAt: in.SentAt.Add(in.Timeout).Truncate(time.Second),
	})
	if notFound(err) {
		return SurveyTicket{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	if err != nil {
		return SurveyTicket{}, err
	}
	return SurveyTicket{SurveyID: sv.ID, ExpiresAt: sv.ExpiresAt.UTC()}, nil
}

// surveyLink signs the link to a survey; the same survey always gets the same link.
func (a *Activities) surveyLink(ctx context.Context, surveyID string, expiresAt time.Time) (string, error) {
	key, err := a.Surveys.SurveySigningKey(ctx, a.SurveyLinks.SigningSecret)
	if err != nil {
		return "", err
	}
	token := survey.Sign(key, survey.Token{SurveyID: surveyID, ExpiresAt: expiresAt})
	return fmt.Sprintf("%s/v1/surveys/%s", strings.TrimRight(a.SurveyLinks.BaseURL, "/"), token), nil
}
