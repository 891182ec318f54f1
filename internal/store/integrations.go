package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/notify"
)

// Integration is an intake system that files complaints through its intake tokens
// and is told of their customer-visible changes at CallbackURL, signed with Secret.
type Integration struct {
	ID          string     `db:"id"`
	Name        string     `db:"name"`
	CallbackURL string     `db:"callback_url"`
	Secret      string     `db:"secret"`
	CreatedAt   time.Time  `db:"created_at"`
	CreatedBy   string     `db:"created_by"`
	UpdatedAt   time.Time  `db:"updated_at"`
	UpdatedBy   string     `db:"updated_by"`
	DeletedAt   *time.Time `db:"deleted_at"`
	// PreviousUntil is when the secret the last rotation replaced stops signing
	// beside Secret; nil: none does. Kept after it passes (the sender compares).
	PreviousUntil *time.Time `db:"secret_previous_until"`
}

const integrationColumns = `id, name, callback_url, secret, created_at, created_by, updated_at, updated_by, deleted_at,
	secret_previous_until`

// PutIntegration creates or replaces an integration and reports whether it was
// created and whether it now signs with secret. A new integration, one deleted
// before, or one asked to rotate takes secret; any other keeps its own. A
// rotation keeps the secret it replaces signing for grace, by a person's webhook
// key's rule (keyRotation); a new callback URL ends that window, as the receiver
// that held the old secret is no longer the one posted to, and so does deleting.
// With a version (see ErrStale; a deleted integration has none, the zero time) it
// is written only if the integration is still that version, else ErrStale and the
// integration as it is (zero when there is none).
func (s *Store) PutIntegration(ctx context.Context, in Integration, rotate bool, grace time.Duration, version *time.Time) (Integration, bool, bool, error) {
	previous, until := keyRotation("i.secret", "i.secret_previous", "i.secret_previous_until", "$8")
	ended := `i.deleted_at IS NOT NULL OR i.callback_url <> EXCLUDED.callback_url`
	q := `INSERT INTO integrations AS i (id, name, callback_url, secret, created_by, updated_by)
		SELECT $1, $2, $3, $4, $5, $5
		WHERE $7::timestamptz IS NULL OR $7 = '0001-01-01T00:00:00Z' OR EXISTS (SELECT FROM integrations WHERE id = $1)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, callback_url = EXCLUDED.callback_url,
			secret = CASE WHEN i.deleted_at IS NOT NULL OR $6 THEN EXCLUDED.secret ELSE i.secret END,
			secret_previous = CASE WHEN ` + ended + ` THEN NULL WHEN $6 THEN ` + previous + ` ELSE i.secret_previous END,
			secret_previous_until = CASE WHEN ` + ended + ` THEN NULL WHEN $6 THEN ` + until + ` ELSE i.secret_previous_until END,
			deleted_at = NULL, updated_at = now(), updated_by = EXCLUDED.updated_by
		WHERE $7::timestamptz IS NULL
			OR CASE WHEN i.deleted_at IS NULL THEN i.updated_at ELSE '0001-01-01T00:00:00Z' END = $7
		RETURNING ` + integrationColumns + `, (xmax = 0) AS created`
	var out struct {
		Integration
		Created bool `db:"created"`
	}
	err := s.db.GetContext(ctx, &out, q, in.ID, in.Name, in.CallbackURL, in.Secret, in.UpdatedBy, rotate, version, grace.Microseconds())
	if errors.Is(err, sql.ErrNoRows) { // only a version can keep the row from being written
		now, err := staleAs(ErrStale, func() (Integration, error) { return s.Integration(ctx, in.ID) })
		return now, false, false, err
	}
	if err != nil {
		return in, false, false, fmt.Errorf("put integration %s: %w", in.ID, err)
	}
	return out.Integration, out.Created, out.Secret == in.Secret, nil
}

// Integration reads one integration that is not deleted.
func (s *Store) Integration(ctx context.Context, id string) (Integration, error) {
	var in Integration
	err := s.db.GetContext(ctx, &in, `SELECT `+integrationColumns+` FROM integrations WHERE id = $1 AND deleted_at IS NULL`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return in, ErrNotFound
	}
	if err != nil {
		return in, fmt.Errorf("read integration %s: %w", id, err)
	}
	return in, nil
}

// Integrations lists the integrations that are not deleted, by ID.
func (s *Store) Integrations(ctx context.Context) ([]Integration, error) {
	var ins []Integration
	err := s.db.SelectContext(ctx, &ins, `SELECT `+integrationColumns+` FROM integrations WHERE deleted_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	return ins, nil
}

// DeleteIntegration stops an integration's callbacks: complaints filed through it
// are no longer posted about, and its tokens file complaints without it. The row
// stays for the tokens and complaints that name it.
//
// With a version, only if the integration is still that version (ErrStale otherwise).
func (s *Store) DeleteIntegration(ctx context.Context, id, by string, version *time.Time) error {
	const q = `UPDATE integrations SET deleted_at = now(), updated_at = now(), updated_by = $2
		WHERE id = $1 AND deleted_at IS NULL AND ($3::timestamptz IS NULL OR updated_at = $3)`
	res, err := s.db.ExecContext(ctx, q, id, by, version)
	if err != nil {
		return fmt.Errorf("delete integration %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return goneOrStale(version, func() error { _, err := s.Integration(ctx, id); return err })
	}
	return nil
}

// CallbackTarget returns the integration a complaint was filed through, if it
// still exists, with the event eventKey as recorded; false when there is no
// integration to call back.
func (s *Store) CallbackTarget(ctx context.Context, complaintID, eventKey string) (notify.CallbackTarget, bool, error) {
	const q = `SELECT i.id AS integration_id, i.callback_url, i.secret, c.external_id,
			COALESCE(i.secret_previous, '') AS secret_previous, i.secret_previous_until,
			COALESCE(e.occurred_at, now()) AS occurred_at, COALESCE(e.data, '{}') AS event_data,
			sv.expires_at AS survey_expires_at, COALESCE(res.data, '{}') AS resolution_data
		FROM complaints c
		JOIN integrations i ON i.id = c.integration_id AND i.deleted_at IS NULL
		LEFT JOIN complaint_events e ON e.complaint_id = c.id AND e.idempotency_key = $2
		LEFT JOIN surveys sv ON sv.id = NULLIF(e.data->>'survey_id', '')::uuid
		LEFT JOIN LATERAL (
			SELECT r.data FROM complaint_events r
			WHERE r.complaint_id = c.id AND r.kind = 'resolved'
			ORDER BY r.occurred_at DESC, r.id DESC LIMIT 1) res ON true
		WHERE c.id = $1`
	var t notify.CallbackTarget
	err := s.db.GetContext(ctx, &t, q, complaintID, eventKey)
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	if err != nil {
		return t, false, fmt.Errorf("callback target of %s: %w", complaintID, err)
	}
	return t, true, nil
}

// Callbacks lists the callback deliveries about a complaint, oldest first.
func (s *Store) Callbacks(ctx context.Context, complaintID string) ([]notify.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications
		WHERE complaint_id = $1 AND channel = 'callback' ORDER BY id`
	var ns []notify.Notification
	if err := s.db.SelectContext(ctx, &ns, q, complaintID); err != nil {
		return nil, fmt.Errorf("list callbacks: %w", err)
	}
	return ns, nil
}
