package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/complaintflow/complaintflow/internal/complaint"
)

// RotateWebhookSecret makes secret the key that signs a person's webhooks, in place
// of their own (or of the shared key, for a webhook set before keys): the old key
// signs nothing more. ErrNotFound when there is no such person; a field error
// naming webhook_url (ErrConflict) when they have no webhook to sign. With a
// version, only if the person is still that version (ErrStale otherwise, with the
// person as they are).
func (s *Store) RotateWebhookSecret(ctx context.Context, id, secret, by string, version *time.Time) (Person, error) {
	const q = `UPDATE people SET webhook_secret = $2, updated_at = now(), updated_by = $3
		WHERE id = $1 AND webhook_url IS NOT NULL AND ($4::timestamptz IS NULL OR updated_at = $4)
		RETURNING ` + personColumns
	var p Person
	err := s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &p, q, id, secret, by, version)
	})
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("rotate webhook secret of %s: %w", id, err)
	}
	// Nothing written: say why.
	now, err := s.Person(ctx, id)
	switch {
	case err != nil:
		return now, err
	case version != nil && !now.UpdatedAt.Equal(*version):
		return now, ErrStale
	}
	return now, &FieldError{Field: "webhook_url", kind: ErrConflict,
		Reason: "person " + id + " has no webhook to sign; set webhook_url first"}
}

// PersonWebhook returns the webhook URL and key of a person, active or not ("" for
// none, or no such person): a delivery begun before they left is finished, signed
// with their key, if their webhook is still the one it was begun for.
func (s *Store) PersonWebhook(ctx context.Context, id string) (url, secret string, err error) {
	const q = `SELECT COALESCE(webhook_url, '') AS url, COALESCE(webhook_secret, '') AS secret FROM people WHERE id = $1`
	var hook struct {
		URL    string `db:"url"`
		Secret string `db:"secret"`
	}
	err = s.db.GetContext(ctx, &hook, q, id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("webhook of %s: %w", id, err)
	}
	return hook.URL, hook.Secret, nil
}

// UnkeyedWebhooks counts the active people whose webhook has no key of its own (set
// before keys existed, migration 00041): without WEBHOOK_SIGNING_SECRET nothing
// signs it, so they get no webhook notices until an admin rotates their key. People
// with a reserved actor's ID (complaint.ReservedActor, written before migration
// 00044) are left out: no key can be given them, only their deactivation.
func (s *Store) UnkeyedWebhooks(ctx context.Context) (int, error) {
	const q = `SELECT count(*) FROM people
		WHERE active AND webhook_url IS NOT NULL AND webhook_secret IS NULL AND id NOT IN ($1, $2)`
	var n int
	err := s.db.GetContext(ctx, &n, q, complaint.ActorCustomer, complaint.ActorSystem)
	if err != nil {
		return 0, fmt.Errorf("count unkeyed webhooks: %w", err)
	}
	return n, nil
}
