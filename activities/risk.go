package activities

import (
	"context"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/quality"
)

// ErrTypeAlertConflict marks an alert transition its status no longer allows (a
// response to a closed alert); the workflow's validators make it rare, no retry
// fixes it.
const ErrTypeAlertConflict = "AlertConflict"

// RiskStore is what the risk activities need of the system of record.
type RiskStore interface {
	EvaluateRisks(ctx context.Context, at time.Time) (quality.RiskEvaluation, error)
	OpenRiskAlert(ctx context.Context, a quality.NewRiskAlert) (quality.RiskAlert, bool, error)
	RiskAlert(ctx context.Context, id string) (quality.RiskAlert, error)
	RecordRiskAlertEvent(ctx context.Context, e quality.RiskAlertEvent) (bool, error)
}

// EvaluateRisksInput names the moment every window of the evaluation ends at: the
// monitor run's workflow time, so a retry judges the same windows.
type EvaluateRisksInput struct {
	At time.Time
}

// EvaluateRisks checks every risk condition against the thresholds in force.
func (a *Activities) EvaluateRisks(ctx context.Context, in EvaluateRisksInput) (quality.RiskEvaluation, error) {
	return a.Risks.EvaluateRisks(ctx, in.At)
}

// OpenAlertInput asks to open an alert for a check whose condition holds.
type OpenAlertInput struct {
	MonitorRun string // the monitor's workflow ID
	Check      quality.RiskCheck
	At         time.Time
}

// OpenedAlert is the alert for the condition: new (Created), or the one already open.
type OpenedAlert struct {
	AlertID string
	Created bool
}

// OpenAlert opens an alert, once per monitor run, condition and subject: a retry
// returns what the first attempt did, Created included, so the monitor starts the
// alert's workflow even if it failed right after opening it.
func (a *Activities) OpenAlert(ctx context.Context, in OpenAlertInput) (OpenedAlert, error) {
	owner, err := a.alertOwner(ctx, in.Check)
	if err != nil {
		return OpenedAlert{}, err
	}
	key := in.MonitorRun + "/" + string(in.Check.Condition)
	if in.Check.Subject != "" {
		key += "/" + in.Check.Subject
	}
	alert, created, err := a.Risks.OpenRiskAlert(ctx, quality.NewRiskAlert{
		ID: uuid.NewString(), Key: key, MonitorRun: in.MonitorRun, Check: in.Check, At: in.At, OwnerID: owner,
	})
	if err != nil {
		return OpenedAlert{}, err
	}
	return OpenedAlert{AlertID: alert.ID, Created: created}, nil
}

// alertOwner is who answers a check's alert: for stale knowledge the articles'
// owner, who keeps them current, while an active person; for a training gap the
// lead of the agent's (or the) team, who plans the training — unless the lead is
// the agent or the team has none; else the quality lead. "" without a directory or
// a lead.
func (a *Activities) alertOwner(ctx context.Context, c quality.RiskCheck) (string, error) {
	if kb := c.Details.Knowledge; kb != nil && kb.OwnerActive {
		return kb.Owner, nil
	}
	if a.Teams == nil {
		return "", nil
	}
	if tr := c.Details.Training; tr != nil && tr.Team != "" {
		lead, _, err := a.Teams.TeamRoster(ctx, tr.Team)
		if err != nil {
			return "", err
		}
		if lead != "" && lead != tr.Agent {
			return lead, nil
		}
	}
	lead, _, err := a.Teams.TeamRoster(ctx, a.QualityTeamID)
	return lead, err
}

// LoadAlert reads an alert; a missing one is a non-retryable NotFound.
func (a *Activities) LoadAlert(ctx context.Context, alertID string) (quality.RiskAlert, error) {
	alert, err := a.Risks.RiskAlert(ctx, alertID)
	if notFound(err) {
		return alert, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	return alert, err
}

// RecordAlertEvent appends an event to an alert's history and applies it (level,
// deadline, status, ledger), once per event key.
func (a *Activities) RecordAlertEvent(ctx context.Context, e quality.RiskAlertEvent) error {
	recorded, err := a.Risks.RecordRiskAlertEvent(ctx, e)
	switch {
	case notFound(err):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	case conflict(err):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeAlertConflict, err)
	case err != nil:
		return err
	}
	if !recorded {
		activity.GetLogger(ctx).Info("risk alert event already recorded", "key", e.Key)
	}
	return nil
}
