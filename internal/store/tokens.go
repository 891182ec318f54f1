package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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
}

// CreateToken stores a new token. A person it acts for must exist (people are never
// deleted, so the foreign key is the whole check).
func (s *Store) CreateToken(ctx context.Context, t Token) (Token, error) {
	const q = `INSERT INTO api_tokens (id, name, role, token_hash, created_by, person_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at`
	err := s.db.GetContext(ctx, &t.CreatedAt, q, t.ID, t.Name, t.Role, t.Hash, t.CreatedBy, t.PersonID)
	switch {
	case isUniqueViolation(err):
		return t, fmt.Errorf("token already exists: %w", ErrConflict)
	case isForeignKeyViolation(err):
		return t, invalidField("person_id", "no person "+null.Value(t.PersonID))
	case err != nil:
		return t, fmt.Errorf("create token: %w", err)
	}
	return t, nil
}

// EnsureToken stores a token unless one with the same hash exists; used to seed the
// bootstrap admin token on every start without duplicating it.
func (s *Store) EnsureToken(ctx context.Context, t Token) error {
	const q = `INSERT INTO api_tokens (id, name, role, token_hash, created_by, person_id)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (token_hash) DO NOTHING`
	if _, err := s.db.ExecContext(ctx, q, t.ID, t.Name, t.Role, t.Hash, t.CreatedBy, t.PersonID); err != nil {
		return fmt.Errorf("ensure token: %w", err)
	}
	return nil
}

// TokenByHash finds an unrevoked token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	const q = `SELECT id, name, role, token_hash, created_at, created_by, revoked_at, person_id
		FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`
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
