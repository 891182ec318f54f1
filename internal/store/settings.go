package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// readSetting decodes the JSON document stored under name over v, which holds the
// defaults: a field added later keeps its default in documents stored before it, and
// a name never stored leaves v as it is (found false). Decoding over a slice reuses
// its elements, so a document holding a list is read into a zero value.
func (s *Store) readSetting(ctx context.Context, name string, v any) (found bool, err error) {
	var doc string
	err = s.db.GetContext(ctx, &doc, `SELECT value FROM settings WHERE name = $1`, name)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read setting %s: %w", name, err)
	}
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return true, fmt.Errorf("read setting %s: %w", name, err)
	}
	return true, nil
}

// writeSetting stores v as the JSON document under name, replacing the one before.
func (s *Store) writeSetting(ctx context.Context, name string, v any) error {
	doc, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("write setting %s: %w", name, err)
	}
	const q = `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`
	if _, err := s.db.ExecContext(ctx, q, name, string(doc)); err != nil {
		return fmt.Errorf("write setting %s: %w", name, err)
	}
	return nil
}
