package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Notification is one notice to one recipient over one channel.
type Notification struct {
	IdempotencyKey string         `db:"idempotency_key"`
	ComplaintID    sql.NullString `db:"complaint_id"`
	EventKind      string         `db:"event_kind"`
	Recipient      string         `db:"recipient"`
	Channel        string         `db:"channel"`
	Subject        string         `db:"subject"`
	Body           string         `db:"body"`
	CreatedAt      time.Time      `db:"created_at"`
	SentAt         sql.NullTime   `db:"sent_at"`
}

// ClaimNotification records a notification before it is sent. It reports whether the
// caller should send it: false when a notification with the same key was already
// sent, so a retried activity never sends a notice twice.
func (s *Store) ClaimNotification(ctx context.Context, n Notification) (bool, error) {
	const q = `INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient, channel, subject, body)
		VALUES (:idempotency_key, :complaint_id, :event_kind, :recipient, :channel, :subject, :body)
		ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
		RETURNING sent_at`
	rows, err := s.db.NamedQueryContext(ctx, q, n)
	if err != nil {
		return false, fmt.Errorf("claim notification: %w", err)
	}
	defer rows.Close()
	var sentAt sql.NullTime
	if rows.Next() {
		if err := rows.Scan(&sentAt); err != nil {
			return false, fmt.Errorf("claim notification: %w", err)
		}
	}
	return !sentAt.Valid, rows.Err()
}

// MarkNotificationSent records that a notification went out.
func (s *Store) MarkNotificationSent(ctx context.Context, key string, at time.Time) error {
	const q = `UPDATE notifications SET sent_at = $2 WHERE idempotency_key = $1 AND sent_at IS NULL`
	if _, err := s.db.ExecContext(ctx, q, key, at); err != nil {
		return fmt.Errorf("mark notification sent: %w", err)
	}
	return nil
}

// Notifications lists the notifications about a complaint, oldest first.
func (s *Store) Notifications(ctx context.Context, complaintID string) ([]Notification, error) {
	const q = `SELECT idempotency_key, complaint_id, event_kind, recipient, channel, subject, body, created_at, sent_at
		FROM notifications WHERE complaint_id = $1 ORDER BY id`
	var ns []Notification
	if err := s.db.SelectContext(ctx, &ns, q, complaintID); err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return ns, nil
}
