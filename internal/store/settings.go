package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Version is when and by whom something was last written: an If-Match names it
// (see ErrStale). The zero At is "never": the defaults.
type Version struct {
	At time.Time `db:"updated_at"`
	By string    `db:"updated_by"`
}

// document is a setting kept as one JSON document over defaults, read and written
// whole with its version.
type document[T any] struct {
	name     string
	defaults func() T
}

// read reads the document over its defaults, and its version.
func (d document[T]) read(ctx context.Context, s *Store) (T, Version, error) {
	v := d.defaults()
	version, err := s.readSetting(ctx, d.name, &v)
	return v, version, err
}

// write replaces the document; with a version, only if it is still that version
// (see ErrStale).
func (d document[T]) write(ctx context.Context, s *Store, v T, by string, at time.Time, version *time.Time) (Version, error) {
	return s.writeSetting(ctx, d.name, v, by, at, version)
}

// readSetting decodes the JSON document stored under name over v, which holds the
// defaults: a field added later keeps its default in documents stored before it, and
// a name never stored leaves v as it is (the zero Version). Decoding over a slice
// reuses its elements, so a document holding a list is read into a zero value.
func (s *Store) readSetting(ctx context.Context, name string, v any) (Version, error) {
	var row struct {
		Value string `db:"value"`
		Version
	}
	err := s.db.GetContext(ctx, &row, `SELECT value, updated_at, updated_by FROM settings WHERE name = $1`, name)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, nil
	}
	if err != nil {
		return Version{}, fmt.Errorf("read setting %s: %w", name, err)
	}
	if err := json.Unmarshal([]byte(row.Value), v); err != nil {
		return row.Version, fmt.Errorf("read setting %s: %w", name, err)
	}
	return row.Version, nil
}

// writeSetting stores v as the JSON document under name, replacing the one before,
// as written by by at at (its new version, to the microsecond the database keeps).
// With a version (see ErrStale; zero: never written) it is stored only if the
// document is still that version — checked by the write itself — else ErrStale
// and the version it is.
func (s *Store) writeSetting(ctx context.Context, name string, v any, by string, at time.Time, version *time.Time) (Version, error) {
	doc, err := json.Marshal(v)
	if err != nil {
		return Version{}, fmt.Errorf("write setting %s: %w", name, err)
	}
	const q = `INSERT INTO settings AS s (name, value, updated_at, updated_by)
		SELECT $1, $2, $3, $4
		WHERE $5::timestamptz IS NULL OR $5 = '0001-01-01T00:00:00Z' OR EXISTS (SELECT FROM settings WHERE name = $1)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
		WHERE $5::timestamptz IS NULL OR s.updated_at = $5
		RETURNING updated_at, updated_by`
	var written Version
	err = s.db.GetContext(ctx, &written, q, name, string(doc), at.UTC().Truncate(time.Microsecond), by, version)
	if errors.Is(err, sql.ErrNoRows) { // only a version can keep the row from being written
		err = s.db.GetContext(ctx, &written, `SELECT updated_at, updated_by FROM settings WHERE name = $1`, name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return written, fmt.Errorf("write setting %s: %w", name, err)
		}
		return written, ErrStale
	}
	if err != nil {
		return written, fmt.Errorf("write setting %s: %w", name, err)
	}
	return written, nil
}
