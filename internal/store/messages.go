package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/complaintflow/complaintflow/internal/message"
)

const messageTemplateColumns = `key, locale, subject, body, updated_by, updated_at`

// MessageTemplates lists the admins' versions of customer texts, by key and locale.
func (s *Store) MessageTemplates(ctx context.Context) ([]message.Template, error) {
	var out []message.Template
	err := s.db.SelectContext(ctx, &out, `SELECT `+messageTemplateColumns+` FROM message_templates ORDER BY key, locale`)
	if err != nil {
		return nil, fmt.Errorf("message templates: %w", err)
	}
	return out, nil
}

// MessageTemplate is the admins' version of key in locale; ErrNotFound when they
// kept the seeded text.
func (s *Store) MessageTemplate(ctx context.Context, key message.Key, locale message.Locale) (message.Template, error) {
	var t message.Template
	err := s.db.GetContext(ctx, &t, `SELECT `+messageTemplateColumns+` FROM message_templates WHERE key = $1 AND locale = $2`,
		key, locale)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("message template %s/%s: %w", key, locale, err)
	}
	return t, nil
}

// PutMessageTemplate stores an admin's version of a customer text and reports
// whether it replaced the seeded one (the first version of that key and locale).
// With a version (see ErrStale; the zero time is the seeded text) it is stored
// only if the text is still that version, else ErrStale and the admins' version as
// it is (ErrStale and a zero Template: the seeded text is still in use).
func (s *Store) PutMessageTemplate(ctx context.Context, t message.Template, version *time.Time) (message.Template, bool, error) {
	const q = `INSERT INTO message_templates AS m (key, locale, subject, body, updated_by)
		SELECT $1, $2, $3, $4, $5
		-- A version names an admins' version that exists: none, or the check below.
		WHERE $6::timestamptz IS NULL OR $6 = '0001-01-01T00:00:00Z' OR EXISTS (
			SELECT FROM message_templates WHERE key = $1 AND locale = $2)
		ON CONFLICT (key, locale) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body,
			updated_by = EXCLUDED.updated_by, updated_at = now()
		WHERE $6::timestamptz IS NULL OR m.updated_at = $6
		RETURNING ` + messageTemplateColumns + `, (xmax = 0) AS created`
	var out struct {
		message.Template
		Created bool `db:"created"`
	}
	err := s.db.GetContext(ctx, &out, q, t.Key, t.Locale, t.Subject, t.Body, t.UpdatedBy, version)
	if errors.Is(err, sql.ErrNoRows) { // only a version can keep the row from being written
		now, err := s.MessageTemplate(ctx, t.Key, t.Locale)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return t, false, err
		}
		return now, false, ErrStale
	}
	if err != nil {
		return t, false, fmt.Errorf("put message template %s/%s: %w", t.Key, t.Locale, err)
	}
	return out.Template, out.Created, nil
}

// MessageTemplateText is the subject and body of the admins' version of key in
// locale; false when they kept the seeded text.
func (s *Store) MessageTemplateText(ctx context.Context, key message.Key, locale message.Locale) (message.Text, bool, error) {
	t, err := s.MessageTemplate(ctx, key, locale)
	if errors.Is(err, ErrNotFound) {
		return message.Text{}, false, nil
	}
	if err != nil {
		return message.Text{}, false, err
	}
	return t.Text(), true, nil
}
