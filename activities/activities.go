// Package activities holds the side effects of complaintflow's workflows: reads and
// writes of the system of record and notifications. Every activity is idempotent: the
// workflow passes a key, and a retry with the same key changes nothing.
package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// ErrTypeNotFound marks a business failure that no retry can fix: the complaint the
// workflow is about does not exist.
const ErrTypeNotFound = "NotFound"

// notFound reports whether err means a missing row: an error of its chain says so
// with a NotFound method (the store's ErrNotFound does).
func notFound(err error) bool {
	var e interface{ NotFound() bool }
	return errors.As(err, &e) && e.NotFound()
}

// conflict reports whether err means a conflict with what is stored: an error of
// its chain says so with a Conflict method (the store's ErrConflict does).
func conflict(err error) bool {
	var e interface{ Conflict() bool }
	return errors.As(err, &e) && e.Conflict()
}

// Store is what the activities need of the system of record.
type Store interface {
	OpenComplaint(ctx context.Context, complaintID, eventKey string, at time.Time) (complaint.SLA, error)
	RecordEvent(ctx context.Context, e complaint.Event) (bool, error)
	RecordMarks(ctx context.Context, events []complaint.Event) (int, error)
}

// Activities are the activity implementations, with their dependencies injected.
type Activities struct {
	Store     Store
	Directory Directory
	// Notifications records deliveries; Notifiers are the configured channels, at
	// most one per channel name (see Notify).
	Notifications NotificationStore
	Notifiers     []notify.Notifier
	Surveys       SurveyStore
	SurveyLinks   SurveyLinks
	// Continuous improvement: the quality team (a directory team ID), reviews, PDCA
	// cycles and risk alerts.
	Teams         TeamStore
	QualityTeamID string
	Reviews       ReviewStore
	Cycles        CycleStore
	Risks         RiskStore
	// QA is the quality-inspection queue and scorecard.
	QA QAStore
	// Messages renders customer notices (see Notice.Template).
	Messages CustomerMessages
	// Sends counts each send a delivery's attempt makes by channel, recipient
	// (RecipientKind) and the status the send left the delivery in
	// (service.CountSends); nil counts nothing.
	Sends func(channel, recipient, status string)
	Now   func() time.Time
}

// OpenComplaintInput asks to load a complaint's SLA and record that it opened.
type OpenComplaintInput struct {
	ComplaintID string
	EventKey    string
	At          time.Time
}

// OpenComplaint loads the SLA the complaint was filed under (the policy in force at
// filing time) and records the `opened` event.
func (a *Activities) OpenComplaint(ctx context.Context, in OpenComplaintInput) (complaint.SLA, error) {
	sla, err := a.Store.OpenComplaint(ctx, in.ComplaintID, in.EventKey, in.At)
	if notFound(err) {
		return sla, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("complaint %s does not exist", in.ComplaintID), ErrTypeNotFound, err)
	}
	return sla, err
}

// RecordEvent appends an event to the complaint's history and applies it to the
// complaint's current state, once per event key.
func (a *Activities) RecordEvent(ctx context.Context, e complaint.Event) error {
	recorded, err := a.Store.RecordEvent(ctx, e)
	if notFound(err) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeNotFound, err)
	}
	if err != nil {
		return err
	}
	if !recorded {
		activity.GetLogger(ctx).Info("event already recorded", "key", e.Key)
	}
	return nil
}

// RecordMarks records the events of SLA marks that fired together (warnings,
// breaches, ladder steps) in one statement; each is written once per event key, so
// a retry never doubles one.
func (a *Activities) RecordMarks(ctx context.Context, events []complaint.Event) error {
	recorded, err := a.Store.RecordMarks(ctx, events)
	if err != nil {
		return err
	}
	if recorded < len(events) {
		activity.GetLogger(ctx).Info("events already recorded", "events", len(events), "new", recorded)
	}
	return nil
}
