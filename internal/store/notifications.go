package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/complaintflow/complaintflow/internal/notify"
)

const notificationColumns = `idempotency_key, complaint_id, event_kind, recipient, channel, address, subject, body,
	status, attempts, last_error, created_at, updated_at, sent_at, redeliveries, redelivery_requested_by, redelivery_requested_at`

// ClaimNotification records n unless a notification with its key exists, and claims
// it for sending. It returns the row as the call left it and what the call did: won
// (the caller must now send and then call FinishNotification), gave up, or nothing.
// Exactly one of concurrent callers changes the row:
//
//   - new: recorded as sending, attempt 1, won;
//   - pending (a retryable failure put it back): moved to sending, attempts+1, won;
//   - sending, untouched for at least stale (the attempt that claimed it died
//     mid-send): if resend, won again (attempts+1), for channels whose receivers
//     deduplicate on the key; otherwise moved to uncertain, gave up;
//   - sending more recently: nothing, another attempt may still be sending;
//   - sent, failed, uncertain: nothing, nothing more to do.
func (s *Store) ClaimNotification(ctx context.Context, n notify.Notification, stale time.Duration, resend bool) (notify.Notification, notify.Claim, error) {
	// A new row is claimed as it is written: nobody else can hold it yet, so the
	// first attempt of every delivery — almost all of them — takes one statement and
	// one row version instead of an insert as pending and a claiming update (which,
	// moving the indexed status, wrote every index of the table again).
	const insert = `INSERT INTO notifications (idempotency_key, complaint_id, event_kind, recipient, channel, address, subject, body,
			status, attempts)
		VALUES (:idempotency_key, :complaint_id, :event_kind, :recipient, :channel, :address, :subject, :body, 'sending', 1)
		ON CONFLICT (idempotency_key) DO NOTHING
		RETURNING ` + notificationColumns
	var got notify.Notification
	inserted, err := s.insertReturning(ctx, &got, insert, n)
	if err != nil {
		return n, notify.ClaimNone, fmt.Errorf("record notification: %w", err)
	}
	if inserted {
		return got, notify.ClaimWon, nil
	}
	// One statement, so the row lock decides between concurrent claims: the loser
	// re-reads the row the winner left and no longer matches.
	const claim = `UPDATE notifications SET
			status = CASE WHEN status = 'pending' OR $3 THEN 'sending' ELSE 'uncertain' END,
			attempts = attempts + CASE WHEN status = 'pending' OR $3 THEN 1 ELSE 0 END,
			updated_at = now()
		WHERE idempotency_key = $1 AND (status = 'pending'
			OR (status = 'sending' AND updated_at <= now() - make_interval(secs => $2)))
		RETURNING ` + notificationColumns
	err = s.db.GetContext(ctx, &got, claim, n.IdempotencyKey, stale.Seconds(), resend)
	if err == nil {
		if got.Status == notify.NotificationSending {
			return got, notify.ClaimWon, nil
		}
		return got, notify.ClaimGaveUp, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return n, notify.ClaimNone, fmt.Errorf("claim notification: %w", err)
	}
	const read = `SELECT ` + notificationColumns + ` FROM notifications WHERE idempotency_key = $1`
	if err := s.db.GetContext(ctx, &got, read, n.IdempotencyKey); err != nil {
		return n, notify.ClaimNone, fmt.Errorf("read notification: %w", err)
	}
	return got, notify.ClaimNone, nil
}

