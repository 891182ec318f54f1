package store

import (
	"context"
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
