package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
func (s *Store) PutMessageTemplate(ctx context.Context, t message.Template) (message.Template, bool, error) {
	const q = `INSERT INTO message_templates (key, locale, subject, body, updated_by)
		VALUES (:key, :locale, :subject, :body, :updated_by)
		ON CONFLICT (key, locale) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body,
			updated_by = EXCLUDED.updated_by, updated_at = now()
		RETURNING ` + messageTemplateColumns + `, (xmax = 0) AS created`
	var out struct {
		message.Template
		Created bool `db:"created"`
	}
	rows, err := s.db.NamedQueryContext(ctx, q, t)
	if err != nil {
		return t, false, fmt.Errorf("put message template %s/%s: %w", t.Key, t.Locale, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return t, false, fmt.Errorf("put message template %s/%s: no row", t.Key, t.Locale)
	}
	if err := rows.StructScan(&out); err != nil {
		return t, false, fmt.Errorf("put message template %s/%s: %w", t.Key, t.Locale, err)
	}
	return out.Template, out.Created, rows.Err()
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
