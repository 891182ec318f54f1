package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/complaintflow/complaintflow/internal/null"
)

// Token is an API bearer token. Only the SHA-256 of its secret is stored.
type Token struct {
	ID        string     `db:"id"`
	Name      string     `db:"name"`
	Role      string     `db:"role"`
	Hash      []byte     `db:"token_hash"`
	CreatedAt time.Time  `db:"created_at"`
	CreatedBy string     `db:"created_by"`
	RevokedAt *time.Time `db:"revoked_at"`
	// PersonID is the directory person the token acts for, if any: the identity
	// recorded on its actions and checked by manager approvals.
	PersonID *string `db:"person_id"`
	// ExpiresAt is when the token stops working by itself; nil for never.
	ExpiresAt *time.Time `db:"expires_at"`
	// LastUsedAt is recorded at most once a minute per API process (TouchToken), so
	// it trails the true last use by up to a minute.
	LastUsedAt *time.Time `db:"last_used_at"`
	// RotatedAt is when the secret was last replaced; nil if never.
	RotatedAt *time.Time `db:"rotated_at"`
	// IntegrationID is the intake integration an intake token files for: its
	// complaints' customer-visible changes are posted to the integration's callback.
	IntegrationID *string `db:"integration_id"`
}

const tokenColumns = `id, name, role, token_hash, created_at, created_by, revoked_at, person_id,
	expires_at, last_used_at, rotated_at, integration_id`

// CreateToken stores a new token. A person it acts for must exist (people are never
// deleted, so the foreign key is the whole check).
func (s *Store) CreateToken(ctx context.Context, t Token) (Token, error) {
	const q = `INSERT INTO api_tokens (id, name, role, token_hash, created_by, person_id, expires_at, integration_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at`
	err := s.db.GetContext(ctx, &t.CreatedAt, q, t.ID, t.Name, t.Role, t.Hash, t.CreatedBy, t.PersonID, t.ExpiresAt, t.IntegrationID)
	switch {
	case isUniqueViolation(err):
		return t, fmt.Errorf("token already exists: %w", ErrConflict)
	case isForeignKeyViolation(err) && strings.Contains(err.Error(), "integration"):
		return t, invalidField("integration_id", "no integration "+null.Value(t.IntegrationID))
	case isForeignKeyViolation(err):
		return t, invalidField("person_id", "no person "+null.Value(t.PersonID))
	case err != nil:
		return t, fmt.Errorf("create token: %w", err)
	}
	return t, nil
}

// EnsureToken stores a token unless one with the same hash exists or once existed;
// used to seed the bootstrap admin token on every start without duplicating it, and
// without bringing back a secret that was rotated away.
func (s *Store) EnsureToken(ctx context.Context, t Token) error {
	const q = `INSERT INTO api_tokens (id, name, role, token_hash, created_by, person_id)
		SELECT $1, $2, $3, $4, $5, $6
		WHERE NOT EXISTS (SELECT 1 FROM api_token_retired_hashes WHERE token_hash = $4)
		ON CONFLICT (token_hash) DO NOTHING`
	if _, err := s.db.ExecContext(ctx, q, t.ID, t.Name, t.Role, t.Hash, t.CreatedBy, t.PersonID); err != nil {
		return fmt.Errorf("ensure token: %w", err)
	}
	return nil
}