// FinishNotification records the outcome of the send that claim attempt made:
// sent (at at), failed, uncertain, or back to pending for a retry, with lastError.
// It does nothing, and reports false, when the row is no longer that attempt's: it
// was given up as stale and claimed or settled by another.
func (s *Store) FinishNotification(ctx context.Context, key string, attempt int, status notify.NotificationStatus, lastError string, at time.Time) (bool, error) {
	const q = `UPDATE notifications SET status = $3, last_error = COALESCE(NULLIF($4, ''), last_error),
			sent_at = CASE WHEN $3 = 'sent' THEN $5::timestamptz ELSE sent_at END, updated_at = now()
		WHERE idempotency_key = $1 AND status = 'sending' AND attempts = $2`
	res, err := s.db.ExecContext(ctx, q, key, attempt, string(status), lastError, at)
	if err != nil {
		return false, fmt.Errorf("finish notification: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UnsettledNotifications lists the deliveries of notices about a complaint (named
// by their event keys, with which every channel's key starts) that are still
// pending or sending, oldest first: what an attempt began and has not finished. By
// the complaint's index, so a wake-up with none (nearly every one) costs one read.
func (s *Store) UnsettledNotifications(ctx context.Context, complaintID string, eventKeys []string) ([]notify.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications
		WHERE complaint_id = $1 AND split_part(idempotency_key, '|', 1) = ANY($2) AND status IN ('pending', 'sending')
		ORDER BY id`
	var ns []notify.Notification
	if err := s.db.SelectContext(ctx, &ns, q, complaintID, pq.Array(eventKeys)); err != nil {
		return nil, fmt.Errorf("list unsettled notifications: %w", err)
	}
	return ns, nil
}

// AbandonedNotifications lists up to limit deliveries on channels, to anyone but
// exceptRecipient, that are still pending or sending and that nothing has touched
// for at least idle, oldest first: work begun that no attempt is on any longer.
// Every claim and finish touches a row, so a delivery an attempt still works on is
// not among them. By the status index: unsettled rows are few.
func (s *Store) AbandonedNotifications(ctx context.Context, idle time.Duration, channels []string, exceptRecipient string, limit int) ([]notify.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications
		WHERE status IN ('pending', 'sending') AND updated_at <= now() - make_interval(secs => $1)
			AND channel = ANY($2) AND recipient <> $3
		ORDER BY created_at, id LIMIT $4`
	var ns []notify.Notification
	if err := s.db.SelectContext(ctx, &ns, q, idle.Seconds(), pq.Array(channels), exceptRecipient, limit); err != nil {
		return nil, fmt.Errorf("list abandoned notifications: %w", err)
	}
	return ns, nil
}

// Notifications lists the notifications about a complaint, oldest first.
func (s *Store) Notifications(ctx context.Context, complaintID string) ([]notify.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications WHERE complaint_id = $1 ORDER BY id`
	var ns []notify.Notification
	if err := s.db.SelectContext(ctx, &ns, q, complaintID); err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return ns, nil
}

// SentNotification is a notification with its row ID, the key of a listing's pages.
type SentNotification struct {
	ID int64 `db:"id"`
	notify.Notification
}

// NotificationFilter selects notifications for a listing page. Empty fields match
// anything; any of Statuses may match.
type NotificationFilter struct {
	ComplaintID string
	Recipient   string
	Statuses    []notify.NotificationStatus
	// After is the (created_at, id) of the last row of the previous page; 0 for the first.
	AfterCreatedAt time.Time
	AfterID        int64
	Limit          int
}

// NotificationPage lists notifications newest first, one keyset page at a time.
func (s *Store) NotificationPage(ctx context.Context, f NotificationFilter) ([]SentNotification, error) {
	var preds []pred
	if len(f.Statuses) > 0 {
		preds = append(preds, pred{"status = ANY(?)", []any{pq.Array(f.Statuses)}})
	}
	after := ""
	if f.AfterID > 0 {
		after = strconv.FormatInt(f.AfterID, 10)
	}
	return selectPage[SentNotification](ctx, s, keyset{
		what: "notifications", query: `SELECT id, ` + notificationColumns + ` FROM notifications`, at: "created_at", id: "id",
		filters: []filter{{"complaint_id", f.ComplaintID}, {"recipient", f.Recipient}},
		preds:   preds,
		afterAt: f.AfterCreatedAt, afterID: after, limit: f.Limit,
	})
}

// NotificationContacts returns the e-mail and webhook URL of personID, if that is
// an active person of the directory, and the contact details of the customer of
// complaintID, if that is a complaint. Either ID may be empty. A delivery begun
// before the person left is finished from its row (PersonWebhook).
func (s *Store) NotificationContacts(ctx context.Context, complaintID, personID string) (notify.Contacts, error) {
	const q = `SELECT COALESCE(p.email, '') AS person_email, ` + personWebhookColumns + `,
			COALESCE(c.customer_phone, '') AS customer_phone, COALESCE(c.customer_email, '') AS customer_email,
			COALESCE(c.customer_address, '') AS customer_address,
			COALESCE(c.customer_name, '') AS customer_name, COALESCE(c.customer_locale, '') AS customer_locale
		FROM (VALUES (1)) AS one (x)
		LEFT JOIN complaints c ON c.id = NULLIF($1, '')::uuid
		LEFT JOIN people p ON p.id = $2 AND p.active`
	var c notify.Contacts
	if err := s.db.GetContext(ctx, &c, q, complaintID, personID); err != nil {
		return c, fmt.Errorf("notification contacts: %w", err)
	}
	return c, nil
}

// FeedbackContacts returns the contact details of the customer who sent feedbackID
// (a notice about an improvement their feedback suggested; no locale is recorded
// with feedback, so the default is used).
func (s *Store) FeedbackContacts(ctx context.Context, feedbackID string) (notify.Contacts, error) {
	const q = `SELECT COALESCE(customer_phone, '') AS customer_phone, COALESCE(customer_email, '') AS customer_email,
			COALESCE(customer_address, '') AS customer_address, COALESCE(customer_name, '') AS customer_name
		FROM feedback WHERE id = $1`
	var c notify.Contacts
	err := s.db.GetContext(ctx, &c, q, feedbackID)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("feedback contacts: %w", err)
	}
	return c, nil
}

// EscalationSeq is the sequence number of the escalation request an escalation
// event of the complaint recorded (escalation_requested, escalation_moved_up, …);
// false when no such event is recorded or it names no escalation.
func (s *Store) EscalationSeq(ctx context.Context, complaintID, eventKey string) (int, bool, error) {
	const q = `SELECT COALESCE((data->'escalation'->>'seq')::int, 0) FROM complaint_events
		WHERE complaint_id = NULLIF($1, '')::uuid AND idempotency_key = $2`
	var seq int
	err := s.db.GetContext(ctx, &seq, q, complaintID, eventKey)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("escalation of event %s: %w", eventKey, err)
	}
	return seq, seq > 0, nil
}
