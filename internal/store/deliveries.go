package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/notify"
)

// DeliveryFilter selects an integration's callback deliveries for a listing page.
// Empty Statuses match any status.
type DeliveryFilter struct {
	IntegrationID string
	Statuses      []notify.NotificationStatus
	// AfterID is the row ID of the last delivery of the previous page; 0 for the first.
	AfterID int64
	Limit   int
}

// Deliveries lists the callback deliveries to an integration (deleted or not),
// newest first, one keyset page at a time on the row ID, which only grows: a page
// neither skips nor repeats a delivery however many are recorded meanwhile (they
// come before the first page). ErrNotFound when there never was such an
// integration.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]SentNotification, error) {
	var exists bool
	if err := s.db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT FROM integrations WHERE id = $1)`, f.IntegrationID); err != nil {
		return nil, fmt.Errorf("read integration %s: %w", f.IntegrationID, err)
	}
	if !exists {
		return nil, ErrNotFound
	}
	const q = `SELECT id, ` + notificationColumns + ` FROM notifications
		WHERE channel = 'callback' AND complaint_id IN (SELECT id FROM complaints WHERE integration_id = $1)
			AND (cardinality($2::text[]) = 0 OR status = ANY($2)) AND ($3 = 0 OR id < $3)
		ORDER BY id DESC LIMIT $4`
	statuses := make([]string, len(f.Statuses))
	for i, st := range f.Statuses {
		statuses[i] = string(st)
	}
	out := []SentNotification{}
	if err := s.db.SelectContext(ctx, &out, q, f.IntegrationID, pq.Array(statuses), f.AfterID, f.Limit); err != nil {
		return nil, fmt.Errorf("list deliveries of %s: %w", f.IntegrationID, err)
	}
	return out, nil
}

// RequestRedelivery asks for the callback delivery key to integrationID to be sent
// again (activities.Redeliver sends it): a delivery in a final state — sent,
// failed or uncertain — goes back to pending, its redeliveries counted and by
// recorded as the last to ask, now. One statement decides, so of two requests at
// once one wins and the other finds the delivery pending: ErrConflict with the
// delivery as it is, as for one still pending or sending; ErrConflict and no
// delivery for a deleted integration (its callbacks are no longer sent).
// ErrNotFound when there never was such an integration, or the delivery is not
// one of its callbacks.
func (s *Store) RequestRedelivery(ctx context.Context, integrationID, key, by string) (notify.Notification, error) {
	var n notify.Notification
	var deleted bool
	err := s.db.GetContext(ctx, &deleted, `SELECT deleted_at IS NOT NULL FROM integrations WHERE id = $1`, integrationID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return n, fmt.Errorf("no integration %s: %w", integrationID, ErrNotFound)
	case err != nil:
		return n, fmt.Errorf("read integration %s: %w", integrationID, err)
	case deleted:
		return n, fmt.Errorf("integration %s is deleted, its callbacks are no longer sent: %w", integrationID, ErrConflict)
	}
	const ofIntegration = ` idempotency_key = $2 AND channel = 'callback'
		AND complaint_id IN (SELECT id FROM complaints WHERE integration_id = $1)`
	const q = `UPDATE notifications SET status = 'pending', redeliveries = redeliveries + 1,
			redelivery_requested_by = $3, redelivery_requested_at = now(), updated_at = now()
		WHERE status IN ('sent', 'failed', 'uncertain') AND` + ofIntegration + `
		RETURNING ` + notificationColumns
	err = s.db.GetContext(ctx, &n, q, integrationID, key, by)
	if !errors.Is(err, sql.ErrNoRows) {
		if err != nil {
			return n, fmt.Errorf("request redelivery of %s: %w", key, err)
		}
		return n, nil
	}
	err = s.db.GetContext(ctx, &n, `SELECT `+notificationColumns+` FROM notifications WHERE`+ofIntegration, integrationID, key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return n, fmt.Errorf("no delivery %s to integration %s: %w", key, integrationID, ErrNotFound)
	case err != nil:
		return n, fmt.Errorf("read delivery %s: %w", key, err)
	}
	return n, fmt.Errorf("delivery %s is %s: %w", key, n.Status, ErrConflict)
}

// Redeliveries lists up to limit callback deliveries asked to be sent again
// (RequestRedelivery) that are still pending or sending, oldest request first: what
// the workers' redelivery loop sends. By the callbacks' status index.
func (s *Store) Redeliveries(ctx context.Context, limit int) ([]notify.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications
		WHERE channel = 'callback' AND status IN ('pending', 'sending') AND redeliveries > 0
		ORDER BY redelivery_requested_at, id LIMIT $1`
	var ns []notify.Notification
	if err := s.db.SelectContext(ctx, &ns, q, limit); err != nil {
		return nil, fmt.Errorf("list redeliveries: %w", err)
	}
	return ns, nil
}
