package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ConsoleSession is a signed-in browser of the web console: the hash of the random
// ID its cookie holds, the API token it acts as and its CSRF synchronizer token.
type ConsoleSession struct {
	IDHash    []byte    `db:"id_hash"`
	TokenID   string    `db:"token_id"`
	CSRFToken string    `db:"csrf_token"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
}

// CreateConsoleSession stores a new session and, in passing, drops expired ones so
// the table never grows with abandoned browsers.
func (s *Store) CreateConsoleSession(ctx context.Context, cs ConsoleSession) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM console_sessions WHERE expires_at <= now()`); err != nil {
		return fmt.Errorf("drop expired console sessions: %w", err)
	}
	const q = `INSERT INTO console_sessions (id_hash, token_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)`
	if _, err := s.db.ExecContext(ctx, q, cs.IDHash, cs.TokenID, cs.CSRFToken, cs.ExpiresAt); err != nil {
		return fmt.Errorf("create console session: %w", err)
	}
	return nil
}

// ConsoleSession reads an unexpired session by the hash of its ID; ErrNotFound when
// there is none, it expired or was signed out.
func (s *Store) ConsoleSession(ctx context.Context, idHash []byte) (ConsoleSession, error) {
	const q = `SELECT id_hash, token_id, csrf_token, created_at, expires_at FROM console_sessions
		WHERE id_hash = $1 AND expires_at > now()`
	var cs ConsoleSession
	err := s.db.GetContext(ctx, &cs, q, idHash)
	if errors.Is(err, sql.ErrNoRows) {
		return cs, ErrNotFound
	}
	if err != nil {
		return cs, fmt.Errorf("read console session: %w", err)
	}
	return cs, nil
}

// DeleteConsoleSession signs a session out; deleting one already gone is no error.
func (s *Store) DeleteConsoleSession(ctx context.Context, idHash []byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM console_sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete console session: %w", err)
	}
	return nil
}