// SeedBootstrapToken stores the bootstrap admin token as EnsureToken does and, when
// its secret is new (neither stored nor retired), revokes every other token seeded
// the same way (created_by t.CreatedBy), also one rotated since: a changed
// BOOTSTRAP_ADMIN_TOKEN replaces the old one rather than adding a second admin.
// Restarting with an unchanged (or rotated-away) secret changes nothing.
func (s *Store) SeedBootstrapToken(ctx context.Context, t Token) (replaced int, err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	err = func() error {
		const insert = `INSERT INTO api_tokens (id, name, role, token_hash, created_by, person_id)
			SELECT $1, $2, $3, $4, $5, $6
			WHERE NOT EXISTS (SELECT 1 FROM api_token_retired_hashes WHERE token_hash = $4)
			ON CONFLICT (token_hash) DO NOTHING`
		res, err := tx.ExecContext(ctx, insert, t.ID, t.Name, t.Role, t.Hash, t.CreatedBy, t.PersonID)
		if err != nil {
			return fmt.Errorf("seed bootstrap token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		const revoke = `UPDATE api_tokens SET revoked_at = now()
			WHERE created_by = $1 AND id <> $2 AND revoked_at IS NULL`
		res, err = tx.ExecContext(ctx, revoke, t.CreatedBy, t.ID)
		if err != nil {
			return fmt.Errorf("revoke replaced bootstrap tokens: %w", err)
		}
		n, _ := res.RowsAffected()
		replaced = int(n)
		return nil
	}()
	if err != nil {
		return 0, err
	}
	return replaced, tx.Commit()
}

// TokenByHash finds a usable token — neither revoked nor expired — by the hash of
// its secret.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	const q = `SELECT ` + tokenColumns + ` FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`
	var t Token
	err := s.db.GetContext(ctx, &t, q, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("read token: %w", err)
	}
	return t, nil
}

// Token reads a token by ID, whatever its state.
func (s *Store) Token(ctx context.Context, id string) (Token, error) {
	return s.token(ctx, s.db, id, "")
}

func (s *Store) token(ctx context.Context, db sqlx.QueryerContext, id, lock string) (Token, error) {
	q := `SELECT ` + tokenColumns + ` FROM api_tokens WHERE id = $1 ` + lock
	var t Token
	err := sqlx.GetContext(ctx, db, &t, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("read token %s: %w", id, err)
	}
	return t, nil
}

// Tokens lists tokens newest first, revoked and expired ones included, a page of
// limit after the keyset cursor (at, id); a zero at starts at the newest.
func (s *Store) Tokens(ctx context.Context, limit int, at time.Time, id string) ([]Token, error) {
	const q = `SELECT ` + tokenColumns + ` FROM api_tokens
		WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1, $2::uuid)
		ORDER BY created_at DESC, id DESC LIMIT $3`
	var cursor *time.Time
	if !at.IsZero() {
		cursor = &at
	}
	ts := []Token{}
	if err := s.db.SelectContext(ctx, &ts, q, cursor, null.IfEmpty(id), limit); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes a token now; revoking a revoked token changes nothing and
// returns it as it is.
func (s *Store) RevokeToken(ctx context.Context, id string) (Token, error) {
	const q = `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
		RETURNING ` + tokenColumns
	var t Token
	err := s.db.GetContext(ctx, &t, q, id)
	if errors.Is(err, sql.ErrNoRows) {
		return s.Token(ctx, id)
	}
	if err != nil {
		return t, fmt.Errorf("revoke token %s: %w", id, err)
	}
	return t, nil
}

// TokenUnusableError says why a token cannot be rotated (it is revoked, or expired
// with no new expiry given). It is an ErrConflict.
type TokenUnusableError struct{ Reason string }

func (e *TokenUnusableError) Error() string { return e.Reason }

// Unwrap makes the error an ErrConflict.
func (e *TokenUnusableError) Unwrap() error { return ErrConflict }

// TokenRotation is a rotation's new secret hash and, when SetExpiry, its new expiry
// (nil for never); without SetExpiry the expiry stays as it was.
type TokenRotation struct {
	Hash      []byte
	SetExpiry bool
	ExpiresAt *time.Time
}

// RotateToken replaces a token's secret, keeping its ID, role and person. The old
// hash is kept among the retired ones so it never becomes valid again, and the
// console sessions signed in with it end: a session keeps only the token's ID, so it
// would outlive the secret rotated because it leaked.
func (s *Store) RotateToken(ctx context.Context, id string, rot TokenRotation) (Token, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return Token{}, fmt.Errorf("rotate token %s: %w", id, err)
	}
	defer func() { _ = tx.Rollback() }()
	old, err := s.token(ctx, tx, id, "FOR UPDATE")
	if err != nil {
		return old, err
	}
	expires := old.ExpiresAt
	if rot.SetExpiry {
		expires = rot.ExpiresAt
	}
	switch {
	case old.RevokedAt != nil:
		return old, &TokenUnusableError{Reason: "token " + id + " is revoked; create a new one"}
	case expires != nil && !expires.After(time.Now()):
		return old, &TokenUnusableError{Reason: "token " + id + " has expired; give a new expires_in or expires_at"}
	}
	const retire = `INSERT INTO api_token_retired_hashes (token_hash, token_id) VALUES ($1, $2)`
	if _, err := tx.ExecContext(ctx, retire, old.Hash, id); err != nil {
		return old, fmt.Errorf("retire secret of token %s: %w", id, err)
	}
	const q = `UPDATE api_tokens SET token_hash = $2, expires_at = $3, rotated_at = now()
		WHERE id = $1 RETURNING ` + tokenColumns
	var t Token
	err = tx.GetContext(ctx, &t, q, id, rot.Hash, expires)
	switch {
	case isUniqueViolation(err):
		return old, fmt.Errorf("token secret collision: %w", ErrConflict)
	case err != nil:
		return old, fmt.Errorf("rotate token %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM console_sessions WHERE token_id = $1`, id); err != nil {
		return old, fmt.Errorf("end the console sessions of token %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return old, fmt.Errorf("rotate token %s: %w", id, err)
	}
	return t, nil
}

// TouchToken records that the token was used at `at`, never moving the record back.
// It changes no token generation: recording use invalidates no cached principal.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	const q = `UPDATE api_tokens SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)`
	if _, err := s.db.ExecContext(ctx, q, id, at); err != nil {
		return fmt.Errorf("record use of token %s: %w", id, err)
	}
	return nil
}

// TokenGeneration is a counter a trigger bumps in the same transaction as any change
// to a token's secret, role, person, revocation or expiry (migration 00010). An API
// process whose cached principals were read under an older generation drops them.
func (s *Store) TokenGeneration(ctx context.Context) (int64, error) {
	var g int64
	if err := s.db.GetContext(ctx, &g, `SELECT generation FROM api_token_generation`); err != nil {
		return 0, fmt.Errorf("read token generation: %w", err)
	}
	return g, nil
}
