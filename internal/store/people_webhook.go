package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/complaintflow/complaintflow/internal/complaint"
	"github.com/complaintflow/complaintflow/internal/notify"
)

// RotateWebhookSecret makes secret the key that signs a person's webhooks, in place
// of their own (or of the shared key, for a webhook set before keys). The key it
// replaces keeps signing beside it for grace (none: it signs nothing more), so
// their receiver can switch at its own pace. A rotation with a grace within an
// earlier one's window keeps that window's key (the oldest still valid, which the
// receiver is the likeliest to hold: a second rotation mostly means the key the
// first one showed was lost, never deployed) and ends it grace from now; the key
// it replaces signs nothing more. A rotation without a grace stops every old key.
// (keyRotation; an integration's callback secret rotates by the same rule.)
// ErrNotFound when there is no such person; a field error naming webhook_url
// (ErrConflict) when they have no webhook to sign. With a version, only if the
// person is still that version (ErrStale otherwise, with the person as they are).
func (s *Store) RotateWebhookSecret(ctx context.Context, id, secret, by string, grace time.Duration, version *time.Time) (Person, error) {
	previous, until := keyRotation("webhook_secret", "webhook_secret_previous", "webhook_secret_previous_until", "$5")
	q := `UPDATE people SET webhook_secret = $2, updated_at = now(), updated_by = $3,
			webhook_secret_previous = ` + previous + `, webhook_secret_previous_until = ` + until + `
		WHERE id = $1 AND webhook_url IS NOT NULL AND ($4::timestamptz IS NULL OR updated_at = $4)
		RETURNING ` + personColumns
	var p Person
	err := s.inDirectoryTx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &p, q, id, secret, by, version, grace.Microseconds())
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

// keyRotation is the rule of a signing key's rotation (RotateWebhookSecret), as
// the values an UPDATE sets the replaced key's columns to: previous, the key the
// rotation replaced, and until, the end of its window. key, previous and until name
// the row's current values; grace is the parameter of the grace in microseconds.
// No grace: no old key. Within a window: the key already kept, the oldest still
// valid. Else the key replaced (NULL: the shared one, for a person).
func keyRotation(key, previous, until, grace string) (previousValue, untilValue string) {
	return `CASE WHEN ` + grace + `::bigint <= 0 THEN NULL
				WHEN ` + until + ` > now() THEN ` + previous + `
				ELSE ` + key + ` END`,
		`CASE WHEN ` + grace + `::bigint > 0 THEN now() + ` + grace + `::bigint * interval '1 microsecond' END`
}

// PersonWebhook returns the webhook of a person, active or not, as Contacts' webhook
// fields (empty for none, or no such person): a delivery begun before they left is
// finished, signed with their keys, if their webhook is still the one it was begun for.
func (s *Store) PersonWebhook(ctx context.Context, id string) (notify.Contacts, error) {
	const q = `SELECT ` + personWebhookColumns + ` FROM people p WHERE id = $1`
	var c notify.Contacts
	err := s.db.GetContext(ctx, &c, q, id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("webhook of %s: %w", id, err)
	}
	return c, nil
}

// personWebhookColumns are the webhook fields of notify.Contacts, of people p.
const personWebhookColumns = `COALESCE(p.webhook_url, '') AS person_webhook_url,
	COALESCE(p.webhook_secret, '') AS person_webhook_secret,
	COALESCE(p.webhook_secret_previous, '') AS person_webhook_previous_secret,
	p.webhook_secret_previous_until AS person_webhook_previous_until`

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
