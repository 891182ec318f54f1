// Package activities holds the side effects of complaintflow's workflows: reads and
// writes of the system of record and notifications. Every activity is idempotent: the
// workflow passes a key, and a retry with the same key changes nothing.
package activities

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
	"github.com/complaintflow/complaintflow/internal/store"
)

// ErrTypeNotFound marks a business failure that no retry can fix: the complaint the
// workflow is about does not exist.
const ErrTypeNotFound = "NotFound"

// Store is what the activities need of the system of record.
type Store interface {
	OpenComplaint(ctx context.Context, complaintID, eventKey string, at time.Time) (complaint.SLA, error)
	RecordEvent(ctx context.Context, e complaint.Event) (bool, error)
	ClaimNotification(ctx context.Context, n store.Notification) (bool, error)
	MarkNotificationSent(ctx context.Context, key string, at time.Time) error
}

// Activities are the activity implementations, with their dependencies injected.
type Activities struct {
	Store    Store
	Notifier notify.Notifier
	Now      func() time.Time
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
	if errors.Is(err, store.ErrNotFound) {
		return sla, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("complaint %s does not exist", in.ComplaintID), ErrTypeNotFound, err)
	}
	return sla, err
}

// RecordEvent appends an event to the complaint's history and applies it to the
// complaint's current state, once per event key.
func (a *Activities) RecordEvent(ctx context.Context, e complaint.Event) error {
	recorded, err := a.Store.RecordEvent(ctx, e)
	if errors.Is(err, store.ErrNotFound) {
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

// Notice is a notification about a complaint event for one recipient.
type Notice struct {
	ComplaintID string
	EventKey    string
	EventKind   complaint.EventKind
	Recipient   string
	Subject     string
	Body        string
}

// Notify records the notice and sends it, at most once per (event, recipient,
// channel) however often the activity is retried.
func (a *Activities) Notify(ctx context.Context, n Notice) error {
	channel := a.Notifier.Channel()
	key := n.EventKey + "|" + n.Recipient + "|" + channel
	send, err := a.Store.ClaimNotification(ctx, store.Notification{
		IdempotencyKey: key,
		ComplaintID:    sql.NullString{String: n.ComplaintID, Valid: n.ComplaintID != ""},
		EventKind:      string(n.EventKind),
		Recipient:      n.Recipient,
		Channel:        channel,
		// Staff notices never carry customer contact details.
		Subject: notify.MaskText(n.Subject),
		Body:    notify.MaskText(n.Body),
	})
	if err != nil {
		return err
	}
	if !send {
		activity.GetLogger(ctx).Info("notification already sent", "key", key)
		return nil
	}
	msg := notify.Message{Key: key, Recipient: n.Recipient, Subject: notify.MaskText(n.Subject), Body: notify.MaskText(n.Body)}
	if err := a.Notifier.Send(ctx, msg); err != nil {
		return fmt.Errorf("send %s notification to %s: %w", channel, n.Recipient, err)
	}
	return a.Store.MarkNotificationSent(ctx, key, a.now())
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}
